import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeBinaryBody, INFERENCE_HEADER_CONTENT_LENGTH } from '@ddnn/contracts';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { EdgeInferenceGuard } from '../edge/edge-inference.guard';
import { sendInferResponse } from './infer-http-response';
import { InferenceController } from './inference.controller';
import { InferenceService } from './inference.service';
import { oipRequestBody } from './oip-http-body';

/** The two Open Inference Protocol infer paths, as Fastify routes (OpenAPI: infer-openapi.ts). */
export const INFER_PATHS = [
  '/v2/models/:name/infer',
  '/v2/models/:name/versions/:version/infer',
] as const;

type InferRequest = FastifyRequest<{ Params: { name: string; version?: string } }>;

/**
 * POST /v2/models/{name}[/versions/{version}]/infer on the Fastify instance itself, outside
 * Nest's router: serving one sample is the platform's hot path, and Nest's execution context,
 * guard and filter machinery cost several times the HTTP stack. The checks stay the same ones:
 * the rate limit (shared with the other /v2 routes of InferenceController) and the edge
 * credential check (EdgeInferenceGuard.authorize) run as preHandler hooks, after the body is
 * read, as Nest's guards did; errors reach Fastify's error handler, which is the exception
 * filter's (api-app.factory.ts), so answers and error bodies are unchanged.
 */
export function registerInferRoutes(
  fastify: FastifyInstance,
  services: {
    inference: InferenceService;
    rateLimit: RateLimitGuard;
    edgeInference: EdgeInferenceGuard;
  },
): void {
  const { inference, rateLimit, edgeInference } = services;
  const limitScope = InferenceController.name;
  const checks = async (request: InferRequest): Promise<void> => {
    await rateLimit.check(limitScope, request.ip);
    const client = await edgeInference.authorize(
      request.headers.authorization,
      request.params.name,
      Number(request.headers['content-length']),
    );
    if (client) Object.assign(request, { edgeClient: client });
  };
  const handler = async (request: InferRequest, reply: FastifyReply): Promise<Buffer> => {
    const { name, version } = request.params;
    const headerLength = request.headers[INFERENCE_HEADER_CONTENT_LENGTH];
    const payload = oipRequestBody(
      request.body,
      Array.isArray(headerLength) ? headerLength[0] : headerLength,
    );
    // a binary body's JSON header is parsed once, here, for the service and the answer's encoding
    const json =
      'json' in payload ? payload.json : decodeBinaryBody(payload.binary, payload.headerLength);
    const response = await inference.infer(name, version, json);
    return sendInferResponse(reply, { json }, response, request.headers['accept-encoding']);
  };
  for (const url of INFER_PATHS) {
    fastify.route({ method: 'POST', url, preHandler: checks, handler });
  }
}
