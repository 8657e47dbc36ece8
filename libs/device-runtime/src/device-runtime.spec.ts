import { createBuiltinDataset } from '@ddnn/datasets';
import { packSigns } from '@ddnn/partition-format';
import {
  createModel,
  cutPartitions,
  initEngineBackend,
  normalizedEntropy as engineEntropy,
  PAPER_MVMC_CONFIG,
  PartitionedModel,
  PreparedData,
  softmaxRows,
  trainModel,
  type CutPartition,
  type DdnnConfigInput,
  type MultiViewData,
} from '@ddnn/engine';
import { TOY_CONFIG, toyData } from '../../ddnn/src/testing/toy-data';
import { DeviceRuntime } from './device-runtime';
import { LocalAggregatorRuntime } from './local-aggregator-runtime';

beforeAll(async () => {
  await initEngineBackend('wasm');
});

/** Bit patterns, so -0 vs 0 or a last-bit difference fails the comparison. */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function randomBytesData(n: number, seed: number): MultiViewData {
  const { numDevices: V, numClasses: C } = PAPER_MVMC_CONFIG;
  const [h, w, c] = PAPER_MVMC_CONFIG.inputShape;
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pixels = new Uint8Array(n * V * h * w * c).map(() => Math.floor(next() * 256));
  const labels = new Int32Array(n).map(() => Math.floor(next() * C));
  const viewLabels = new Int32Array(n * V).map((_, i) => labels[Math.floor(i / V)]);
  return { numSamples: n, numViews: V, viewShape: [h, w, c], pixels, viewLabels, labels };
}

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
const twoBlocks = { blocks: 2, filters: 3, poolStride: 2, binary: true };

const CASES: Case[] = [
  { name: 'toy, 1 binary block, MP', config: TOY_CONFIG },
  { name: 'toy, 1 binary block, CC', config: toy({ localAggregator: 'CC' }) },
  { name: 'toy, 2 binary blocks, AP', config: toy({ device: twoBlocks, localAggregator: 'AP' }) },
  { name: 'toy, 2 binary blocks, CC', config: toy({ device: twoBlocks, localAggregator: 'CC' }) },
  {
    name: 'toy, float device (ReLU), AP',
    config: toy({
      device: { blocks: 2, filters: 3, poolStride: 1, binary: false },
      localAggregator: 'AP',
    }),
  },
].map((c) => ({ ...c, train: toyData(64, 3), test: toyData(300, 4), epochs: 3 }));

const mvmc = createBuiltinDataset('synthetic-mvmc', { seed: 3, trainSize: 96, testSize: 171 });
CASES.push({
  name: 'paper MVMC config on the synthetic MVMC test set (171 samples, absent views), MP',
  config: PAPER_MVMC_CONFIG,
  train: mvmc.train,
  test: mvmc.test,
  epochs: 2,
});
CASES.push({
  name: 'paper MVMC config on random bytes, MP',
  config: PAPER_MVMC_CONFIG,
  train: randomBytesData(32, 5),
  test: randomBytesData(171, 6),
  epochs: 1,
});

describe.each(CASES)('device runtime vs the tfjs engine: $name', (c) => {
  let parts: CutPartition[];
  let engine: PartitionedModel;
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
    prepared = new PreparedData(c.test, model.config.numClasses);
    // the shipped threshold: the median local entropy, so both exit outcomes occur
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
    threshold = sorted[Math.floor(n / 2)];
    parts = cutPartitions(model, { thresholds: { local: threshold } });
    model.dispose();
    engine = PartitionedModel.load(parts.filter((p) => p.manifest.tier !== 'cloud'));
  });
  afterAll(() => engine.dispose());

  it('every device: scores bit for bit and the packed features on the whole test set', () => {
    const n = prepared.numSamples;
    const bytesInput = c.test.pixels instanceof Uint8Array;
    const viewSize = prepared.perDevice[0].length / n;
    for (const part of parts.filter((p) => p.manifest.tier === 'device')) {
      const d = part.manifest.deviceIndex!;
      const runtime = DeviceRuntime.load(part.bytes);
      const expected = engine.runDevice(d, prepared.perDevice[d], n);
      const actual = runtime.runBatch(prepared.perDevice[d], n);
      expect(bits(actual.scores)).toEqual(bits(expected.scores));
      const perSample = expected.features.length / n;
      const expectedFeatures = new Uint8Array(n * runtime.featureBytes);
      for (let i = 0; i < n; i++) {
        const f = expected.features.subarray(i * perSample, (i + 1) * perSample);
        expectedFeatures.set(
          runtime.binary ? packSigns(f) : new Uint8Array(f.slice().buffer),
          i * runtime.featureBytes,
        );
      }
      expect(Array.from(actual.features)).toEqual(Array.from(expectedFeatures));
      if (bytesInput) {
        // views that are not exactly bytes take the float path: the same results
        const count = 40;
        const floats = prepared.perDevice[d]
          .subarray(0, count * viewSize)
          .map((v, k) => v * 0.999 + (k % 7) * 1e-4);
        const engineFloat = engine.runDevice(d, floats, count);
        const runtimeFloat = runtime.runBatch(floats, count);
        expect(bits(runtimeFloat.scores)).toEqual(bits(engineFloat.scores));
        // the same views as bytes: the runtime scales them exactly as PreparedData does
        const raw = c.test.pixels as Uint8Array;
        const V = c.test.numViews;
        for (let i = 0; i < 20; i++) {
          const start = (i * V + d) * viewSize;
          const out = runtime.run(raw.subarray(start, start + viewSize));
          expect(bits(out.scores)).toEqual(bits(actual.scores.subarray(i * 3, i * 3 + 3)));
        }
      }
    }
  });

  it('the local aggregator: scores, exit decision and class identical, with and without a missing device', () => {
    const n = prepared.numSamples;
    const C = engine.model.config.numClasses;
    const devices = parts.filter((p) => p.manifest.tier === 'device');
    const runtimes = devices.map((p) => DeviceRuntime.load(p.bytes));
    const deviceScores = runtimes.map((r, d) => r.runBatch(prepared.perDevice[d], n).scores);
    const local = LocalAggregatorRuntime.load(
      parts.find((p) => p.manifest.tier === 'local')!.bytes,
    );
    expect(local.scheme).toBe(engine.model.config.localAggregator);
    for (const missing of [null, 1]) {
      const inputs = deviceScores.map((s, d) => (d === missing ? null : s));
      const expected = engine.runLocal(inputs, n);
      const probabilities = softmaxRows(expected, C);
      let exits = 0;
      for (let i = 0; i < n; i++) {
        const row = (s: Float32Array | null) => (s ? s.subarray(i * C, (i + 1) * C) : null);
        const scores = local.aggregate(inputs.map(row));
        expect(bits(scores)).toEqual(bits(expected.subarray(i * C, (i + 1) * C)));
        const decision = local.decide(scores);
        const entropy = engineEntropy(probabilities, i, C);
        expect(decision.entropy).toBe(entropy);
        expect(decision.exit).toBe(entropy < threshold);
        const p = probabilities.subarray(i * C, (i + 1) * C);
        expect(decision.predictedClass).toBe(p.indexOf(Math.max(...p)));
        if (decision.exit) exits++;
      }
      // both outcomes occur, so the decision is really exercised
      expect(exits).toBeGreaterThan(0);
      expect(exits).toBeLessThan(n);
    }
  });
});
