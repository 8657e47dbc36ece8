import * as tf from '@tensorflow/tfjs-core';
import { heapPointer, simdTrainingKernels } from './simd-kernels';
import {
  allocate,
  heapView,
  type KernelReplacement,
  type WasmKernelArgs,
} from './wasm-kernel-registry';

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * MaxPoolGrad as one pass over the WASM heap: each output's gradient goes to the first maximum
 * of its window (padding excluded), the rule of the CPU backend and of PyTorch. It relies on the
 * `output` input being the forward max-pool of `input`, as the max-pool gradient passes it.
 *
 * Why not the backend's own kernel: besides being slow, tfjs-backend-wasm 4.22 starts its
 * arg-max search at FLT_MIN with `>=`, so ties go to the last maximum and a window whose values
 * are all <= 0 sends its gradient to the wrong element (see wasm-max-pool-grad.spec.ts).
 */
export const fastMaxPoolGrad: KernelReplacement = () => (args: WasmKernelArgs) => {
  const { backend } = args;
  const { dy, input, output } = args.inputs as {
    dy: tf.TensorInfo;
    input: tf.TensorInfo;
    output: tf.TensorInfo;
  };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const dxInfo = allocate(backend, input.shape, 'float32');
  const simd = simdTrainingKernels(backend);
  if (simd) {
    // the same rule in SIMD, four channels at a time (simd-kernels.ts); bit-identical
    const at = (t: tf.TensorInfo) => heapPointer(backend, t);
    simd.maxPoolGrad(
      at(input),
      at(output),
      at(dy),
      at(dxInfo),
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.strideHeight,
      info.strideWidth,
      info.effectiveFilterHeight,
      info.effectiveFilterWidth,
      info.padInfo.top,
      info.padInfo.left,
    );
    return dxInfo;
  }
  const x = heapView(backend, input) as Float32Array;
  const y = heapView(backend, output) as Float32Array;
  const dyValues = heapView(backend, dy) as Float32Array;
  const dx = heapView(backend, dxInfo) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const channels = info.inChannels;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rowStride = inWidth * channels;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const batchBase = b * inHeight * rowStride;
    for (let yr = 0; yr < outHeight; yr++) {
      const rCorner = yr * strideHeight - padTop;
      const rMin = Math.max(rCorner, 0);
      const rMax = Math.min(inHeight, rCorner + fh);
      for (let yc = 0; yc < outWidth; yc++) {
        const cCorner = yc * strideWidth - padLeft;
        const cMin = Math.max(cCorner, 0);
        const cMax = Math.min(inWidth, cCorner + fw);
        for (let d = 0; d < channels; d++, o++) {
          // The forward output is the window's maximum, so the first element equal to it is
          // the first maximum; the full strict-> scan only runs when nothing matches (NaN).
          const max = y[o];
          let at = -1;
          search: for (let r = rMin; r < rMax; r++) {
            let idx = batchBase + r * rowStride + cMin * channels + d;
            for (let c = cMin; c < cMax; c++, idx += channels) {
              if (x[idx] === max) {
                at = idx;
                break search;
              }
            }
          }
          if (at < 0) {
            let best = -Infinity;
            for (let r = rMin; r < rMax; r++) {
              let idx = batchBase + r * rowStride + cMin * channels + d;
              for (let c = cMin; c < cMax; c++, idx += channels) {
                if (x[idx] > best) {
                  best = x[idx];
                  at = idx;
                }
              }
            }
          }
          if (at >= 0) dx[at] += dyValues[o];
        }
      }
    }
  }
  return dxInfo;
};
