import * as tf from '@tensorflow/tfjs-core';
import { expectClose, memoryAcrossCalls, randomValues, runOn } from './backend-test-utils';
import {
  fusedBatchNormTraining,
  fusedBiasBatchNormSign,
  fusedBinarizeWeights,
  fusedBinaryActivation,
} from './fused-ops';

const EPSILON = 2e-5;

/** tfjs compositions the fused kernels replace: the reference, run on the CPU backend. */
function composedBatchNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D) {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return { y: tf.batchNorm(x, mean, variance, beta, gamma, EPSILON), mean, variance };
}

const composedSign = (x: tf.Tensor) =>
  tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1);

const composedBinaryActivation = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: composedSign(x),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
      tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved), 1), 'float32')),
  };
}) as (x: tf.Tensor) => tf.Tensor;

type BatchNorm = typeof composedBatchNorm;

/** y, mean, variance and the gradients of a loss that uses all three outputs. */
function batchNormCase(shape: number[], seed: number, batchNorm: BatchNorm) {
  return () => {
    const channels = shape[shape.length - 1];
    const x = tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);
    const gamma = tf.tensor1d(randomValues(channels, seed + 1));
    const beta = tf.tensor1d(randomValues(channels, seed + 2));
    const h = tf.tensor(randomValues(x.size, seed + 3), shape);
    const a = tf.tensor1d(randomValues(channels, seed + 4));
    const b = tf.tensor1d(randomValues(channels, seed + 5));
    const { y, mean, variance } = batchNorm(x, gamma, beta);
    const grads = tf.grads((xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) => {
      const out = batchNorm(xx, g as tf.Tensor1D, bb as tf.Tensor1D);
      return tf.addN([
        tf.sum(tf.mul(out.y, h)),
        tf.sum(tf.mul(out.mean, a)),
        tf.sum(tf.mul(out.variance, b)),
      ]);
    })([x, gamma, beta]);
    // the model's use: only y reaches the loss
    const onlyY = tf.grads((xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(batchNorm(xx, g as tf.Tensor1D, bb as tf.Tensor1D).y, h)),
    )([x, gamma, beta]);
    return [y, mean, variance, ...grads, ...onlyY];
  };
}

const fusedBatchNorm: BatchNorm = (x, gamma, beta) =>
  fusedBatchNormTraining(x, gamma, beta, EPSILON);

const BN_SHAPES = [
  [32, 16, 16, 4], // device ConvP block
  [8, 16, 16, 16], // cloud ConvP blocks
  [32, 3], // exits
  [5, 7],
  [2, 3, 4, 6],
];

describe('fused training BatchNorm matches tf.moments + tf.batchNorm on the CPU backend', () => {
  test.each(BN_SHAPES.map((s) => [s]))(
    'shape %j: outputs and gradients on WASM and CPU',
    async (shape) => {
      const seed = shape.reduce((s, d) => s * 31 + d, 7);
      const [expected] = await Promise.all([
        runOn('cpu', batchNormCase(shape, seed, composedBatchNorm)),
      ]);
      for (const backend of ['wasm', 'cpu'] as const) {
        const actual = await runOn(backend, batchNormCase(shape, seed, fusedBatchNorm));
        expect(actual).toHaveLength(expected.length);
        actual.forEach((values, i) => expectClose(values, expected[i]));
      }
    },
  );

  test('no tensor or heap byte is left behind', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(
      batchNormCase([4, 5, 5, 3], 1, fusedBatchNorm),
    );
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});

describe('fused sign and straight-through gradient match the tfjs compositions', () => {
  const values = () => {
    const v = randomValues(2 * 9 * 9 * 4, 11);
    // exact zeros and the STE's boundaries
    v.set([0, -0, 1, -1, 1.0000001, -1.0000001, 0.5, -0.5, 3, -3]);
    return tf.tensor4d(v, [2, 9, 9, 4]);
  };
  const dyValues = () => tf.tensor4d(randomValues(2 * 9 * 9 * 4, 12), [2, 9, 9, 4]);

  test.each(['wasm', 'cpu'] as const)('binary activation on %s', async (backend) => {
    const expected = await runOn('cpu', () => {
      const x = values();
      const dy = dyValues();
      return [
        composedSign(x),
        tf.grad((a: tf.Tensor) => tf.mul(composedBinaryActivation(a), dy))(x),
      ];
    });
    const actual = await runOn(backend, () => {
      const x = values();
      const dy = dyValues();
      return [
        fusedBinaryActivation(x),
        tf.grad((a: tf.Tensor) => tf.mul(fusedBinaryActivation(a), dy))(x),
      ];
    });
    actual.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(expected[i])));
  });

  test.each(['wasm', 'cpu'] as const)('binarized weights on %s', async (backend) => {
    const expected = await runOn('cpu', () => [composedSign(values()), dyValues()]);
    const actual = await runOn(backend, () => {
      const w = values();
      const dy = dyValues();
      return [
        fusedBinarizeWeights(w),
        tf.grad((a: tf.Tensor) => tf.mul(fusedBinarizeWeights(a), dy))(w),
      ];
    });
    actual.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(expected[i])));
  });

  test('no tensor or heap byte is left behind', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(() => {
      const x = values();
      const dy = dyValues();
      return tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.mul(tf.mul(fusedBinaryActivation(a), fusedBinarizeWeights(w)), dy),
      )([x, x]);
    });
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});

describe('fused inference bias + BatchNorm + sign', () => {
  /** Fused and composed (tf.add, tf.batchNorm, sign) on the same inputs; some land on 0. */
  const both = (shape: number[], seed: number) => () => {
    const channels = shape[shape.length - 1];
    const size = tf.util.sizeFromShape(shape);
    // integers make x + bias - mean exactly 0 in places: the sign's edge
    const x = tf.tensor(randomValues(size, seed, seed % 2 === 0), shape);
    const p = (k: number, lo = 0) =>
      tf.add(tf.tensor1d(randomValues(channels, seed + k, true)), lo) as tf.Tensor1D;
    const [bias, mean, variance, gamma, beta] = [p(1), p(2), p(3, 3.5), p(4), p(5)];
    return [
      fusedBiasBatchNormSign(x, bias, mean, variance, gamma, beta, EPSILON),
      composedSign(tf.batchNorm(tf.add(x, bias), mean, variance, beta, gamma, EPSILON)),
    ];
  };

  test.each(['wasm', 'cpu'] as const)('gives the CPU composition bit for bit on %s', async (b) => {
    for (const [shape, seed] of [
      [[64, 16, 16, 4], 1],
      [[8, 16, 16, 16], 2],
      [[5, 3, 3, 3], 3],
      [[7, 2], 4],
    ] as const) {
      const [fused] = await runOn(b, both([...shape], seed));
      const [, composed] = await runOn('cpu', both([...shape], seed));
      expectClose(fused, composed, 0);
    }
  });

  it('rejects parameters that are not per channel', async () => {
    await expect(
      runOn('cpu', () => {
        const v = tf.ones([4]) as tf.Tensor1D;
        return fusedBiasBatchNormSign(tf.ones([2, 4]), tf.ones([3]) as tf.Tensor1D, v, v, v, v, 1);
      }),
    ).rejects.toThrow(/per-channel \[4\]/);
  });

  it('keeps no tensor on WASM', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(both([4, 4, 4, 4], 9));
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});
