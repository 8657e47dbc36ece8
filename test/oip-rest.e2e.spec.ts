import { gunzipSync, gzipSync, inflateSync, deflateSync } from 'node:zlib';
import { initEngineBackend } from '@ddnn/engine';
import { createOipModel, sampleViews } from './support/oip-fixture';
import { ADMIN_TOKEN, TestPlatform } from './support/test-platform';

/** Body sizes here stay far below this; the bomb test decompresses past it. */
const BODY_MAX_BYTES = 256 * 1024;

/**
 * The Open Inference Protocol's REST edges as Triton serves them (server metadata, bodies in
 * any or no Content-Type, compression both ways, binary outputs, one error shape), over real
 * HTTP with fetch. The real tritonclient is exercised in tritonclient.e2e.spec.ts.
 */
describe('Open Inference Protocol REST conformance', () => {
  let platform: TestPlatform;
  const url = (path: string) => `${platform.baseUrl}${path}`;
  const request = (n: number, extra: Record<string, unknown> = {}) => ({
    inputs: [{ name: 'views', datatype: 'FP32', shape: [n, 3, 8, 8, 1], data: sampleViews(n) }],
    ...extra,
  });
  let reference: { name: string; datatype: string; shape: number[]; data: unknown[] }[];

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start({ BODY_MAX_BYTES: String(BODY_MAX_BYTES) });
    await createOipModel(platform, 'cams');
    const res = await platform.http('/v2/models/cams/versions/1/infer', {
      method: 'POST',
      json: request(4),
    });
    expect(res.status).toBe(200);
    reference = res.json.outputs;
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
  });

  it('serves server metadata with its extensions at GET /v2', async () => {
    const res = await platform.http('/v2');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      name: 'ddnn-platform',
      version: expect.any(String),
      extensions: expect.arrayContaining(['binary_tensor_data']),
    });
  });

  it('reads the body as JSON whatever the Content-Type, as Triton does', async () => {
    const body = JSON.stringify(request(4));
    for (const type of [undefined, 'text/plain', 'application/octet-stream', 'application/json']) {
      const res = await fetch(url('/v2/models/cams/versions/1/infer'), {
        method: 'POST',
        body: new TextEncoder().encode(body),
        headers: type ? { 'content-type': type } : {},
      });
      expect({ type, status: res.status }).toEqual({ type, status: 200 });
      expect(((await res.json()) as { outputs: unknown }).outputs).toEqual(reference);
    }
    // Elsewhere an unknown Content-Type stays a 415 in the management error shape.
    const other = await fetch(url('/models'), {
      method: 'POST',
      body: '<model/>',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(other.status).toBe(415);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('lists only inputs a generic client can send together; the alternative is described', async () => {
    const meta = await platform.http('/v2/models/cams/versions/production');
    expect(meta.status).toBe(200);
    expect(meta.json.inputs).toEqual([
      expect.objectContaining({ name: 'views', datatype: 'FP32', shape: [-1, 3, 8, 8, 1] }),
    ]);
    expect(meta.json.parameters.alternative_inputs).toContain('device_features');
    // A generic client: one zero-filled tensor per listed input, batch 1.
    const inputs = meta.json.inputs.map(
      (i: { name: string; datatype: string; shape: number[] }) => {
        const shape = i.shape.map((d) => (d < 0 ? 1 : d));
        return { ...i, shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0) };
      },
    );
    const res = await platform.http('/v2/models/cams/infer', { method: 'POST', json: { inputs } });
    expect(res.status).toBe(200);
    expect(res.json.outputs.map((o: { name: string }) => o.name)).toEqual(
      meta.json.outputs.map((o: { name: string }) => o.name),
    );
  });

  it('decompresses gzip and deflate request bodies and compresses answers on Accept-Encoding', async () => {
    const body = Buffer.from(JSON.stringify(request(4)));
    for (const [encoding, pack, unpack] of [
      ['gzip', gzipSync, gunzipSync],
      ['deflate', deflateSync, inflateSync],
    ] as const) {
      const res = await fetch(url('/v2/models/cams/versions/1/infer'), {
        method: 'POST',
        body: new Uint8Array(pack(body)),
        headers: { 'content-encoding': encoding, 'accept-encoding': encoding },
      });
      expect(res.status).toBe(200);
      // fetch undoes Content-Encoding itself: check the header, then the bytes, raw.
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect((JSON.parse((await res.text()) || '{}') as { outputs: unknown }).outputs).toEqual(
        reference,
      );
      expect(unpack).toBeDefined();
    }
    const raw = await new Promise<Buffer>((resolve, reject) => {
      // node:http leaves the body compressed: prove it is gzip of the JSON answer.
      import('node:http').then(({ request: httpRequest }) => {
        const req = httpRequest(
          url('/v2/models/cams/versions/1/infer'),
          { method: 'POST', headers: { 'accept-encoding': 'gzip;q=0.5, deflate;q=0.1' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
          },
        );
        req.on('error', reject);
        req.end(body);
      }, reject);
    });
    expect(JSON.parse(gunzipSync(raw).toString()).outputs).toEqual(reference);

    const unknown = await fetch(url('/v2/models/cams/infer'), {
      method: 'POST',
      body: new Uint8Array(body),
      headers: { 'content-encoding': 'br' },
    });
    expect(unknown.status).toBe(415);
    expect(await unknown.json()).toEqual({
      error: expect.stringContaining('Content-Encoding "br" is not supported'),
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    // A small gzip body that inflates past BODY_MAX_BYTES is refused, not buffered.
    const bomb = gzipSync(Buffer.alloc(BODY_MAX_BYTES * 4, 0x20));
    expect(bomb.length).toBeLessThan(BODY_MAX_BYTES / 50);
    const bombed = await fetch(url('/v2/models/cams/infer'), {
      method: 'POST',
      body: new Uint8Array(bomb),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(bombed.status).toBe(413);
    expect(typeof ((await bombed.json()) as { error: unknown }).error).toBe('string');
    const corrupt = await fetch(url('/v2/models/cams/infer'), {
      method: 'POST',
      body: 'not gzip at all',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(corrupt.status).toBe(400);
    expect(((await corrupt.json()) as { error: string }).error).toContain('decompressed');
  });

  /** Splits a binary response into its JSON header and the raw bytes after it. */
  async function binaryAnswer(res: Response) {
    const bytes = Buffer.from(await res.arrayBuffer());
    const headerLength = Number(res.headers.get('inference-header-content-length'));
    return {
      header: JSON.parse(bytes.subarray(0, headerLength).toString()) as {
        outputs: { name: string; parameters?: { binary_data_size: number }; data?: unknown[] }[];
      },
      rest: bytes.subarray(headerLength),
    };
  }

  it('sends outputs as binary per output and with binary_data_output', async () => {
    const one = await fetch(url('/v2/models/cams/versions/1/infer'), {
      method: 'POST',
      body: JSON.stringify(
        request(4, {
          outputs: [
            { name: 'class', parameters: { binary_data: true } },
            { name: 'entropy', parameters: { binary_data: false } },
          ],
        }),
      ),
    });
    expect(one.status).toBe(200);
    expect(one.headers.get('content-type')).toBe('application/octet-stream');
    const { header, rest } = await binaryAnswer(one);
    expect(header.outputs[0]).toEqual({
      name: 'class',
      datatype: 'INT32',
      shape: [4],
      parameters: { binary_data_size: 16 },
    });
    expect(header.outputs[1].data).toEqual(reference.find((o) => o.name === 'entropy')!.data);
    expect(rest.length).toBe(16);
    expect(Array.from(new Int32Array(new Uint8Array(rest).buffer))).toEqual(
      reference.find((o) => o.name === 'class')!.data,
    );

    const all = await fetch(url('/v2/models/cams/versions/1/infer'), {
      method: 'POST',
      body: JSON.stringify(request(4, { parameters: { binary_data_output: true } })),
    });
    const answer = await binaryAnswer(all);
    let offset = 0;
    const decoded = new Map<string, unknown[]>();
    for (const output of answer.header.outputs) {
      const size = output.parameters!.binary_data_size;
      const chunk = answer.rest.subarray(offset, offset + size);
      offset += size;
      if (output.name === 'exit_tier') {
        const strings: string[] = [];
        for (let at = 0; at < chunk.length;) {
          const length = chunk.readUInt32LE(at);
          strings.push(chunk.subarray(at + 4, at + 4 + length).toString());
          at += 4 + length;
        }
        decoded.set(output.name, strings);
      } else if (output.name === 'probabilities' || output.name === 'entropy') {
        decoded.set(
          output.name,
          Array.from({ length: size / 4 }, (_, i) => chunk.readFloatLE(4 * i)),
        );
      } else {
        decoded.set(
          output.name,
          Array.from({ length: size / 4 }, (_, i) => chunk.readInt32LE(4 * i)),
        );
      }
    }
    expect(offset).toBe(answer.rest.length);
    for (const output of reference) {
      const got = decoded.get(output.name)!;
      if (output.datatype === 'FP32')
        got.forEach((v, i) => expect(v).toBeCloseTo(output.data[i] as number, 5));
      else expect(got).toEqual(output.data);
    }
  });

  it('refuses BOOL bytes other than 0 and 1', async () => {
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'device_features',
            datatype: 'UINT8',
            shape: [1, 3, 4],
            parameters: { binary_data_size: 12 },
          },
          {
            name: 'device_present',
            datatype: 'BOOL',
            shape: [3],
            parameters: { binary_data_size: 3 },
          },
        ],
      }),
    );
    const send = (present: number[]) =>
      fetch(url('/v2/models/cams/versions/1/infer'), {
        method: 'POST',
        body: new Uint8Array(Buffer.concat([header, Buffer.alloc(12, 0x5a), Buffer.from(present)])),
        headers: { 'inference-header-content-length': String(header.length) },
      });
    const meta = await platform.http('/v2/models/cams/versions/1');
    expect(meta.json.parameters.alternative_inputs).toContain('[-1, 3, 4]');
    expect((await send([1, 0, 1])).status).toBe(200);
    const bad = await send([1, 2, 1]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('BOOL bytes must be 0 or 1');
  });

  it('answers every /v2 failure, framework-level ones included, with {"error": "<string>"}', async () => {
    const cases: [string, RequestInit, number, string][] = [
      ['/v2/models/cams/infer', { method: 'POST', body: '{not json' }, 400, 'not JSON'],
      [
        '/v2/models/cams/infer',
        { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } },
        400,
        'not JSON',
      ],
      ['/v2/models/cams/infer', { method: 'POST' }, 400, 'no body'],
      [
        '/v2/models/cams/infer',
        { method: 'POST', body: JSON.stringify({ inputs: 'x' }) },
        400,
        'inputs',
      ],
      [
        '/v2/models/cams/infer',
        { method: 'POST', body: JSON.stringify(request(1, { outputs: [{ name: 'nope' }] })) },
        400,
        'unknown outputs [nope]',
      ],
      ['/v2/models/nope', {}, 404, 'nope'],
      ['/v2/models/cams/versions/9', {}, 404, '9'],
      ['/v2/no/such/route', {}, 404, ''],
      ['/v2/models/cams/infer', { method: 'POST', body: JSON.stringify(request(200)) }, 413, ''],
      [
        '/v2/models/cams/infer',
        {
          method: 'POST',
          body: '{"inputs": []}',
          headers: { 'inference-header-content-length': '99' },
        },
        400,
        'Inference-Header-Content-Length',
      ],
    ];
    for (const [path, init, status, text] of cases) {
      const res = await fetch(url(path), init);
      const body = (await res.json()) as { error: unknown; code: unknown };
      expect({ path, status: res.status, type: typeof body.error }).toEqual({
        path,
        status,
        type: 'string',
      });
      expect(body.error).toContain(text);
      expect(typeof body.code).toBe('string');
      expect(res.headers.get('x-error-code')).toBe(body.code);
      expect(res.headers.get('content-type')).toContain('application/json');
    }
  });
});
