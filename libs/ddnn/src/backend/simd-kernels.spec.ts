import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { expectClose, expectWasmMatchesCpu, randomValues, runOn } from './backend-test-utils';
import { initEngineBackend } from './engine-backend';
import { fusedBatchNormTraining, fusedBinarizeWeights, fusedBinaryActivation } from './fused-ops';
import { setSimdKernelsEnabled, simdKernelsFile, simdTrainingKernels } from './simd-kernels';

/**
 * The AssemblyScript SIMD kernels (simd-kernels.ts) against the CPU backend, and bit for bit
 * against the JavaScript kernels they replace on WASM (so training results do not change).
 */

const rand = (shape: number[], seed: number, integers = false) =>
  tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed, integers), shape);

/** The activation tests also hit NaN, +-0 and exactly +-1 (the STE's edge). */
function withSpecials(shape: number[], seed: number): tf.Tensor {
  const values = randomValues(tf.util.sizeFromShape(shape), seed);
  const specials = [NaN, 0, -0, 1, -1, 1.0000001, -Infinity, Infinity];
  specials.forEach((v, i) => (values[(i * 7) % values.length] = v));
  return tf.tensor(values, shape);
}

const SHAPES = [
  [32, 16, 16, 4], // the paper's device BatchNorm / activation
  [32, 16, 16, 16], // its cloud
  [5, 3, 3, 3], // odd channels: the scalar paths
  [7, 2], // fewer elements than one vector, a tail
  [3, 3, 3, 4], // a device conv kernel (binarized weights)
];

function binaryActivationAndGrad(shape: number[], seed: number) {
  return () => {
    const x = withSpecials(shape, seed);
    const dy = rand(shape, seed + 1);
    const dx = tf.grad((a: tf.Tensor) => tf.mul(fusedBinaryActivation(a), dy))(x);
    return [fusedBinaryActivation(x), fusedBinarizeWeights(x), dx];
  };
}

function batchNormAndGrad(shape: number[], seed: number) {
  return () => {
    const channels = shape[shape.length - 1];
    const x = tf.add(tf.mul(rand(shape, seed), 3), 0.5);
    const gamma = rand([channels], seed + 1) as tf.Tensor1D;
    const beta = rand([channels], seed + 2) as tf.Tensor1D;
    const dy = rand(shape, seed + 3);
    const dMean = rand([channels], seed + 4);
    const dVar = rand([channels], seed + 5);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const out = fusedBatchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 2e-5);
      return tf.addN([
        tf.sum(tf.mul(out.y, dy)),
        tf.sum(tf.mul(out.mean, dMean)),
        tf.sum(tf.mul(out.variance, dVar)),
      ]);
    };
    const out = fusedBatchNormTraining(x, gamma, beta, 2e-5);
    return [out.y, out.mean, out.variance, ...tf.grads(f)([x, gamma, beta])];
  };
}

interface PoolCase {
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const POOLS: PoolCase[] = [
  { x: [8, 32, 32, 4], size: 3, strides: 2, pad: 1 },
  { x: [8, 16, 16, 16], size: 3, strides: 1, pad: 1 },
  { x: [2, 7, 9, 3], size: 3, strides: 2, pad: 'same' },
  { x: [2, 8, 8, 8], size: 2, strides: 2, pad: 'valid' },
  { x: [3, 9, 7, 4], size: [3, 2], strides: [1, 2], pad: 'valid' },
];

function maxPoolAndGrad(c: PoolCase, seed: number, integers: boolean, nan = false) {
  return () => {
    const values = randomValues(tf.util.sizeFromShape(c.x), seed, integers);
    if (nan) for (let i = 0; i < values.length; i += 37) values[i] = NaN;
    const x = tf.tensor4d(values, c.x);
    const outShape = tf.maxPool(x, c.size, c.strides, c.pad).shape;
    const dy = rand(outShape, seed + 1);
    const dx = tf.grad((a: tf.Tensor) =>
      tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad), dy),
    )(x);
    return [dx];
  };
}

