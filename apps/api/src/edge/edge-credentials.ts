import { createHash, randomBytes } from 'node:crypto';

/**
 * Enrollment tokens and client credentials are 32 random bytes (base64url), shown once and
 * stored as their sha256 only. A fast hash is enough: with 256 bits of entropy there is nothing
 * to brute-force, and lookups stay a single indexed equality match.
 */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The secret of an `Authorization: Bearer <secret>` header, or undefined. */
export function bearerSecret(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
