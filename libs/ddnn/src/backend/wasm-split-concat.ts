import * as tf from '@tensorflow/tfjs-core';
import {
  allocate,
  heapView,
  isNumericDtype,
  type KernelReplacement,
  type WasmKernelArgs,
} from './wasm-kernel-registry';

/** Below this many elements a plain loop beats TypedArray.set(subarray(...)). */
const SET_THRESHOLD = 64;

function copy(
  from: tf.backend_util.TypedArray,
  fromOffset: number,
  to: tf.backend_util.TypedArray,
  toOffset: number,
  length: number,
): void {
  if (length >= SET_THRESHOLD) {
    to.set(from.subarray(fromOffset, fromOffset + length), toOffset);
  } else {
    for (let k = 0; k < length; k++) to[toOffset + k] = from[fromOffset + k];
  }
}

/**
 * SplitV on the WASM heap: per outer index, one contiguous chunk per output. The backend runs
 * one Slice per output, copying channel rows of a few elements with subarray/set each.
 */
export const fastSplitV: KernelReplacement = (original) => (args: WasmKernelArgs) => {
  const { backend } = args;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as unknown as {
    numOrSizeSplits: number[] | number;
    axis: number;
  };
  if (!isNumericDtype(x.dtype)) return original(args);
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  const outer = tf.util.sizeFromShape(x.shape.slice(0, $axis));
  const inner = tf.util.sizeFromShape(x.shape.slice($axis + 1));
  const rowLength = x.shape[$axis] * inner;
  const outputs = sizes.map((s) => {
    const shape = x.shape.slice();
    shape[$axis] = s;
    return allocate(backend, shape, x.dtype);
  });
  const input = heapView(backend, x);
  let begin = 0;
  outputs.forEach((outInfo, i) => {
    const chunk = sizes[i] * inner;
    if (chunk > 0) {
      const out = heapView(backend, outInfo);
      for (let o = 0; o < outer; o++) copy(input, o * rowLength + begin, out, o * chunk, chunk);
    }
    begin += chunk;
  });
  return outputs;
};

/** Concat on the WASM heap with a plain loop for short rows (channel concat of NHWC maps). */
export const fastConcat: KernelReplacement = (original) => (args: WasmKernelArgs) => {
  const { backend } = args;
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  const { axis } = args.attrs as unknown as { axis: number };
  if (inputs.length < 2 || !inputs.every((t) => isNumericDtype(t.dtype))) return original(args);
  const $axis = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
  const shapes = inputs.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, $axis);
  const outShape = tf.backend_util.computeOutShape(shapes, $axis);
  const outInfo = allocate(backend, outShape, inputs[0].dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return outInfo;
  const outer = tf.util.sizeFromShape(outShape.slice(0, $axis));
  const chunks = inputs.map((t) => tf.util.sizeFromShape(t.shape.slice($axis)));
  const rowLength = chunks.reduce((a, b) => a + b, 0);
  const out = heapView(backend, outInfo);
  let begin = 0;
  inputs.forEach((t, i) => {
    const chunk = chunks[i];
    if (chunk > 0) {
      const input = heapView(backend, t);
      for (let o = 0; o < outer; o++) copy(input, o * chunk, out, o * rowLength + begin, chunk);
    }
    begin += chunk;
  });
  return outInfo;
};
