import { createBuiltinDataset } from '@ddnn/datasets';
import { packSigns } from '@ddnn/partition-format';
import {
  createModel,
  cutPartitions,
  inferHierarchy,
  normalizedEntropy,
  softmaxRows,
  initEngineBackend,
  PAPER_MVMC_CONFIG,
  PartitionedModel,
  PreparedData,
  trainModel,
  type CutPartition,
  type DdnnConfigInput,
  type MultiViewData,
} from '@ddnn/engine';
import { TOY_CONFIG, toyData } from '../../ddnn/src/testing/toy-data';
import { CloudRuntime } from './cloud-runtime';
import { cloudUnsupportedReason } from './cloud-layout';
import { DeviceRuntimeError } from './device-runtime-error';
import { HierarchyRuntime } from './hierarchy-runtime';

beforeAll(async () => {
  await initEngineBackend('wasm');
});

/** Bit patterns, so -0 vs 0 or a last-bit difference fails the comparison. */
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

const CASES: Case[] = [
  { name: 'toy, CC cloud, 1 block', config: TOY_CONFIG },
  { name: 'toy, MP cloud', config: toy({ cloudAggregator: 'MP' }) },
  {
    name: 'toy, CC cloud, 2 blocks of 40 filters (two words per pixel), stride 2',
    config: toy({ cloud: { blocks: 2, filters: 40, poolStride: 2, binary: true } }),
  },
  {
    name: 'toy, 2 device blocks of 3 filters (odd bit counts), MP cloud of 5',
    config: toy({
      device: { blocks: 2, filters: 3, poolStride: 1, binary: true },
      cloudAggregator: 'MP',
      cloud: { blocks: 1, filters: 5, poolStride: 2, binary: true },
    }),
  },
].map((c) => ({ ...c, train: toyData(64, 3), test: toyData(300, 4), epochs: 3 }));

const mvmc = createBuiltinDataset('synthetic-mvmc', { seed: 3, trainSize: 96, testSize: 171 });
CASES.push({
  name: 'paper MVMC config on the synthetic MVMC test set (171 samples)',
  config: PAPER_MVMC_CONFIG,
  train: mvmc.train,
  test: mvmc.test,
  epochs: 2,
});

