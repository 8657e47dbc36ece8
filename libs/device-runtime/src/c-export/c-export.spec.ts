import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuiltinDataset } from '@ddnn/datasets';
import { packSigns } from '@ddnn/partition-format';
import {
  createModel,
  cutPartitions,
  initEngineBackend,
  PAPER_MVMC_CONFIG,
  PartitionedModel,
  PreparedData,
  softmaxRows,
  normalizedEntropy as engineEntropy,
  trainModel,
  type CutPartition,
  type DdnnConfigInput,
  type MultiViewData,
} from '@ddnn/engine';
import { TOY_CONFIG, toyData } from '../../../ddnn/src/testing/toy-data';
import { DeviceRuntime } from '../device-runtime';
import { LocalAggregatorRuntime } from '../local-aggregator-runtime';
import { exportPartitionToC } from './c-export';
import { CExportError } from './c-export-error';
import { BYTE_Q31 } from './device-c-plan';
import { requireTool, run, STRICT_C99, writeFiles } from './c-toolchain';
import { deviceHostHarness, localHostHarness } from './testing/host-harness';

beforeAll(async () => {
  requireTool('gcc');
  await initEngineBackend('wasm');
});

/** Toy views as the bytes a camera would send (the C device takes 8-bit views). */
function toyBytes(n: number, seed: number): MultiViewData {
  const data = toyData(n, seed);
  const pixels = Uint8Array.from(data.pixels as Float32Array, (v) =>
    Math.min(255, Math.round(v * 255)),
  );
  return { ...data, pixels };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

interface Case {
  name: string;
  config: DdnnConfigInput;
  train: MultiViewData;
  test: MultiViewData;
  epochs: number;
}

const toy = (overrides: Partial<DdnnConfigInput>): DdnnConfigInput => ({
  ...TOY_CONFIG,
  ...overrides,
});
const mvmc = createBuiltinDataset('synthetic-mvmc', { seed: 3, trainSize: 96, testSize: 171 });
const CASES: Case[] = [
  {
    name: 'toy, 1 binary block, MP',
    config: TOY_CONFIG,
    train: toyBytes(64, 3),
    test: toyBytes(300, 4),
    epochs: 3,
  },
  {
    name: 'toy, 2 binary blocks (3 filters), CC',
    config: toy({
      device: { blocks: 2, filters: 3, poolStride: 2, binary: true },
      localAggregator: 'CC',
    }),
    train: toyBytes(64, 3),
    test: toyBytes(300, 4),
    epochs: 3,
  },
  {
    name: 'toy, 9 filters, pool stride 1, AP',
    config: toy({
      device: { blocks: 1, filters: 9, poolStride: 1, binary: true },
      localAggregator: 'AP',
    }),
    train: toyBytes(64, 3),
    test: toyBytes(200, 4),
    epochs: 2,
  },
  {
    name: 'paper MVMC config on the synthetic MVMC test set (171 samples, absent views), MP',
    config: PAPER_MVMC_CONFIG,
    train: mvmc.train,
    test: mvmc.test,
    epochs: 2,
  },
];

describe.each(CASES)('C export vs the engine and the device runtime: $name', (c) => {
  let parts: CutPartition[];
  let engine: PartitionedModel;
  let prepared: PreparedData;
  let dir: string;
  let threshold: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddnn-c-export-'));
    const model = createModel(c.config, 1);
    await trainModel(model, c.train, {
      epochs: c.epochs,
      batchSize: 16,
      learningRate: 0.01,
      seed: 2,
    });
    prepared = new PreparedData(c.test, model.config.numClasses);
    // about the median local entropy as the threshold, so both exit outcomes occur
    const probe = PartitionedModel.load(cutPartitions(model, { thresholds: { local: 0.5 } }));
    const n = prepared.numSamples;
    const C = model.config.numClasses;
    const local = probe.runLocal(
      prepared.perDevice.map((views, d) => probe.runDevice(d, views, n).scores),
      n,
    );
    probe.dispose();
    const probabilities = softmaxRows(local, C);
    const sorted = Array.from({ length: n }, (_, i) => engineEntropy(probabilities, i, C)).sort(
      (a, b) => a - b,
    );
    // between two samples' entropies: the C decision uses the C library's exp and log, which may
    // differ from V8's in the last bit, so no sample sits exactly on the threshold
    const distinct = [...new Set(sorted)];
    const m = Math.floor(distinct.length / 2);
    threshold = (distinct[m - 1] + distinct[m]) / 2;
    parts = cutPartitions(model, { thresholds: { local: threshold } });
    model.dispose();
    engine = PartitionedModel.load(parts.filter((p) => p.manifest.tier !== 'cloud'));
  });
  afterAll(() => {
    engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every device, compiled with gcc: scores and feature bits equal the engine and the runtime on the whole test set', () => {
    const n = prepared.numSamples;
    const raw = c.test.pixels as Uint8Array;
    const V = c.test.numViews;
    const viewSize = raw.length / (n * V);
    let exactWindows = 0;
    for (const part of parts.filter((p) => p.manifest.tier === 'device')) {
      const d = part.manifest.deviceIndex!;
      const exported = exportPartitionToC(part.bytes, { modelVersion: 'test v1' });
      const sym = exported.symbol;
      writeFiles(dir, exported.files);
      writeFileSync(join(dir, `${sym}_main.c`), deviceHostHarness(sym));
      const exe = join(dir, sym);
      run('gcc', [
        ...STRICT_C99,
        '-O2',
        '-o',
        exe,
        join(dir, `${sym}.c`),
        join(dir, `${sym}_main.c`),
      ]);
      // this device's views as the bytes the dataset holds
      const views = new Uint8Array(n * viewSize);
      for (let i = 0; i < n; i++) {
        views.set(raw.subarray((i * V + d) * viewSize, (i * V + d + 1) * viewSize), i * viewSize);
      }
      const out = run(exe, [String(n)], views).stdout;
      const runtime = DeviceRuntime.load(part.bytes);
      const C = runtime.numClasses;
      const fb = runtime.featureBytes;
      const record = 4 * C + fb + 2;
      expect(out.length).toBe(n * record);
      const cScores = new Uint32Array(n * C);
      const cFeatures = new Uint8Array(n * fb);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < C; k++) cScores[i * C + k] = out.readUInt32LE(i * record + 4 * k);
        cFeatures.set(out.subarray(i * record + 4 * C, i * record + 4 * C + fb), i * fb);
        exactWindows += out.readUInt16LE(i * record + 4 * C + fb);
      }
      const expected = engine.runDevice(d, prepared.perDevice[d], n);
      const fromRuntime = runtime.runBatch(views, n);
      expect(Array.from(cScores)).toEqual(bits(expected.scores));
      expect(Array.from(cScores)).toEqual(bits(fromRuntime.scores));
      const perSample = expected.features.length / n;
      const engineFeatures = new Uint8Array(n * fb);
      for (let i = 0; i < n; i++) {
        engineFeatures.set(
          packSigns(expected.features.subarray(i * perSample, (i + 1) * perSample)),
          i * fb,
        );
      }
      expect(Array.from(cFeatures)).toEqual(Array.from(engineFeatures));
      expect(Array.from(cFeatures)).toEqual(Array.from(fromRuntime.features));
    }
    // how many windows needed the exact float32 sums (printed: it shows the fallback ran)
    process.stdout.write(`${c.name}: ${exactWindows} windows decided exactly\n`);
  });

  it('the local aggregator, compiled with gcc: scores bit for bit, exit decision and class equal the engine', () => {
    const n = prepared.numSamples;
    const C = engine.model.config.numClasses;
    const devices = parts.filter((p) => p.manifest.tier === 'device');
    const V = devices.length;
    const deviceScores = devices.map(
      (p, d) => DeviceRuntime.load(p.bytes).runBatch(prepared.perDevice[d], n).scores,
    );
    const localPart = parts.find((p) => p.manifest.tier === 'local')!;
    const exported = exportPartitionToC(localPart.bytes);
    const sym = exported.symbol;
    writeFiles(dir, exported.files);
    writeFileSync(join(dir, `${sym}_main.c`), localHostHarness(sym));
    const exe = join(dir, sym);
    run('gcc', [
      ...STRICT_C99,
      '-O2',
      '-o',
      exe,
      join(dir, `${sym}.c`),
      join(dir, `${sym}_main.c`),
      '-lm',
    ]);
    const runtime = LocalAggregatorRuntime.load(localPart.bytes);
    for (const missing of [null, 1]) {
      const record = V + 4 * V * C;
      const input = Buffer.alloc(n * record);
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < V; d++) {
          input[i * record + d] = d === missing ? 0 : 1;
          for (let k = 0; k < C; k++) {
            input.writeFloatLE(deviceScores[d][i * C + k], i * record + V + 4 * (d * C + k));
          }
        }
      }
      const out = run(exe, [String(n)], input).stdout;
      const outRecord = 4 * C + 2 + 8;
      expect(out.length).toBe(n * outRecord);
      const inputs = deviceScores.map((s, d) => (d === missing ? null : s));
      const expected = engine.runLocal(inputs, n);
      const probabilities = softmaxRows(expected, C);
      let exits = 0;
      for (let i = 0; i < n; i++) {
        const at = i * outRecord;
        const cBits = Array.from({ length: C }, (_, k) => out.readUInt32LE(at + 4 * k));
        expect(cBits).toEqual(bits(expected.subarray(i * C, (i + 1) * C)));
        const decision = runtime.decide(expected.subarray(i * C, (i + 1) * C));
        const entropy = engineEntropy(probabilities, i, C);
        // the C library's exp/log may differ from V8's in the last bit
        expect(Math.abs(out.readDoubleLE(at + 4 * C + 2) - entropy)).toBeLessThan(1e-12);
        expect(out[at + 4 * C]).toBe(entropy < threshold ? 1 : 0);
        expect(out[at + 4 * C + 1]).toBe(decision.predictedClass);
        if (out[at + 4 * C]) exits++;
      }
      expect(exits).toBeGreaterThan(0);
      expect(exits).toBeLessThan(n);
    }
  });
});

