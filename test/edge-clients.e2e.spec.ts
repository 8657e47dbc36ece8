import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request, Server } from 'node:http';
import { decodeDataset, MultiViewDataset, selectSamples } from '@ddnn/datasets';
import {
  communicationBytesPerDevice,
  cutPartitions,
  deserializeModel,
  DdnnModel,
  HierarchyAnswer,
  inferHierarchy,
  initEngineBackend,
  predictExits,
  serializeModel,
} from '@ddnn/engine';
import {
  edgeClient,
  EdgeClientProcess,
  ensureEdgeClientBuilt,
} from './support/edge-client-process';
import type { SampleResult } from '../apps/edge-client/src/gateway/group-gateway';
import { helloProof, newNonce } from '../apps/edge-client/src/wire/device-link-auth';
import { encodeFrame, FrameReader, FrameType } from '../apps/edge-client/src/wire/group-frames';
import { publishTestVersion } from './support/publish-test-version';
import { TestPlatform, waitFor } from './support/test-platform';

/** The built-in dataset as the platform stores it; the clients generate the same from these. */
const DATASET = { builtin: 'synthetic-mvmc', seed: 5, trainSize: 240, testSize: 90 };
const INPUT_FLAGS = [
  '--dataset',
  DATASET.builtin,
  '--dataset-seed',
  String(DATASET.seed),
  '--train-size',
  String(DATASET.trainSize),
  '--test-size',
  String(DATASET.testSize),
];
const FAST_RETRY = ['--retry-base-ms', '50', '--retry-max-ms', '200'];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Six end devices and one gateway as separate edge-client processes against the real platform
 * (API in-process, worker as a process, PostgreSQL, Redis): registration, signed downloads,
 * the group's run over the test split compared sample by sample with the engine, bytes on the
 * wire against the communication formula, and what a client does with a tampered partition or
 * a refused credential. Steps share state, in order.
 */
/**
 * A peer on the gateway's port without the group secret: answers the CHALLENGE with a HELLO as
 * device `deviceIndex` whose proof is made with a random key; returns the gateway's REFUSED.
 */
async function impostorHello(address: string, deviceIndex: number): Promise<string | undefined> {
  const at = address.lastIndexOf(':');
  const socket = connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) });
  const reader = new FrameReader();
  return new Promise((resolve, reject) => {
    let refusal: string | undefined;
    socket.on('error', reject);
    socket.on('close', () => resolve(refusal));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        if (frame.type === FrameType.Challenge) {
          const fields = {
            deviceIndex,
            modelName: 'cams',
            version: 1,
            featureBytes: 128,
            numClasses: 3,
          };
          const nonce = newNonce();
          const proof = helloProof(randomBytes(32), frame.nonce, nonce, fields);
          socket.write(
            encodeFrame({
              type: FrameType.Hello,
              hello: {
                ...fields,
                nonce: nonce.toString('base64'),
                proof: proof.toString('base64'),
              },
            }),
          );
        } else if (frame.type === FrameType.Refused) refusal = frame.reason;
        else if (frame.type !== FrameType.End)
          reject(new Error(`impostor got frame ${frame.type}`));
      }
    });
  });
}

