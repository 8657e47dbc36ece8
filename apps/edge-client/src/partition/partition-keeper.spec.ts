import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER_MVMC_CONFIG } from '@ddnn/model-spec';
import { encodePartition } from '@ddnn/partition-format';
import { PlatformApi } from '../platform/platform-api';
import { PartitionRefusedError } from '../platform/platform-errors';
import { ClientState, Registration } from '../state/client-state';
import { PartitionKeeper } from './partition-keeper';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const RETRY = { baseMs: 1, maxMs: 1, attempts: 1 };

/** A real (tiny) device partition file; `seed` makes the weights, so files differ. */
function partitionFile(deviceIndex: number, seed: number): Uint8Array {
  const weights = Uint8Array.from({ length: 16 }, (_, i) => (i * 31 + seed * 7) % 256);
  return encodePartition({
    manifest: {
      format: 'ddnn-partition',
      formatVersion: 1,
      tier: 'device',
      deviceIndex,
      modelConfig: PAPER_MVMC_CONFIG,
      scheme: { local: 'MP', edge: null, cloud: 'CC' },
      binary: true,
      classNames: ['x', 'y', 'z'],
      thresholds: { local: 0.5, edge: null },
      inputs: [],
      outputs: [],
      tensors: [],
      weightsByteLength: weights.length,
      weightsSha256: sha256(weights),
    },
    weights,
  });
}

/**
 * What the platform serves, written out here rather than taken from the library, so this test
 * pins the statement's text: a change on one side only fails it.
 */
interface Signed {
  model: string;
  version: number;
  device: number;
  bytes: Uint8Array;
}

/** The response: the bytes, the labels it carries, and its signature. */
interface Served {
  bytes: Uint8Array;
  labels: { model: string; version: number; device: number };
  signature: string;
  statement: string | null;
}

