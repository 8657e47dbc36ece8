import * as tf from '@tensorflow/tfjs-core';
import {
  allocate,
  heapView,
  type KernelReplacement,
  type WasmKernelArgs,
} from './wasm-kernel-registry';

/**
 * Per-channel kernels on NHWC activations: a bias add and inference-mode BatchNorm. The
 * backend's broadcasting Add and its FusedBatchNorm walk every element with index arithmetic
 * and (BatchNorm) a square root and division per element; these compute each channel's
 * constants once. Both give the backend's results bit for bit (float32 rounding reproduced).
 */

const fround = Math.fround;

/** Whether v is a [C] vector matching the last axis of x (rank >= 2). */
function isChannelVector(v: tf.TensorInfo | undefined, x: tf.TensorInfo): v is tf.TensorInfo {
  return (
    v !== undefined &&
    v.dtype === 'float32' &&
    v.shape.length === 1 &&
    x.shape.length >= 2 &&
    v.shape[0] === x.shape[x.shape.length - 1]
  );
}

/** x + bias over the last axis; other Adds (same shapes, scalars, int32) keep the original. */
export const fastBiasAdd: KernelReplacement = (original) => (args: WasmKernelArgs) => {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  let x: tf.TensorInfo;
  let bias: tf.TensorInfo;
  if (a.dtype === 'float32' && isChannelVector(b, a)) {
    [x, bias] = [a, b];
  } else if (b.dtype === 'float32' && isChannelVector(a, b)) {
    [x, bias] = [b, a];
  } else {
    return original(args);
  }
  const { backend } = args;
  const outInfo = allocate(backend, x.shape, 'float32');
  const xs = heapView(backend, x) as Float32Array;
  const bs = heapView(backend, bias) as Float32Array;
  const out = heapView(backend, outInfo) as Float32Array;
  const channels = bs.length;
  for (let i = 0; i < xs.length;) {
    for (let c = 0; c < channels; c++, i++) out[i] = xs[i] + bs[c];
  }
  return outInfo;
};

/**
 * Inference BatchNorm, offset + (x - mean) * scale / sqrt(variance + epsilon), rounded as
 * tfjs-backend-wasm 4.22 does it: x - mean and the product in float32, sqrt(variance +
 * epsilon) rounded to float32, the quotient and the sum in double, rounded once (checked
 * against the backend's kernel in wasm-channel-kernels.spec.ts). Other layouts keep the original.
 */
export const fastBatchNormInference: KernelReplacement = (original) => (args: WasmKernelArgs) => {
  const { x, mean, variance, offset, scale } = args.inputs as Record<
    'x' | 'mean' | 'variance' | 'offset' | 'scale',
    tf.TensorInfo | undefined
  >;
  const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
  if (
    x === undefined ||
    x.dtype !== 'float32' ||
    !isChannelVector(mean, x) ||
    !isChannelVector(variance, x) ||
    !isChannelVector(offset, x) ||
    !isChannelVector(scale, x)
  ) {
    return original(args);
  }
  const { backend } = args;
  const outInfo = allocate(backend, x.shape, 'float32');
  const xs = heapView(backend, x) as Float32Array;
  const means = heapView(backend, mean) as Float32Array;
  const variances = heapView(backend, variance) as Float32Array;
  const offsets = heapView(backend, offset) as Float32Array;
  const scales = heapView(backend, scale) as Float32Array;
  const out = heapView(backend, outInfo) as Float32Array;
  const channels = means.length;
  const epsilon = fround(varianceEpsilon);
  const norms = new Float64Array(channels);
  for (let c = 0; c < channels; c++) norms[c] = fround(Math.sqrt(fround(variances[c] + epsilon)));
  for (let i = 0; i < xs.length;) {
    for (let c = 0; c < channels; c++, i++) {
      out[i] = offsets[c] + fround(fround(xs[i] - means[c]) * scales[c]) / norms[c];
    }
  }
  return outInfo;
};
