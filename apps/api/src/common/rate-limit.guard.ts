import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from './domain-error';
import { PLATFORM_CONFIG } from './platform-config.token';

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute window per client IP, in memory (per API process): enough to stop one client
 * from flooding uploads or inference; put a shared limiter in front when running many replicas.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const limit = this.config.RATE_LIMIT_PER_MINUTE;
    if (limit === 0) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = `${context.getClass().name}:${request.ip}`;
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.windows.clear();
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count > limit) {
      const retryAfter = Math.ceil((window.start + WINDOW_MS - now) / 1000);
      throw new DomainError(
        ErrorCode.RateLimited,
        `rate limit of ${limit} requests per minute exceeded; retry in ${retryAfter} s`,
        { retryAfterSeconds: retryAfter },
      );
    }
    return true;
  }
}
