import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import {
  deviceFeatureShape,
  initEngineBackend,
  parseDdnnConfig,
  type CutPartition,
} from '@ddnn/engine';
import { decodePartition, PartitionFormatError } from '@ddnn/partition-format';
import { createApiApp } from '../apps/api/src/api-app.factory';
import { insertEmptyDataset, publishUntrainedVersion } from './support/publish-test-version';
import { ADMIN_TOKEN, TestPlatform } from './support/test-platform';

/** Three 8x8 cameras, three classes: partitions are a few hundred bytes. */
const SMALL_CONFIG = {
  numDevices: 3,
  inputShape: [8, 8, 1],
  numClasses: 3,
  device: { blocks: 1, filters: 2, poolStride: 2, binary: true },
  localAggregator: 'MP',
  cloudAggregator: 'CC',
  cloud: { blocks: 1, filters: 4, poolStride: 1, binary: true },
};

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * The edge tier's platform side over real HTTP against real PostgreSQL: enrollment, client
 * credentials, signed partition downloads, what a client may not fetch, heartbeats. Versions are
 * written straight into the database (an untrained model cut into partitions, as the worker
 * does) because training is not what is under test. Steps share state, in order.
 */
describe('edge platform end to end', () => {
  let platform: TestPlatform;
  let datasetId: string;
  const versions = new Map<string, { id: string; version: number; parts: CutPartition[] }>();
  let deviceClient: { id: string; credential: string };
  let gatewayClient: { id: string; credential: string };
  let pinnedClient: { id: string; credential: string };
  let deviceEtag: string;

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start();
    const dataset = await insertEmptyDataset(
      platform.prisma,
      { name: 'edge-fixture', viewCount: 3, viewShape: [8, 8, 1], classNames: ['x', 'y', 'z'] },
      ['a', 'b', 'c'],
    );
    datasetId = dataset.id;
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
  });

  /** A version of `modelName` with real partitions, written as the worker's publisher does. */
  async function insertVersion(modelName: string, seed: number) {
    const prisma = platform.prisma;
    const model = await prisma.model.findUniqueOrThrow({ where: { name: modelName } });
    const published = await publishUntrainedVersion(prisma, {
      modelId: model.id,
      datasetId,
      config: model.config,
      seed,
    });
    const parts = published.partitions;
    const record = { id: published.versionId, version: published.version, parts };
    versions.set(`${modelName}@${published.version}`, record);
    return record;
  }

  async function newToken(body: Record<string, unknown> = {}): Promise<string> {
    const res = await platform.http('/edge/enrollment-tokens', {
      method: 'POST',
      admin: true,
      json: body,
    });
    expect(res.status).toBe(201);
    return res.json.token;
  }

  async function register(body: Record<string, unknown>) {
    return platform.http('/edge/clients/register', { method: 'POST', json: body });
  }

  function asClient(credential: string, headers: Record<string, string> = {}) {
    return { headers: { authorization: `Bearer ${credential}`, ...headers } };
  }

  /** GET /edge/partition with the raw body bytes (platform.http decodes text). */
  async function download(credential: string, query = '', headers: Record<string, string> = {}) {
    const response = await fetch(`${platform.baseUrl}/edge/partition${query}`, {
      headers: { authorization: `Bearer ${credential}`, ...headers },
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    let json: { error?: { code: string; message: string } } | undefined;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, bytes, json };
  }

  /** Another API process on the same database (as a second replica would be), for `use`. */
  async function withSecondApi<T>(
    config: typeof platform.config,
    use: (baseUrl: string) => Promise<T>,
  ): Promise<T> {
    const app = await createApiApp(config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      return await use((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    } finally {
      await app.close();
    }
  }

  it('sets up two models, each with a version behind its production alias', async () => {
    for (const name of ['cams', 'other']) {
      const res = await platform.http('/models', {
        method: 'POST',
        admin: true,
        json: { name, config: SMALL_CONFIG },
      });
      expect(res.status).toBe(201);
      const v = await insertVersion(name, name === 'cams' ? 1 : 2);
      const moved = await platform.http(`/models/${name}/aliases/production`, {
        method: 'PUT',
        admin: true,
        json: { version: v.version },
      });
      expect(moved.status).toBe(200);
    }
  });

  it('needs the admin token to issue enrollment tokens and to list or revoke clients', async () => {
    const rest = await platform.http('/edge/enrollment-tokens', { method: 'POST', json: {} });
    expect(rest.status).toBe(401);
    expect(rest.json.error.code).toBe('UNAUTHORIZED');
    expect((await platform.http('/edge/clients')).status).toBe(401);
    const gql = await platform.graphql('{ edgeClients { id } }');
    expect(gql.errors?.[0].extensions?.code).toBe('UNAUTHORIZED');
    const mutation = await platform.graphql('mutation { createEnrollmentToken { token } }');
    expect(mutation.errors?.[0].extensions?.code).toBe('UNAUTHORIZED');
  });

  it('issues tokens stored only hashed, registers clients with them, once each', async () => {
    const before = Date.now();
    const issued = await platform.http('/edge/enrollment-tokens', {
      method: 'POST',
      admin: true,
      json: { description: 'camera 1' },
    });
    expect(issued.status).toBe(201);
    const token: string = issued.json.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const lifetime = new Date(issued.json.expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(lifetime).toBeLessThan(24 * 3600_000 + 60_000);
    const stored = await platform.prisma.enrollmentToken.findUniqueOrThrow({
      where: { id: issued.json.id },
    });
    expect(stored.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    const res = await register({
      enrollmentToken: token,
      name: 'camera-1',
      modelName: 'cams',
      alias: 'production',
      deviceIndex: 1,
    });
    expect(res.status).toBe(201);
    expect(res.json.client).toMatchObject({
      name: 'camera-1',
      role: 'DEVICE',
      status: 'ACTIVE',
      modelName: 'cams',
      deviceIndex: 1,
      alias: 'production',
      pinnedVersion: null,
      lastSeenAt: null,
    });
    expect(res.json.client).not.toHaveProperty('credentialHash');
    deviceClient = { id: res.json.client.id, credential: res.json.credential };
    expect(Buffer.from(deviceClient.credential, 'base64url')).toHaveLength(32);

    // Stored hashed: the credential appears nowhere in the client's row or the token's.
    const row = await platform.prisma.edgeClient.findUniqueOrThrow({
      where: { id: deviceClient.id },
    });
    expect(row.credentialHash).toBe(sha256(deviceClient.credential));
    const rows = JSON.stringify([row, await platform.prisma.enrollmentToken.findMany()]);
    expect(rows).not.toContain(deviceClient.credential);
    expect(
      (await platform.prisma.enrollmentToken.findUniqueOrThrow({ where: { id: stored.id } }))
        .edgeClientId,
    ).toBe(deviceClient.id);

    const again = await register({
      enrollmentToken: token,
      name: 'camera-1b',
      modelName: 'cams',
      alias: 'production',
      deviceIndex: 1,
    });
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe('ENROLLMENT_TOKEN_REFUSED');
    expect(again.json.error.message).toContain('already used');

    // The GraphQL mutation issues tokens too; this one registers the group's gateway.
    const gql = await platform.graphql(
      'mutation { createEnrollmentToken(input: {description: "gateway"}) { id token expiresAt } }',
      {},
      true,
    );
    expect(gql.errors).toBeUndefined();
    const gateway = await register({
      enrollmentToken: gql.data.createEnrollmentToken.token,
      name: 'gateway',
      modelName: 'cams',
      alias: 'production',
      gateway: true,
    });
    expect(gateway.status).toBe(201);
    expect(gateway.json.client).toMatchObject({ role: 'GATEWAY', deviceIndex: null });
    gatewayClient = { id: gateway.json.client.id, credential: gateway.json.credential };

    const pinned = await register({
      enrollmentToken: await newToken(),
      name: 'camera-2-pinned',
      modelName: 'cams',
      version: 1,
      deviceIndex: 2,
    });
    expect(pinned.status).toBe(201);
    expect(pinned.json.client).toMatchObject({ alias: null, pinnedVersion: 1, deviceIndex: 2 });
    pinnedClient = { id: pinned.json.client.id, credential: pinned.json.credential };
  });

  it('refuses expired and unknown tokens and registrations that do not fit the model', async () => {
    const shortLived = await newToken({ expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const expired = await register({
      enrollmentToken: shortLived,
      name: 'late',
      modelName: 'cams',
      alias: 'production',
      deviceIndex: 0,
    });
    expect(expired.status).toBe(401);
    expect(expired.json.error).toMatchObject({ code: 'ENROLLMENT_TOKEN_REFUSED' });
    expect(expired.json.error.message).toContain('expired');

    const unknown = await register({
      enrollmentToken: 'not-a-token',
      name: 'x',
      modelName: 'cams',
      alias: 'production',
      deviceIndex: 0,
    });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.message).toBe('unknown enrollment token');

    const token = await newToken();
    const outOfRange = await register({
      enrollmentToken: token,
      name: 'cam',
      modelName: 'cams',
      alias: 'production',
      deviceIndex: 3,
    });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.json.error.message).toContain('deviceIndex 3 is out of range');
    const both = await register({
      enrollmentToken: token,
      name: 'cam',
      modelName: 'cams',
      alias: 'production',
      version: 1,
      deviceIndex: 0,
    });
    expect(both.status).toBe(400);
    expect(both.json.error.message).toContain('either an alias');
    const noAlias = await register({
      enrollmentToken: token,
      name: 'cam',
      modelName: 'cams',
      alias: 'staging',
      deviceIndex: 0,
    });
    expect(noAlias.status).toBe(404);
    expect(noAlias.json.error.code).toBe('MODEL_VERSION_NOT_FOUND');
    // Failed registrations did not use the token up.
    const ok = await register({
      enrollmentToken: token,
      name: 'camera-0',
      modelName: 'cams',
      alias: 'production',
      deviceIndex: 0,
    });
    expect(ok.status).toBe(201);
  });

  it("serves a client its device partition, signed with the platform's published key", async () => {
    const keyRes = await platform.http('/edge/public-key');
    expect(keyRes.status).toBe(200);
    expect(keyRes.json.algorithm).toBe('Ed25519');
    const publicKey = createPublicKey(keyRes.json.publicKeyPem);
    expect(publicKey.asymmetricKeyType).toBe('ed25519');

    const res = await download(deviceClient.credential);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-ddnn-model-version')).toBe('1');
    expect(res.headers.get('x-ddnn-device-index')).toBe('1');
    expect(res.headers.get('etag')).toBe(`"${sha256(res.bytes)}"`);
    expect(res.headers.get('x-ddnn-signing-key-id')).toBe(keyRes.json.keyId);
    // The signature covers a statement binding the labels to the file's sha256 (written out
    // here, not built by the library, so the format is pinned), not the file bytes alone.
    expect(res.headers.get('x-ddnn-signature-statement')).toBe('v2');
    const signature = Buffer.from(res.headers.get('x-ddnn-signature')!, 'base64');
    const statement = (s: {
      model?: string;
      version?: number;
      device?: string;
      file?: Uint8Array;
    }) =>
      Buffer.from(
        `ddnn-partition-signature/v2\nmodel=${s.model ?? 'cams'}\nversion=${s.version ?? 1}\n` +
          `tier=device\ndevice=${s.device ?? '1'}\nsha256=${sha256(s.file ?? res.bytes)}`,
        'utf8',
      );
    expect(verify(null, statement({}), publicKey, signature)).toBe(true);
    expect(verify(null, res.bytes, publicKey, signature)).toBe(false);
    // Relabelled, the same signature vouches for nothing: another model, version or device.
    expect(verify(null, statement({ model: 'other' }), publicKey, signature)).toBe(false);
    expect(verify(null, statement({ version: 2 }), publicKey, signature)).toBe(false);
    expect(verify(null, statement({ device: '0' }), publicKey, signature)).toBe(false);

    // decodePartition checks the weights against the manifest's sha256.
    const artifact = decodePartition(res.bytes);
    expect(artifact.manifest).toMatchObject({ tier: 'device', deviceIndex: 1 });
    expect(res.headers.get('x-ddnn-weights-sha256')).toBe(artifact.manifest.weightsSha256);
    const expected = versions.get('cams@1')!.parts.find((p) => p.manifest.deviceIndex === 1)!;
    expect(Buffer.from(res.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
    deviceEtag = res.headers.get('etag')!;

    // Tampering anywhere breaks the signature: a weight bit, or the manifest.
    const tamperedWeights = new Uint8Array(res.bytes);
    tamperedWeights[tamperedWeights.length - 1] ^= 0x01;
    expect(verify(null, statement({ file: tamperedWeights }), publicKey, signature)).toBe(false);
    expect(() => decodePartition(tamperedWeights)).toThrow(PartitionFormatError);
    const text = new TextDecoder().decode(res.bytes);
    const at = text.indexOf('"local":0.5');
    expect(at).toBeGreaterThan(0);
    const tamperedManifest = new Uint8Array(res.bytes);
    tamperedManifest.set(new TextEncoder().encode('"local":0.1'), at);
    expect(() => decodePartition(tamperedManifest)).not.toThrow(); // still well-formed ...
    expect(verify(null, statement({ file: tamperedManifest }), publicKey, signature)).toBe(false); // ... not signed
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    const same = await download(deviceClient.credential, '', { 'if-none-match': deviceEtag });
    expect(same.status).toBe(304);
    expect(same.bytes).toHaveLength(0);
    expect(same.headers.get('etag')).toBe(deviceEtag);
    const stale = await download(deviceClient.credential, '', { 'if-none-match': '"0000"' });
    expect(stale.status).toBe(200);
    expect(stale.bytes.length).toBeGreaterThan(0);
  });

  it("refuses anything but the client's own partitions: 403 with a reason", async () => {
    const refused: [string, string][] = [
      ['?deviceIndex=0', "cannot fetch device 0's partition"],
      ['?tier=device&deviceIndex=2', "cannot fetch device 2's partition"],
      ['?tier=cloud', 'never receive the cloud tier'],
      ['?tier=edge', 'never receive the edge tier'],
      ['?tier=local', 'only a client registered as a gateway'],
      ['?model=other', 'cannot fetch partitions of "other"'],
    ];
    for (const [query, reason] of refused) {
      const res = await download(deviceClient.credential, query);
      expect([query, res.status]).toEqual([query, 403]);
      expect(res.json?.error?.code).toBe('FORBIDDEN');
      expect(res.json?.error?.message).toContain(reason);
    }
    // Asking for what it has is fine.
    expect(
      (await download(deviceClient.credential, '?tier=device&deviceIndex=1&model=cams')).status,
    ).toBe(200);

    const gateway = await download(gatewayClient.credential);
    expect(gateway.status).toBe(200);
    expect(decodePartition(gateway.bytes).manifest).toMatchObject({
      tier: 'local',
      deviceIndex: null,
    });
    const key = createPublicKey((await platform.http('/edge/public-key')).json.publicKeyPem);
    const localStatement = `ddnn-partition-signature/v2\nmodel=cams\nversion=1\ntier=local\ndevice=-\nsha256=${sha256(gateway.bytes)}`;
    expect(
      verify(
        null,
        Buffer.from(localStatement, 'utf8'),
        key,
        Buffer.from(gateway.headers.get('x-ddnn-signature')!, 'base64'),
      ),
    ).toBe(true);
    for (const query of [
      '?tier=device',
      '?tier=device&deviceIndex=0',
      '?tier=cloud',
      '?model=other',
    ]) {
      expect([query, (await download(gatewayClient.credential, query)).status]).toEqual([
        query,
        403,
      ]);
    }

    const bad = await download('wrong-credential');
    expect(bad.status).toBe(401);
    expect(bad.json?.error?.message).toBe('unknown edge client credential');
    const none = await fetch(`${platform.baseUrl}/edge/partition`);
    expect(none.status).toBe(401);
    const invalid = await download(deviceClient.credential, '?tier=everything');
    expect(invalid.status).toBe(400);
  });

  it('serves the new version when the alias moves; a pinned client stays', async () => {
    const pinnedBefore = await download(pinnedClient.credential);
    expect(pinnedBefore.status).toBe(200);
    expect(pinnedBefore.headers.get('x-ddnn-model-version')).toBe('1');

    const v2 = await insertVersion('cams', 7);
    const moved = await platform.graphql(
      'mutation { moveAlias(modelName: "cams", alias: "production", version: 2) { versionId } }',
      {},
      true,
    );
    expect(moved.data.moveAlias.versionId).toBe(v2.id);

    const res = await download(deviceClient.credential, '', { 'if-none-match': deviceEtag });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ddnn-model-version')).toBe('2');
    expect(res.headers.get('etag')).not.toBe(deviceEtag);
    const expected = v2.parts.find((p) => p.manifest.deviceIndex === 1)!;
    expect(Buffer.from(res.bytes).equals(Buffer.from(expected.bytes))).toBe(true);

    const pinnedAfter = await download(pinnedClient.credential, '', {
      'if-none-match': pinnedBefore.headers.get('etag')!,
    });
    expect(pinnedAfter.status).toBe(304);
    expect(pinnedAfter.headers.get('x-ddnn-model-version')).toBe('1');
  });

  it('records heartbeats: last seen, installed version, counters; admins see them', async () => {
    const before = await platform.prisma.edgeClient.findUniqueOrThrow({
      where: { id: deviceClient.id },
    });
    expect(before.lastSeenAt).toBeNull();
    const beat = await platform.http('/edge/heartbeat', {
      method: 'POST',
      json: { installedVersion: 1, counters: { samples: 120, localExits: 90, bytesSent: 3840 } },
      ...asClient(deviceClient.credential),
    });
    expect(beat.status).toBe(200);
    expect(beat.json).toMatchObject({
      installedVersion: 1,
      targetVersion: 2,
      updateAvailable: true,
    });
    const after = await platform.prisma.edgeClient.findUniqueOrThrow({
      where: { id: deviceClient.id },
    });
    expect(after.lastSeenAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    expect(after.counters).toEqual({ samples: 120, localExits: 90, bytesSent: 3840 });

    const updated = await platform.http('/edge/heartbeat', {
      method: 'POST',
      json: { installedVersion: 2, counters: { samples: 130, localExits: 99, bytesSent: 4096 } },
      ...asClient(deviceClient.credential),
    });
    expect(updated.json).toMatchObject({
      installedVersion: 2,
      targetVersion: 2,
      updateAvailable: false,
    });
    // A heartbeat without counters keeps the last reported ones.
    const bare = await platform.http('/edge/heartbeat', {
      method: 'POST',
      json: {},
      ...asClient(deviceClient.credential),
    });
    expect(bare.json).toMatchObject({ installedVersion: 2, targetVersion: 2 });
    const unknownVersion = await platform.http('/edge/heartbeat', {
      method: 'POST',
      json: { installedVersion: 99 },
      ...asClient(deviceClient.credential),
    });
    expect(unknownVersion.status).toBe(400);
    expect(unknownVersion.json.error.message).toContain('installedVersion 99');

    const list = await platform.graphql(
      `{ edgeClients(modelName: "cams") { id name role status deviceIndex modelName alias pinnedVersion
         installedVersion lastSeenAt counters } }`,
      {},
      true,
    );
    expect(list.errors).toBeUndefined();
    const byName = Object.fromEntries(
      list.data.edgeClients.map((c: { name: string }) => [c.name, c]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'camera-0',
      'camera-1',
      'camera-2-pinned',
      'gateway',
    ]);
    expect(byName['camera-1']).toMatchObject({
      role: 'DEVICE',
      status: 'ACTIVE',
      deviceIndex: 1,
      modelName: 'cams',
      alias: 'production',
      pinnedVersion: null,
      installedVersion: 2,
      counters: { samples: 130, localExits: 99, bytesSent: 4096 },
    });
    expect(new Date(byName['camera-1'].lastSeenAt).getTime()).toBeGreaterThanOrEqual(
      after.lastSeenAt!.getTime(),
    );
    expect(byName['camera-2-pinned']).toMatchObject({
      alias: null,
      pinnedVersion: 1,
      lastSeenAt: null,
    });
    expect(byName.gateway).toMatchObject({ role: 'GATEWAY', deviceIndex: null });
  });

  it('edge clients call the cloud tier (/v2 mode a) with their credential, own model only', async () => {
    const { height, width, channels } = deviceFeatureShape(parseDdnnConfig(SMALL_CONFIG));
    const bytesPerDevice = Math.ceil((height * width * channels) / 8);
    const body = {
      inputs: [
        {
          name: 'device_features',
          datatype: 'UINT8',
          shape: [1, 3, bytesPerDevice],
          data: Array.from({ length: 3 * bytesPerDevice }, (_, i) => (i * 37) % 256),
        },
      ],
    };
    const infer = (model: string, credential?: string) =>
      platform.http(`/v2/models/${model}/versions/production/infer`, {
        method: 'POST',
        json: body,
        ...(credential ? asClient(credential) : {}),
      });
    const ok = await infer('cams', gatewayClient.credential);
    expect(ok.status).toBe(200);
    const outputs = Object.fromEntries(
      ok.json.outputs.map((o: { name: string; data: unknown[] }) => [o.name, o.data]),
    );
    expect(outputs.exit_tier).toEqual(['cloud']);
    const other = await infer('other', gatewayClient.credential);
    expect(other.status).toBe(403);
    expect(other.json.error).toContain('registered for model "cams"');
    expect((await infer('cams', 'wrong-credential')).status).toBe(401);
    // Devices send their features to their gateway, never to the cloud.
    const device = await infer('cams', deviceClient.credential);
    expect(device.status).toBe(403);
    // /v2 errors are the Open Inference Protocol's {"error": "<message>", "code"}.
    expect(device.json.code).toBe('FORBIDDEN');
    expect(device.json.error).toContain('only gateway clients call the cloud tier');
    expect(device.json.error).toContain('"camera-1" is registered as a device (device 1)');
    // Open by default (INFERENCE_AUTH=open): no credential, no identity, still served.
    expect((await infer('cams')).status).toBe(200);
  });

  it('revokes clients (REST and GraphQL): their credential gets 401 at once', async () => {
    const revoked = await platform.http(`/edge/clients/${deviceClient.id}/revoke`, {
      method: 'POST',
      admin: true,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ status: 'REVOKED' });
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    const res = await download(deviceClient.credential);
    expect(res.status).toBe(401);
    expect(res.json?.error?.message).toContain('edge client "camera-1" was revoked');
    const beat = await platform.http('/edge/heartbeat', {
      method: 'POST',
      json: {},
      ...asClient(deviceClient.credential),
    });
    expect(beat.status).toBe(401);

    const gql = await platform.graphql(
      'mutation R($id: ID!) { revokeEdgeClient(id: $id) { status } }',
      { id: gatewayClient.id },
      true,
    );
    expect(gql.data.revokeEdgeClient.status).toBe('REVOKED');
    expect((await download(gatewayClient.credential)).status).toBe(401);
    const revokedInfer = await platform.http('/v2/models/cams/versions/production/infer', {
      method: 'POST',
      json: { inputs: [] },
      ...asClient(gatewayClient.credential),
    });
    expect(revokedInfer.status).toBe(401);
    // Others are untouched.
    expect((await download(pinnedClient.credential)).status).toBe(200);

    const missing = await platform.http(
      '/edge/clients/00000000-0000-0000-0000-000000000000/revoke',
      { method: 'POST', admin: true },
    );
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('EDGE_CLIENT_NOT_FOUND');
  });

  it('signs with one key per installation: stored once, shared by every API process', async () => {
    const first = (await platform.http('/edge/public-key')).json;
    const rows = await platform.prisma.signingKey.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0].publicKeyPem).toBe(first.publicKeyPem);
    expect(first.source).toBe('database');

    const startSecond = (config: typeof platform.config) =>
      withSecondApi(config, async (url) => {
        const res = await fetch(`${url}/edge/public-key`);
        return (await res.json()) as { publicKeyPem: string; source: string };
      });
    expect((await startSecond(platform.config)).publicKeyPem).toBe(first.publicKeyPem);

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const configured = await startSecond({
      ...platform.config,
      EDGE_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    expect(configured).toMatchObject({
      source: 'config',
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
  });

  it('gives every client of a model the same group secret, at registration and on request', async () => {
    const issued = await register({
      enrollmentToken: await newToken(),
      name: 'group-member',
      modelName: 'cams',
      alias: 'production',
      deviceIndex: 0,
    });
    expect({ status: issued.status, error: issued.json.error }).toEqual({
      status: 201,
      error: undefined,
    });
    const secret = issued.json.groupSecret as string;
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const asked = await platform.http('/edge/group-secret', asClient(issued.json.credential));
    expect(asked.json).toEqual({ modelName: 'cams', groupSecret: secret });
    // Same model, other client: the same secret; a revoked client or none: 401.
    const other = await register({
      enrollmentToken: await newToken(),
      name: 'group-gateway',
      modelName: 'cams',
      alias: 'production',
      gateway: true,
    });
    expect(other.json.groupSecret).toBe(secret);
    expect(
      (await platform.http('/edge/group-secret', asClient(other.json.credential))).json.groupSecret,
    ).toBe(secret);
    expect((await platform.http('/edge/group-secret')).status).toBe(401);
    expect(
      (await platform.http('/edge/group-secret', asClient(deviceClient.credential))).status,
    ).toBe(401);
    // Derived, not stored.
    const tables = JSON.stringify([
      await platform.prisma.edgeClient.findMany(),
      await platform.prisma.signingKey.findMany(),
    ]);
    expect(tables).not.toContain(secret);
    // Another API process on the same database derives the same one.
    const fromSecond = await withSecondApi(platform.config, async (url) => {
      const res = await fetch(`${url}/edge/group-secret`, asClient(issued.json.credential));
      return ((await res.json()) as { groupSecret: string }).groupSecret;
    });
    expect(fromSecond).toBe(secret);
  });

  it('with INFERENCE_AUTH=credential, /v2 infer refuses calls without a credential', async () => {
    await withSecondApi({ ...platform.config, INFERENCE_AUTH: 'credential' }, async (url) => {
      const call = (authorization?: string) =>
        fetch(`${url}/v2/models/cams/versions/production/infer`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          body: JSON.stringify({ inputs: [] }),
        });
      const anonymous = await call();
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toContain(
        'inference needs a credential',
      );
      // Past the guard, the (empty) request itself is what is wrong: 400, not 401/403.
      const gateway = await register({
        enrollmentToken: await newToken(),
        name: 'gateway-2',
        modelName: 'cams',
        alias: 'production',
        gateway: true,
      });
      expect(gateway.status).toBe(201);
      expect((await call(`Bearer ${gateway.json.credential}`)).status).toBe(400);
      // A device credential is refused even where anonymous calls are not allowed.
      expect((await call(`Bearer ${pinnedClient.credential}`)).status).toBe(403);
      expect((await call(`Bearer ${ADMIN_TOKEN}`)).status).toBe(400);
    });
  });
});
