import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapPointer, simdTrainingKernels } from './simd-kernels';

/**
 * The WASM backend has no Conv2DBackpropFilter kernel (tfjs#8474), so a conv layer cannot be
 * trained there. The filter gradient is itself a convolution:
 *   dW[kh, kw, ci, co] = sum_{n, y, x} xpad[n, y*s + kh*d, x*s + kw*d, ci] * dy[n, y, x, co]
 * i.e. a valid conv2d of the padded input seen as [Cin, Hp, Wp, N] with dy seen as the filter
 * [outH, outW, N, Cout], dilated by the forward stride. This kernel builds it from the backend's
 * own PadV2, Transpose, Conv2D and Slice kernels, so it runs at XNNPACK speed.
 *
 * Convolutions with few input channels (the devices' 3 -> 4) make that GEMM thin and slow
 * (27 x 32768 x 4); on WASM they go to the engine's SIMD kernel instead (simd-kernels.ts).
 */

/** Input channels up to which the SIMD kernel beats the XNNPACK formulation. */
export const SIMD_FILTER_GRAD_MAX_IN_CHANNELS = 4;

function simdFilterGradient(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | null {
  if (
    info.inChannels > SIMD_FILTER_GRAD_MAX_IN_CHANNELS ||
    info.outChannels % 4 !== 0 ||
    info.dilationHeight !== 1 ||
    info.dilationWidth !== 1 ||
    x.dtype !== 'float32' ||
    dy.dtype !== 'float32'
  ) {
    return null;
  }
  const simd = simdTrainingKernels(backend);
  if (!simd) return null;
  const dw = backend.makeOutput(
    [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
    'float32',
  );
  simd.conv2dBackpropFilter(
    heapPointer(backend, x),
    heapPointer(backend, dy),
    heapPointer(backend, dw),
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
  return dw;
}
type KernelFunc = (params: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

function kernel(name: string, backendName: string): KernelFunc {
  const config = tf.getKernel(name, backendName);
  if (!config) {
    throw new Error(`backend ${backendName} has no ${name} kernel`);
  }
  return config.kernelFunc as unknown as KernelFunc;
}

function single(result: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  return Array.isArray(result) ? result[0] : result;
}

export function registerConv2DBackpropFilter(backendName: string): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', backendName)) {
    return false;
  }
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend: untypedBackend, attrs }) => {
      const backend = untypedBackend as tf.KernelBackend;
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (dataFormat !== 'NHWC') {
        throw new Error('Conv2DBackpropFilter on WASM supports NHWC only');
      }
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      if (backendName === 'wasm') {
        const fast = simdFilterGradient(backend as unknown as BackendWasm, x, dy, info);
        if (fast) return fast;
      }
      const padV2 = kernel('PadV2', backendName);
      const transpose = kernel('Transpose', backendName);
      const conv2d = kernel('Conv2D', backendName);
      const slice = kernel('Slice', backendName);
      const temporaries: tf.TensorInfo[] = [];
      const keep = (t: tf.TensorInfo) => {
        temporaries.push(t);
        return t;
      };
      try {
        const { top, bottom, left, right } = info.padInfo;
        const padded =
          top || bottom || left || right
            ? keep(
                single(
                  padV2({
                    inputs: { x },
                    backend,
                    attrs: {
                      paddings: [
                        [0, 0],
                        [top, bottom],
                        [left, right],
                        [0, 0],
                      ],
                      constantValue: 0,
                    },
                  }),
                ),
              )
            : x;
        const xT = keep(
          single(transpose({ inputs: { x: padded }, backend, attrs: { perm: [3, 1, 2, 0] } })),
        );
        const dyT = keep(
          single(transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } })),
        );
        const full = keep(
          single(
            conv2d({
              inputs: { x: xT, filter: dyT },
              backend,
              attrs: {
                strides: [1, 1],
                pad: 'valid',
                dataFormat: 'NHWC',
                dilations: [info.strideHeight, info.strideWidth],
                dimRoundingMode: undefined as unknown as string,
              },
            }),
          ),
        );
        const [, fh, fw] = full.shape;
        const [kh, kw] = filterShape;
        const cropped =
          fh !== kh || fw !== kw
            ? keep(
                single(
                  slice({
                    inputs: { x: full },
                    backend,
                    attrs: { begin: [0, 0, 0, 0], size: [full.shape[0], kh, kw, full.shape[3]] },
                  }),
                ),
              )
            : full;
        const result = single(
          transpose({ inputs: { x: cropped }, backend, attrs: { perm: [1, 2, 0, 3] } }),
        );
        return result;
      } finally {
        for (const t of temporaries) {
          backend.disposeData(t.dataId);
        }
      }
    },
  });
  return true;
}
