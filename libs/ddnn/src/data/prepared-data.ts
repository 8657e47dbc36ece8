import * as tf from '@tensorflow/tfjs-core';
import { ABSENT_VIEW_LABEL, MultiViewData, viewSize } from '@ddnn/model-spec';

/** The arrays of a PreparedData, as sent to a training thread (see `shared()`). */
export interface PreparedDataParts {
  numSamples: number;
  numViews: number;
  viewShape: readonly [number, number, number];
  numClasses: number;
  perDevice: Float32Array[];
  viewLabels: Int32Array;
  labels: Int32Array;
}

/**
 * Data rearranged once for fast batching: one contiguous float32 array per device
 * ([N, H, W, C]), labels as given. Validates shapes and labels against the model.
 */
export class PreparedData {
  readonly numSamples: number;
  readonly numViews: number;
  readonly viewShape: readonly [number, number, number];
  /** The class count the labels were validated against (0..numClasses-1, -1 for absent views). */
  readonly numClasses: number;
  readonly perDevice: Float32Array[];
  readonly viewLabels: Int32Array;
  readonly labels: Int32Array;

  constructor(data: MultiViewData, numClasses: number) {
    const { numSamples: n, numViews: v } = data;
    const size = viewSize(data);
    if (data.pixels.length !== n * v * size) {
      throw new Error(
        `pixels has ${data.pixels.length} values, expected N*V*H*W*C = ${n}*${v}*${size}`,
      );
    }
    if (data.viewLabels.length !== n * v) {
      throw new Error(`viewLabels has ${data.viewLabels.length} values, expected N*V = ${n * v}`);
    }
    if (data.labels.length !== n) {
      throw new Error(`labels has ${data.labels.length} values, expected N = ${n}`);
    }
    for (const label of data.labels) {
      if (!(label >= 0 && label < numClasses)) {
        throw new Error(`global label ${label} is outside 0..${numClasses - 1}`);
      }
    }
    for (const label of data.viewLabels) {
      if (label !== ABSENT_VIEW_LABEL && !(label >= 0 && label < numClasses)) {
        throw new Error(`view label ${label} is outside 0..${numClasses - 1} (or -1 for absent)`);
      }
    }
    this.numSamples = n;
    this.numViews = v;
    this.viewShape = data.viewShape;
    this.numClasses = numClasses;
    this.viewLabels = data.viewLabels;
    this.labels = data.labels;
    this.perDevice = [];
    for (let d = 0; d < v; d++) {
      const out = new Float32Array(n * size);
      for (let i = 0; i < n; i++) {
        const src = (i * v + d) * size;
        const view = out.subarray(i * size, (i + 1) * size);
        if (data.pixels instanceof Uint8Array) {
          scaleBytes(data.pixels.subarray(src, src + size), view);
        } else if (!copyFinite(data.pixels.subarray(src, src + size), view)) {
          throw new Error(`pixel of sample ${i}, view ${d} is not a finite number`);
        }
      }
      this.perDevice.push(out);
    }
  }

  /**
   * The same data in SharedArrayBuffers: training threads given these parts (`fromParts`) read
   * the one copy instead of each holding its own.
   */
  shared(): PreparedDataParts {
    const share = <T extends Float32Array | Int32Array>(
      a: T,
      make: (b: SharedArrayBuffer) => T,
    ) => {
      if (a.buffer instanceof SharedArrayBuffer) return a;
      const out = make(new SharedArrayBuffer(a.byteLength));
      out.set(a);
      return out;
    };
    return {
      numSamples: this.numSamples,
      numViews: this.numViews,
      viewShape: this.viewShape,
      numClasses: this.numClasses,
      perDevice: this.perDevice.map((a) => share(a, (b) => new Float32Array(b))),
      viewLabels: share(this.viewLabels, (b) => new Int32Array(b)),
      labels: share(this.labels, (b) => new Int32Array(b)),
    };
  }

  /** Data already prepared (and validated) elsewhere, e.g. by the thread that sent `shared()`. */
  static fromParts(parts: PreparedDataParts): PreparedData {
    return Object.assign(Object.create(PreparedData.prototype) as PreparedData, parts);
  }

  /** Device inputs for the given samples, [B, H, W, C] each. */
  deviceInputs(indices: ArrayLike<number>): tf.Tensor4D[] {
    const size = this.viewShape[0] * this.viewShape[1] * this.viewShape[2];
    const b = indices.length;
    return this.perDevice.map((all) => {
      const out = new Float32Array(b * size);
      for (let i = 0; i < b; i++) {
        const s = indices[i];
        out.set(all.subarray(s * size, (s + 1) * size), i * size);
      }
      return tf.tensor4d(out, [b, ...this.viewShape]);
    });
  }

  globalLabels(indices: ArrayLike<number>): Int32Array {
    const out = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = this.labels[indices[i]];
    return out;
  }

  deviceLabels(device: number, indices: ArrayLike<number>): Int32Array {
    const out = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      out[i] = this.viewLabels[indices[i] * this.numViews + device];
    }
    return out;
  }
}

// One loop per pixel type: a loop over the Float32Array | Uint8Array union reads through a
// polymorphic access and took ~0.3 s for the benchmark's 680 samples (in every trainModel call).

/** Uint8 pixels scaled to [0, 1] by 1/255 (always finite). */
function scaleBytes(from: Uint8Array, to: Float32Array): void {
  const scale = 1 / 255;
  for (let k = 0; k < from.length; k++) to[k] = from[k] * scale;
}

/** Float32 pixels as they are; false when one is not finite. */
function copyFinite(from: Float32Array, to: Float32Array): boolean {
  let check = 0;
  for (let k = 0; k < from.length; k++) {
    const value = from[k];
    to[k] = value;
    // NaN or +-Infinity makes value - value NaN, and NaN stays NaN through the sum
    check += value - value;
  }
  return check === 0;
}

export function rangeIndices(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
