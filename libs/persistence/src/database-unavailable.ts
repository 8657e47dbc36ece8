import { Prisma } from './generated/client';

/**
 * Prisma error codes meaning "the database could not be reached or answered in time"
 * (https://www.prisma.io/docs/orm/reference/error-reference): P1001 cannot reach, P1002 timed
 * out, P1008 operation timed out, P1017 server closed the connection, P2024 no pool connection
 * in time.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Driver adapter error kinds (adapter-pg) that mean the same. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/**
 * SQLSTATE classes/codes: 08 connection exception, 57P01-57P03 admin/crash shutdown and "cannot
 * connect now" (starting up or shutting down), 53300 too many connections.
 */
function isUnavailableSqlState(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    (code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')
  );
}

/** Messages of node-postgres and Node sockets for a lost or unreachable server. */
const UNAVAILABLE_MESSAGE =
  /Can't reach database server|Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error/i;

/**
 * Whether an error thrown by Prisma (or node-postgres under it) means the database is down or
 * not answering, rather than a problem with the query: the caller may answer 503 and retry later.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  const record = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
    cause?: unknown;
    message?: unknown;
  };
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (UNAVAILABLE_PRISMA_CODES.has(error.code)) return true;
    const cause = record.meta?.driverAdapterError?.cause;
    if (typeof cause?.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
    if (isUnavailableSqlState(cause?.originalCode)) return true;
  }
  if (isUnavailableSqlState(record.code)) return true;
  if (typeof record.message === 'string' && UNAVAILABLE_MESSAGE.test(record.message)) return true;
  return isDatabaseUnavailable(record.cause, depth + 1);
}
