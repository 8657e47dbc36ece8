import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { type PlatformConfig, redisProducerConnectionOptions } from '@ddnn/contracts';
import Redis from 'ioredis';
import { PLATFORM_CONFIG } from './platform-config.token';

/** Length of one rate-limit window. */
export const RATE_LIMIT_WINDOW_MS = 60_000;
/** Keys the in-process fallback keeps before it starts over (bounded memory). */
const LOCAL_MAX_KEYS = 10_000;

export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends. */
  resetInMs: number;
}

/**
 * Request counts per fixed one-minute window, kept in Redis so that every API replica counts
 * against the same limit (INCR + PEXPIRE on one key per client and window). While Redis does not
 * answer (REDIS_COMMAND_TIMEOUT_MS), each process counts on its own, so an outage of Redis
 * neither blocks requests nor lifts the limit.
 */
@Injectable()
export class RateLimitStore implements OnModuleDestroy {
  private readonly logger = new Logger(RateLimitStore.name);
  private readonly redis: Redis;
  private readonly local = new Map<string, { window: number; count: number }>();
  private redisFailing = false;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    this.redis = new Redis({
      ...redisProducerConnectionOptions(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT_MS),
      lazyConnect: false,
    });
    this.redis.on('error', () => undefined);
  }

  async hit(key: string, now = Date.now()): Promise<WindowCount> {
    const window = Math.floor(now / RATE_LIMIT_WINDOW_MS);
    const resetInMs = (window + 1) * RATE_LIMIT_WINDOW_MS - now;
    const redisKey = `${this.config.QUEUE_PREFIX}:rate-limit:${window}:${key}`;
    try {
      const [[incrError, count]] = (await this.redis
        .multi()
        .incr(redisKey)
        .pexpire(redisKey, RATE_LIMIT_WINDOW_MS + 1000)
        .exec()) as [[Error | null, number], [Error | null, number]];
      if (incrError) throw incrError;
      if (this.redisFailing) this.logger.log('rate limits counted in Redis again');
      this.redisFailing = false;
      return { count, resetInMs };
    } catch (error) {
      if (!this.redisFailing) {
        this.logger.warn(
          `rate limits counted per process while Redis is unavailable: ${(error as Error).message}`,
        );
      }
      this.redisFailing = true;
      return { count: this.hitLocally(key, window), resetInMs };
    }
  }

  private hitLocally(key: string, window: number): number {
    let entry = this.local.get(key);
    if (!entry || entry.window !== window) {
      if (this.local.size >= LOCAL_MAX_KEYS) this.local.clear();
      entry = { window, count: 0 };
      this.local.set(key, entry);
    }
    return ++entry.count;
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