describe('edge clients end to end', () => {
  let platform: TestPlatform;
  let work: string;
  let test: MultiViewDataset;
  let model: DdnnModel;
  let threshold: number;
  let version: number;
  const clientIds = new Map<string, string>();
  const groupSecrets = new Set<string>();
  const stateDir = (name: string) => join(work, name);

  beforeAll(async () => {
    ensureEdgeClientBuilt();
    await initEngineBackend('wasm');
    platform = await TestPlatform.start({ INFERENCE_AUTH: 'credential' });
    await platform.startWorker();
    work = mkdtempSync(join(tmpdir(), 'edge-clients-'));
  }, 300_000);
  afterAll(async () => {
    model?.dispose();
    await platform?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('trains a small model on the platform and moves the production alias to it', async () => {
    const dataset = await platform.http('/datasets/builtin', {
      method: 'POST',
      admin: true,
      json: { ...DATASET, name: 'cams' },
    });
    expect(dataset.status).toBe(201);
    expect(
      (await platform.http('/models', { method: 'POST', admin: true, json: { name: 'cams' } }))
        .status,
    ).toBe(201);
    const started = await platform.http('/training-jobs', {
      method: 'POST',
      admin: true,
      json: { modelName: 'cams', dataset: 'cams', epochs: 2, batchSize: 32, seed: 3 },
    });
    expect(started.status).toBe(201);
    await waitFor(
      async () => {
        const job = await platform.http(`/training-jobs/${started.json.id}`);
        if (job.json.status === 'FAILED') throw new Error(`training failed: ${job.json.error}`);
        return job.json.status === 'COMPLETED' ? true : undefined;
      },
      180_000,
      'training',
    );
    const row = await platform.prisma.modelVersion.findFirstOrThrow({
      where: { model: { name: 'cams' } },
    });
    version = row.version;
    threshold = row.threshold;
    model = deserializeModel(row.weights);
    const stored = await platform.prisma.dataset.findUniqueOrThrow({ where: { name: 'cams' } });
    test = decodeDataset(stored.testData);
    const moved = await platform.http('/models/cams/aliases/production', {
      method: 'PUT',
      admin: true,
      json: { version },
    });
    expect(moved.status).toBe(200);
  });

  const usedTokens: string[] = [];
  async function register(name: string, extra: string[]) {
    const token = await platform.http('/edge/enrollment-tokens', {
      method: 'POST',
      admin: true,
      json: {},
    });
    expect(token.status).toBe(201);
    usedTokens.push(token.json.token as string);
    return edgeClient([
      'register',
      '--json',
      '--state-dir',
      stateDir(name),
      '--platform-url',
      platform.baseUrl,
      '--enrollment-token',
      token.json.token,
      '--name',
      name,
      '--model',
      'cams',
      '--alias',
      'production',
      ...extra,
    ]);
  }

  it('registers six devices and a gateway as separate processes, each with a verified partition', async () => {
    const names = ['gateway', ...Array.from({ length: 6 }, (_, d) => `cam-${d}`)];
    const runs = await Promise.all(
      names.map((name, i) =>
        register(name, i === 0 ? ['--gateway'] : ['--device-index', String(i - 1)]),
      ),
    );
    runs.forEach((run, i) => {
      expect({ name: names[i], code: run.code, stderr: run.stderr }).toEqual({
        name: names[i],
        code: 0,
        stderr: '',
      });
      const registered = run.events.find((e) => e.event === 'registered')!;
      clientIds.set(names[i], registered.clientId as string);
      expect(run.events.find((e) => e.event === 'partition-installed')).toMatchObject({
        version,
        tier: i === 0 ? 'local' : 'device',
      });
      const file = join(stateDir(names[i]), 'registration.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(stateDir(names[i])).mode & 0o777).toBe(0o700);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved.publicKeyPem).toContain('BEGIN PUBLIC KEY');
      expect(saved.credential.length).toBeGreaterThan(30);
      // The device group's link secret, the same for every client of the model (32 bytes).
      expect(Buffer.from(saved.groupSecret, 'base64url')).toHaveLength(32);
      groupSecrets.add(saved.groupSecret);
    });
    expect(groupSecrets.size).toBe(1);
    // A token already used, and one never issued: the platform's refusal reaches the person
    // with its reason, and nothing is saved for a registration that did not happen.
    const twice = (token: string) =>
      edgeClient([
        'register',
        '--state-dir',
        stateDir('twice'),
        '--platform-url',
        platform.baseUrl,
        '--enrollment-token',
        token,
        '--name',
        'x',
        '--model',
        'cams',
        '--alias',
        'production',
        '--device-index',
        '0',
      ]);
    const reused = await twice(usedTokens[0]);
    expect(reused.code).toBe(3);
    expect(reused.stderr).toContain('401 ENROLLMENT_TOKEN_REFUSED');
    expect(reused.stderr).toContain('already used');
    expect(existsSync(join(stateDir('twice'), 'registration.json'))).toBe(false);
    const again = await twice('not-a-token');
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('401 ENROLLMENT_TOKEN_REFUSED');
    expect(again.stderr).toContain('unknown enrollment token');
  });

  interface GroupRun {
    /** Devices started (the others are down). */
    devices: number[];
    /** Of those, devices frozen (SIGSTOP) right after they connected: alive but silent. */
    frozen?: number[];
    gatewayStateDir?: string;
    gatewayFlags?: string[];
    deviceFlags?: string[];
    /** Runs while the group runs, given the results file the gateway is writing and its address. */
    during?: (resultsFile: string, gatewayAddress: string) => Promise<void>;
  }

  /** The gateway and devices as processes over the test split; the gateway's results and summary. */
  async function runGroup({
    devices,
    frozen = [],
    gatewayStateDir,
    gatewayFlags = [],
    deviceFlags = [],
    during,
  }: GroupRun) {
    const resultsFile = join(work, `results-${Date.now()}.jsonl`);
    const gateway = new EdgeClientProcess([
      'run',
      '--json',
      '--state-dir',
      gatewayStateDir ?? stateDir('gateway'),
      ...INPUT_FLAGS,
      '--listen',
      '127.0.0.1:0',
      '--expect-devices',
      String(devices.length),
      '--results',
      resultsFile,
      '--poll-interval-ms',
      '500',
      ...FAST_RETRY,
      ...gatewayFlags,
    ]);
    const clients = new Map<number, EdgeClientProcess>();
    try {
      const listening = await gateway.waitForEvent('listening', 30_000);
      const start = (d: number) => {
        const args = [
          'run',
          '--json',
          '--gateway-address',
          listening.address as string,
          ...deviceFlags,
        ];
        // cam-3 takes its settings from a config file and the environment, the others from flags.
        if (d === 3) {
          const config = join(work, 'cam-3.json');
          writeFileSync(
            config,
            JSON.stringify({
              dataset: DATASET.builtin,
              datasetSeed: DATASET.seed,
              trainSize: DATASET.trainSize,
              testSize: DATASET.testSize,
              pollIntervalMs: 500,
            }),
          );
          clients.set(
            d,
            new EdgeClientProcess([...args, '--config', config], {
              EDGE_STATE_DIR: stateDir('cam-3'),
            }),
          );
        } else {
          clients.set(
            d,
            new EdgeClientProcess([
              ...args,
              '--state-dir',
              stateDir(`cam-${d}`),
              ...INPUT_FLAGS,
              '--poll-interval-ms',
              '500',
              ...FAST_RETRY,
              ...deviceFlags,
            ]),
          );
        }
      };
      for (const d of frozen) {
        start(d);
        await gateway.waitForEvent('device-connected', 30_000, (e) => e.device === d);
        clients.get(d)!.signal('SIGSTOP');
      }
      for (const d of devices.filter((x) => !frozen.includes(x))) start(d);
      await during?.(resultsFile, listening.address as string);
      const code = await gateway.exited;
      for (const d of frozen) clients.get(d)!.signal('SIGCONT');
      const codes = await Promise.all(devices.map((d) => clients.get(d)!.exited));
      expect({ code, stderr: gateway.stderr }).toEqual({ code: 0, stderr: '' });
      expect(codes).toEqual(devices.map(() => 0));
      // No credential or group secret reaches the output (what a supervisor or journal keeps).
      const output = [gateway, ...clients.values()].map((p) => p.stdout + p.stderr).join('\n');
      const dirs = [
        gatewayStateDir ?? stateDir('gateway'),
        ...devices.map((d) => stateDir(`cam-${d}`)),
      ];
      for (const dir of dirs) {
        const { credential, groupSecret } = JSON.parse(
          readFileSync(join(dir, 'registration.json'), 'utf8'),
        );
        expect(output.includes(credential as string)).toBe(false);
        expect(output.includes(groupSecret as string)).toBe(false);
      }
      const results = readFileSync(resultsFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as SampleResult)
        .sort((a, b) => a.sample - b.sample);
      return {
        results,
        gateway,
        clients: devices.map((d) => clients.get(d)!),
        summary: gateway.events().find((e) => e.event === 'summary')!,
      };
    } finally {
      gateway.kill();
      for (const c of clients.values()) c.kill();
    }
  }

  function checkAgainstEngine(
    results: SampleResult[],
    expected: HierarchyAnswer[],
    labels: Int32Array,
  ) {
    expect(results.map((r) => r.sample)).toEqual(expected.map((_, i) => i));
    expect(results.map((r) => r.exitTier)).toEqual(expected.map((e) => e.exitTier));
    expect(results.map((r) => r.predictedClass)).toEqual(expected.map((e) => e.predictedClass));
    expect(results.map((r) => r.localEntropy)).toEqual(expected.map((e) => e.entropies.local));
    const accuracy = (classes: (number | null)[]) =>
      classes.filter((c, i) => c === labels[i]).length / labels.length;
    expect(accuracy(results.map((r) => r.predictedClass))).toBe(
      accuracy(expected.map((e) => e.predictedClass)),
    );
  }

  it('runs the test split through 6 device processes and the gateway exactly as the engine does', async () => {
    // cam-2 cannot reach the platform: it runs offline on the partition it keeps on disk.
    const offline = JSON.parse(readFileSync(join(stateDir('cam-2'), 'registration.json'), 'utf8'));
    writeFileSync(
      join(stateDir('cam-2'), 'registration.json'),
      JSON.stringify({ ...offline, platformUrl: 'http://127.0.0.1:9' }),
    );
    // While the group runs, an impostor without the group secret connects to the gateway's port
    // and claims to be device 0: it is refused, and the group goes on exactly as the engine.
    let impostorRefusal: string | undefined;
    const { results, summary, clients, gateway } = await runGroup({
      devices: [0, 1, 2, 3, 4, 5],
      during: async (_results, address) => {
        impostorRefusal = await impostorHello(address, 0);
      },
    });
    expect(impostorRefusal).toMatch(/authentication failed/);
    expect(gateway.events().some((e) => e.event === 'device-refused' && e.device === 0)).toBe(true);
    writeFileSync(join(stateDir('cam-2'), 'registration.json'), JSON.stringify(offline));
    expect(clients[2].events().some((e) => e.event === 'platform-offline')).toBe(true);

    const expected = inferHierarchy(model, test, threshold);
    checkAgainstEngine(results, expected, test.labels);
    const n = test.numSamples;
    const localExits = expected.filter((e) => e.exitTier === 'local').length;
    const l = localExits / n;
    // (The trained threshold may send few samples to the cloud; version 2 below sends half.)
    expect(summary).toMatchObject({ samples: n, answered: n, localExitRate: l });
    // ...and the platform's own evaluation of the version (the worker's, stored with it).
    const metrics = (
      await platform.prisma.modelVersion.findFirstOrThrow({
        where: { model: { name: 'cams' }, version },
      })
    ).metrics as {
      operatingPoint: {
        overallAccuracy: number;
        localExitRate: number;
        commBytesPerDevice: number;
      };
    };
    expect(summary.accuracy).toBe(metrics.operatingPoint.overallAccuracy);
    expect(summary.localExitRate).toBe(metrics.operatingPoint.localExitRate);
    for (const r of results) expect(r.presentDevices).toEqual([0, 1, 2, 3, 4, 5]);

    // Bytes: the payload per device and sample is the communication formula exactly; the wire
    // adds 9 bytes of framing per frame (one scores frame, one features frame when not local).
    const d2g = summary.deviceToGateway as Record<string, number>;
    const formula = communicationBytesPerDevice(model.config, l);
    expect(formula).toBeCloseTo(12 + (1 - l) * 128, 9);
    expect(d2g.payloadBytesPerDevicePerSample).toBeCloseTo(formula, 9);
    expect(d2g.framingBytesPerDevicePerSample).toBeCloseTo(9 * (1 + (1 - l)), 9);
    // The per-sample accounting is what went over the sockets: every device's byte count on its
    // own side and on the gateway's side equals its frames plus one HELLO.
    const socketBytes = summary.deviceSocketBytes as Record<string, number>;
    clients.forEach((c, d) => {
      const done = c.events().find((e) => e.event === 'device-done')!;
      expect(done.bytesSent).toBe(socketBytes[d]);
    });
    const helloBytes = Object.values(socketBytes).reduce((a, b) => a + b, 0) - d2g.wireBytes;
    // (HELLO: the fields, the device's nonce and its proof, about 190 bytes.)
    expect(helloBytes / 6).toBeLessThan(220);
    const g2c = summary.gatewayToCloud as Record<string, number>;
    expect(g2c.requests).toBe(n - localExits);
    expect(g2c.payloadBytes).toBe((n - localExits) * 6 * 128);
    // The platform counts the same requests and body bytes for this client on its side.
    const exposition = (await platform.http('/metrics')).text;
    const counted = (name: string) =>
      Number(
        exposition.match(
          new RegExp(
            `^${name}\\{model="cams",client="${clientIds.get('gateway')}"\\} (\\d+)$`,
            'm',
          ),
        )?.[1] ?? 0,
      );
    expect(counted('ddnn_edge_cloud_requests_total')).toBe(g2c.requests);
    expect(counted('ddnn_edge_cloud_request_bytes_total')).toBe(g2c.bodyBytes);
    process.stdout.write(
      `edge clients: ${n} samples, accuracy ${(summary.accuracy as number).toFixed(4)}, local exits ${localExits}/${n} (l = ${l.toFixed(4)})\n` +
        `  device->gateway per device and sample: payload ${d2g.payloadBytesPerDevicePerSample.toFixed(2)} B = formula 12 + (1-l)*128 = ${formula.toFixed(2)} B; ` +
        `on the wire ${d2g.wireBytesPerDevicePerSample.toFixed(2)} B (framing ${d2g.framingBytesPerDevicePerSample.toFixed(2)} B), plus one HELLO of ${(helloBytes / 6).toFixed(0)} B per connection\n` +
        `  gateway->cloud: ${g2c.requests} requests, ${g2c.payloadBytes / Math.max(1, g2c.requests)} B payload each, ${g2c.overheadBytesPerRequest.toFixed(1)} B HTTP + JSON header overhead each, ${(g2c.responseBytes / Math.max(1, g2c.requests)).toFixed(0)} B per answer\n`,
    );

    // The gateway's last heartbeat carried its counters to the platform.
    const listed = await platform.http('/edge/clients?modelName=cams', { admin: true });
    const gw = listed.json.find((c: { name: string }) => c.name === 'gateway');
    expect(gw).toMatchObject({ installedVersion: version, counters: { samples: n, localExits } });
  }, 120_000);

  /**
   * Version 2: the trained weights of version 1 cut again with another local threshold (the
   * median local entropy, so about half the samples go to the cloud), published as the worker
   * publishes a version. Only the threshold differs: what the clients run must follow it.
   */
  async function publishRecut(localThreshold: number): Promise<number> {
    const prisma = platform.prisma;
    const v1 = await prisma.modelVersion.findFirstOrThrow({
      where: { model: { name: 'cams' }, version },
    });
    const stored = await prisma.dataset.findUniqueOrThrow({ where: { id: v1.datasetId } });
    const published = await publishTestVersion(prisma, {
      modelId: v1.modelId,
      datasetId: v1.datasetId,
      config: v1.config,
      threshold: localThreshold,
      weights: serializeModel(model),
      partitions: cutPartitions(model, {
        thresholds: { local: localThreshold },
        classNames: stored.classNames,
      }),
    });
    return published.version;
  }

  it('follows the alias to a new version and runs it exactly too (about half the samples to the cloud)', async () => {
    const entropies = inferHierarchy(model, test, threshold)
      .map((e) => e.entropies.local!)
      .sort((a, b) => a - b);
    const median = entropies[Math.floor(entropies.length / 2)];
    const v2 = await publishRecut(median);
    const moved = await platform.http('/models/cams/aliases/production', {
      method: 'PUT',
      admin: true,
      json: { version: v2 },
    });
    expect(moved.status).toBe(200);
    const before = await edgeClient(['status', '--json', '--state-dir', stateDir('cam-0')]);
    expect(before.events[0]).toMatchObject({
      partition: { version },
      platform: { targetVersion: v2, updateAvailable: true },
    });
    const update = await edgeClient(['update', '--json', '--state-dir', stateDir('cam-0')]);
    expect(update.code).toBe(0);
    expect(update.events.find((e) => e.event === 'partition-installed')).toMatchObject({
      version: v2,
    });
    const again = await edgeClient(['update', '--json', '--state-dir', stateDir('cam-0')]);
    expect(again.events.find((e) => e.event === 'partition-unchanged')).toMatchObject({
      version: v2,
    });

    version = v2;
    threshold = median;
    // The other clients pick v2 up when they start (their installed v1 is one poll behind).
    const { results, summary, gateway } = await runGroup({ devices: [0, 1, 2, 3, 4, 5] });
    expect(gateway.events().find((e) => e.event === 'partition-installed')).toMatchObject({
      version: v2,
    });
    const expected = inferHierarchy(model, test, threshold);
    checkAgainstEngine(results, expected, test.labels);
    const l = summary.localExitRate as number;
    expect(l).toBeGreaterThan(0.3);
    expect(l).toBeLessThan(0.7);
    const d2g = summary.deviceToGateway as Record<string, number>;
    expect(d2g.payloadBytesPerDevicePerSample).toBeCloseTo(12 + (1 - l) * 128, 9);
    expect(d2g.framingBytesPerDevicePerSample).toBeCloseTo(9 * (1 + (1 - l)), 9);
    const g2c = summary.gatewayToCloud as Record<string, number>;
    process.stdout.write(
      `edge clients, version ${v2} (threshold ${median.toFixed(4)}): accuracy ${(summary.accuracy as number).toFixed(4)}, l = ${l.toFixed(4)}; ` +
        `device->gateway ${d2g.payloadBytesPerDevicePerSample.toFixed(2)} B payload (formula ${(12 + (1 - l) * 128).toFixed(2)}), ${d2g.wireBytesPerDevicePerSample.toFixed(2)} B on the wire; ` +
        `gateway->cloud ${g2c.requests} requests, ${g2c.overheadBytesPerRequest.toFixed(1)} B overhead each\n`,
    );
  }, 120_000);

  it('treats a device that is down, or silent past --device-timeout-ms, as missing, as the engine does', async () => {
    const subset = selectSamples(
      test,
      Array.from({ length: 12 }, (_, i) => i),
      'first-12',
    );
    // Device 4 is not running; device 1 connects, then freezes (SIGSTOP) and never answers.
    const { results } = await runGroup({
      devices: [0, 1, 2, 3, 5],
      frozen: [1],
      gatewayFlags: ['--limit', '12', '--device-timeout-ms', '400'],
    });
    const expected = inferHierarchy(model, subset, threshold, { missingDevices: [1, 4] });
    checkAgainstEngine(results, expected, subset.labels);
    for (const r of results) expect(r.presentDevices).toEqual([0, 2, 3, 5]);
    // Not what all six give: the two really were left out.
    const allSix = inferHierarchy(model, subset, threshold);
    expect(
      results.filter((r, i) => r.localEntropy !== allSix[i].entropies.local).length,
    ).toBeGreaterThan(0);
  }, 120_000);

  it('keeps answering when the platform is unreachable: offline start, local answers for the cloud', async () => {
    const dir = stateDir('gateway-offline');
    cpSync(stateDir('gateway'), dir, { recursive: true });
    const registration = JSON.parse(readFileSync(join(dir, 'registration.json'), 'utf8'));
    writeFileSync(
      join(dir, 'registration.json'),
      JSON.stringify({ ...registration, platformUrl: 'http://127.0.0.1:9' }),
    );
    const subset = selectSamples(
      test,
      Array.from({ length: 16 }, (_, i) => i),
      'first-16',
    );
    const { results, gateway } = await runGroup({
      devices: [0, 1, 2, 3, 4, 5],
      gatewayStateDir: dir,
      gatewayFlags: ['--limit', '16'],
    });
    expect(gateway.events().find((e) => e.event === 'platform-offline')).toMatchObject({
      level: 'warn',
    });
    const expected = inferHierarchy(model, subset, threshold);
    const exits = predictExits(model, subset);
    const localClass = (i: number) => {
      const p = exits.local.subarray(i * 3, i * 3 + 3);
      return p.indexOf(Math.max(...p));
    };
    expect(results.map((r) => r.exitTier)).toEqual(
      expected.map((e) => (e.exitTier === 'local' ? 'local' : 'local-fallback')),
    );
    expect(results.map((r) => r.predictedClass)).toEqual(expected.map((_, i) => localClass(i)));
    expect(results.some((r) => r.exitTier === 'local-fallback')).toBe(true);
  }, 120_000);

  it('picks up an alias move in the middle of a run: every sample matches the engine at its version', async () => {
    const entropies = inferHierarchy(model, test, threshold)
      .map((e) => e.entropies.local!)
      .sort((a, b) => a - b);
    const quartile = entropies[Math.floor(entropies.length / 4)];
    const v3 = await publishRecut(quartile);
    const thresholds = new Map([
      [version, threshold],
      [v3, quartile],
    ]);
    const fast = ['--poll-interval-ms', '200'];
    // Paced like a camera (one sample per 50 ms: 4.5 s for the 90 samples), so the alias move
    // after sample 10 lands mid-run however fast this machine is.
    const { results } = await runGroup({
      devices: [0, 1, 2, 3, 4, 5],
      gatewayFlags: [...fast, '--sample-interval-ms', '50'],
      deviceFlags: fast,
      during: async (resultsFile) => {
        await waitFor(
          async () =>
            existsSync(resultsFile) && readFileSync(resultsFile, 'utf8').split('\n').length > 10
              ? true
              : undefined,
          60_000,
          'ten samples through the group',
        );
        const moved = await platform.http('/models/cams/aliases/production', {
          method: 'PUT',
          admin: true,
          json: { version: v3 },
        });
        expect(moved.status).toBe(200);
      },
    });
    const ran = (v: number) => results.filter((r) => r.version === v).length;
    expect(ran(version)).toBeGreaterThanOrEqual(10);
    expect(ran(v3)).toBeGreaterThan(0);
    expect(results.every((r) => r.exitTier !== 'unanswered')).toBe(true);
    // Each sample against the engine at the version it ran, with the devices that took part
    // (while devices and gateway switch, a device on the other version is missing).
    const groups = new Map<string, SampleResult[]>();
    for (const r of results) {
      const key = `${r.version}:${r.presentDevices.join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, group] of groups) {
      const [v, present] = key.split(':');
      const missing = [0, 1, 2, 3, 4, 5].filter((d) => !present.split(',').includes(String(d)));
      const subset = selectSamples(
        test,
        group.map((r) => r.sample),
        key,
      );
      const expected = inferHierarchy(model, subset, thresholds.get(Number(v))!, {
        missingDevices: missing,
      });
      expect(group.map((r) => [r.sample, r.exitTier, r.predictedClass, r.localEntropy])).toEqual(
        expected.map((e, i) => [group[i].sample, e.exitTier, e.predictedClass, e.entropies.local]),
      );
    }
    process.stdout.write(
      `alias move mid-run: ${ran(version)} samples on version ${version}, ${ran(v3)} on version ${v3}, ` +
        `${results.filter((r) => r.presentDevices.length < 6).length} with a device still on the other version\n`,
    );
    version = v3;
    threshold = quartile;
  }, 120_000);

  /**
   * A proxy in front of the platform that tampers with every partition it passes on: flips one
   * bit of the file, or relabels its version (X-DDNN-Model-Version + 1, the file untouched).
   */
  async function tamperingProxy(
    tamper: 'flip-bit' | 'relabel-version' = 'flip-bit',
  ): Promise<{ url: string; server: Server }> {
    const target = new URL(platform.baseUrl);
    const server = createServer((req, res) => {
      const headers = { ...req.headers };
      delete headers['if-none-match'];
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const body = Buffer.concat(chunks);
            const headers = { ...answer.headers };
            if (req.url?.startsWith('/edge/partition') && answer.statusCode === 200) {
              if (tamper === 'flip-bit') body[body.length - 1] ^= 0x01;
              else {
                const version = Number(headers['x-ddnn-model-version']);
                headers['x-ddnn-model-version'] = String(version + 1);
              }
            }
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(body);
          });
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    return { url: `http://127.0.0.1:${address.port}`, server };
  }

  it('refuses a tampered partition, in transit or on disk, and keeps the last good one', async () => {
    const dir = stateDir('cam-0-tampered');
    cpSync(stateDir('cam-0'), dir, { recursive: true });
    const installed = JSON.parse(readFileSync(join(dir, 'installed.json'), 'utf8'));
    const goodBytes = readFileSync(join(dir, installed.fileName));
    const { url, server } = await tamperingProxy();
    try {
      const registration = JSON.parse(readFileSync(join(dir, 'registration.json'), 'utf8'));
      writeFileSync(
        join(dir, 'registration.json'),
        JSON.stringify({ ...registration, platformUrl: url }),
      );
      const update = await edgeClient(['update', '--state-dir', dir, ...FAST_RETRY]);
      expect(update.code).toBe(4);
      expect(update.stderr).toContain('signature does not verify');
      expect(update.stderr).toContain(`kept the installed version ${installed.version}`);
    } finally {
      server.close();
    }
    // The genuine file and signature, labelled as the next version: the signature covers the
    // labels too (statement v2), so the client refuses it.
    const relabel = await tamperingProxy('relabel-version');
    try {
      const registration = JSON.parse(readFileSync(join(dir, 'registration.json'), 'utf8'));
      writeFileSync(
        join(dir, 'registration.json'),
        JSON.stringify({ ...registration, platformUrl: relabel.url }),
      );
      const served = await fetch(`${platform.baseUrl}/edge/partition`, {
        headers: { authorization: `Bearer ${registration.credential}` },
      });
      const servedVersion = Number(served.headers.get('x-ddnn-model-version'));
      await served.arrayBuffer();
      const update = await edgeClient(['update', '--state-dir', dir, ...FAST_RETRY]);
      expect(update.code).toBe(4);
      expect(update.stderr).toContain(
        `signature does not verify with the pinned platform key for model "cams" version ${servedVersion + 1}`,
      );
      expect(update.stderr).toContain(`kept the installed version ${installed.version}`);
    } finally {
      relabel.server.close();
    }
    expect(JSON.parse(readFileSync(join(dir, 'installed.json'), 'utf8'))).toEqual(installed);
    expect(sha256(readFileSync(join(dir, installed.fileName)))).toBe(sha256(goodBytes));

    // One bit changed on disk: the client will not run it either.
    const onDisk = Buffer.from(goodBytes);
    onDisk[onDisk.length - 1] ^= 0x80;
    writeFileSync(join(dir, installed.fileName), onDisk);
    const status = await edgeClient(['status', '--json', '--state-dir', dir]);
    expect(status.code).toBe(0);
    const report = status.events.find((e) => e.event === 'status')!;
    expect(report.partition).toBeNull();
    expect(report.partitionProblem).toContain('signature does not verify');
  }, 60_000);

  it('stops with a clear message when the credential is wrong or revoked', async () => {
    const dir = stateDir('cam-1-wrong');
    cpSync(stateDir('cam-1'), dir, { recursive: true });
    const registration = JSON.parse(readFileSync(join(dir, 'registration.json'), 'utf8'));
    writeFileSync(
      join(dir, 'registration.json'),
      JSON.stringify({ ...registration, credential: 'wrong' }),
    );
    const wrong = await edgeClient(['update', '--state-dir', dir]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('the platform refused this client (401 UNAUTHORIZED)');
    expect(wrong.stderr).toContain('register again');

    const revoked = await platform.http(`/edge/clients/${clientIds.get('cam-5')}/revoke`, {
      method: 'POST',
      admin: true,
    });
    expect(revoked.status).toBe(200);
    const status = await edgeClient(['status', '--state-dir', stateDir('cam-5')]);
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/401 UNAUTHORIZED.*revoked/);
    const run = await edgeClient([
      'run',
      '--json',
      '--state-dir',
      stateDir('cam-5'),
      ...INPUT_FLAGS,
      '--gateway-address',
      '127.0.0.1:9',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('was revoked');
  }, 60_000);
});
