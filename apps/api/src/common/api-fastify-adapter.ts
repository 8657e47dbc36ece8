import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * Nest's Fastify adapter, except that Nest does not install its own Fastify error handler: the
 * API sets exactly one (the exception filter's `sendHttp`, in api-app.factory.ts), so errors
 * raised before a route runs get the same 4xx answers as a route's, and Fastify has no handler
 * to override (which it warns about as FSTWRN004).
 */
export class ApiFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance();
  }
}