/** Runs on WASM with the SIMD kernels and with the JavaScript ones: identical bits. */
async function expectSimdIdenticalToJs(fn: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const simd = await runOn('wasm', fn);
  setSimdKernelsEnabled(false);
  try {
    const js = await runOn('wasm', fn);
    simd.forEach((values, i) => {
      expect(new Uint32Array(values.buffer)).toEqual(new Uint32Array(js[i].buffer));
    });
  } finally {
    setSimdKernelsEnabled(true);
  }
}

describe('SIMD training kernels', () => {
  beforeAll(async () => {
    await initEngineBackend('wasm');
  });

  it('are built (npm run build:kernels) and bound to the WASM backend', () => {
    expect(simdKernelsFile()).not.toBeNull();
    expect(simdTrainingKernels(tf.backend() as BackendWasm)).not.toBeNull();
  });

  test.each(SHAPES.map((s, i) => [s.join('x'), s, i] as const))(
    'sign, binarized weights and the straight-through gradient %s',
    async (_name, shape, i) => {
      await expectWasmMatchesCpu(binaryActivationAndGrad(shape, 10 + i), 0);
      await expectSimdIdenticalToJs(binaryActivationAndGrad(shape, 10 + i));
    },
  );

  test.each(SHAPES.slice(0, 4).map((s, i) => [s.join('x'), s, i] as const))(
    'training-mode BatchNorm and its gradients %s',
    async (_name, shape, i) => {
      await expectWasmMatchesCpu(batchNormAndGrad(shape, 40 + i * 7));
      await expectSimdIdenticalToJs(batchNormAndGrad(shape, 40 + i * 7));
    },
  );

  test.each(POOLS.map((c, i) => [JSON.stringify(c), c, i] as const))(
    'MaxPoolGrad %s, on floats, on ties and negative windows, and with NaN',
    async (_name, c, i) => {
      await expectWasmMatchesCpu(maxPoolAndGrad(c, 500 + i, false));
      await expectWasmMatchesCpu(maxPoolAndGrad(c, 600 + i, true));
      await expectSimdIdenticalToJs(maxPoolAndGrad(c, 500 + i, false));
      await expectSimdIdenticalToJs(maxPoolAndGrad(c, 600 + i, true));
      await expectSimdIdenticalToJs(maxPoolAndGrad(c, 700 + i, false, true));
    },
  );

  it("filter gradient of the devices' 3 -> 4 channel convolution at full batch, as XNNPACK gives it", async () => {
    const filterGradient = () => {
      const x = rand([32, 32, 32, 3], 900);
      const dy = rand([32, 32, 32, 4], 901);
      return tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] },
        ) as tf.Tensor;
    };
    const [simd] = await runOn('wasm', filterGradient);
    setSimdKernelsEnabled(false);
    let xnnpack: Float32Array;
    try {
      [xnnpack] = await runOn('wasm', filterGradient);
    } finally {
      setSimdKernelsEnabled(true);
    }
    // 32,768 terms per value: float64 row sums against XNNPACK's float32 accumulation
    expectClose(simd, xnnpack, 1e-4);
    await expectWasmMatchesCpu(filterGradient, 1e-5);
  });

  it('leave no tensor or heap byte behind (scratch memory is freed)', async () => {
    await initEngineBackend('wasm');
    const fn = batchNormAndGrad([4, 4, 4, 4], 3);
    const bytes: number[] = [];
    const wasm = tf.backend() as BackendWasm;
    for (let i = 0; i < 3; i++) {
      tf.dispose(tf.tidy(fn));
      bytes.push(tf.memory().numBytes);
    }
    expect(new Set(bytes).size).toBe(1);
    // the allocator hands the freed scratch block out again
    const malloc = (wasm.wasm as unknown as { _malloc(n: number): number })._malloc;
    const free = (wasm.wasm as unknown as { _free(p: number): void })._free;
    const a = malloc(128);
    free(a);
    tf.dispose(tf.tidy(fn));
    const b = malloc(128);
    free(b);
    expect(b).toBe(a);
  });
});
