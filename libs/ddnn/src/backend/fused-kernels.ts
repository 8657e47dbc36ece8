import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { heapPointer, simdTrainingKernels, withScratch } from './simd-kernels';

/**
 * Fused kernels for the DDNN's binary layers and training-mode BatchNorm, registered for the
 * WASM and CPU backends. Each replaces a chain of 4 to 30 small tfjs kernels (forward and
 * gradient) by one pass over the data; with ~2,700 kernel calls per training step, the
 * per-call overhead and the extra passes were a large part of the step time.
 * Backends without them (tfjs-node) use the equivalent tfjs compositions (see model/).
 */
export const FUSED_KERNELS = {
  /** x -> sign(x), +1 where x >= 0; gradient: the straight-through estimator. */
  binaryActivation: 'DdnnBinaryActivation',
  /** w -> sign(w), +1 where w >= 0; gradient: identity. */
  binarizeWeights: 'DdnnBinarizeWeights',
  /** (dy, x) -> dy where |x| <= 1, else 0. */
  straightThroughGrad: 'DdnnStraightThroughGrad',
  /** (x, gamma, beta) -> [y, mean, variance] over all axes but the last; attr epsilon. */
  batchNormTraining: 'DdnnBatchNormTraining',
  /** (dy, x, mean, variance, gamma, dMean, dVariance) -> [dx, dGamma, dBeta]; attr epsilon. */
  batchNormTrainingGrad: 'DdnnBatchNormTrainingGrad',
  /**
   * (x, bias, mean, variance, gamma, beta) -> sign(batchNorm(x + bias)), +1 where >= 0: the
   * inference tail of a binary ConvP block; attr epsilon. No gradient (inference only).
   */
  biasBatchNormSign: 'DdnnBiasBatchNormSign',
} as const;

const BACKENDS = ['wasm', 'cpu'] as const;
type FusedBackend = (typeof BACKENDS)[number];

/** Reads inputs and allocates float32 outputs on one backend. */
interface Arrays {
  run(
    inputs: tf.TensorInfo[],
    outputShapes: number[][],
    compute: (inputs: Float32Array[], outputs: Float32Array[]) => void,
  ): tf.TensorInfo[];
}

function wasmArrays(backend: BackendWasm): Arrays {
  return {
    run(inputs, outputShapes, compute) {
      // allocate first: growing the heap detaches views taken before
      const outs = outputShapes.map((shape) => backend.makeOutput(shape, 'float32'));
      compute(
        inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array),
        outs.map((t) => backend.typedArrayFromHeap(t) as Float32Array),
      );
      return outs;
    },
  };
}

function cpuArrays(backend: MathBackendCPU): Arrays {
  return {
    run(inputs, outputShapes, compute) {
      const outValues = outputShapes.map((s) => new Float32Array(tf.util.sizeFromShape(s)));
      compute(
        inputs.map((t) => backend.data.get(t.dataId)!.values as Float32Array),
        outValues,
      );
      return outValues.map((values, i) =>
        backend.makeTensorInfo(outputShapes[i], 'float32', values),
      );
    },
  };
}

function arraysFor(backendName: FusedBackend, backend: unknown): Arrays {
  return backendName === 'wasm'
    ? wasmArrays(backend as BackendWasm)
    : cpuArrays(backend as MathBackendCPU);
}

function requireFloat32(kernel: string, inputs: tf.TensorInfo[]): void {
  for (const t of inputs) {
    if (t.dtype !== 'float32') throw new Error(`${kernel} takes float32 tensors, got ${t.dtype}`);
  }
}

// Branch-free loop bodies: on activations the comparisons are near coin flips, and
// mispredicted branches made these loops 2x slower.
function sign(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = 2 * +(x[i] >= 0) - 1;
}

function straightThrough(dy: Float32Array, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    out[i] = dy[i] * +(Math.abs(x[i]) <= 1);
  }
}

/**
 * Biased batch statistics per channel (the last axis), as tf.moments computes them. One pass
 * for both sums: the float64 accumulators keep E[x^2] - E[x]^2 exact enough for activations.
 */
function batchNormTraining(
  [x, gamma, beta]: Float32Array[],
  [y, mean, variance]: Float32Array[],
  epsilon: number,
): void {
  const channels = gamma.length;
  const rows = x.length / channels;
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < x.length;) {
    for (let c = 0; c < channels; c++, i++) {
      const v = x[i];
      sum[c] += v;
      squares[c] += v * v;
    }
  }
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = sum[c] / rows;
    const v = Math.max(squares[c] / rows - m * m, 0);
    mean[c] = m;
    variance[c] = v;
    scale[c] = gamma[c] / Math.sqrt(v + epsilon);
    shift[c] = beta[c] - m * scale[c];
  }
  for (let i = 0; i < x.length;) {
    for (let c = 0; c < channels; c++, i++) y[i] = x[i] * scale[c] + shift[c];
  }
}

