import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, fusedKernelsAvailable, registerFusedKernels } from './fused-kernels';

/**
 * Ops over the fused kernels (fused-kernels.ts) with their gradients. Callers check
 * fusedKernelsAvailable() and otherwise use the equivalent tfjs compositions.
 */

let gradientsRegistered = false;

/** Registers the fused kernels (WASM, CPU) and their gradients; idempotent. */
export function registerFusedOps(): void {
  registerFusedKernels();
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  tf.registerGradient({
    kernelName: FUSED_KERNELS.binaryActivation,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () =>
        tf.engine().runKernel(FUSED_KERNELS.straightThroughGrad, {
          dy: dy as tf.Tensor,
          x: saved[0],
        }) as tf.Tensor,
    }),
  });
  tf.registerGradient({
    kernelName: FUSED_KERNELS.binarizeWeights,
    gradFunc: (dy) => ({ x: () => dy as tf.Tensor }),
  });
  tf.registerGradient({
    kernelName: FUSED_KERNELS.batchNormTraining,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dMean, dVariance] = dys as tf.Tensor[];
      const [x, gamma, mean, variance] = saved;
      // computed here, not in the per-input closures: the tape runs each closure in its own
      // tidy, which would dispose the other two outputs
      const [dx, dGamma, dBeta] = tf
        .engine()
        .runKernel(
          FUSED_KERNELS.batchNormTrainingGrad,
          { dy, x, mean, variance, gamma, dMean, dVariance },
          attrs as tf.NamedAttrMap,
        ) as tf.Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
}

export { fusedKernelsAvailable };

/** sign(x) (+1 where x >= 0) with the straight-through gradient (dy where |x| <= 1). */
export function fusedBinaryActivation<T extends tf.Tensor>(x: T): T {
  return tf.engine().runKernel(FUSED_KERNELS.binaryActivation, { x }) as T;
}

/** sign(w) (+1 where w >= 0) with the gradient passed straight to w. */
export function fusedBinarizeWeights<T extends tf.Tensor>(w: T): T {
  return tf.engine().runKernel(FUSED_KERNELS.binarizeWeights, { x: w }) as T;
}

/**
 * Training-mode BatchNorm over every axis but the last: y = gamma * (x - mean) /
 * sqrt(variance + epsilon) + beta with the batch's biased mean and variance (as tf.moments
 * gives them), which are returned too.
 */
export function fusedBatchNormTraining<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): { y: T; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const [y, mean, variance] = tf
    .engine()
    .runKernel(FUSED_KERNELS.batchNormTraining, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
  return { y: y as T, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/**
 * Inference tail of a binary ConvP block in one pass: sign(batchNorm(x + bias)) with the
 * moving statistics, +1 where >= 0; the same bits as tf.add, tf.batchNorm and the sign on the
 * CPU backend. Not differentiable (eval mode only).
 */
export function fusedBiasBatchNormSign<T extends tf.Tensor>(
  x: T,
  bias: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): T {
  return tf
    .engine()
    .runKernel(
      FUSED_KERNELS.biasBatchNormSign,
      { x, bias, mean, variance, gamma, beta },
      { epsilon },
    ) as T;
}
