/**
 * Device runtime benchmark (npm run bench:device): the paper's device partition (32x32x3 view,
 * 4 binary filters, pool stride 2, FC 1024 -> 3), microseconds per sample of the tfjs-free
 * DeviceRuntime against tfjs (WASM backend, the fastest installed here) running the same
 * partition at batch 1: the engine's own path (PartitionedModel.runDevice), and the leanest tfjs
 * graph for it (weights already ±1, so no binarization per call). Outputs of all of them are
 * compared on every view before timing; then the runtime's memory.
 *
 *   npm run bench:device -- [--millis 10000] [--train-samples 64]
 */
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {
  decodePartition,
  packSigns,
  readPartitionTensor,
  type PartitionArtifact,
} from '../libs/partition-format/src';
import { initEngineBackend } from '../libs/ddnn/src/backend/engine-backend';
import { PAPER_MVMC_CONFIG } from '../libs/model-spec/src/config/presets';
import type { MultiViewData } from '../libs/model-spec/src/data/multi-view-data';
import { PreparedData } from '../libs/ddnn/src/data/prepared-data';
import { binaryActivation } from '../libs/ddnn/src/model/binarize';
import { DdnnModel } from '../libs/ddnn/src/model/ddnn-model';
import { BN_EPSILON } from '../libs/ddnn/src/model/tier-forward';
import { cutPartitions } from '../libs/ddnn/src/partition/cut-partitions';
import { PartitionedModel } from '../libs/ddnn/src/partition/partitioned-model';
import { createRandom } from '../libs/ddnn/src/random/seeded-random';
import { trainModel } from '../libs/ddnn/src/training/train-model';
import { DeviceRuntime } from '../libs/device-runtime/src';

const TEST_VIEWS = 171;

