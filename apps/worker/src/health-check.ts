/**
 * The worker's container health check (docker/Dockerfile, compose): exit 0 when what a worker
 * needs to take a job answers, PostgreSQL (SELECT 1) and Redis (PING), each within 5 s; else 1
 * with the reason on stderr. It runs as its own short process beside the worker, with the same
 * configuration.
 */
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { loadPlatformConfig, redisConnectionOptions } from '@ddnn/contracts';

const TIMEOUT_MS = 5000;

function within<T>(what: string, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what}: no answer in ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  const pg = new Client({
    connectionString: config.DATABASE_URL,
    connectionTimeoutMillis: TIMEOUT_MS,
  });
  const redis = new Redis({
    ...redisConnectionOptions(config.REDIS_URL),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await within(
      'PostgreSQL',
      pg.connect().then(() => pg.query('SELECT 1')),
    );
    await within(
      'Redis',
      redis.connect().then(() => redis.ping()),
    );
  } finally {
    await pg.end().catch(() => undefined);
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`unhealthy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
