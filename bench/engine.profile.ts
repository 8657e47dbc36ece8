/**
 * Where WASM time goes: tf.profile over training steps of the paper's MVMC model
 * (batch 32), kernels aggregated by name and input shapes. Run after a build:
 *   npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/engine.profile.js [steps] [backend]
 *   node dist/bench-build/bench/engine.profile.js infer [batch] [backend]   (eval-mode forward)
 *   add --no-simd for the JavaScript kernels instead of the SIMD ones
 */
import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend, type EngineBackendName } from '../libs/ddnn/src/backend/engine-backend';
import { setSimdKernelsEnabled } from '../libs/ddnn/src/backend/simd-kernels';
import { PAPER_MVMC_CONFIG } from '../libs/model-spec/src/config/presets';
import { DdnnModel } from '../libs/ddnn/src/model/ddnn-model';
import { trainModel } from '../libs/ddnn/src/training/train-model';
import { randomMvmcData } from './random-mvmc-data';

type KernelRecords = Awaited<ReturnType<typeof tf.profile>>['kernels'];

function printTable(kernels: KernelRecords, per: number): void {
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const entry = byKernel.get(key) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += k.kernelTimeMs as number;
    byKernel.set(key, entry);
  }
  console.log('| kernel | input shapes | calls | ms/call | ms total |');
  console.log('|---|---|---|---|---|');
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
  for (const [key, { calls, ms }] of rows) {
    const space = key.indexOf(' ');
    console.log(
      `| ${key.slice(0, space)} | ${key.slice(space + 1)} | ${calls / per} | ${(ms / calls).toFixed(2)} | ${(ms / per).toFixed(2)} |`,
    );
  }
}

/** Eval-mode forward at one batch size, outputs read back. */
async function profileInference(batch: number): Promise<void> {
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
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
  const runs = 10;
  const started = performance.now();
  for (let i = 0; i < runs; i++) once();
  const wallMs = (performance.now() - started) / runs;
  const info = await tf.profile(async () => {
    for (let i = 0; i < runs; i++) once();
  });
  const totalMs = info.kernels.reduce((s, k) => s + (k.kernelTimeMs as number), 0) / runs;
  console.log(
    `inference batch ${batch}: wall ${wallMs.toFixed(2)} ms/forward unprofiled; ` +
      `${info.kernels.length / runs} kernel calls and ${totalMs.toFixed(2)} ms kernel time per forward`,
  );
  printTable(info.kernels, runs);
  tf.dispose(inputs);
  model.dispose();
}

async function main(): Promise<void> {
  // --no-simd: the JavaScript kernels instead of the SIMD ones (before/after comparisons)
  const noSimd = process.argv.indexOf('--no-simd');
  if (noSimd >= 0) {
    process.argv.splice(noSimd, 1);
    setSimdKernelsEnabled(false);
  }
  if (process.argv[2] === 'infer') {
    await initEngineBackend((process.argv[4] ?? 'wasm') as EngineBackendName);
    await profileInference(Number(process.argv[3] ?? 64));
    return;
  }
  const steps = Number(process.argv[2] ?? 2);
  const backend = (process.argv[3] ?? 'wasm') as EngineBackendName;
  await initEngineBackend(backend);
  const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
  const options = { epochs: 1, batchSize: 32, learningRate: 1e-3, seed: 1 };
  await trainModel(model, randomMvmcData(160, 1), options);
  const data = randomMvmcData(32 * steps, 2);
  const started = performance.now();
  await trainModel(model, data, options);
  const wallMs = (performance.now() - started) / steps;
  const info = await tf.profile(async () => {
    await trainModel(model, data, options);
  });
  const totalMs = info.kernels.reduce((sum, k) => sum + (k.kernelTimeMs as number), 0);
  console.log(
    `${backend}: ${steps} steps of batch 32; wall ${wallMs.toFixed(1)} ms/step unprofiled; ` +
      `${(info.kernels.length / steps).toFixed(0)} kernel calls and ` +
      `${(totalMs / steps).toFixed(1)} ms kernel time per step`,
  );
  printTable(info.kernels, steps);
  if (process.env.PROFILE_BY_NAME) {
    const byName = new Map<string, { calls: number; ms: number }>();
    for (const k of info.kernels) {
      const entry = byName.get(k.name) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += k.kernelTimeMs as number;
      byName.set(k.name, entry);
    }
    for (const [name, { calls, ms }] of [...byName].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`${name}: ${calls / steps} calls/step, ${(ms / steps).toFixed(2)} ms/step`);
    }
  }
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
