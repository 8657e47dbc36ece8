import type { FastifyInstance } from 'fastify';
import mercurius, { type MercuriusContext } from 'mercurius';
import type { ExecutionResult } from 'graphql';

/**
 * GraphQL over HTTP details Mercurius leaves out (checked by graphql-http's audit in
 * test/graphql-over-http.e2e.spec.ts):
 * - `"extensions": null` in a POST body is allowed (a MUST): it is dropped before Mercurius
 *   validates the body;
 * - a document that does not parse or validate, or variables that do not coerce, answer 200 with
 *   `errors` (the spec's SHOULD for application/json, and what Apollo Client needs to see the
 *   errors) instead of Mercurius' 400, unless the client asks for application/graphql-response+json.
 *   Malformed HTTP requests (not JSON, no query) stay 400.
 */
export function allowNullExtensions(fastify: FastifyInstance, path = '/graphql'): void {
  fastify.addHook('preValidation', async (request) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== path) return;
    const body = request.body as Record<string, unknown> | null;
    if (body && typeof body === 'object' && body.extensions === null) delete body.extensions;
  });
}

export function graphqlErrorFormatter(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: MercuriusContext,
): ReturnType<typeof mercurius.defaultErrorFormatter> {
  const formatted = mercurius.defaultErrorFormatter(execution, context);
  // Answers are application/json only; a client preferring application/graphql-response+json
  // keeps the 400 that media type's rules ask for.
  const request = context.reply?.request;
  const accept = String(request?.headers.accept ?? '');
  const jsonPost =
    request?.method !== 'POST' ||
    String(request.headers['content-type'] ?? '').startsWith('application/json');
  const invalidDocument =
    jsonPost &&
    !accept.includes('application/graphql-response+json') &&
    !execution.data &&
    execution.errors.length === 1 &&
    (execution.errors[0].originalError as { code?: string } | undefined)?.code ===
      'MER_ERR_GQL_VALIDATION';
  return invalidDocument ? { ...formatted, statusCode: 200 } : formatted;
}
