import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export interface PrismaClientOptions {
  poolSize?: number;
  /** Longest wait for a new connection (pg connectionTimeoutMillis); unset: wait forever. */
  connectTimeoutMs?: number;
  /** Longest wait for a query's answer, client side (pg query_timeout); unset: forever. */
  queryTimeoutMs?: number;
}

/**
 * A Prisma client over node-postgres (no native query engine is involved). With the timeouts
 * set, a database that is down or hung makes queries fail within a bounded time instead of
 * hanging the caller.
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}) {
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
      ...(options.queryTimeoutMs ? { query_timeout: options.queryTimeoutMs } : {}),
    },
    // An idle pooled connection that the server drops (restart, outage) must not crash the
    // process; the pool replaces it on the next query.
    { onPoolError: () => undefined },
  );
  return new PrismaClient({ adapter });
}
