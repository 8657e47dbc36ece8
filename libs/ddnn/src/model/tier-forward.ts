import * as tf from '@tensorflow/tfjs-core';
import type { AggregationScheme, ConvStackConfig } from '@ddnn/model-spec';
import {
  fusedBatchNormTraining,
  fusedBiasBatchNormSign,
  fusedKernelsAvailable,
} from '../backend/fused-ops';
import { binarizeWeights, binaryActivation } from './binarize';
import type { BatchNormParams, ConvBlockParams, ExitParams, TierParams } from './model-parameters';

export const BN_EPSILON = 2e-5;
export const BN_MOMENTUM = 0.9;

/** Batch statistics seen during a training forward pass, applied to moving averages after. */
export interface BatchNormUpdate {
  bn: BatchNormParams;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  count: number;
}

export interface ForwardMode {
  training: boolean;
  /** Collects batch statistics in training mode (kept tensors; the caller disposes them). */
  bnUpdates?: BatchNormUpdate[];
}

function batchNorm<T extends tf.Tensor>(x: T, bn: BatchNormParams, mode: ForwardMode): T {
  if (!mode.training) {
    return tf.batchNorm(x, bn.movingMean, bn.movingVariance, bn.beta, bn.gamma, BN_EPSILON) as T;
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const record = (mean: tf.Tensor, variance: tf.Tensor) =>
    mode.bnUpdates?.push({
      bn,
      mean: tf.keep(mean as tf.Tensor1D),
      variance: tf.keep(variance as tf.Tensor1D),
      count,
    });
  if (fusedKernelsAvailable()) {
    // one kernel forward and one backward instead of ~30 (backend/fused-kernels.ts)
    const { y, mean, variance } = fusedBatchNormTraining(
      x,
      bn.gamma as tf.Tensor1D,
      bn.beta as tf.Tensor1D,
      BN_EPSILON,
    );
    record(mean, variance);
    return y;
  }
  const { mean, variance } = tf.moments(x, axes);
  record(mean, variance);
  return tf.batchNorm(x, mean, variance, bn.beta, bn.gamma, BN_EPSILON) as T;
}

function activation<T extends tf.Tensor>(x: T, binary: boolean): T {
  return binary ? binaryActivation(x) : tf.relu(x);
}

export function convBlock(
  x: tf.Tensor4D,
  block: ConvBlockParams,
  stack: ConvStackConfig,
  mode: ForwardMode,
): tf.Tensor4D {
  const kernel = stack.binary ? binarizeWeights(block.kernel as tf.Tensor4D) : block.kernel;
  const conv = tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same');
  // maxPool(conv + bias) == maxPool(conv) + bias, bit for bit (float rounding is monotonic and
  // the padding is excluded from the max): adding the bias after a stride-2 pool touches 4x
  // fewer elements, forward and backward.
  const pooledConv = tf.maxPool(conv, 3, stack.poolStride, 1);
  if (!mode.training && stack.binary && fusedKernelsAvailable()) {
    // bias, BatchNorm and sign in one pass (3 kernels and 2 intermediate tensors fewer)
    const { bn } = block;
    return fusedBiasBatchNormSign(
      pooledConv,
      block.bias as tf.Tensor1D,
      bn.movingMean as tf.Tensor1D,
      bn.movingVariance as tf.Tensor1D,
      bn.gamma as tf.Tensor1D,
      bn.beta as tf.Tensor1D,
      BN_EPSILON,
    );
  }
  const pooled = tf.add(pooledConv, block.bias) as tf.Tensor4D;
  return activation(batchNorm(pooled, block.bn, mode), stack.binary);
}

/** FC (binary weights when the tier is binary) + BatchNorm: an exit's class scores. */
export function exitScores(
  features: tf.Tensor2D,
  exit: ExitParams,
  binary: boolean,
  mode: ForwardMode,
): tf.Tensor2D {
  const kernel = binary
    ? binarizeWeights(exit.kernel as tf.Tensor2D)
    : (exit.kernel as tf.Tensor2D);
  return batchNorm(tf.add(tf.matMul(features, kernel), exit.bias) as tf.Tensor2D, exit.bn, mode);
}

export interface TierOutput {
  features: tf.Tensor4D;
  scores: tf.Tensor2D;
}

export function tierForward(
  x: tf.Tensor4D,
  tier: TierParams,
  stack: ConvStackConfig,
  mode: ForwardMode,
): TierOutput {
  let features = x;
  for (const block of tier.blocks) {
    features = convBlock(features, block, stack, mode);
  }
  const flat = tf.reshape(features, [features.shape[0], -1]) as tf.Tensor2D;
  return { features, scores: exitScores(flat, tier.exit, stack.binary, mode) };
}

/**
 * Aggregates per-device tensors (class scores or feature maps) with MP/AP/CC. `present[v]`
 * false excludes a missing device: MP and AP run over the present ones, CC zero-fills its slot.
 */
export function aggregate<T extends tf.Tensor>(
  scheme: AggregationScheme,
  inputs: (T | null)[],
  like: T,
): T {
  const present = inputs.filter((t): t is T => t !== null);
  if (present.length === 0) {
    throw new Error('cannot aggregate: every device is missing');
  }
  switch (scheme) {
    case 'MP':
      return present.length === 1 ? present[0] : (tf.max(tf.stack(present), 0) as T);
    case 'AP':
      return present.length === 1 ? present[0] : (tf.mean(tf.stack(present), 0) as T);
    case 'CC': {
      const axis = like.rank - 1;
      return tf.concat(
        inputs.map((t) => t ?? tf.zerosLike(like)),
        axis,
      ) as T;
    }
  }
}
