/**
 * Engine benchmark on the paper's MVMC configuration (npm run bench:engine): seconds per
 * training epoch (680 samples, batch 32) and inference microseconds per sample at batch 1 and
 * 64, per available tfjs backend, next to the PyTorch reference measured in the same run.
 *
 *   npm run bench:engine -- [--epochs 2] [--cpu-samples 64] [--backends wasm,cpu] [--no-torch]
 *                           [--threads 2] [--no-simd]
 *
 * WASM is measured as before issue 15 (JavaScript kernels, 1 thread), with the SIMD kernels
 * (backend/simd-kernels.ts) on 1 thread, and data-parallel on --threads threads (default: the
 * machine's cores, at least 2); inference on 1 thread. --no-simd leaves the SIMD kernels out.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  availableBackends,
  initEngineBackend,
  type EngineBackendName,
} from '../libs/ddnn/src/backend/engine-backend';
import { setSimdKernelsEnabled, simdKernelsFile } from '../libs/ddnn/src/backend/simd-kernels';
import { PAPER_MVMC_CONFIG } from '../libs/model-spec/src/config/presets';
import { PreparedData } from '../libs/ddnn/src/data/prepared-data';
import { DdnnModel } from '../libs/ddnn/src/model/ddnn-model';
import { createRandom } from '../libs/ddnn/src/random/seeded-random';
import { trainModel } from '../libs/ddnn/src/training/train-model';
import { randomMvmcData } from './random-mvmc-data';
import { measureTorchReference, type TorchFigures } from './torch-reference';

const TRAIN_SAMPLES = 680;
const BATCH = 32;

interface Options {
  epochs: number;
  cpuSamples: number;
  backends: EngineBackendName[] | null;
  torch: boolean;
  threads: number;
  simd: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    epochs: 2,
    cpuSamples: 64,
    backends: null,
    torch: true,
    threads: Math.max(2, availableParallelism()),
    simd: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--epochs') options.epochs = Math.max(1, Number(value()));
    else if (flag === '--cpu-samples') options.cpuSamples = Math.max(BATCH, Number(value()));
    else if (flag === '--backends') options.backends = value().split(',') as EngineBackendName[];
    else if (flag === '--no-torch') options.torch = false;
    else if (flag === '--no-simd') options.simd = false;
    else if (flag === '--threads') options.threads = Math.max(2, Number(value()));
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

async function trainSecondsPerEpoch(
  samples: number,
  epochs: number,
  threads: number,
): Promise<number> {
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
  try {
    // warm-up: kernel set-up, XNNPACK operator creation and the JIT (and the training threads,
    // which later runs in this process reuse)
    await trainModel(model, randomMvmcData(2 * BATCH, 2), {
      epochs: 1,
      batchSize: BATCH,
      learningRate: 1e-3,
      seed: 1,
      threads,
    });
    // Prepared before the clock starts, as the PyTorch reference builds its tensors before its
    // own: both time the epochs alone (per step: batch gather, forward, backward, Adam). With
    // threads the data goes to shared memory here too; starting the threads' run stays timed.
    const raw = randomMvmcData(samples, 3);
    const prepared = new PreparedData(raw, PAPER_MVMC_CONFIG.numClasses);
    const data = threads > 1 ? PreparedData.fromParts(prepared.shared()) : prepared;
    const started = performance.now();
    await trainModel(model, data, {
      epochs,
      batchSize: BATCH,
      learningRate: 1e-3,
      seed: 1,
      threads,
    });
    return (performance.now() - started) / 1000 / epochs;
  } finally {
    model.dispose();
  }
}

/** Eval-mode forward of all exits, outputs read back; microseconds per sample. */
function inferenceMicrosPerSample(batch: number, minMillis: number): number {
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
  const [h, w, c] = PAPER_MVMC_CONFIG.inputShape;
  const random = createRandom(4);
  const inputs = Array.from({ length: PAPER_MVMC_CONFIG.numDevices }, () =>
    tf.tensor4d(
      Float32Array.from({ length: batch * h * w * c }, () => random()),
      [batch, h, w, c],
    ),
  );
  const once = () => {
    const outputs = tf.tidy(() => {
      const out = model.forward(inputs, { training: false });
      return [...out.devices.map((d) => d!.scores), out.local, out.cloud];
    });
    for (const t of outputs) t.dataSync();
    tf.dispose(outputs);
  };
  try {
    for (let i = 0; i < 5; i++) once();
    let runs = 0;
    const started = performance.now();
    while (runs < 3 || performance.now() - started < minMillis) {
      once();
      runs++;
    }
    return ((performance.now() - started) * 1000) / runs / batch;
  } finally {
    tf.dispose(inputs);
    model.dispose();
  }
}

interface BackendFigures {
  backend: string;
  threads: number;
  simd: boolean;
  trainSamples: number;
  trainSecondsPerEpoch: number;
  inferB1: number;
  inferB64: number;
}

/**
 * Per backend: on WASM first the engine as it was before the SIMD kernels and data-parallel
 * training (JavaScript kernels, 1 thread: the "before" row, unless --no-simd), then the SIMD
 * kernels on 1 thread and on --threads threads. Inference always runs on 1 thread.
 */
