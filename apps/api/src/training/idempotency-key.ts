import { createHash } from 'node:crypto';
import { z } from 'zod';

/** HTTP header a client sends so that retrying a POST /training-jobs never creates a second job. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/**
 * An Idempotency-Key: 1 to 255 visible ASCII characters (a UUID is the usual choice). Keys are
 * kept with the job they created, without expiry.
 */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, '1 to 255 visible ASCII characters (e.g. a UUID)');

/** Fingerprint of a request's parameters: the same key with other parameters is refused. */
export function requestHashOf(parameters: unknown): string {
  return createHash('sha256').update(canonicalJson(parameters)).digest('hex');
}

/** JSON with object keys sorted, so equal parameters hash equally whatever their order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
