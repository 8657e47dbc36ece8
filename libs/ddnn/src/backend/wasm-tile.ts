import * as tf from '@tensorflow/tfjs-core';
import {
  allocate,
  heapView,
  isNumericDtype,
  type KernelReplacement,
  type WasmKernelArgs,
} from './wasm-kernel-registry';

/**
 * Tile by block copies on the WASM heap: each input row is written once, then every level's
 * finished block is repeated with copyWithin. The BatchNorm gradient tiles a [1,1,1,C] vector
 * to the activation's shape, which the backend's element-by-element kernel does slowly.
 */
export const fastTile: KernelReplacement = (original) => (args: WasmKernelArgs) => {
  const { backend } = args;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { reps } = args.attrs as unknown as { reps: number[] };
  if (!isNumericDtype(x.dtype) || x.shape.length === 0) return original(args);
  const rank = x.shape.length;
  const outShape = x.shape.map((s, i) => s * reps[i]);
  const outInfo = allocate(backend, outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return outInfo;
  const input = heapView(backend, x);
  const out = heapView(backend, outInfo);
  const inStrides = tf.util.computeStrides(x.shape);
  const outStrides = tf.util.computeStrides(outShape);
  const inStride = (d: number) => (d === rank - 1 ? 1 : inStrides[d]);
  const outStride = (d: number) => (d === rank - 1 ? 1 : outStrides[d]);
  // fills out[outOffset ...] with the tile of the input's sub-block at dimension d
  const fill = (d: number, inOffset: number, outOffset: number): void => {
    const size = x.shape[d];
    const blockLength = size * outStride(d);
    if (d === rank - 1) {
      for (let i = 0; i < size; i++) out[outOffset + i] = input[inOffset + i];
    } else {
      for (let i = 0; i < size; i++) {
        fill(d + 1, inOffset + i * inStride(d), outOffset + i * outStride(d));
      }
    }
    for (let r = 1; r < reps[d]; r++) {
      out.copyWithin(outOffset + r * blockLength, outOffset, outOffset + blockLength);
    }
  };
  fill(0, 0, 0);
  return outInfo;
};
