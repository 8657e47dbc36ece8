import * as tf from '@tensorflow/tfjs-core';
import {
  expectClose,
  expectWasmMatchesCpu,
  memoryAcrossCalls,
  randomValues,
  runOn,
} from './backend-test-utils';
import { initEngineBackend } from './engine-backend';
import { setSimdKernelsEnabled } from './simd-kernels';
import { planSmallMatMul } from './wasm-mat-mul';

/** The SIMD BatchMatMul for products with one small dimension, against the CPU backend. */

const rand = (shape: number[], seed: number) =>
  tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);

interface Case {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const product = (c: Case, seed: number) => () =>
  tf.matMul(rand(c.a, seed), rand(c.b, seed + 1), c.transposeA, c.transposeB);

/** An exit's FC forward and both gradients, as training computes them. */
const exitWithGradients = (features: number, classes: number, seed: number) => () => {
  const x = rand([32, features], seed);
  const w = rand([features, classes], seed + 1);
  const dy = rand([32, classes], seed + 2);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), dy));
  return [tf.matMul(x, w), ...tf.grads(f)([x, w])];
};

const CASES: Case[] = [
  // the exits' gradients: dy x W^T (K = 3) and x^T x dy (N = 3)
  { a: [32, 3], b: [1024, 3], transposeA: false, transposeB: true },
  { a: [32, 1024], b: [32, 3], transposeA: true, transposeB: false },
  { a: [32, 4096], b: [32, 3], transposeA: true, transposeB: false },
  // every transpose combination with tails (dimensions not a multiple of 4)
  { a: [5, 3], b: [3, 7], transposeA: false, transposeB: false },
  { a: [3, 5], b: [3, 7], transposeA: true, transposeB: false },
  { a: [5, 3], b: [7, 3], transposeA: false, transposeB: true },
  { a: [3, 9], b: [6, 3], transposeA: true, transposeB: true },
  { a: [13, 2], b: [2, 4], transposeA: false, transposeB: false },
  { a: [1, 5, 3], b: [1, 3, 7], transposeA: false, transposeB: false },
  // not covered: the original kernel (batched; no small dimension; nothing to vectorize)
  { a: [2, 5, 3], b: [2, 3, 6], transposeA: false, transposeB: false },
  { a: [20, 24], b: [24, 16], transposeA: false, transposeB: false },
  { a: [32, 1024], b: [1024, 3], transposeA: false, transposeB: false },
];

describe('BatchMatMul with a small dimension on WASM (SIMD)', () => {
  beforeAll(async () => {
    await initEngineBackend('wasm');
  });

  it('plans the exits gradients onto the SIMD kernel and leaves other products alone', () => {
    const plan = (rows: number, depth: number, cols: number, tA: boolean, tB: boolean) =>
      planSmallMatMul({ rows, depth, cols, transposeA: tA, transposeB: tB });
    expect(plan(32, 3, 1024, false, true)).toBe('transposeB');
    expect(plan(1024, 32, 3, true, false)).toBe('swapped');
    expect(plan(5, 3, 7, false, false)).toBe('direct');
    expect(plan(32, 1024, 3, false, false)).toBeNull();
    expect(plan(20, 24, 16, false, false)).toBeNull();
  });

  test.each(CASES.map((c, i) => [JSON.stringify(c), c, i] as const))(
    'matMul %s matches the CPU backend and XNNPACK',
    async (_name, c, i) => {
      await expectWasmMatchesCpu(product(c, 100 + i * 3), 1e-5);
      const [simd] = await runOn('wasm', product(c, 100 + i * 3));
      setSimdKernelsEnabled(false);
      let xnnpack: Float32Array;
      try {
        [xnnpack] = await runOn('wasm', product(c, 100 + i * 3));
      } finally {
        setSimdKernelsEnabled(true);
      }
      expectClose(simd, xnnpack, 1e-5);
    },
  );

  test.each([
    [1024, 3],
    [4096, 3],
    [64, 10],
  ])('an exit FC %i -> %i, forward and gradients, matches the CPU backend', async (f, k) => {
    await expectWasmMatchesCpu(exitWithGradients(f, k, 7), 1e-5);
  });

  it('leaves no tensor or heap byte behind', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(exitWithGradients(64, 3, 9));
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});
