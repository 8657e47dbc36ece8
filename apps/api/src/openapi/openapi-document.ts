import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { INFER_OPENAPI_PATHS } from '../inference/infer-openapi';
import { RESOURCE_SCHEMAS, SUCCESS_RESPONSES } from './openapi-responses';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Operation = { responses?: Record<string, unknown>; [key: string]: unknown };

const ERROR_SCHEMAS = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', description: 'machine-readable, e.g. VALIDATION_FAILED' },
          message: { type: 'string', description: 'what went wrong and what to send instead' },
          details: { type: 'object' },
          requestId: { type: 'string' },
        },
      },
    },
  },
  OipError: {
    type: 'object',
    required: ['error'],
    description: 'The Open Inference Protocol error; the code is also in the X-Error-Code header',
    properties: { error: { type: 'string' }, code: { type: 'string' } },
  },
};

/**
 * The OpenAPI 3.1 document of the REST API (JSON Schema 2020-12 schemas, as the zod-derived
 * request bodies are): Nest's scan of the controllers, plus each operation's success content
 * (openapi-responses.ts), the error answers every route shares (4XX/5XX), the edge client's
 * bearer scheme, and the routes the scan leaves out: /metrics (plain text) and the /v2 infer
 * routes (Fastify's own, infer-openapi.ts).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle('DDNN platform')
      .setDescription(
        'Datasets, training jobs, model registry and inference (Open Inference Protocol v2 under /v2, ' +
          'also over gRPC on GRPC_PORT). Management endpoints need "Authorization: Bearer <ADMIN_TOKEN>"; ' +
          'reading metadata is open.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description: 'an edge client credential (from register)',
        },
        'edge-client',
      )
      .build(),
  );
  doc.components = {
    ...doc.components,
    schemas: { ...doc.components?.schemas, ...ERROR_SCHEMAS, ...RESOURCE_SCHEMAS },
  };
  Object.assign(doc.paths, INFER_OPENAPI_PATHS);
  doc.paths['/metrics'] = {
    get: {
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      tags: ['metrics'],
      responses: {},
    },
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const responses: Record<string, unknown> = { ...op.responses };
      const success = SUCCESS_RESPONSES[`${method.toUpperCase()} ${path}`];
      if (success) {
        for (const code of Object.keys(responses)) if (/^2/.test(code)) delete responses[code];
        responses[success.status] = { description: 'success', content: success.content };
      }
      const error = {
        $ref: `#/components/schemas/${path === '/v2' || path.startsWith('/v2/') ? 'OipError' : 'Error'}`,
      };
      responses['4XX'] = {
        description: 'the request was refused; the message says why and what to send',
        content: { 'application/json': { schema: error } },
      };
      responses['5XX'] = {
        description: 'internal error, or 503 with Retry-After when a dependency is down',
        content: { 'application/json': { schema: error } },
      };
      op.responses = responses;
    }
  }
  return doc;
}
