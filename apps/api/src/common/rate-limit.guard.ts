import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from './domain-error';
import { PLATFORM_CONFIG } from './platform-config.token';
import { RateLimitStore } from './rate-limit-store';

/**
 * RATE_LIMIT_PER_MINUTE per client IP and controller, in fixed one-minute windows shared by all
 * API replicas (counted in Redis, see RateLimitStore). A refused request answers 429 with
 * `Retry-After`: the seconds until the window ends.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly store: RateLimitStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.check(context.getClass().name, request.ip);
    return true;
  }

  /**
   * Counts one request of a client IP against a scope's limit (the controller's name: its routes
   * share one limit); throws 429 past it. Also the /v2 infer routes' Fastify hook.
   */
  async check(scope: string, ip: string): Promise<void> {
    await enforceRateLimit(this.store, this.config.RATE_LIMIT_PER_MINUTE, `${scope}:${ip}`);
  }
}

/**
 * Counts one request of `key` (a client IP and what it calls) and refuses it past `limit` per
 * minute: RATE_LIMITED (HTTP 429, gRPC RESOURCE_EXHAUSTED) naming the limit and when to retry.
 */
export async function enforceRateLimit(
  store: RateLimitStore,
  limit: number,
  key: string,
): Promise<void> {
  if (limit === 0) return;
  const { count, resetInMs } = await store.hit(key);
  if (count > limit) {
    const retryAfter = Math.max(1, Math.ceil(resetInMs / 1000));
    throw new DomainError(
      ErrorCode.RateLimited,
      `rate limit of ${limit} requests per minute exceeded (RATE_LIMIT_PER_MINUTE); retry in ${retryAfter} s`,
      { retryAfterSeconds: retryAfter, limitPerMinute: limit },
    );
  }
}
