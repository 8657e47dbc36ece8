import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPartitionToC } from '@ddnn/device-runtime';
import { initEngineBackend, PAPER_MVMC_CONFIG, type DdnnConfigInput } from '@ddnn/engine';
import { sha256Hex } from '@ddnn/partition-format';
import { insertEmptyDataset, publishUntrainedVersion } from './support/publish-test-version';
import { TestPlatform } from './support/test-platform';

/**
 * GET /models/:name/versions/:version/partitions/:partition/export?target=c against the real
 * platform (PostgreSQL, HTTP): the sources of a stored version's device and local partitions,
 * by number and by alias, the same as the CLI writes; and every refusal with its status.
 */
describe('C export of a version from the API', () => {
  let platform: TestPlatform;
  let dir: string;
  const device0 = new Map<string, Uint8Array>();

  async function publish(name: string, config: DdnnConfigInput): Promise<void> {
    const created = await platform.http('/models', {
      method: 'POST',
      admin: true,
      json: { name, config },
    });
    expect(created.status).toBe(201);
    const dataset = await insertEmptyDataset(platform.prisma, {
      name: 'c-export-data',
      viewCount: 6,
      viewShape: [32, 32, 3],
      classNames: ['a', 'b', 'c'],
    });
    const { partitions } = await publishUntrainedVersion(platform.prisma, {
      modelId: created.json.id,
      datasetId: dataset.id,
      config,
      seed: 1,
    });
    device0.set(name, partitions.find((p) => p.manifest.deviceIndex === 0)!.bytes);
  }

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start();
    dir = mkdtempSync(join(tmpdir(), 'ddnn-api-c-'));
    await publish('cams', PAPER_MVMC_CONFIG);
    await publish('float-cams', {
      ...PAPER_MVMC_CONFIG,
      device: { ...PAPER_MVMC_CONFIG.device, binary: false },
    });
    const moved = await platform.http('/models/cams/aliases/production', {
      method: 'PUT',
      admin: true,
      json: { version: 1 },
    });
    expect(moved.status).toBe(200);
  });
  afterAll(async () => {
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the C sources of a device partition (by version and by alias), as the CLI makes them, and they compile', async () => {
    const res = await platform.http('/models/cams/versions/1/partitions/device0/export?target=c', {
      admin: true,
    });
    expect(res.status).toBe(200);
    const bytes = device0.get('cams')!;
    const expected = exportPartitionToC(bytes, { modelVersion: 'cams v1' });
    expect(res.json).toMatchObject({
      modelName: 'cams',
      version: 1,
      partition: 'device0',
      tier: 'device',
      deviceIndex: 0,
      target: 'c',
      partitionSha256: sha256Hex(bytes),
      symbol: 'ddnn_device0',
    });
    expect(res.json.files).toEqual(expected.files);
    expect(res.json.files[0].content).toContain('#define DDNN_DEVICE0_MODEL_VERSION "cams v1"');
    for (const f of res.json.files as { name: string; content: string }[]) {
      writeFileSync(join(dir, f.name), f.content);
    }
    const gcc = spawnSync(
      'gcc',
      [
        '-std=c99',
        '-pedantic',
        '-Wall',
        '-Werror',
        '-c',
        '-o',
        join(dir, 'd.o'),
        join(dir, 'ddnn_device0.c'),
      ],
      { encoding: 'utf8' },
    );
    expect(gcc.stderr).toBe('');
    expect(gcc.status).toBe(0);

    const byAlias = await platform.http(
      '/models/cams/versions/production/partitions/device0/export?target=c',
      { admin: true },
    );
    expect(byAlias.status).toBe(200);
    expect(byAlias.json.files).toEqual(res.json.files);

    const local = await platform.http('/models/cams/versions/1/partitions/local/export?target=c', {
      admin: true,
    });
    expect(local.status).toBe(200);
    expect(local.json).toMatchObject({ tier: 'local', deviceIndex: null, symbol: 'ddnn_local' });
    expect(local.json.files.map((f: { name: string }) => f.name)).toEqual([
      'ddnn_local.h',
      'ddnn_local.c',
    ]);
  });

  it('refuses with clear statuses: no token 401, bad target or partition 400, unknown 404, float device 422', async () => {
    const path = '/models/cams/versions/1/partitions/device0/export?target=c';
    expect((await platform.http(path)).status).toBe(401);
    const wasm = await platform.http(
      '/models/cams/versions/1/partitions/device0/export?target=wasm',
      {
        admin: true,
      },
    );
    expect(wasm.status).toBe(400);
    expect(wasm.text).toMatch(/the only export target is \\"c\\"/);
    const cloud = await platform.http('/models/cams/versions/1/partitions/cloud/export?target=c', {
      admin: true,
    });
    expect(cloud.status).toBe(400);
    expect(cloud.text).toMatch(/partition must be device<N> \(e\.g\. device0\) or local/);
    const missing = await platform.http(
      '/models/cams/versions/1/partitions/device6/export?target=c',
      {
        admin: true,
      },
    );
    expect(missing.status).toBe(404);
    expect(missing.text).toMatch(/has no device6 partition/);
    expect(
      (
        await platform.http('/models/cams/versions/9/partitions/device0/export?target=c', {
          admin: true,
        })
      ).status,
    ).toBe(404);
    const float = await platform.http(
      '/models/float-cams/versions/1/partitions/device0/export?target=c',
      { admin: true },
    );
    expect(float.status).toBe(422);
    expect(float.text).toMatch(/binary device partitions/);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await platform.http('/docs/json');
    const route = doc.json.paths['/models/{name}/versions/{version}/partitions/{partition}/export'];
    expect(route.get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'name',
      'partition',
      'target',
      'version',
    ]);
  });
});
