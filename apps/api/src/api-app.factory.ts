import 'reflect-metadata';
import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { PlatformConfig } from '@ddnn/contracts';
import { ApiModule } from './app.module';
import { ApiFastifyAdapter } from './common/api-fastify-adapter';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { allowNullExtensions } from './graphql/graphql-over-http';
import { registerBodyParsers } from './inference/oip-http-body';
import { registerInferRoutes } from './inference/infer-routes';
import { InferenceService } from './inference/inference.service';
import { RateLimitGuard } from './common/rate-limit.guard';
import { EdgeInferenceGuard } from './edge/edge-inference.guard';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { requestIdOf } from './common/request-id';
import { registerDashboard } from './dashboard/register-dashboard';
import { MetricsService } from './metrics/metrics.service';

/** Builds the API application (used by main.ts and by the end-to-end tests). */
export async function createApiApp(config: PlatformConfig): Promise<NestFastifyApplication> {
  const adapter = new ApiFastifyAdapter({
    logger: { level: config.LOG_LEVEL },
    bodyLimit: config.BODY_MAX_BYTES,
    // Request ids: taken from X-Request-Id when a proxy sets a plausible one (bounded length and
    // charset, else a fresh one), echoed back, and in every log line.
    requestIdHeader: false,
    genReqId: requestIdOf,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    // Body parsers are Fastify's, set up below (registerBodyParsers: depth-limited JSON, /v2 raw
    // bodies), not Nest's.
    bodyParser: false,
    logger: [
      'error',
      'warn',
      ...(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? (['log'] as const) : []),
    ],
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  });

  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify, {
    bodyLimit: config.BODY_MAX_BYTES,
    maxJsonDepth: config.BODY_MAX_JSON_DEPTH,
  });
  allowNullExtensions(fastify);
  registerInferRoutes(fastify, {
    inference: app.get(InferenceService),
    rateLimit: app.get(RateLimitGuard),
    edgeInference: app.get(EdgeInferenceGuard),
  });
  // Errors before a route runs (body parsing, decompression, body limits) and of the routes
  // outside Nest's router: answered by the exception filter's own code, the only Fastify error
  // handler (ApiFastifyAdapter keeps Nest's, which answers these 500, from being installed).
  const errors = new DomainExceptionFilter(config);
  fastify.setErrorHandler((error, request, reply) => errors.sendHttp(error, request, reply));
  const metrics = app.get(MetricsService);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });

  const openApi = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, openApi, { jsonDocumentUrl: 'docs/json' });
  await registerDashboard(app, config);
  app.enableShutdownHooks();
  return app;
}
