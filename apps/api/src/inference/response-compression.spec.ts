import { gunzipSync, inflateSync } from 'node:zlib';
import { compress, negotiateEncoding } from './response-compression';

describe('negotiateEncoding', () => {
  it('picks gzip or deflate by q-value, gzip on a tie, none when neither is acceptable', () => {
    expect(negotiateEncoding(undefined)).toBeUndefined();
    expect(negotiateEncoding('gzip')).toBe('gzip');
    expect(negotiateEncoding('deflate')).toBe('deflate');
    expect(negotiateEncoding('deflate, gzip')).toBe('gzip');
    expect(negotiateEncoding('gzip;q=0.2, deflate;q=0.8')).toBe('deflate');
    expect(negotiateEncoding('gzip;q=0, deflate;q=0')).toBeUndefined();
    expect(negotiateEncoding('br, identity')).toBeUndefined();
    expect(negotiateEncoding('*')).toBe('gzip');
    expect(negotiateEncoding('*;q=0.5, gzip;q=0')).toBe('deflate');
    expect(negotiateEncoding('X-GZIP')).toBe('gzip');
  });

  it('compresses so the standard decoders read it back', () => {
    const body = Buffer.from(JSON.stringify({ outputs: [1, 2, 3] }));
    expect(gunzipSync(compress(body, 'gzip'))).toEqual(body);
    expect(inflateSync(compress(body, 'deflate'))).toEqual(body);
  });
});