interface Options {
  millis: number;
  trainSamples: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { millis: 10000, trainSamples: 64 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[++i]);
    if (!Number.isFinite(value)) throw new Error(`${flag} needs a number`);
    if (flag === '--millis') options.millis = Math.max(500, value);
    else if (flag === '--train-samples') options.trainSamples = Math.max(16, value);
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

/** Random bytes of the paper's shapes: 6 views of 32x32x3, 3 classes. */
function randomData(n: number, seed: number): MultiViewData {
  const { numDevices: V, numClasses: C } = PAPER_MVMC_CONFIG;
  const [h, w, c] = PAPER_MVMC_CONFIG.inputShape;
  const random = createRandom(seed);
  const pixels = new Uint8Array(n * V * h * w * c);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(random() * 256);
  const labels = new Int32Array(n).map(() => Math.floor(random() * C));
  const viewLabels = new Int32Array(n * V).map((_, i) => labels[Math.floor(i / V)]);
  return { numSamples: n, numViews: V, viewShape: [h, w, c], pixels, viewLabels, labels };
}

interface DeviceOutputs {
  scores: Float32Array;
  features: Float32Array;
}

/**
 * tfjs at its leanest on a binary device partition: the partition's kernels are ±1 already, so
 * they are loaded once as tensors and used as they are (the engine binarizes them on every
 * call); conv -> max-pool -> + bias -> BatchNorm -> sign per block, then FC -> + bias ->
 * BatchNorm, the engine's ops in the engine's order (so the results are identical).
 */
function leanTfjsDevice(artifact: PartitionArtifact): (view: Float32Array) => DeviceOutputs {
  const d = artifact.manifest.deviceIndex;
  const { inputShape, device: stack } = PAPER_MVMC_CONFIG;
  const spec = (name: string) => artifact.manifest.tensors.find((t) => t.name === name)!;
  const load = (name: string) =>
    tf.keep(tf.tensor(readPartitionTensor(artifact, name), spec(name).shape));
  const bn = (prefix: string) => ({
    mean: load(`${prefix}/bn/moving_mean`),
    variance: load(`${prefix}/bn/moving_variance`),
    beta: load(`${prefix}/bn/beta`),
    gamma: load(`${prefix}/bn/gamma`),
  });
  const blocks = Array.from({ length: stack.blocks }, (_, b) => {
    const prefix = `device${d}/block${b}`;
    return {
      kernel: load(`${prefix}/conv/kernel`) as tf.Tensor4D,
      bias: load(`${prefix}/conv/bias`),
      bn: bn(prefix),
    };
  });
  const exit = {
    kernel: load(`device${d}/exit/fc/kernel`) as tf.Tensor2D,
    bias: load(`device${d}/exit/fc/bias`),
    bn: bn(`device${d}/exit/fc`),
  };
  type Bn = ReturnType<typeof bn>;
  const norm = <T extends tf.Tensor>(x: T, p: Bn) =>
    tf.batchNorm(x, p.mean, p.variance, p.beta, p.gamma, BN_EPSILON) as T;
  return (view) =>
    tf.tidy(() => {
      let x = tf.tensor4d(view, [1, ...inputShape]);
      for (const b of blocks) {
        const pooled = tf.add(
          tf.maxPool(tf.conv2d(x, b.kernel, 1, 'same'), 3, stack.poolStride, 1),
          b.bias,
        );
        x = binaryActivation(norm(pooled as tf.Tensor4D, b.bn));
      }
      const flat = tf.reshape(x, [1, -1]) as tf.Tensor2D;
      const scores = norm(tf.add(tf.matMul(flat, exit.kernel), exit.bias) as tf.Tensor2D, exit.bn);
      return {
        scores: scores.dataSync() as Float32Array,
        features: x.dataSync() as Float32Array,
      };
    });
}

interface Timing {
  /** Median over blocks of CPU (user + system) microseconds per sample: robust to other load. */
  cpu: number;
  /** Median over blocks of wall-clock microseconds per sample. */
  wall: number;
}

interface Path {
  name: string;
  /** Runs `samples` samples (one call per sample, or one batched call). */
  block: () => void;
  samples: number;
  cpu: number[];
  wall: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * Blocks of every path in turn, round after round, for at least `millis`: each path sees the
 * same share of the machine's other load (the machine is shared), then medians per path.
 */
function measure(paths: Path[], millis: number): Map<string, Timing> {
  for (const p of paths) p.block(); // warm-up: JIT, XNNPACK operator set-up
  const started = performance.now();
  let rounds = 0;
  while (rounds < 5 || performance.now() - started < millis) {
    for (const p of paths) {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      p.block();
      const used = process.cpuUsage(cpu);
      p.cpu.push((used.user + used.system) / p.samples);
      p.wall.push(((performance.now() - wall) * 1000) / p.samples);
    }
    rounds++;
  }
  return new Map(paths.map((p) => [p.name, { cpu: median(p.cpu), wall: median(p.wall) }]));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await initEngineBackend('wasm');
  console.log(`DDNN device runtime benchmark, ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
      `tfjs ${tf.version_core} (${tf.getBackend()})`,
  );
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
  await trainModel(model, randomData(options.trainSamples, 2), {
    epochs: 1,
    batchSize: 16,
    learningRate: 0.01,
    seed: 1,
  });
  const device = cutPartitions(model, { thresholds: { local: 0.8 } })[0];
  model.dispose();
  const data = randomData(TEST_VIEWS, 3);
  const prepared = new PreparedData(data, PAPER_MVMC_CONFIG.numClasses);
  const floats = prepared.perDevice[0];
  const [h, w, c] = PAPER_MVMC_CONFIG.inputShape;
  const size = h * w * c;
  const V = PAPER_MVMC_CONFIG.numDevices;
  const bytes = Array.from({ length: TEST_VIEWS }, (_, i) =>
    (data.pixels as Uint8Array).slice(i * V * size, i * V * size + size),
  );
  const floatViews = Array.from({ length: TEST_VIEWS }, (_, i) =>
    floats.slice(i * size, (i + 1) * size),
  );

  const tensorsBefore = tf.memory();
  const engine = PartitionedModel.load([device.bytes]);
  const engineBytes = tf.memory().numBytes - tensorsBefore.numBytes;
  const runtime = DeviceRuntime.load(device.bytes);
  const lean = leanTfjsDevice(decodePartition(device.bytes));

  // the same results before timing anything
  const expected = engine.runDevice(0, floats, TEST_VIEWS);
  const actual = runtime.runBatch(floats, TEST_VIEWS);
  const perSample = expected.features.length / TEST_VIEWS;
  let identical = actual.scores.every((v, i) => Object.is(v, expected.scores[i]));
  for (let i = 0; i < TEST_VIEWS; i++) {
    const packed = packSigns(expected.features.subarray(i * perSample, (i + 1) * perSample));
    const mine = actual.features.subarray(i * runtime.featureBytes, (i + 1) * runtime.featureBytes);
    identical &&= packed.every((b, k) => b === mine[k]);
    const fromBytes = runtime.run(bytes[i]).scores;
    identical &&= fromBytes.every((v, k) => Object.is(v, actual.scores[i * 3 + k]));
  }
  for (let i = 0; i < TEST_VIEWS; i++) {
    const mine = lean(floatViews[i]);
    identical &&= mine.scores.every((v, k) => Object.is(v, expected.scores[i * 3 + k]));
    identical &&= mine.features.every((v, k) => Object.is(v, expected.features[i * perSample + k]));
  }
  if (!identical)
    throw new Error('the runtime, the lean tfjs graph and the engine disagree: not timing');
  console.log(
    `outputs on ${TEST_VIEWS} views: scores and features bit-identical (engine, lean tfjs graph, runtime)`,
  );

  const path = (name: string, block: () => void, samples = TEST_VIEWS): Path => ({
    name,
    block,
    samples,
    cpu: [],
    wall: [],
  });
  const each = (run: (i: number) => void) => () => {
    for (let i = 0; i < TEST_VIEWS; i++) run(i);
  };
  process.stdout.write(`measuring for ${options.millis} ms, all paths in turn ...\n`);
  const timings = measure(
    [
      path(
        'tfjs engine (WASM), runDevice batch 1',
        each((i) => engine.runDevice(0, floatViews[i], 1)),
      ),
      path(
        'tfjs (WASM), lean graph, pre-binarized weights, batch 1',
        each((i) => lean(floatViews[i])),
      ),
      path(
        'device runtime, Uint8 view',
        each((i) => runtime.run(bytes[i])),
      ),
      path(
        'device runtime, Float32 view',
        each((i) => runtime.run(floatViews[i])),
      ),
      path(`tfjs engine (WASM), runDevice batch ${TEST_VIEWS}`, () =>
        engine.runDevice(0, floats, TEST_VIEWS),
      ),
    ],
    options.millis,
  );
  engine.dispose();
  const rows = [...timings];
  const base = rows[0][1];
  const leanBase = rows[1][1];
  const table = [
    ['path', 'CPU us/sample', 'wall us/sample', 'vs engine b1 (CPU)', 'vs lean tfjs b1 (CPU)'],
  ];
  for (const [name, t] of rows) {
    table.push([
      name,
      t.cpu.toFixed(1),
      t.wall.toFixed(1),
      `${(base.cpu / t.cpu).toFixed(1)}x`,
      `${(leanBase.cpu / t.cpu).toFixed(1)}x`,
    ]);
  }
  console.log('');
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const r of table) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join(' | '));
  const mem = runtime.memory();
  console.log('');
  console.log(
    `device runtime memory: partition ${mem.partitionBytes} B (file), weights ${mem.weightBytes} B, ` +
      `working buffers ${mem.workingBytes} B; features sent upward ${runtime.featureBytes} B/sample`,
  );
  console.log(
    `tfjs engine: ${engineBytes} B of tensors for the loaded model (all tiers' variables)`,
  );
  for (const [name, t] of rows.slice(2, 4)) {
    for (const [against, b] of [
      ['the engine', base],
      ['the lean tfjs graph', leanBase],
    ] as const) {
      const speedup = b.cpu / t.cpu;
      console.log(
        `goal >= 10x faster than ${against} at batch 1, ${name}: ${speedup >= 10 ? 'met' : 'NOT met'} (${speedup.toFixed(1)}x)`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
