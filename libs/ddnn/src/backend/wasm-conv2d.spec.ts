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

/** The SIMD Conv2D for few input channels (the devices' first layer) against the CPU backend. */

const rand = (shape: number[], seed: number) =>
  tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);

const sign = (t: tf.Tensor) => tf.sub(tf.mul(tf.cast(tf.greaterEqual(t, 0), 'float32'), 2), 1);

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  binary?: boolean;
}

const CASES: ConvCase[] = [
  // the paper's device layer, float and binarized weights
  { x: [32, 32, 32, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [32, 32, 32, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same', binary: true },
  // widths that are not a multiple of 4 (the single-pixel path), strides, padding, 8 outputs
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 8], strides: 2, pad: 'same' },
  { x: [3, 6, 11, 1], filter: [2, 3, 1, 4], strides: [1, 2], pad: 'valid' },
  { x: [2, 9, 10, 4], filter: [5, 5, 4, 4], strides: 1, pad: 2 },
  { x: [1, 3, 3, 2], filter: [3, 3, 2, 4], strides: 1, pad: 'same' },
  // not covered (the original kernel): more input channels, or outputs not a multiple of 4
  { x: [2, 8, 8, 16], filter: [3, 3, 16, 16], strides: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 6], strides: 1, pad: 'same' },
];

const convolution = (c: ConvCase, seed: number) => () => {
  const w = rand(c.filter, seed + 1);
  return tf.conv2d(
    rand(c.x, seed) as tf.Tensor4D,
    (c.binary ? sign(w) : w) as tf.Tensor4D,
    c.strides,
    c.pad,
  );
};

describe('Conv2D with few input channels on WASM (SIMD)', () => {
  beforeAll(async () => {
    await initEngineBackend('wasm');
  });

  test.each(CASES.map((c, i) => [JSON.stringify(c), c, i] as const))(
    'conv2d %s matches the CPU backend and XNNPACK',
    async (_name, c, i) => {
      // binarized weights make every product exact: the CPU backend's order gives its bits
      await expectWasmMatchesCpu(convolution(c, 300 + i * 2), c.binary ? 0 : 1e-5);
      const [simd] = await runOn('wasm', convolution(c, 300 + i * 2));
      setSimdKernelsEnabled(false);
      let xnnpack: Float32Array;
      try {
        [xnnpack] = await runOn('wasm', convolution(c, 300 + i * 2));
      } finally {
        setSimdKernelsEnabled(true);
      }
      expectClose(simd, xnnpack, 1e-5);
    },
  );

  it('trains: gradients through it match the CPU backend', async () => {
    const fn = () => {
      const x = rand([4, 8, 8, 3], 41);
      const w = rand([3, 3, 3, 4], 42);
      const dy = rand([4, 8, 8, 4], 43);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), dy)),
      )([x, w]);
    };
    await expectWasmMatchesCpu(fn, 1e-5);
  });

  it('leaves no tensor or heap byte behind', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(convolution(CASES[2], 9));
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});