async function measureBackend(
  name: EngineBackendName,
  options: Options,
): Promise<BackendFigures[]> {
  await initEngineBackend(name);
  // the pure-JS CPU backend is ~500x slower: a reduced sample count, scaled to 680, 1 thread
  const slow = name === 'cpu';
  const samples = slow ? options.cpuSamples : TRAIN_SAMPLES;
  const epochs = slow ? 1 : options.epochs;
  const runs: { simd: boolean; threads: number }[] = slow
    ? [{ simd: false, threads: 1 }]
    : [
        { simd: false, threads: 1 },
        ...(options.simd ? [{ simd: true, threads: 1 }] : []),
        { simd: options.simd, threads: options.threads },
      ];
  const rows: BackendFigures[] = [];
  for (const { simd, threads } of runs) {
    setSimdKernelsEnabled(simd);
    const seconds = await trainSecondsPerEpoch(samples, epochs, threads);
    const previous = rows.find((r) => r.simd === simd);
    rows.push({
      backend: name,
      threads,
      simd: simd && name === 'wasm',
      trainSamples: samples,
      trainSecondsPerEpoch: (seconds * TRAIN_SAMPLES) / samples,
      inferB1: previous?.inferB1 ?? inferenceMicrosPerSample(1, slow ? 3000 : 2000),
      inferB64: previous?.inferB64 ?? inferenceMicrosPerSample(64, slow ? 3000 : 2000),
    });
  }
  setSimdKernelsEnabled(true);
  return rows;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || dir.endsWith(path.join('dist'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root');
    dir = parent;
  }
  return dir;
}

/**
 * The PyTorch reference: DDNN_TORCH_REFERENCE, else shared/bench/ref_ddnn_torch.py beside the
 * checkout or beside one of its parents (a worktree under /work/wt finds /work/shared).
 */
function torchScript(root: string): string {
  const fromEnv = process.env.DDNN_TORCH_REFERENCE;
  if (fromEnv) return path.resolve(fromEnv);
  const relativePath = path.join('shared', 'bench', 'ref_ddnn_torch.py');
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relativePath);
    if (existsSync(candidate) || path.dirname(dir) === dir) return candidate;
  }
}

const fmt = (v: number, digits = 0) => v.toFixed(digits);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = repoRoot();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`DDNN engine benchmark, ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus().length} cores, ${cpu}, Node ${process.version}, tfjs ${tf.version_core}`,
  );
  console.log(
    `model: PAPER_MVMC_CONFIG (6 devices x 4 filters pool stride 2, cloud 2 ConvP x 16 filters, MP-CC); ` +
      `${TRAIN_SAMPLES} training samples of 6 x 32x32x3, 3 classes, batch ${BATCH}; random data`,
  );
  console.log(
    `SIMD training kernels: ${
      !options.simd
        ? 'off (--no-simd)'
        : simdKernelsFile()
          ? 'on'
          : 'not built (npm run build:kernels)'
    }`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const script = torchScript(root);
  let torch: TorchFigures | null = null;
  if (options.torch) {
    const result = measureTorchReference(script);
    if ('skipped' in result) console.log(`PyTorch reference skipped: ${result.skipped}`);
    else torch = result;
  }
  const names = (options.backends ?? availableBackends()).filter((n) =>
    availableBackends().includes(n),
  );
  const rows: BackendFigures[] = [];
  for (const name of names) {
    process.stdout.write(`measuring ${name} ...\n`);
    rows.push(...(await measureBackend(name, options)));
  }
  // the reference once more after tfjs; the machine is shared and two-thread PyTorch suffers
  // most from other processes, so keep the better of the two runs (the least disturbed)
  if (torch && options.torch) {
    const again = measureTorchReference(script);
    if (!('skipped' in again)) {
      torch = {
        ...torch,
        trainSecondsPerEpoch: Math.min(torch.trainSecondsPerEpoch, again.trainSecondsPerEpoch),
        inferB1: Math.min(torch.inferB1, again.inferB1),
        inferB64: Math.min(torch.inferB64, again.inferB64),
        runs: [...torch.runs, ...again.runs],
      };
    }
  }
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  const header = [
    'backend',
    'train s/epoch',
    'infer us/sample b1',
    'infer us/sample b64',
    'train vs torch',
    'b64 vs torch',
  ];
  const lines: string[][] = [header];
  for (const r of rows) {
    const note = r.trainSamples !== TRAIN_SAMPLES ? ` (${r.trainSamples} samples, scaled)` : '';
    lines.push([
      `tfjs ${r.backend}${r.backend === 'wasm' ? (r.simd ? ', SIMD kernels' : ', JS kernels') : ''}, ` +
        `training on ${r.threads} thread${r.threads > 1 ? 's' : ''}`,
      `${fmt(r.trainSecondsPerEpoch, 2)}${note}`,
      fmt(r.inferB1),
      fmt(r.inferB64),
      torch ? `${fmt(r.trainSecondsPerEpoch / torch.trainSecondsPerEpoch, 2)}x` : '-',
      torch ? `${fmt(r.inferB64 / torch.inferB64, 2)}x` : '-',
    ]);
  }
  if (torch) {
    lines.push([
      `PyTorch ${torch.version} (${torch.threads} threads)`,
      fmt(torch.trainSecondsPerEpoch, 2),
      fmt(torch.inferB1),
      fmt(torch.inferB64),
      '1x',
      '1x',
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) console.log(l.map((cell, i) => cell.padEnd(widths[i])).join(' | '));
  if (torch)
    console.log(
      `\nPyTorch runs (the table keeps the better figure of the two): ${torch.runs.join(' / ')}`,
    );
  console.log(
    'ratios are tfjs time / PyTorch time (goals: training <= 1.5x, batch-64 inference <= 1x)',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
