import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, memoryAcrossCalls, randomValues } from './backend-test-utils';

interface PoolCase {
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const CASES: PoolCase[] = [
  // the paper's model: device pool (stride 2) and cloud pool (stride 1)
  { x: [8, 32, 32, 4], size: 3, strides: 2, pad: 1 },
  { x: [8, 16, 16, 16], size: 3, strides: 1, pad: 1 },
  { x: [2, 7, 9, 3], size: 3, strides: 2, pad: 'same' },
  { x: [2, 8, 8, 5], size: 2, strides: 2, pad: 'valid' },
  { x: [3, 9, 7, 2], size: [3, 2], strides: [1, 2], pad: 'valid' },
  { x: [1, 5, 5, 1], size: 5, strides: 1, pad: 2 },
];

function maxPoolGradient(c: PoolCase, seed: number, integers: boolean) {
  return () => {
    const x = tf.tensor4d(randomValues(tf.util.sizeFromShape(c.x), seed, integers), c.x);
    const outShape = tf.maxPool(x, c.size, c.strides, c.pad).shape;
    const dy = tf.tensor(randomValues(tf.util.sizeFromShape(outShape), seed + 1), outShape);
    const dx = tf.grad((a: tf.Tensor) =>
      tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad), dy),
    )(x);
    return [tf.maxPool(x, c.size, c.strides, c.pad), dx];
  };
}

describe('WASM MaxPoolGrad matches the CPU backend', () => {
  test.each(CASES.map((c, i) => [JSON.stringify(c), c, i] as const))(
    'maxPool %s on random floats',
    async (_name, c, i) => {
      await expectWasmMatchesCpu(maxPoolGradient(c, 200 + i * 2, false));
    },
  );

  // Integer inputs: ties in most windows and many all-negative windows. The CPU backend sends
  // the gradient to the first maximum; tfjs-backend-wasm 4.22's own kernel gets these wrong.
  test.each(CASES.map((c, i) => [JSON.stringify(c), c, i] as const))(
    'maxPool %s with ties and all-negative windows',
    async (_name, c, i) => {
      await expectWasmMatchesCpu(maxPoolGradient(c, 300 + i * 2, true));
    },
  );

  test('no tensor or heap byte is left behind', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(maxPoolGradient(CASES[2], 1, true));
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});
