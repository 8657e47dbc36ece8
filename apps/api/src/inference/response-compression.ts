import { deflateSync, gzipSync } from 'node:zlib';

export type ResponseEncoding = 'gzip' | 'deflate';

/**
 * The response encoding an Accept-Encoding header asks for (RFC 9110 12.5.3): gzip or deflate
 * (zlib, as tritonclient decodes it), the higher q-value first, gzip on a tie; none when neither
 * is acceptable.
 */
export function negotiateEncoding(accept: string | undefined): ResponseEncoding | undefined {
  if (!accept) return undefined;
  let best: { encoding: ResponseEncoding; q: number } | undefined;
  let wildcard: number | undefined;
  const seen = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    if (token === '*') wildcard = q;
    else seen.set(token === 'x-gzip' ? 'gzip' : token, q);
  }
  for (const encoding of ['gzip', 'deflate'] as const) {
    const q = seen.get(encoding) ?? wildcard ?? 0;
    if (q > 0 && (!best || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}

export function compress(body: Buffer, encoding: ResponseEncoding): Buffer {
  return encoding === 'gzip' ? gzipSync(body) : deflateSync(body);
}
