/**
 * Response schemas of the REST API for the OpenAPI document, by operation ("METHOD /path"):
 * what each route answers on success. Error answers are the same on every route (see
 * openapi-document.ts). test/openapi.e2e.spec.ts fails when an operation has none here.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const list = (item: Schema): Schema => ({ type: 'array', items: item });
const timestamp: Schema = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

/** The resources, with the fields clients rely on (rows may carry more). */
export const RESOURCE_SCHEMAS: Record<string, Schema> = {
  Dataset: {
    type: 'object',
    required: ['id', 'name', 'viewCount', 'classNames', 'viewShape', 'trainSize', 'testSize'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      format: { type: 'string' },
      viewCount: { type: 'integer' },
      viewNames: list({ type: 'string' }),
      classNames: list({ type: 'string' }),
      viewShape: list({ type: 'integer' }),
      trainSize: { type: 'integer' },
      testSize: { type: 'integer' },
      sizeBytes: { type: 'integer' },
      sha256: { type: 'string' },
      createdAt: timestamp,
    },
  },
  Model: {
    type: 'object',
    required: ['id', 'name', 'config'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      config: { type: 'object', description: 'the DDNN configuration (see POST /models)' },
      createdAt: timestamp,
    },
  },
  ModelAlias: {
    type: 'object',
    required: ['name', 'versionId'],
    properties: {
      name: { type: 'string' },
      versionId: { type: 'string', format: 'uuid' },
      modelId: { type: 'string', format: 'uuid' },
      updatedAt: timestamp,
    },
  },
  TrainingJob: {
    type: 'object',
    required: ['id', 'status'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      status: { type: 'string', enum: ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] },
      modelId: { type: 'string', format: 'uuid' },
      datasetId: { type: 'string', format: 'uuid' },
      params: { type: 'object' },
      currentEpoch: { type: 'integer' },
      totalEpochs: { type: 'integer' },
      progress: { type: 'number' },
      error: nullable({ type: 'string' }),
      epochs: list({ type: 'object' }),
      createdAt: timestamp,
    },
  },
  EdgeClient: {
    type: 'object',
    required: ['id', 'name', 'role', 'status', 'modelName'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      role: { type: 'string', enum: ['DEVICE', 'GATEWAY'] },
      status: { type: 'string', enum: ['ACTIVE', 'REVOKED'] },
      modelName: { type: 'string' },
      deviceIndex: nullable({ type: 'integer' }),
      alias: nullable({ type: 'string' }),
      pinnedVersion: nullable({ type: 'integer' }),
      installedVersion: nullable({ type: 'integer' }),
      lastSeenAt: nullable(timestamp),
      counters: {},
      createdAt: timestamp,
      revokedAt: nullable(timestamp),
    },
  },
  OipTensorMetadata: {
    type: 'object',
    required: ['name', 'datatype', 'shape'],
    properties: {
      name: { type: 'string' },
      datatype: { type: 'string' },
      shape: list({ type: 'integer' }),
    },
  },
  OipModelMetadata: {
    type: 'object',
    required: ['name', 'platform', 'inputs', 'outputs'],
    properties: {
      name: { type: 'string' },
      versions: list({ type: 'string' }),
      platform: { type: 'string' },
      inputs: list(ref('OipTensorMetadata')),
      outputs: list(ref('OipTensorMetadata')),
      parameters: { type: 'object' },
    },
  },
  OipDurationStat: {
    type: 'object',
    required: ['count', 'ns'],
    properties: { count: { type: 'integer' }, ns: { type: 'integer' } },
  },
  OipModelStatistics: {
    type: 'object',
    description: "Triton's statistics extension: this API process's counts since it started",
    required: ['model_stats'],
    properties: {
      model_stats: list({
        type: 'object',
        required: [
          'name',
          'version',
          'last_inference',
          'inference_count',
          'execution_count',
          'inference_stats',
          'batch_stats',
        ],
        properties: {
          name: { type: 'string' },
          version: { type: 'string' },
          last_inference: { type: 'integer', description: 'ms since the epoch, 0 if never' },
          inference_count: { type: 'integer' },
          execution_count: { type: 'integer' },
          inference_stats: {
            type: 'object',
            additionalProperties: ref('OipDurationStat'),
            description:
              'success, fail, queue, compute_input, compute_infer, compute_output, cache_hit, cache_miss',
          },
          response_stats: { type: 'object' },
          batch_stats: list({
            type: 'object',
            required: ['batch_size', 'compute_input', 'compute_infer', 'compute_output'],
            properties: {
              batch_size: { type: 'integer' },
              compute_input: ref('OipDurationStat'),
              compute_infer: ref('OipDurationStat'),
              compute_output: ref('OipDurationStat'),
            },
          }),
          memory_usage: list({ type: 'object' }),
        },
      }),
    },
  },
  OipInferResponse: {
    type: 'object',
    required: ['model_name', 'outputs'],
    description:
      'JSON, or with binary outputs application/octet-stream: Inference-Header-Content-Length ' +
      'bytes of this JSON, then the outputs whose parameters.binary_data_size is set, in order',
    properties: {
      model_name: { type: 'string' },
      model_version: { type: 'string' },
      id: { type: 'string' },
      parameters: { type: 'object' },
      outputs: list({
        type: 'object',
        required: ['name', 'datatype', 'shape'],
        properties: {
          name: { type: 'string' },
          datatype: { type: 'string' },
          shape: list({ type: 'integer' }),
          parameters: { type: 'object' },
          data: list({}),
        },
      }),
    },
  },
};

