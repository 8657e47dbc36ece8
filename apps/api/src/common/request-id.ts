import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Longest X-Request-Id taken from a client or proxy; longer ones are replaced. */
export const REQUEST_ID_MAX_LENGTH = 128;
const REQUEST_ID = new RegExp(`^[A-Za-z0-9._:+=/-]{1,${REQUEST_ID_MAX_LENGTH}}$`);

/**
 * The request's id: the caller's X-Request-Id when it is a plausible id (at most 128 letters,
 * digits and . _ : + = / -, as UUIDs, ULIDs and tracing ids are), else a fresh UUID. It is
 * echoed back and written in every log line, so a client must not choose arbitrary text.
 */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
