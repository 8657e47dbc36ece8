/**
 * A/B of the engine's SIMD training kernels against the kernels they replace (the JavaScript
 * loops, and XNNPACK for the device filter gradient), on the paper's training shapes (batch 32),
 * interleaved call by call so that a loaded machine disturbs both sides alike; medians.
 *   npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/engine.kernels-ab.js [calls]
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../libs/ddnn/src/backend/engine-backend';
import { FUSED_KERNELS } from '../libs/ddnn/src/backend/fused-kernels';
import { fusedBatchNormTraining } from '../libs/ddnn/src/backend/fused-ops';
import { setSimdKernelsEnabled } from '../libs/ddnn/src/backend/simd-kernels';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

function timed(fn: () => tf.Tensor | tf.Tensor[]): number {
  const started = performance.now();
  const out = fn();
  const ms = performance.now() - started;
  tf.dispose(out);
  return ms;
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 30);
  await initEngineBackend('wasm');
  const r = (shape: number[]) => tf.randomUniform(shape, -2, 2);
  const device = r([32, 32, 32, 4]);
  const pooled = tf.maxPool(device as tf.Tensor4D, 3, 2, 1);
  const dyPooled = r(pooled.shape);
  const cloud = r([32, 16, 16, 16]);
  const cloudPooled = tf.maxPool(cloud as tf.Tensor4D, 3, 1, 1);
  const cloudDy = r([32, 16, 16, 16]);
  const bnX = r([32, 16, 16, 4]);
  const bnG = r([4]) as tf.Tensor1D;
  const bnB = r([4]) as tf.Tensor1D;
  const views = r([32, 32, 32, 3]);
  const convDy = r([32, 32, 32, 4]);
  const deviceW = r([3, 3, 3, 4]) as tf.Tensor4D;
  const views64 = r([64, 32, 32, 3]) as tf.Tensor4D;
  const exitX = r([32, 1024]);
  const exitW = r([1024, 3]);
  const exitDy = r([32, 3]);
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    [
      'MaxPoolGrad device [32,32,32,4] 3x3/2',
      () =>
        tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: dyPooled, input: device, output: pooled },
            { filterSize: 3, strides: 2, pad: 1 },
          ) as tf.Tensor,
    ],
    [
      'MaxPoolGrad cloud [32,16,16,16] 3x3/1',
      () =>
        tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: cloudPooled, input: cloud, output: cloudPooled },
            { filterSize: 3, strides: 1, pad: 1 },
          ) as tf.Tensor,
    ],
    [
      'BatchNorm training + gradient [32,16,16,4]',
      () =>
        tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(fusedBatchNormTraining(x, g as tf.Tensor1D, b as tf.Tensor1D, 2e-5).y),
        )([bnX, bnG, bnB]),
    ],
    [
      'sign [32,16,16,16] (DdnnBinaryActivation)',
      () => tf.engine().runKernel(FUSED_KERNELS.binaryActivation, { x: cloud }) as tf.Tensor,
    ],
    [
      'straight-through gradient [32,16,16,16]',
      () =>
        tf
          .engine()
          .runKernel(FUSED_KERNELS.straightThroughGrad, { dy: cloudDy, x: cloud }) as tf.Tensor,
    ],
    [
      'Conv2DBackpropFilter device [32,32,32,3] -> 4',
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: views, dy: convDy },
            { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] },
          ) as tf.Tensor,
    ],
    ['Conv2D device [32,32,32,3] -> 4', () => tf.conv2d(views as tf.Tensor4D, deviceW, 1, 'same')],
    ['Conv2D device, inference batch 64', () => tf.conv2d(views64, deviceW, 1, 'same')],
    [
      'BatchMatMul exit input gradient dy [32,3] x W^T [3,1024]',
      () => tf.matMul(exitDy, exitW, false, true),
    ],
    [
      'BatchMatMul exit weight gradient x^T [1024,32] x dy [32,3]',
      () => tf.matMul(exitX, exitDy, true, false),
    ],
  ];
  console.log(`SIMD kernel A/B, ${calls} interleaved calls each, ${new Date().toISOString()}`);
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('| kernel | before ms (median) | SIMD ms (median) | faster by |');
  console.log('|---|---|---|---|');
  for (const [name, fn] of cases) {
    const before: number[] = [];
    const after: number[] = [];
    for (let i = 0; i < calls + 3; i++) {
      setSimdKernelsEnabled(false);
      const b = timed(fn);
      setSimdKernelsEnabled(true);
      const a = timed(fn);
      if (i >= 3) {
        before.push(b);
        after.push(a);
      }
    }
    const mb = median(before);
    const ma = median(after);
    console.log(`| ${name} | ${mb.toFixed(2)} | ${ma.toFixed(2)} | ${(mb / ma).toFixed(1)}x |`);
  }
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