describe('C export: what it refuses', () => {
  it('embeds any model-version text as a valid C string and comment', () => {
    const model = createModel(TOY_CONFIG, 1);
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    model.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'ddnn-c-names-'));
    try {
      const label = 'v"1\\ ??/ */ é\n';
      for (const part of parts.filter((p) => p.manifest.tier !== 'cloud')) {
        const exported = exportPartitionToC(part.bytes, { modelVersion: label });
        writeFiles(dir, exported.files);
        const c = join(dir, exported.files[1].name);
        run('gcc', [...STRICT_C99, '-c', '-o', `${c}.o`, c]);
        expect(exported.files[0].content).toContain('_MODEL_VERSION "v\\"1\\\\ \\?\\?/ */ \\?\\?"');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fixed-point pixel table: fround(u / 255) * 2^31 is an exact integer for every byte', () => {
    for (const v of BYTE_Q31) expect(Number.isInteger(v) && v >= 0 && v <= 2 ** 31).toBe(true);
  });

  it('refuses float devices, the cloud tier and bad symbols with clear messages', () => {
    const model = createModel(
      toy({ device: { blocks: 1, filters: 2, poolStride: 2, binary: false } }),
      1,
    );
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    model.dispose();
    const device = parts.find((p) => p.manifest.tier === 'device')!;
    expect(() => exportPartitionToC(device.bytes)).toThrow(CExportError);
    expect(() => exportPartitionToC(device.bytes)).toThrow(/binary device partitions/);
    const cloud = parts.find((p) => p.manifest.tier === 'cloud')!;
    expect(() => exportPartitionToC(cloud.bytes)).toThrow(/this partition is the cloud tier/);
    const local = parts.find((p) => p.manifest.tier === 'local')!;
    expect(() => exportPartitionToC(local.bytes, { symbol: 'not-c' })).toThrow(/C identifier/);
    // 64x64 views, 16 filters, pool stride 1: 65,536 feature bits, past the 16-bit indices
    const big = createModel(
      toy({
        inputShape: [64, 64, 1],
        device: { blocks: 1, filters: 16, poolStride: 1, binary: true },
      }),
      1,
    );
    const bigDevice = cutPartitions(big, { thresholds: { local: 0.5 } }).find(
      (p) => p.manifest.tier === 'device',
    )!;
    big.dispose();
    expect(() => exportPartitionToC(bigDevice.bytes)).toThrow(
      /microcontroller-sized devices \(16-bit indices, tables under 64 KiB\): block 0 outputs 65536 bits; its const tables are \d+ bytes/,
    );
  });
});
