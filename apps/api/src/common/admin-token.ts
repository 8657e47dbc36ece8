import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Whether `Authorization: Bearer <token>` carries the admin token. Digests are compared so the
 * time taken depends neither on the token's length nor on its content.
 */
export class AdminTokenCheck {
  private readonly expected: Buffer;

  constructor(adminToken: string) {
    this.expected = digest(adminToken);
  }

  /** The secret itself (e.g. from bearerSecret) is the admin token. */
  isAdminToken(secret: string): boolean {
    return timingSafeEqual(digest(secret), this.expected);
  }

  /** The Authorization header carries the admin token as a Bearer token. */
  matchesHeader(header: string | undefined): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    return match !== null && this.isAdminToken(match[1].trim());
  }
}
