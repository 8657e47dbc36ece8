import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { GqlArgumentsHost, GqlContextType } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { DomainError, ErrorCode } from './domain-error';
import { httpStatusOf, toDomainError } from './error-mapping';

/** /v2 and everything under it: the Open Inference Protocol's REST endpoints. */
export function isOipPath(url: string): boolean {
  return url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?');
}

/**
 * The single exit for errors, REST and GraphQL alike: every error becomes
 * `{ error: { code, message, details } }` (REST; under /v2 the Open Inference Protocol's
 * `{ error: "<message>", code }`) or a GraphQL error with extensions.code.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const error = toDomainError(exception);
    const status = httpStatusOf(error.code);
    if (error.code === ErrorCode.Internal) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (host.getType<GqlContextType>() === 'graphql') {
      GqlArgumentsHost.create(host);
      return new GraphQLError(error.message, {
        extensions: {
          code: error.code,
          status,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    const http = host.switchToHttp();
    return sendHttpError(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      error,
      status,
    );
  }
}

/**
 * Writes an error response. Also Fastify's error handler (registered in api-app.factory.ts), so
 * errors raised before a route runs (body parsing, decompression, body limit) get the same shape.
 */
export function sendHttpError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: DomainError,
  status: number,
): FastifyReply {
  if (isOipPath(request.url)) {
    // The Open Inference Protocol's error body is {"error": "<string>"} (clients print it as
    // it is); the machine-readable code rides along as a second field and a header.
    return reply
      .status(status)
      .header('x-error-code', error.code)
      .type('application/json')
      .send({ error: error.message, code: error.code });
  }
  return reply.status(status).send({
    error: {
      code: error.code,
      message: error.message,
      details: error.details,
      requestId: request.id,
    },
  });
}
