import * as tf from '@tensorflow/tfjs-core';
import { heapPointer, simdTrainingKernels } from './simd-kernels';
import type { KernelReplacement, WasmKernelFunc } from './wasm-kernel-registry';

/**
 * Conv2D with few input channels on WASM: the devices' first layer, 3 -> 4 channels. XNNPACK
 * runs it as a thin GEMM (27 x 4 per pixel); the engine's SIMD kernel (conv2d in
 * assembly/training-kernels.ts) computes four output channels of four neighbouring pixels at
 * once. It sums each output in the CPU backend's order (kh, kw, ci) in float32. Every other
 * convolution goes to the original kernel.
 */

/** Input channels up to which the SIMD kernel beats XNNPACK (as for the filter gradient). */
export const SIMD_CONV_MAX_IN_CHANNELS = 4;

export const fastConv2D: KernelReplacement =
  (original: WasmKernelFunc): WasmKernelFunc =>
  (args) => {
    const { backend } = args;
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as {
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dilations: [number, number] | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    if (
      dataFormat !== 'NHWC' ||
      x.dtype !== 'float32' ||
      filter.dtype !== 'float32' ||
      x.shape.length !== 4 ||
      x.shape[3] > SIMD_CONV_MAX_IN_CHANNELS ||
      filter.shape[3] % 4 !== 0
    ) {
      return original(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
    );
    const simd = simdTrainingKernels(backend);
    if (!simd || info.dilationHeight !== 1 || info.dilationWidth !== 1) return original(args);
    const y = backend.makeOutput(info.outShape, 'float32');
    simd.conv2d(
      heapPointer(backend, x),
      heapPointer(backend, filter),
      heapPointer(backend, y),
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.outChannels,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
    );
    return y;
  };