/**
 * Gradient of y = gamma * (x - mean) / sqrt(variance + eps) + beta with the batch statistics
 * depending on x, plus whatever gradient reached the mean and variance outputs.
 */
function batchNormTrainingGrad(
  [dy, x, mean, variance, gamma, dMean, dVariance]: Float32Array[],
  [dx, dGamma, dBeta]: Float32Array[],
  epsilon: number,
): void {
  const channels = gamma.length;
  const rows = x.length / channels;
  const rstd = new Float64Array(channels);
  for (let c = 0; c < channels; c++) rstd[c] = 1 / Math.sqrt(variance[c] + epsilon);
  const sumDy = new Float64Array(channels);
  const sumDyXhat = new Float64Array(channels);
  for (let i = 0; i < x.length;) {
    for (let c = 0; c < channels; c++, i++) {
      sumDy[c] += dy[i];
      sumDyXhat[c] += dy[i] * (x[i] - mean[c]) * rstd[c];
    }
  }
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const k = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    dBeta[c] = sumDy[c];
    dGamma[c] = sumDyXhat[c];
    // dx = gamma*rstd*(dy - sumDy/n - xhat*sumDyXhat/n) + dMean/n + dVariance*2*(x - mean)/n
    a[c] = gamma[c] * rstd[c];
    k[c] = (2 * dVariance[c]) / rows - (a[c] * rstd[c] * sumDyXhat[c]) / rows;
    b[c] = -(a[c] * sumDy[c]) / rows + dMean[c] / rows - k[c] * mean[c];
  }
  for (let i = 0; i < x.length;) {
    for (let c = 0; c < channels; c++, i++) dx[i] = a[c] * dy[i] + k[c] * x[i] + b[c];
  }
}

/**
 * sign(batchNorm(x + bias)) with inference statistics, per channel (the last axis), in the same
 * operations as the CPU backend's Add, FusedBatchNorm and the sign kernel: x + bias rounded to
 * float32, then offset + (x - mean) * scale / sqrt(variance + epsilon) in float64 rounded to
 * float32, then its sign. So the bits equal the three kernels'.
 */