describe.each(CASES)('cloud runtime vs the tfjs engine: $name', (c) => {
  let parts: CutPartition[];
  let engine: PartitionedModel;
  /** Per device: the packed features the device sends for every test sample. */
  let features: Uint8Array[];
  let prepared: PreparedData;
  let threshold: number;

  beforeAll(async () => {
    const model = createModel(c.config, 1);
    await trainModel(model, c.train, {
      epochs: c.epochs,
      batchSize: 16,
      learningRate: 0.01,
      seed: 2,
    });
    engine = PartitionedModel.load(cutPartitions(model, { thresholds: { local: 0.5 } }));
    prepared = new PreparedData(c.test, engine.model.config.numClasses);
    const n = prepared.numSamples;
    const C = engine.model.config.numClasses;
    const deviceOutputs = prepared.perDevice.map((views, d) => engine.runDevice(d, views, n));
    // the shipped threshold: the median local entropy, so both exit outcomes occur
    const local = softmaxRows(
      engine.runLocal(
        deviceOutputs.map((o) => o.scores),
        n,
      ),
      C,
    );
    const sorted = Array.from({ length: n }, (_, i) => normalizedEntropy(local, i, C)).sort(
      (a, b) => a - b,
    );
    threshold = sorted[Math.floor(n / 2)];
    parts = cutPartitions(model, { thresholds: { local: threshold } });
    model.dispose();
    features = deviceOutputs.map(({ features: out }) => {
      const perSample = out.length / n;
      const packed = new Uint8Array(n * Math.ceil(perSample / 8));
      for (let i = 0; i < n; i++) {
        packed.set(
          packSigns(out.subarray(i * perSample, (i + 1) * perSample)),
          i * Math.ceil(perSample / 8),
        );
      }
      return packed;
    });
  });
  afterAll(() => engine.dispose());

  const cloudPart = () => parts.find((p) => p.manifest.tier === 'cloud')!;

  it('scores bit for bit on the whole test set, with every device and with devices missing', () => {
    const runtime = CloudRuntime.load(cloudPart().bytes);
    const n = c.test.numSamples;
    const V = runtime.numDevices;
    const patterns = [
      Array.from({ length: V }, () => true),
      Array.from({ length: V }, (_, d) => d !== 1),
      Array.from({ length: V }, (_, d) => d === V - 1),
    ];
    for (const present of patterns) {
      const inputs = features.map((f, d) => (present[d] ? f : null));
      const expected = engine.runCloud(inputs, n);
      expect(bits(runtime.runBatch(inputs, n))).toEqual(bits(expected));
    }
  });

  it('the whole hierarchy (devices, local exit, cloud) answers as the engine on the test set', () => {
    const runtime = HierarchyRuntime.load(parts.map((p) => p.bytes));
    const n = prepared.numSamples;
    const V = runtime.numDevices;
    const viewSize = prepared.perDevice[0].length / n;
    // [N, V, H, W, C] as /v2 mode b sends them, from the engine's prepared views
    const views = new Float32Array(n * V * viewSize);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < V; d++) {
        views.set(
          prepared.perDevice[d].subarray(i * viewSize, (i + 1) * viewSize),
          (i * V + d) * viewSize,
        );
      }
    }
    const [h, w, ch] = engine.model.config.inputShape;
    const expected = inferHierarchy(
      engine.model,
      {
        numSamples: n,
        numViews: V,
        viewShape: [h, w, ch],
        pixels: views,
        viewLabels: new Int32Array(n * V),
        labels: new Int32Array(n),
      },
      threshold,
    );
    const actual = runtime.runBatch(views, n);
    expect(actual.map((a) => a.exitTier)).toEqual(expected.map((e) => e.exitTier));
    expect(actual.map((a) => a.predictedClass)).toEqual(expected.map((e) => e.predictedClass));
    expect(actual.map((a) => a.entropy)).toEqual(expected.map((e) => e.entropy));
    expect(actual.map((a) => bits(a.probabilities))).toEqual(
      expected.map((e) => bits(Float32Array.from(e.probabilities))),
    );
    const local = expected.filter((e) => e.exitTier === 'local').length;
    expect(local).toBeGreaterThan(0);
    expect(local).toBeLessThan(n);
  });

  it('scores bit for bit on random bits (not what a trained device sends)', () => {
    const runtime = CloudRuntime.load(cloudPart());
    const n = 40;
    let state = 7;
    const random = features.map(() =>
      new Uint8Array(n * runtime.featureBytes).map(() => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state >>> 24;
      }),
    );
    // the last byte's unused bits (if any) are not part of the map: the engine ignores them too
    expect(bits(runtime.runBatch(random, n))).toEqual(bits(engine.runCloud(random, n)));
  });
});

describe('cloud runtime: what it refuses', () => {
  it('names why a cloud tier cannot run bit-packed', () => {
    expect(cloudUnsupportedReason(toy({ cloudAggregator: 'AP' }))).toMatch(/AP/);
    expect(
      cloudUnsupportedReason(
        toy({ cloud: { blocks: 1, filters: 4, poolStride: 1, binary: false } }),
      ),
    ).toMatch(/cloud tier is not binary/);
    expect(
      cloudUnsupportedReason(
        toy({ device: { blocks: 1, filters: 2, poolStride: 2, binary: false } }),
      ),
    ).toMatch(/devices are not binary/);
    expect(cloudUnsupportedReason(PAPER_MVMC_CONFIG)).toBeNull();
  });

  it('refuses other tiers, unsupported clouds and wrong inputs with a DeviceRuntimeError', () => {
    const model = createModel(toy({ cloudAggregator: 'AP' }), 1);
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    model.dispose();
    expect(() => CloudRuntime.load(parts[0].bytes)).toThrow(/runs cloud partitions/);
    expect(() => CloudRuntime.load(parts.find((p) => p.manifest.tier === 'cloud')!.bytes)).toThrow(
      DeviceRuntimeError,
    );
    const ok = createModel(TOY_CONFIG, 1);
    const runtime = CloudRuntime.load(
      cutPartitions(ok, { thresholds: { local: 0.5 } }).find((p) => p.manifest.tier === 'cloud')!,
    );
    ok.dispose();
    expect(() => runtime.runBatch([null, null, null], 1)).toThrow(/every device is missing/);
    expect(() => runtime.runBatch([new Uint8Array(3), null, null], 1)).toThrow(/expected 1 x/);
  });
});
