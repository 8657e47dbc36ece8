import * as tf from '@tensorflow/tfjs-core';
import {
  allocate,
  heapView,
  type KernelReplacement,
  type WasmKernelArgs,
} from './wasm-kernel-registry';

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * The input gradient of a stride-1 convolution is itself a convolution: dy, padded by
 * (filter - 1 - forward padding) on each side, convolved with the filter rotated by 180 degrees
 * and with its in/out channels swapped. That runs on the backend's XNNPACK Conv2D; the
 * backend's own Conv2DBackpropInput is a naive loop about 10x slower. Strided or NCHW
 * convolutions keep the original kernel.
 */
export const fastConv2DBackpropInput: KernelReplacement = (original) => (args: WasmKernelArgs) => {
  const { backend } = args;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    args.attrs as unknown as BackpropInputAttrs;
  if (dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return original(args);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight: fh, filterWidth: fw, inChannels, outChannels } = info;
  const { top, bottom, left, right } = info.padInfo;
  const pads = [fh - 1 - top, fh - 1 - bottom, fw - 1 - left, fw - 1 - right];
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || pads.some((p) => p < 0)) {
    return original(args);
  }
  const conv2d = tf.getKernel('Conv2D', 'wasm')!.kernelFunc as unknown as (
    a: WasmKernelArgs,
  ) => tf.TensorInfo;
  const rotatedInfo = allocate(backend, [fh, fw, outChannels, inChannels], 'float32');
  const w = heapView(backend, filter) as Float32Array;
  const rotated = heapView(backend, rotatedInfo) as Float32Array;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = ((fh - 1 - i) * fw + (fw - 1 - j)) * inChannels * outChannels;
      const to = (i * fw + j) * outChannels * inChannels;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co++) {
          rotated[to + co * inChannels + ci] = w[from + ci * outChannels + co];
        }
      }
    }
  }
  try {
    return conv2d({
      inputs: { x: dy, filter: rotatedInfo },
      backend,
      attrs: {
        strides: [1, 1],
        pad: [
          [0, 0],
          [pads[0], pads[1]],
          [pads[2], pads[3]],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined as unknown as string,
      },
    });
  } finally {
    backend.disposeData(rotatedInfo.dataId);
  }
};
