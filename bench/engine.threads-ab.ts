/**
 * Data-parallel training A/B: epochs of the paper's MVMC model (320 random samples, batch 32)
 * on 1 and on 2 threads, interleaved round by round so that load disturbs both alike; wall and
 * process CPU time (all threads) per step, medians.
 *   npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/engine.threads-ab.js [rounds]
 */
import { loadavg } from 'node:os';
import { initEngineBackend } from '../libs/ddnn/src/backend/engine-backend';
import { PAPER_MVMC_CONFIG } from '../libs/model-spec/src/config/presets';
import { PreparedData } from '../libs/ddnn/src/data/prepared-data';
import { DdnnModel } from '../libs/ddnn/src/model/ddnn-model';
import { trainModel } from '../libs/ddnn/src/training/train-model';
import { randomMvmcData } from './random-mvmc-data';

const STEPS = 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 4);
  await initEngineBackend('wasm');
  // prepared (in shared memory) outside the timed runs: both arms time their steps alone
  const data = PreparedData.fromParts(
    new PreparedData(randomMvmcData(32 * STEPS, 3), PAPER_MVMC_CONFIG.numClasses).shared(),
  );
  const options = { epochs: 1, batchSize: 32, learningRate: 1e-3, seed: 1 };
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
  // warm-up, and the training thread started
  await trainModel(model, randomMvmcData(64, 2), { ...options, threads: 2 });
  await trainModel(model, randomMvmcData(64, 2), options);
  console.log(`data-parallel A/B, ${new Date().toISOString()}, load average ${load()}`);
  const wall: Record<number, number[]> = { 1: [], 2: [] };
  const cpu: Record<number, number[]> = { 1: [], 2: [] };
  for (let round = 0; round < rounds; round++) {
    for (const threads of [1, 2]) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      await trainModel(model, data, { ...options, threads });
      wall[threads].push((performance.now() - started) / STEPS);
      const used = process.cpuUsage(cpuStart);
      cpu[threads].push((used.user + used.system) / 1000 / STEPS);
    }
  }
  for (const threads of [1, 2]) {
    console.log(
      `${threads} thread${threads > 1 ? 's' : ''}: wall ${median(wall[threads]).toFixed(1)} ms/step, ` +
        `CPU ${median(cpu[threads]).toFixed(1)} ms/step (medians of ${rounds})`,
    );
  }
  console.log(
    `speed-up ${(median(wall[1]) / median(wall[2])).toFixed(2)}x; load average ${load()}`,
  );
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
