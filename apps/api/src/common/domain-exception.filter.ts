import { ArgumentsHost, Catch, ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import { GqlArgumentsHost, GqlContextType } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { DomainError, ErrorCode } from './domain-error';
import { httpStatusOf, toDomainError } from './error-mapping';
import { PLATFORM_CONFIG } from './platform-config.token';

/** /v2 and everything under it: the Open Inference Protocol's REST endpoints. */
export function isOipPath(url: string): boolean {
  return url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?');
}

/**
 * The single exit for errors, REST and GraphQL alike: every error becomes
 * `{ error: { code, message, details } }` (REST; under /v2 the Open Inference Protocol's
 * `{ error: "<message>", code }`) or a GraphQL error with extensions.code.
 * 429 and 503 answers carry `Retry-After` (seconds; also `details.retryAfterSeconds`).
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') {
      const error = this.toAnswer(exception);
      GqlArgumentsHost.create(host);
      return new GraphQLError(error.message, {
        extensions: {
          code: error.code,
          status: httpStatusOf(error.code),
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    const http = host.switchToHttp();
    return this.sendHttp(
      exception,
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
    );
  }

  /**
   * The HTTP answer of an error; also Fastify's error handler (api-app.factory.ts), so errors of
   * routes outside Nest's router (the /v2 infer fast path) and of body parsing are answered alike.
   */
  sendHttp(exception: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const error = this.toAnswer(exception);
    return sendHttpError(request, reply, error, httpStatusOf(error.code));
  }

  /** The domain error a client sees; 503s and 500s are logged. */
  private toAnswer(exception: unknown): DomainError {
    const error = this.withRetryAfter(toDomainError(exception));
    if (error.code === ErrorCode.Unavailable) {
      this.logger.warn(
        `answered 503: ${exception instanceof Error ? exception.message.trim().split('\n').pop() : String(exception)}`,
      );
    }
    if (error.code === ErrorCode.Internal) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    return error;
  }

  /** When to try again: the limiter's own window for 429, the configured pause for 503. */
  private withRetryAfter(error: DomainError): DomainError {
    if (error.code !== ErrorCode.Unavailable && error.code !== ErrorCode.RateLimited) return error;
    if (typeof error.details?.retryAfterSeconds === 'number') return error;
    return new DomainError(error.code, error.message, {
      ...error.details,
      retryAfterSeconds: this.config.UNAVAILABLE_RETRY_AFTER_SECONDS,
    });
  }
}

/** Writes an error response: the Open Inference Protocol's shape under /v2, ours elsewhere. */
export function sendHttpError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: DomainError,
  status: number,
): FastifyReply {
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
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