function biasBatchNormSign(
  [x, bias, mean, variance, gamma, beta]: Float32Array[],
  [out]: Float32Array[],
  epsilon: number,
): void {
  const channels = bias.length;
  const root = new Float64Array(channels);
  for (let c = 0; c < channels; c++) root[c] = Math.sqrt(variance[c] + epsilon);
  for (let i = 0; i < x.length;) {
    for (let c = 0; c < channels; c++, i++) {
      const shifted = Math.fround(x[i] + bias[c]);
      const y = Math.fround(beta[c] + ((shifted - mean[c]) * gamma[c]) / root[c]);
      out[i] = 2 * +(y >= 0) - 1;
    }
  }
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/**
 * The SIMD twins of the kernels below (simd-kernels.ts; bit-identical results) when the backend
 * is WASM and they are built; the JavaScript loops otherwise.
 */
function simdFor(backendName: FusedBackend, backend: unknown) {
  if (backendName !== 'wasm') return null;
  const wasm = backend as BackendWasm;
  const kernels = simdTrainingKernels(wasm);
  return kernels ? { kernels, wasm, at: (t: tf.TensorInfo) => heapPointer(wasm, t) } : null;
}

function kernelsFor(
  backendName: FusedBackend,
): Record<string, (args: Args) => tf.TensorInfo | tf.TensorInfo[]> {
  const signKernel = (name: string) => (args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    requireFloat32(name, [x]);
    const simd = simdFor(backendName, args.backend);
    if (simd) {
      const out = simd.wasm.makeOutput(x.shape, 'float32');
      simd.kernels.sign(simd.at(x), simd.at(out), tf.util.sizeFromShape(x.shape));
      return out;
    }
    return arraysFor(backendName, args.backend).run([x], [x.shape], ([xs], [out]) =>
      sign(xs, out),
    )[0];
  };
  return {
    [FUSED_KERNELS.binaryActivation]: signKernel(FUSED_KERNELS.binaryActivation),
    [FUSED_KERNELS.binarizeWeights]: signKernel(FUSED_KERNELS.binarizeWeights),
    [FUSED_KERNELS.straightThroughGrad]: (args) => {
      const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      requireFloat32(FUSED_KERNELS.straightThroughGrad, [dy, x]);
      const simd = simdFor(backendName, args.backend);
      if (simd) {
        const out = simd.wasm.makeOutput(x.shape, 'float32');
        const n = tf.util.sizeFromShape(x.shape);
        simd.kernels.straightThrough(simd.at(dy), simd.at(x), simd.at(out), n);
        return out;
      }
      return arraysFor(backendName, args.backend).run([dy, x], [x.shape], ([d, xs], [out]) =>
        straightThrough(d, xs, out),
      )[0];
    },
    [FUSED_KERNELS.batchNormTraining]: (args) => {
      const { x, gamma, beta } = args.inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
      const { epsilon } = args.attrs as { epsilon: number };
      requireFloat32(FUSED_KERNELS.batchNormTraining, [x, gamma, beta]);
      const channels = x.shape[x.shape.length - 1];
      const simd = simdFor(backendName, args.backend);
      if (simd) {
        const { wasm, at } = simd;
        const outs = [x.shape, [channels], [channels]].map((s) => wasm.makeOutput(s, 'float32'));
        const rows = tf.util.sizeFromShape(x.shape) / channels;
        withScratch(wasm, 32 * channels, (scratch) =>
          simd.kernels.batchNormTraining(
            at(x),
            at(gamma),
            at(beta),
            ...(outs.map(at) as [number, number, number]),
            rows,
            channels,
            epsilon,
            scratch,
          ),
        );
        return outs;
      }
      return arraysFor(backendName, args.backend).run(
        [x, gamma, beta],
        [x.shape, [channels], [channels]],
        (ins, outs) => batchNormTraining(ins, outs, epsilon),
      );
    },
    [FUSED_KERNELS.batchNormTrainingGrad]: (args) => {
      const names = ['dy', 'x', 'mean', 'variance', 'gamma', 'dMean', 'dVariance'] as const;
      const inputs = names.map((n) => (args.inputs as Record<string, tf.TensorInfo>)[n]);
      const { epsilon } = args.attrs as { epsilon: number };
      requireFloat32(FUSED_KERNELS.batchNormTrainingGrad, inputs);
      const x = inputs[1];
      const channels = x.shape[x.shape.length - 1];
      const simd = simdFor(backendName, args.backend);
      if (simd) {
        const { wasm, at } = simd;
        const outs = [x.shape, [channels], [channels]].map((s) => wasm.makeOutput(s, 'float32'));
        const rows = tf.util.sizeFromShape(x.shape) / channels;
        withScratch(wasm, 48 * channels, (scratch) =>
          simd.kernels.batchNormTrainingGrad(
            ...(inputs.map(at) as [number, number, number, number, number, number, number]),
            ...(outs.map(at) as [number, number, number]),
            rows,
            channels,
            epsilon,
            scratch,
          ),
        );
        return outs;
      }
      return arraysFor(backendName, args.backend).run(
        inputs,
        [x.shape, [channels], [channels]],
        (ins, outs) => batchNormTrainingGrad(ins, outs, epsilon),
      );
    },
    [FUSED_KERNELS.biasBatchNormSign]: (args) => {
      const names = ['x', 'bias', 'mean', 'variance', 'gamma', 'beta'] as const;
      const inputs = names.map((n) => (args.inputs as Record<string, tf.TensorInfo>)[n]);
      const { epsilon } = args.attrs as { epsilon: number };
      requireFloat32(FUSED_KERNELS.biasBatchNormSign, inputs);
      const channels = inputs[0].shape[inputs[0].shape.length - 1];
      for (const t of inputs.slice(1)) {
        if (t.shape.length !== 1 || t.shape[0] !== channels) {
          throw new Error(
            `${FUSED_KERNELS.biasBatchNormSign} takes per-channel [${channels}] parameters, got [${t.shape.join(',')}]`,
          );
        }
      }
      return arraysFor(backendName, args.backend).run(inputs, [inputs[0].shape], (ins, outs) =>
        biasBatchNormSign(ins, outs, epsilon),
      )[0];
    },
  };
}

/** Registers the fused kernels for the WASM and CPU backends (idempotent). */
export function registerFusedKernels(): void {
  for (const backendName of BACKENDS) {
    for (const [kernelName, kernelFunc] of Object.entries(kernelsFor(backendName))) {
      if (tf.getKernel(kernelName, backendName)) continue;
      tf.registerKernel({
        kernelName,
        backendName,
        kernelFunc: kernelFunc as unknown as tf.KernelFunc,
      });
    }
  }
}

/** Whether the active backend has the fused kernels (tfjs-node, for one, does not). */
export function fusedKernelsAvailable(): boolean {
  return tf.getKernel(FUSED_KERNELS.batchNormTraining, tf.getBackend()) !== undefined;
}
