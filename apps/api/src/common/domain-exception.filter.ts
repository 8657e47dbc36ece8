import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { GqlArgumentsHost, GqlContextType } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { ErrorCode } from './domain-error';
import { httpStatusOf, toDomainError } from './error-mapping';

/**
 * The single exit for errors, REST and GraphQL alike: every error becomes
 * `{ error: { code, message, details } }` (REST) or a GraphQL error with extensions.code.
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
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    return reply.status(status).send({
      error: {
        code: error.code,
        message: error.message,
        details: error.details,
        requestId: request.id,
      },
    });
  }
}
