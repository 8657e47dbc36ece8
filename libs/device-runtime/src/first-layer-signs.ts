import { blockGeometry, type BlockGeometry, type ConvBlockLayout } from './device-layout';
import {
  batchNormF32,
  BYTE_TO_FLOAT,
  FloatThreshold,
  fround,
  monotoneThreshold,
} from './float32-math';

const UNIT_ROUNDOFF = 2 ** -24;

/**
 * What the first binary block's sign bits depend on, shared by its float and byte paths: per
 * filter, the threshold on the engine's float32 conv sum (bias, max-pool and BatchNorm folded
 * in exactly), the rounding margin of a fast sum, and the engine's exact sum for the rare
 * outputs within that margin of the threshold.
 */
export class FirstLayerSigns {
  readonly thresholds: FloatThreshold[];
  /** Any order of summation is within marginPerUnit * max|x| of the engine's float32 sum. */
  readonly marginPerUnit: number;
  readonly geometry: BlockGeometry;
  /** The kernel's signs, [3, 3, in, out] (+1 / -1), for the exact sums. */
  private readonly signs: Int8Array;

  constructor(layout: ConvBlockLayout) {
    this.geometry = blockGeometry(layout);
    this.signs = Int8Array.from(layout.kernel, (v) => (v > 0 ? 1 : -1));
    this.thresholds = Array.from({ length: layout.filters }, (_, f) => {
      const bias = layout.bias[f];
      const bn = layout.bn[f];
      return monotoneThreshold((s) => batchNormF32(fround(s + bias), bn) >= 0);
    });
    // |float32 sequential sum - real sum| <= (n-1) u sum|x| for n = 9 cin terms; a fast sum
    // (float32 partial sums, or bytes / 255) adds at most as much again: 4 n^2 u max|x| bounds
    // both with room to spare
    const n = 9 * layout.inChannels;
    this.marginPerUnit = 4 * n * n * UNIT_ROUNDOFF;
  }

  get weightBytes(): number {
    return this.signs.byteLength + this.thresholds.length * 8;
  }

  /**
   * The engine's float32 conv sum at (y, x) for filter f, accumulated as XNNPACK does: kernel
   * row, column, then input channel, padding skipped (it adds zeros). Bytes are scaled first.
   */
  exactSum(input: Float32Array | Uint8Array, y: number, x: number, f: number): number {
    const { inHeight: h, inWidth: w, inChannels: cin, filters } = this.geometry;
    const signs = this.signs;
    const bytes = input instanceof Uint8Array;
    let acc = 0;
    for (let ky = 0; ky < 3; ky++) {
      const yy = y + ky - 1;
      if (yy < 0 || yy >= h) continue;
      for (let kx = 0; kx < 3; kx++) {
        const xx = x + kx - 1;
        if (xx < 0 || xx >= w) continue;
        const src = (yy * w + xx) * cin;
        const tap = (ky * 3 + kx) * cin;
        for (let c = 0; c < cin; c++) {
          const v = bytes ? BYTE_TO_FLOAT[input[src + c]] : input[src + c];
          acc = fround(signs[(tap + c) * filters + f] > 0 ? acc + v : acc - v);
        }
      }
    }
    return acc;
  }

  /** Whether the engine's max over the pooling window at (oy, ox) reaches the threshold. */
  exactWindowAbove(input: Float32Array | Uint8Array, oy: number, ox: number, f: number): boolean {
    const { inHeight: h, inWidth: w, poolStride: s } = this.geometry;
    const t = this.thresholds[f].threshold;
    for (let y = Math.max(0, oy * s - 1); y <= Math.min(h - 1, oy * s + 1); y++) {
      for (let x = Math.max(0, ox * s - 1); x <= Math.min(w - 1, ox * s + 1); x++) {
        if (this.exactSum(input, y, x, f) >= t) return true;
      }
    }
    return false;
  }
}