describe('partition keeper against a platform that is not to be trusted blindly', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyId = sha256(publicKey.export({ type: 'spki', format: 'der' }));
  let server: Server;
  let url: string;
  let root: string;
  let serving: Served;
  let target: number | null = null;
  let heartbeats = 0;

  const statementSignature = (s: Signed) =>
    sign(
      null,
      Buffer.from(
        `ddnn-partition-signature/v2\nmodel=${s.model}\nversion=${s.version}\ntier=device\ndevice=${s.device}\nsha256=${sha256(s.bytes)}`,
        'utf8',
      ),
      privateKey,
    ).toString('base64');

  /** An honest answer: labels as signed. */
  const honest = (s: Signed): Served => ({
    bytes: s.bytes,
    labels: { model: s.model, version: s.version, device: s.device },
    signature: statementSignature(s),
    statement: 'v2',
  });

  function answer(req: IncomingMessage, res: ServerResponse) {
    if (req.url === '/edge/heartbeat') {
      heartbeats++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          lastSeenAt: new Date().toISOString(),
          installedVersion: null,
          targetVersion: target,
          updateAvailable: true,
        }),
      );
      return;
    }
    const etag = `"${sha256(serving.bytes)}"`;
    const headers: Record<string, string> = {
      etag,
      'x-ddnn-model': serving.labels.model,
      'x-ddnn-model-version': String(serving.labels.version),
      'x-ddnn-partition-tier': 'device',
      'x-ddnn-device-index': String(serving.labels.device),
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': 'application/octet-stream',
      'x-ddnn-signature': serving.signature,
      'x-ddnn-signing-key-id': keyId,
      ...(serving.statement === null ? {} : { 'x-ddnn-signature-statement': serving.statement }),
    });
    res.end(Buffer.from(serving.bytes));
  }

  function keeper(name: string, pinnedVersion: number | null = null) {
    const registration: Registration = {
      platformUrl: url,
      clientId: 'c0',
      name: 'cam-0',
      role: 'device',
      modelName: 'cams',
      deviceIndex: 0,
      alias: pinnedVersion === null ? 'production' : null,
      version: pinnedVersion,
      credential: 'secret',
      publicKeyPem,
      keyId,
      registeredAt: new Date().toISOString(),
    };
    const state = new ClientState(join(root, name));
    return {
      state,
      keeper: new PartitionKeeper(state, registration, new PlatformApi(url, 'secret')),
    };
  }

  const cams1 = { model: 'cams', version: 1, device: 0, bytes: partitionFile(0, 1) };
  const cams2 = { model: 'cams', version: 2, device: 0, bytes: partitionFile(0, 2) };
  const other1 = { model: 'other', version: 1, device: 0, bytes: partitionFile(0, 9) };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'partition-keeper-'));
    server = createServer(answer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    target = null;
    heartbeats = 0;
  });

  it('installs an honestly signed partition, answers 304 as unchanged, and loads it again', async () => {
    const { state, keeper: k } = keeper('honest');
    serving = honest(cams1);
    const first = await k.update(RETRY);
    expect(first).toMatchObject({ kind: 'installed', previousVersion: null });
    expect(state.installed()).toMatchObject({
      modelName: 'cams',
      version: 1,
      deviceIndex: 0,
      signatureStatement: 'v2',
    });
    expect((await k.update(RETRY)).kind).toBe('unchanged');
    expect(keeper('honest').keeper.loadInstalled()?.installed.version).toBe(1);
  });

  it("refuses another model's signed partition relabelled as this model", async () => {
    const { state, keeper: k } = keeper('relabel-model');
    // Signed for "other" (device 0 too), served as "cams".
    serving = { ...honest(other1), labels: { ...honest(other1).labels, model: 'cams' } };
    await expect(k.update(RETRY)).rejects.toThrow(PartitionRefusedError);
    await expect(k.update(RETRY)).rejects.toThrow(
      'signature does not verify with the pinned platform key for model "cams" version 1',
    );
    // Labelled honestly as "other", it is refused for what it says it is.
    serving = honest(other1);
    await expect(k.update(RETRY)).rejects.toThrow('labelled model "other"');
    // A signature over the file bytes alone (what platforms before statement v2 signed) does
    // not vouch for the labels: refused whatever they say.
    serving = {
      bytes: other1.bytes,
      labels: { model: 'cams', version: 1, device: 0 },
      signature: sign(null, other1.bytes, privateKey).toString('base64'),
      statement: null,
    };
    await expect(k.update(RETRY)).rejects.toThrow('covers only the file bytes');
    expect(state.installed()).toBeNull();
  });

  it('refuses a relabelled version and keeps the installed one', async () => {
    const { state, keeper: k } = keeper('relabel-version');
    serving = honest(cams2);
    await k.update(RETRY);
    // Version 1's signed file served as version 2 (the one due), or as a later version.
    serving = { ...honest(cams1), labels: { ...honest(cams1).labels, version: 2 } };
    await expect(k.update(RETRY)).rejects.toThrow(
      'signature does not verify with the pinned platform key for model "cams" version 2',
    );
    serving = { ...honest(cams1), labels: { ...honest(cams1).labels, version: 7 } };
    await expect(k.update(RETRY)).rejects.toThrow('version 7');
    // A device relabel cannot pass either: the label is checked, then the signature covers it.
    serving = { ...honest(cams1), labels: { ...honest(cams1).labels, device: 1 } };
    await expect(k.update(RETRY)).rejects.toThrow('labelled tier "device" device 1');
    expect(state.installed()?.version).toBe(2);
    expect(k.good?.installed.version).toBe(2);
  });

  it('refuses a signature statement it does not know, or none', async () => {
    const { state, keeper: k } = keeper('statement');
    serving = { ...honest(cams1), statement: 'v3' };
    await expect(k.update(RETRY)).rejects.toThrow(
      'signed under statement "v3", which this client does not know (it knows v2)',
    );
    serving = { ...honest(cams1), statement: null };
    await expect(k.update(RETRY)).rejects.toThrow('no X-DDNN-Signature-Statement: v2');
    expect(state.installed()).toBeNull();
  });

  it('takes an older version only when the platform targets it (the alias moved back)', async () => {
    const { state, keeper: k } = keeper('rollback');
    serving = honest(cams2);
    await k.update(RETRY);
    // An old, genuinely signed partition replayed while the platform still targets version 2.
    serving = honest(cams1);
    target = 2;
    await expect(k.update(RETRY)).rejects.toThrow(
      "the partition is version 1, older than the installed version 2, and the platform's target is 2, not 1: refusing a rollback",
    );
    expect(heartbeats).toBe(1);
    expect(state.installed()?.version).toBe(2);
    // A target from the caller's own heartbeat is used as is.
    await expect(k.update(RETRY, undefined, 2)).rejects.toThrow('refusing a rollback');
    expect(heartbeats).toBe(1);
    // The alias really was moved back: installed.
    target = 1;
    await expect(k.update(RETRY)).resolves.toMatchObject({
      kind: 'installed',
      previousVersion: 2,
    });
    expect(state.installed()?.version).toBe(1);
    // Forward moves need no question.
    serving = honest(cams2);
    target = null;
    await k.update(RETRY);
    expect(heartbeats).toBe(2);
    expect(state.installed()?.version).toBe(2);
  });

  it('a pinned client takes only its pinned version', async () => {
    const { state, keeper: k } = keeper('pinned', 1);
    serving = honest(cams2);
    await expect(k.update(RETRY)).rejects.toThrow(
      'this client is pinned to version 1, but the partition is version 2',
    );
    expect(state.installed()).toBeNull();
    serving = honest(cams1);
    await expect(k.update(RETRY)).resolves.toMatchObject({ kind: 'installed' });
  });

  it('refuses a partition on disk whose labels were changed, or installed before statement v2', async () => {
    const { state, keeper: k } = keeper('on-disk');
    serving = honest(cams1);
    await k.update(RETRY);
    const file = join(state.dir, 'installed.json');
    const installed = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...installed, version: 2 }));
    expect(() => keeper('on-disk').keeper.loadInstalled()).toThrow('signature does not verify');
    const { signatureStatement: _v2, ...before } = installed;
    writeFileSync(file, JSON.stringify(before));
    expect(() => keeper('on-disk').keeper.loadInstalled()).toThrow('covers only the file bytes');
    writeFileSync(file, JSON.stringify(installed));
    expect(keeper('on-disk').keeper.loadInstalled()?.installed.version).toBe(1);
  });
});
