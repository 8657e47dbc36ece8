import { createBuiltinDataset, encodeDataset } from '@ddnn/datasets';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { TestPlatform } from './support/test-platform';

/** Upload limits and bad files over real HTTP: every refusal is a clear 4xx and stores nothing. */
describe('dataset uploads', () => {
  let platform: TestPlatform;
  const small = encodeDataset(
    createBuiltinDataset('synthetic-mvmc', { seed: 1, trainSize: 4, testSize: 2 }).train,
  );

  beforeAll(async () => {
    platform = await TestPlatform.start({
      UPLOAD_MAX_BYTES: String(small.length + 1000),
      RATE_LIMIT_PER_MINUTE: '8',
    });
  });
  afterAll(() => platform?.stop());

  const upload = (
    fields: Record<string, string>,
    file?: { bytes: Uint8Array; name: string; field?: string },
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    if (file) form.set(file.field ?? 'file', new Blob([new Uint8Array(file.bytes)]), file.name);
    return platform.http('/datasets', { method: 'POST', admin: true, body: form });
  };
  const uploadTemps = () =>
    readdirSync(tmpdir()).filter((n) => n.startsWith('ddnn-upload-')).length;

  it('refuses a file over UPLOAD_MAX_BYTES with 413 while streaming, and keeps nothing', async () => {
    const before = uploadTemps();
    const big = new Uint8Array(small.length + 50_000);
    big.set(small);
    const res = await upload({ name: 'big' }, { bytes: big, name: 'big.ddnnds' });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(uploadTemps()).toBe(before);
    expect(await platform.prisma.dataset.count()).toBe(0);
  });

  it('explains each bad request', async () => {
    const cases: [
      Promise<{ status: number; json: { error: { code: string; message: string } } }>,
      number,
      string,
    ][] = [
      [upload({ name: 'x' }), 400, 'no "file" part'],
      [upload({ name: 'bad name!' }, { bytes: small, name: 'a.ddnnds' }), 400, 'name'],
      [upload({ name: 'n', format: 'csv' }, { bytes: small, name: 'a.ddnnds' }), 400, 'format'],
      [
        upload({ name: 'n' }, { bytes: small, name: 'a.ddnnds', field: 'other' }),
        400,
        'part named "file"',
      ],
      [
        upload({ name: 'npz' }, { bytes: new Uint8Array([80, 75, 3, 4, 1, 2, 3]), name: 'a.npz' }),
        400,
        '',
      ],
      [upload({ name: 'zip' }, { bytes: new Uint8Array([1, 2, 3]), name: 'a.zip' }), 400, ''],
    ];
    for (const [pending, status, text] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(res.json.error.message).toContain(text);
      if (text === '') expect(res.json.error.code).toBe('DATASET_REJECTED');
    }
    expect(await platform.prisma.dataset.count()).toBe(0);
  });

  it('rate-limits uploads per client', async () => {
    // 8 per minute: the earlier tests used 7 of them.
    const ok = await upload({ name: 'fine' }, { bytes: small, name: 'fine.ddnnds' });
    expect(ok.status).toBe(201);
    const limited = await upload({ name: 'more' }, { bytes: small, name: 'more.ddnnds' });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('RATE_LIMITED');
  });
});
