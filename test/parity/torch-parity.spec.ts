/**
 * Numerical parity with PyTorch (issue 12, item 1): the engine and bench/torch-reference/ddnn_torch.py
 * start from the same weights (exported by the engine) and take the same batches. Checked: every
 * exit's scores before and after training (float paths, 1e-4), the devices' binary feature maps
 * (sign for sign), the per-epoch losses of every exit and every weight after every epoch over
 * 24 Adam steps. Differences found and their resolution: docs/results/parity.md#numerical-parity.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../../libs/ddnn/src/backend/engine-backend';
import type { DdnnConfigInput } from '../../libs/model-spec/src/config/ddnn-config';
import { PreparedData, rangeIndices } from '../../libs/ddnn/src/data/prepared-data';
import { DdnnModel } from '../../libs/ddnn/src/model/ddnn-model';
import { modelEntries } from '../../libs/ddnn/src/model/model-serialization';
import {
  decodeBundle,
  encodeBundle,
  type BundleEntry,
} from '../../libs/ddnn/src/model/tensor-bundle';
import { BN_EPSILON } from '../../libs/ddnn/src/model/tier-forward';
import { deriveSeed, shuffledIndices } from '../../libs/ddnn/src/random/seeded-random';
import { toyData } from '../../libs/ddnn/src/testing/toy-data';
import { trainModel } from '../../libs/ddnn/src/training/train-model';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(__dirname, '../../bench/torch-reference/parity_check.py');

/** Float paths (exit scores): absolute difference after the same forward pass. */
const FLOAT_TOLERANCE = 1e-4;
/** Per-epoch mean loss of each exit: absolute difference (or within PyTorch's own spread). */
const LOSS_TOLERANCE = 1e-4;
/**
 * A weight "agrees" within 1e-5. Weights whose true gradient is zero (a bias followed by
 * BatchNorm; a fully-connected row over a feature constant across the batch) get rounding noise
 * as gradient, which Adam normalises into steps of about lr: their values are decided by float
 * rounding, in PyTorch as in the engine; once such a difference flips a binary weight or
 * activation the runs drift apart further, PyTorch from itself too. So 90 % of the weights must
 * agree within 1e-5 (or within SPREAD_FACTOR x PyTorch float32 vs float64's 90th percentile),
 * and the number and size of those apart must stay within SPREAD_FACTOR x what PyTorch float32
 * vs PyTorch float64 shows on the same steps.
 */
const WEIGHT_TOLERANCE = 1e-5;
const SPREAD_FACTOR = 2;

const SAMPLES = 30;
const BATCH = 8;
const EPOCHS = 6; // 4 steps per epoch (8, 8, 8 and a folded tail of 6): 24 Adam steps
const SEED = 5;
const LEARNING_RATE = 1e-3;

const base: DdnnConfigInput = {
  numDevices: 4,
  inputShape: [8, 8, 1],
  numClasses: 3,
  device: { blocks: 1, filters: 4, poolStride: 2, binary: true },
  localAggregator: 'MP',
  cloudAggregator: 'CC',
  cloud: { blocks: 2, filters: 8, poolStride: 1, binary: true },
};

const CASES: [string, DdnnConfigInput][] = [
  ['MP-CC (the paper model, binary cloud)', base],
  ['CC local, AP cloud', { ...base, localAggregator: 'CC', cloudAggregator: 'AP' }],
  ['MP-CC with a float (ReLU) cloud', { ...base, cloud: { ...base.cloud, binary: false } }],
];

/** The batches trainModel takes: the epoch's seeded order, a lone tail folded into the last. */
function engineBatches(n: number): number[][] {
  const batches: number[][] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const order = shuffledIndices(n, deriveSeed(SEED, epoch));
    for (let start = 0; start < n;) {
      const end = n - (start + BATCH) < 2 ? n : start + BATCH;
      batches.push(Array.from(order.subarray(start, end)));
      start = end;
    }
  }
  return batches;
}

