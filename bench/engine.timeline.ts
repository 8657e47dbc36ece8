/**
 * Where a data-parallel training step's wall time goes: per-step phase timeline of trainModel
 * on the paper's MVMC model (batch 32, prepared shared data), with each thread's time on a CPU
 * and time runnable but waiting for one (Linux /proc/self/task/<tid>/schedstat), so that time
 * lost to serial sections (one thread idle) is told apart from time lost to other processes.
 *   npx tsc -p bench/tsconfig.json && npx tsc-alias -p bench/tsconfig.json &&
 *   node dist/bench-build/bench/engine.timeline.js [steps=30] [threads=2] [short] [first]
 * `short`: the measured epoch follows only a 2-step warm-up, as in bench:engine (else a whole
 * epoch first); `first`: also prints the first 12 steps' durations.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { initEngineBackend } from '../libs/ddnn/src/backend/engine-backend';
import { PAPER_MVMC_CONFIG } from '../libs/model-spec/src/config/presets';
import { PreparedData } from '../libs/ddnn/src/data/prepared-data';
import { DdnnModel } from '../libs/ddnn/src/model/ddnn-model';
import { trainModel } from '../libs/ddnn/src/training/train-model';
import {
  startStepTimeline,
  stopStepTimeline,
  type TimelineMark,
} from '../libs/ddnn/src/training/step-timeline';
import { randomMvmcData } from './random-mvmc-data';

/** Per thread of this process: [ms on a CPU, ms runnable but waiting for a CPU]. */
function threadTimes(): Map<string, [number, number]> {
  const times = new Map<string, [number, number]>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ');
      times.set(tid, [Number(run) / 1e6, Number(wait) / 1e6]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return times;
}

/** Phase spans as [label, from mark, to mark]; `next:` takes the mark of the following step. */
const PARALLEL_SPANS: [string, string, string][] = [
  ['coordinator: weights read, shards posted', 'step started', 'shards posted'],
  ['coordinator: own shard forward+backward', 'shards posted', 'own shard computed'],
  ['worker: message latency', 'shards posted', 'worker received'],
  ['worker: weights assigned', 'worker received', 'worker assigned weights'],
  ['worker: shard forward+backward', 'worker assigned weights', 'worker computed'],
  ['worker: gradients read, reply posted', 'worker computed', 'worker replied'],
  ['coordinator: waits for the worker', 'own shard computed', 'replies received'],
  ['coordinator: gradients summed', 'replies received', 'gradients summed'],
  ['coordinator: Adam', 'gradients summed', 'Adam applied'],
  ['coordinator: BatchNorm averages', 'Adam applied', 'BatchNorm averages updated'],
  ['coordinator: replies -> next step', 'replies received', 'next:step started'],
  ['worker: idle, reply -> next request', 'worker replied', 'next:worker received'],
  ['step', 'step started', 'next:step started'],
];
const SINGLE_SPANS: [string, string, string][] = [
  ['forward+backward', 'step started', 'gradients summed'],
  ['Adam', 'gradients summed', 'Adam applied'],
  ['BatchNorm averages', 'Adam applied', 'BatchNorm averages updated'],
  ['step', 'step started', 'next:step started'],
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

function report(marks: TimelineMark[], threads: number): void {
  const steps: TimelineMark[][] = [];
  for (const mark of marks) {
    if (mark[0] === 'step started' || steps.length === 0) steps.push([]);
    steps[steps.length - 1].push(mark);
  }
  const at = (step: TimelineMark[] | undefined, phase: string) =>
    step?.find(([p]) => p === phase)?.[1] ?? NaN;
  for (const [label, from, to] of threads > 1 ? PARALLEL_SPANS : SINGLE_SPANS) {
    const spans: number[] = [];
    // the first step is left out (the worker's first request of a run)
    for (let i = 1; i < steps.length; i++) {
      const end = to.startsWith('next:') ? at(steps[i + 1], to.slice(5)) : at(steps[i], to);
      const span = end - at(steps[i], from);
      if (Number.isFinite(span)) spans.push(span);
    }
    const mean = spans.reduce((s, x) => s + x, 0) / spans.length;
    console.log(
      `  ${label.padEnd(40)} median ${median(spans).toFixed(2).padStart(6)} ms, mean ${mean.toFixed(2).padStart(6)} ms (${spans.length} steps)`,
    );
  }
}

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 30);
  const threads = Number(process.argv[3] ?? 2);
  await initEngineBackend('wasm');
  const data = PreparedData.fromParts(
    new PreparedData(randomMvmcData(32 * steps, 3), PAPER_MVMC_CONFIG.numClasses).shared(),
  );
  const options = { epochs: 1, batchSize: 32, learningRate: 1e-3, seed: 1, threads };
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
  // warm-up: kernels compiled, the training thread started
  await trainModel(model, randomMvmcData(64, 2), options);
  if (!process.argv.includes('short')) await trainModel(model, data, options);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`${threads} thread(s), ${steps} steps of batch 32, load average ${load()}`);
  const before = threadTimes();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  startStepTimeline();
  await trainModel(model, data, options);
  const marks = stopStepTimeline();
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const after = threadTimes();
  console.log(
    `wall ${(wall / steps).toFixed(1)} ms/step, process CPU ${((cpu.user + cpu.system) / 1000 / steps).toFixed(1)} ms/step (${((cpu.user + cpu.system) / 1000 / wall).toFixed(2)} cores)`,
  );
  for (const [tid, [run, wait]] of after) {
    const [run0, wait0] = before.get(tid) ?? [0, 0];
    const onCpu = (run - run0) / steps;
    if (onCpu < 0.5) continue;
    const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    console.log(
      `  thread ${tid} (${name}): on a CPU ${onCpu.toFixed(1)} ms/step, waiting for one ${((wait - wait0) / steps).toFixed(1)} ms/step`,
    );
  }
  report(marks, threads);
  const starts = marks.filter(([p]) => p === 'step started').map(([, t]) => t);
  const quarter = Math.floor(starts.length / 4);
  const spans = [0, 1, 2, 3].map((q) =>
    ((starts[(q + 1) * quarter - 1] - starts[q * quarter]) / (quarter - 1)).toFixed(1),
  );
  console.log(`  mean step by quarter of the epoch: ${spans.join(' / ')} ms`);
  if (process.argv.includes('first')) {
    const first = starts.slice(0, 13).map((t, i, a) => (i ? (t - a[i - 1]).toFixed(0) : ''));
    console.log(`  first steps: ${first.slice(1).join(' ')} ms`);
  }
  console.log(`load average ${load()}`);
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
