import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, memoryAcrossCalls, randomValues } from './backend-test-utils';

function tensor(shape: number[], seed: number, dtype: 'float32' | 'int32' | 'bool' = 'float32') {
  const values = randomValues(tf.util.sizeFromShape(shape), seed, dtype !== 'float32');
  if (dtype === 'bool')
    return tf.tensor(
      Array.from(values, (v) => (v > 0 ? 1 : 0)),
      shape,
      'bool',
    );
  return tf.tensor(values, shape, dtype);
}

const TILE_CASES: [number[], number[]][] = [
  [
    [1, 1, 1, 16],
    [32, 16, 16, 1],
  ], // the BatchNorm gradient's tile in the cloud blocks
  [
    [1, 1, 1, 4],
    [32, 16, 16, 1],
  ],
  [[5], [3]],
  [
    [2, 3],
    [2, 2],
  ],
  [
    [2, 1, 3],
    [1, 4, 2],
  ],
  [
    [3, 2, 2, 2],
    [2, 1, 3, 2],
  ],
  [
    [2, 2, 1, 2, 3],
    [1, 2, 2, 1, 2],
  ],
  [
    [0, 3],
    [2, 2],
  ],
];

describe('WASM Tile matches the CPU backend', () => {
  test.each(TILE_CASES)('tile %j by %j (float32, int32, bool)', async (shape, reps) => {
    await expectWasmMatchesCpu(() =>
      (['float32', 'int32', 'bool'] as const).map((dtype, i) =>
        tf.cast(tf.tile(tensor(shape, 10 + i, dtype), reps), 'float32'),
      ),
    );
  });

  test('the gradient of tile (a sum over the repeats) and of a broadcasting BatchNorm', async () => {
    await expectWasmMatchesCpu(() => {
      const x = tensor([2, 1, 3], 20);
      const dy = tensor([4, 3, 6], 21);
      const dx = tf.grad((a: tf.Tensor) => tf.mul(tf.tile(a, [2, 3, 2]), dy))(x);
      const h = tensor([4, 5, 5, 6], 22);
      const scale = tensor([6], 23);
      const offset = tensor([6], 24);
      const dh = tf.grad((a: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.mul(tf.batchNorm(a, mean, variance, offset, scale, 1e-3), h);
      })(h);
      return [dx, dh];
    });
  });
});

const SPLIT_CASES: [number[], number[], number][] = [
  [[8, 16, 16, 24], [4, 4, 4, 4, 4, 4], 3], // the gradient of the cloud's channel concat
  [[6, 5], [2, 3], 1],
  [[6, 5], [1, 4, 1], 0],
  [[2, 3, 4], [1, 0, 3], 2],
  [[3, 70, 2], [64, 6], 1],
];

describe('WASM SplitV and Concat match the CPU backend', () => {
  test.each(SPLIT_CASES)('split %j into %j on axis %d', async (shape, sizes, axis) => {
    await expectWasmMatchesCpu(() => [
      ...tf.split(tensor(shape, 30), sizes, axis),
      ...tf.split(tensor(shape, 31, 'int32'), sizes, axis).map((t) => tf.cast(t, 'float32')),
    ]);
  });

  test.each(SPLIT_CASES)('concat parts of %j sized %j on axis %d', async (shape, sizes, axis) => {
    await expectWasmMatchesCpu(() => {
      const parts = sizes.map((s, i) => {
        const partShape = shape.slice();
        partShape[axis] = s;
        return tensor(partShape, 40 + i);
      });
      const ints = parts.map((p) => tf.cast(p, 'int32'));
      return [tf.concat(parts, axis), tf.cast(tf.concat(ints, axis), 'float32')];
    });
  });

  test('the gradient of concat is a split, of split a concat', async () => {
    await expectWasmMatchesCpu(() => {
      const a = tensor([2, 4, 4, 3], 50);
      const b = tensor([2, 4, 4, 5], 51);
      const dy = tensor([2, 4, 4, 8], 52);
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.mul(tf.concat([x, y], 3), dy))([
        a,
        b,
      ]);
      const dyParts = [tensor([2, 4, 4, 2], 53), tensor([2, 4, 4, 6], 54)];
      const dc = tf.grad((x: tf.Tensor) => {
        const [p, q] = tf.split(x, [2, 6], 3);
        return tf.add(tf.sum(tf.mul(p, dyParts[0])), tf.sum(tf.mul(q, dyParts[1])));
      })(dy);
      return [da, db, dc];
    });
  });

  test('no tensor or heap byte is left behind', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(() => {
      const x = tensor([4, 3, 3, 6], 60);
      const parts = tf.split(x, [1, 2, 3], 3);
      return [tf.concat(parts, 3), tf.tile(x, [1, 2, 1, 2])];
    });
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});
