import { FEATURES_INPUT, PRESENT_INPUT, VIEWS_INPUT } from '@ddnn/contracts';

/**
 * The OpenAPI operations of the /v2 infer routes: they are Fastify's own (infer-routes.ts), so
 * Nest's controller scan does not see them; openapi-document.ts adds these, and the shared
 * success and error answers, to the document.
 */
const inferBody = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['inputs'],
        properties: {
          id: { type: 'string' },
          inputs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'shape', 'datatype', 'data'],
              properties: {
                name: { type: 'string', enum: [VIEWS_INPUT, FEATURES_INPUT, PRESENT_INPUT] },
                shape: { type: 'array', items: { type: 'integer' } },
                datatype: { type: 'string', enum: ['FP32', 'UINT8', 'BOOL'] },
                data: { type: 'array', items: {} },
              },
            },
          },
          outputs: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' } } },
          },
        },
      },
    },
  },
};

const pathParameter = (name: string) => ({
  name,
  required: true,
  in: 'path',
  schema: { type: 'string' },
});

const tags = ['inference (Open Inference Protocol v2)'];

export const INFER_OPENAPI_PATHS: Record<string, Record<string, unknown>> = {
  '/v2/models/{name}/infer': {
    post: {
      operationId: 'InferenceController_infer',
      summary: 'Infer with the newest version',
      tags,
      parameters: [pathParameter('name')],
      requestBody: inferBody,
      responses: {},
    },
  },
  '/v2/models/{name}/versions/{version}/infer': {
    post: {
      operationId: 'InferenceController_inferVersion',
      summary: 'Infer with a version (number or alias)',
      description:
        'Mode (a): input "device_features" UINT8 [N, V, bytesPerDevice] = bit-packed device feature maps, ' +
        'optional "device_present" BOOL [V]; answered by the cloud tier. Mode (b): input "views" FP32 ' +
        '[N, V, H, W, C] = raw views; run through devices, local exit (version threshold) and cloud. ' +
        'Outputs: class, probabilities, exit_tier, entropy, comm_bytes (per device). Binary tensor data ' +
        'extension: Content-Type application/octet-stream with Inference-Header-Content-Length; inputs ' +
        'with parameters.binary_data_size carry their raw little-endian bytes after the JSON header.',
      tags,
      parameters: [pathParameter('name'), pathParameter('version')],
      requestBody: inferBody,
      responses: {},
    },
  },
};