function evalOutputs(
  model: DdnnModel,
  data: PreparedData,
  prefix: string,
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  tf.tidy(() => {
    const inputs = data.deviceInputs(rangeIndices(0, data.numSamples));
    const res = model.forward(inputs, { training: false });
    res.devices.forEach((d, v) => {
      out.set(`${prefix}:device${v}/features`, d!.features.dataSync() as Float32Array);
      out.set(`${prefix}:device${v}/scores`, d!.scores.dataSync() as Float32Array);
    });
    out.set(`${prefix}:local`, res.local.dataSync() as Float32Array);
    out.set(`${prefix}:cloud`, res.cloud.dataSync() as Float32Array);
  });
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

beforeAll(async () => {
  await initEngineBackend('wasm');
});

describe('numerical parity with PyTorch (same weights, same batches)', () => {
  const data = toyData(SAMPLES, 11, 4);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ddnn-parity-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES)('%s', async (label, configInput) => {
    const model = DdnnModel.create(configInput, SEED);
    const prepared = new PreparedData(data, model.config.numClasses);
    const batches = engineBatches(SAMPLES);
    expect(batches).toHaveLength(24);
    const entries: BundleEntry[] = [
      ...modelEntries(model).map((e) => ({
        ...e,
        name: `w:${e.name}`,
        data: Float32Array.from(e.data),
      })),
      ...prepared.perDevice.map((x, v) => ({
        name: `x:${v}`,
        shape: [SAMPLES, ...data.viewShape],
        data: x,
      })),
      { name: 'labels', shape: [SAMPLES], data: Float32Array.from(data.labels) },
      { name: 'viewLabels', shape: [SAMPLES, 4], data: Float32Array.from(data.viewLabels) },
    ];
    const file = (name: string) => join(dir, `${label.replace(/\W+/g, '-')}-${name}`);
    writeFileSync(
      file('in.bundle'),
      encodeBundle(
        'DDNNPAR1',
        {
          config: model.config,
          bnEps: BN_EPSILON,
          learningRate: LEARNING_RATE,
          exitWeights: { device: 1, local: 1, edge: 1, cloud: 1 },
          batches,
          stepsPerEpoch: batches.length / EPOCHS,
        },
        entries,
      ),
    );
    execFileSync(PYTHON, [SCRIPT, file('in.bundle'), file('out.bundle')], {
      cwd: resolve(__dirname, '../../bench/torch-reference'),
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });

    const engine = evalOutputs(model, prepared, 'eval0');
    const epochWeights: Map<string, Float32Array>[] = [];
    const summary = await trainModel(model, data, {
      epochs: EPOCHS,
      batchSize: BATCH,
      learningRate: LEARNING_RATE,
      seed: SEED,
      onEpoch: () => {
        epochWeights.push(
          new Map(modelEntries(model).map((e) => [e.name, Float32Array.from(e.data)])),
        );
      },
    });
    for (const [k, v] of evalOutputs(model, prepared, 'eval1')) engine.set(k, v);

    const torch = decodeBundle<{ epochLosses: number[][]; f64EpochLosses: number[][] }>(
      'DDNNPAR2',
      new Uint8Array(readFileSync(file('out.bundle'))),
    );
    const theirs = new Map(torch.entries.map((e) => [e.name, e.data]));
    const report: string[] = [];

    // Before training, same weights: the same forward, float outputs within 1e-4, binary
    // feature maps sign for sign.
    for (const [name, ours] of engine) {
      if (!name.startsWith('eval0')) continue;
      const other = theirs.get(name)!;
      if (name.endsWith('/features')) {
        expect(signFlips(ours, other)).toBe(0);
      } else {
        expect(maxAbsDiff(ours, other)).toBeLessThan(FLOAT_TOLERANCE);
      }
    }

    // Every epoch: the loss of every exit, and every weight, against PyTorch float32; PyTorch
    // float64 on the same steps shows how far rounding alone moves PyTorch from itself.
    const keys = Object.keys(summary.history[0].losses).filter((k) => k !== 'total');
    expect(keys).toEqual(['device0', 'device1', 'device2', 'device3', 'local', 'cloud']);
    summary.history.forEach((epoch, e) => {
      keys.forEach((key, k) => {
        const ours = Math.abs(epoch.losses[key] - torch.meta.epochLosses[e][k]);
        const rounding = Math.abs(torch.meta.f64EpochLosses[e][k] - torch.meta.epochLosses[e][k]);
        if (ours > LOSS_TOLERANCE)
          report.push(`epoch ${e + 1} ${key} loss: ${ours} (f64 ${rounding})`);
        expect(ours).toBeLessThan(Math.max(LOSS_TOLERANCE, SPREAD_FACTOR * rounding));
      });
      const ours: number[] = [];
      const rounding: number[] = [];
      for (const [name, w] of epochWeights[e]) {
        const t32 = theirs.get(`epoch${e + 1}:${name}`)!;
        const t64 = theirs.get(`f64/epoch${e + 1}:${name}`)!;
        for (let i = 0; i < w.length; i++) {
          ours.push(Math.abs(w[i] - t32[i]));
          rounding.push(Math.abs(t64[i] - t32[i]));
        }
      }
      const apart = (d: number[]) => d.filter((x) => x > WEIGHT_TOLERANCE).length;
      report.push(
        `epoch ${e + 1}: weights apart by > ${WEIGHT_TOLERANCE}: engine ${apart(ours)} of ${ours.length} ` +
          `(q90 ${quantile(ours, 0.9).toExponential(1)}, max ${Math.max(...ours).toExponential(1)}), ` +
          `PyTorch float64 ${apart(rounding)} (q90 ${quantile(rounding, 0.9).toExponential(1)}, ` +
          `max ${Math.max(...rounding).toExponential(1)})`,
      );
      expect(quantile(ours, 0.9)).toBeLessThan(
        Math.max(WEIGHT_TOLERANCE, SPREAD_FACTOR * quantile(rounding, 0.9)),
      );
      expect(apart(ours)).toBeLessThanOrEqual(SPREAD_FACTOR * apart(rounding) + 10);
      expect(Math.max(...ours)).toBeLessThanOrEqual(SPREAD_FACTOR * Math.max(...rounding) + 1e-4);
    });
    process.stdout.write(`${label}\n  ${report.join('\n  ')}\n`);
    model.dispose();
  });
});

function signFlips(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let flips = 0;
  for (let i = 0; i < a.length; i++) if (Math.sign(a[i]) !== Math.sign(b[i])) flips++;
  return flips;
}

function quantile(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(q * (sorted.length - 1))];
}
