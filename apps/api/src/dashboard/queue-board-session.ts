import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A browser cannot send "Authorization: Bearer" when it follows a link, so the queue board is
 * opened with a short-lived cookie the dashboard obtains with the admin token: an expiry time
 * and an HMAC of it keyed by the admin token (changing the token voids every session).
 */
export const QUEUE_BOARD_COOKIE = 'ddnn_queue_board';
export const QUEUE_BOARD_SESSION_SECONDS = 3600;

function key(adminToken: string): Buffer {
  return createHash('sha256').update(`queue-board:${adminToken}`).digest();
}

function mac(adminToken: string, expiresAt: number): string {
  return createHmac('sha256', key(adminToken)).update(String(expiresAt)).digest('base64url');
}

export function issueQueueBoardSession(adminToken: string, now = Date.now()): string {
  const expiresAt = Math.floor(now / 1000) + QUEUE_BOARD_SESSION_SECONDS;
  return `${expiresAt}.${mac(adminToken, expiresAt)}`;
}

export function isValidQueueBoardSession(
  adminToken: string,
  value: string | undefined,
  now = Date.now(),
): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt * 1000 < now) return false;
  const expected = Buffer.from(mac(adminToken, expiresAt));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The value of one cookie from a Cookie header (no cookie library needed for one name). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
