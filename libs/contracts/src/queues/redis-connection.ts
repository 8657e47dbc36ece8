import type { RedisOptions } from 'bullmq';

/** ioredis options for BullMQ from REDIS_URL (redis[s]://[user:password@]host[:port][/db]). */
export function redisConnectionOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // BullMQ requires this for blocking connections (workers, queue events).
    maxRetriesPerRequest: null,
  };
}

/**
 * ioredis options for a producer (a BullMQ Queue that adds or reads jobs, never blocks): while
 * Redis is unreachable its commands fail at once instead of waiting in ioredis' offline queue,
 * and a command Redis does not answer fails after `commandTimeoutMs`, so a request that needs
 * Redis answers 503 within a bounded time. (Workers and QueueEvents keep the blocking options.)
 */
export function redisProducerConnectionOptions(
  redisUrl: string,
  commandTimeoutMs: number,
): RedisOptions {
  return {
    ...redisConnectionOptions(redisUrl),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
  };
}
