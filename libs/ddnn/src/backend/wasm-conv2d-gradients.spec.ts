import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, memoryAcrossCalls, randomValues } from './backend-test-utils';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: ConvCase[] = [
  // the paper's model (batch 2 keeps the CPU reference quick): cloud blocks, device block
  { x: [2, 16, 16, 24], filter: [3, 3, 24, 16], strides: 1, pad: 'same' },
  { x: [2, 16, 16, 16], filter: [3, 3, 16, 16], strides: 1, pad: 'same' },
  { x: [4, 32, 32, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  // few input channels: the SIMD filter gradient (simd-kernels.ts), also with 2 output groups
  { x: [2, 8, 8, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'same' },
  { x: [2, 9, 7, 2], filter: [3, 2, 2, 4], strides: [2, 1], pad: 'valid' },
  { x: [2, 7, 9, 4], filter: [3, 3, 4, 6], strides: 1, pad: 'valid' },
  { x: [3, 8, 8, 5], filter: [5, 5, 5, 2], strides: 1, pad: 'same' },
  { x: [2, 6, 5, 3], filter: [2, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 8, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 2 },
  {
    x: [2, 8, 7, 3],
    filter: [3, 3, 3, 4],
    strides: 1,
    pad: [
      [0, 0],
      [0, 2],
      [1, 0],
      [0, 0],
    ],
  },
  // strided: the original backprop-input kernel (fallback) and the supplied filter gradient
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
];

function conv2dGradients(c: ConvCase, seed: number) {
  return () => {
    const x = tf.tensor4d(randomValues(tf.util.sizeFromShape(c.x), seed), c.x);
    const w = tf.tensor4d(randomValues(tf.util.sizeFromShape(c.filter), seed + 1), c.filter);
    const outShape = tf.conv2d(x, w, c.strides, c.pad).shape;
    const dy = tf.tensor(randomValues(tf.util.sizeFromShape(outShape), seed + 2), outShape);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), dy);
    const [dx, dw] = tf.grads(f)([x, w]);
    return [tf.conv2d(x, w, c.strides, c.pad), dx, dw];
  };
}

describe('WASM convolution gradients match the CPU backend', () => {
  test.each(CASES.map((c, i) => [JSON.stringify(c), c, i] as const))(
    'conv2d %s: forward, input and filter gradients',
    async (_name, c, i) => {
      await expectWasmMatchesCpu(conv2dGradients(c, 100 + i * 3));
    },
  );

  test('Conv2DBackpropInput called directly matches', async () => {
    await expectWasmMatchesCpu(() => {
      const dy = tf.tensor4d(randomValues(2 * 6 * 6 * 5, 7), [2, 6, 6, 5]);
      const filter = tf.tensor4d(randomValues(3 * 3 * 4 * 5, 8), [3, 3, 4, 5]);
      return tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy, filter },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 6, 6, 4] },
        ) as tf.Tensor;
    });
  });

  test('no tensor or heap byte is left behind', async () => {
    for (const c of [CASES[0], CASES[2], CASES[8], CASES[10]]) {
      const { numTensors, numBytes } = await memoryAcrossCalls(conv2dGradients(c, 1));
      expect(new Set(numTensors).size).toBe(1);
      expect(new Set(numBytes).size).toBe(1);
    }
  });
});