const json = (schema: Schema) => ({ 'application/json': { schema } });
const ready = {
  type: 'object',
  required: ['ready'],
  properties: { name: { type: 'string' }, version: { type: 'string' }, ready: { type: 'boolean' } },
};
const inferAnswer = {
  ...json(ref('OipInferResponse')),
  'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
};

/** Success status and content of every operation. */
export const SUCCESS_RESPONSES: Record<string, { status: string; content: Schema }> = {
  'GET /health': {
    status: '200',
    content: json({ type: 'object', properties: { status: { const: 'ok' } } }),
  },
  'GET /datasets': { status: '200', content: json(list(ref('Dataset'))) },
  'POST /datasets': { status: '201', content: json(ref('Dataset')) },
  'GET /datasets/{idOrName}': { status: '200', content: json(ref('Dataset')) },
  'POST /datasets/builtin': { status: '201', content: json(ref('Dataset')) },
  'GET /datasets/{idOrName}/contact-sheet.png': {
    status: '200',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  },
  'GET /models': { status: '200', content: json(list(ref('Model'))) },
  'POST /models': { status: '201', content: json(ref('Model')) },
  'PUT /models/{name}/aliases/{alias}': { status: '200', content: json(ref('ModelAlias')) },
  'GET /training-jobs': { status: '200', content: json(list(ref('TrainingJob'))) },
  'POST /training-jobs': { status: '201', content: json(ref('TrainingJob')) },
  'GET /training-jobs/{id}': { status: '200', content: json(ref('TrainingJob')) },
  'POST /training-jobs/{id}/cancel': { status: '200', content: json(ref('TrainingJob')) },
  'GET /v2': {
    status: '200',
    content: json({
      type: 'object',
      required: ['name', 'version', 'extensions'],
      properties: {
        name: { type: 'string' },
        version: { type: 'string' },
        extensions: list({ type: 'string' }),
      },
    }),
  },
  'GET /v2/health/live': {
    status: '200',
    content: json({ type: 'object', properties: { live: { type: 'boolean' } } }),
  },
  'GET /v2/health/ready': {
    status: '200',
    content: json({ type: 'object', properties: { ready: { type: 'boolean' } } }),
  },
  'GET /v2/models/{name}': { status: '200', content: json(ref('OipModelMetadata')) },
  'GET /v2/models/{name}/ready': { status: '200', content: json(ready) },
  'GET /v2/models/{name}/versions/{version}': {
    status: '200',
    content: json(ref('OipModelMetadata')),
  },
  'GET /v2/models/{name}/versions/{version}/ready': { status: '200', content: json(ready) },
  'GET /v2/models/stats': { status: '200', content: json(ref('OipModelStatistics')) },
  'GET /v2/models/{name}/stats': { status: '200', content: json(ref('OipModelStatistics')) },
  'GET /v2/models/{name}/versions/{version}/stats': {
    status: '200',
    content: json(ref('OipModelStatistics')),
  },
  'POST /v2/models/{name}/infer': { status: '200', content: inferAnswer },
  'POST /v2/models/{name}/versions/{version}/infer': { status: '200', content: inferAnswer },
  'POST /edge/enrollment-tokens': {
    status: '201',
    content: json({
      type: 'object',
      required: ['id', 'token', 'expiresAt'],
      properties: { id: { type: 'string' }, token: { type: 'string' }, expiresAt: timestamp },
    }),
  },
  'GET /edge/clients': { status: '200', content: json(list(ref('EdgeClient'))) },
  'POST /edge/clients/{id}/revoke': { status: '200', content: json(ref('EdgeClient')) },
  'POST /edge/clients/register': {
    status: '201',
    content: json({
      type: 'object',
      required: ['client', 'credential', 'groupSecret'],
      properties: {
        client: ref('EdgeClient'),
        credential: { type: 'string' },
        groupSecret: { type: 'string', description: "the device group's HELLO secret" },
      },
    }),
  },
  'GET /edge/group-secret': {
    status: '200',
    content: json({
      type: 'object',
      required: ['modelName', 'groupSecret'],
      properties: { modelName: { type: 'string' }, groupSecret: { type: 'string' } },
    }),
  },
  'GET /edge/public-key': {
    status: '200',
    content: json({ type: 'object', properties: { publicKeyPem: { type: 'string' } } }),
  },
  'GET /edge/partition': {
    status: '200',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  },
  'POST /edge/heartbeat': { status: '200', content: json({ type: 'object' }) },
  'GET /metrics': { status: '200', content: { 'text/plain': { schema: { type: 'string' } } } },
};
