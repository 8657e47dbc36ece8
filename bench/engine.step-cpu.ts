/**
 * Process CPU time of the engine's training steps or batch-64 forwards (WASM, 1 thread): the
 * measure that a loaded machine disturbs least, for before/after comparisons between builds run
 * alternately as separate processes (a commit built apart with `git archive`, then this file
 * from each build in turn). Prints one number.
 *   npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/engine.step-cpu.js train [steps] [batch]
 *     -> CPU ms per training step of the paper's MVMC model
 *   node dist/bench-build/bench/engine.step-cpu.js infer [forwards]
 *     -> CPU us per sample of eval-mode forwards at batch 64, all exits read back
 */
import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../libs/ddnn/src/backend/engine-backend';
import { PAPER_MVMC_CONFIG } from '../libs/model-spec/src/config/presets';
import { PreparedData } from '../libs/ddnn/src/data/prepared-data';
import { DdnnModel } from '../libs/ddnn/src/model/ddnn-model';
import { trainModel } from '../libs/ddnn/src/training/train-model';
import { randomMvmcData } from './random-mvmc-data';

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'train';
  const count = Number(process.argv[3] ?? 20);
  await initEngineBackend('wasm');
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
  if (mode === 'infer') {
    const batch = 64;
    const inputs = Array.from({ length: PAPER_MVMC_CONFIG.numDevices }, () =>
      tf.randomUniform([batch, 32, 32, 3]),
    ) as tf.Tensor4D[];
    const once = () => {
      const outputs = tf.tidy(() => {
        const out = model.forward(inputs, { training: false });
        return [...out.devices.map((d) => d!.scores), out.local, out.cloud];
      });
      for (const t of outputs) t.dataSync();
      tf.dispose(outputs);
    };
    for (let i = 0; i < 10; i++) once();
    const since = process.cpuUsage();
    for (let i = 0; i < count; i++) once();
    console.log(((cpuMs(since) / count / batch) * 1000).toFixed(1));
    return;
  }
  if (mode !== 'train') throw new Error(`mode is train or infer, not ${mode}`);
  const batchSize = Number(process.argv[4] ?? 32);
  const options = { epochs: 1, batchSize, learningRate: 1e-3, seed: 1 };
  await trainModel(model, randomMvmcData(3 * batchSize, 1), options);
  // prepared outside the measured CPU time: the steps alone, as bench:engine times them
  const data = new PreparedData(randomMvmcData(batchSize * count, 2), PAPER_MVMC_CONFIG.numClasses);
  const since = process.cpuUsage();
  await trainModel(model, data, options);
  console.log((cpuMs(since) / count).toFixed(2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
