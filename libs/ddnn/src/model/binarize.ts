import * as tf from '@tensorflow/tfjs-core';
import {
  fusedBinarizeWeights,
  fusedBinaryActivation,
  fusedKernelsAvailable,
} from '../backend/fused-ops';

/** sign(x) with sign(0) = +1, as the reference defines it (tf.sign gives 0 at 0). */
export function signPlusMinusOne<T extends tf.Tensor>(x: T): T {
  if (fusedKernelsAvailable() && x.dtype === 'float32') {
    return tf.tidy(() => fusedBinarizeWeights(x));
  }
  return tf.tidy(() => tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1) as T);
}

type GradArgs = (tf.Tensor | tf.GradSaveFunc)[];

/** The tfjs composition of binaryActivation, for backends without the fused kernels. */
const composedBinaryActivation = tf.customGrad((...args: GradArgs) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: signPlusMinusOne(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), 1), 'float32')),
  };
}) as <T extends tf.Tensor>(x: T) => T;

/** The tfjs composition of binarizeWeights, for backends without the fused kernels. */
const composedBinarizeWeights = tf.customGrad((...args: GradArgs) => ({
  value: signPlusMinusOne(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => dy,
})) as <T extends tf.Tensor>(w: T) => T;

/**
 * Binary activation: forward sign(x); backward the straight-through estimator, passing the
 * gradient where |x| <= 1 and zero elsewhere. One fused kernel each way where the backend has
 * it (backend/fused-kernels.ts), else the tfjs composition.
 */
export function binaryActivation<T extends tf.Tensor>(x: T): T {
  return fusedKernelsAvailable() ? fusedBinaryActivation(x) : composedBinaryActivation(x);
}

/** Binary weights: forward sign(W), no scale; backward the gradient goes straight to the real W. */
export function binarizeWeights<T extends tf.Tensor>(w: T): T {
  return fusedKernelsAvailable() ? fusedBinarizeWeights(w) : composedBinarizeWeights(w);
}
