import { wordBit } from './bit-ops';
import type { FloatThreshold } from './float32-math';

/**
 * Conv outputs of one filter laid out on the padded grid ((H + 2) x (W + 2), border = -Infinity,
 * so max-pool padding is ignored as in tfjs) are max-pooled 3x3 with stride s, and each pooled
 * value v becomes the sign bit of BatchNorm(v + bias): `(v >= threshold) !== invert`, which the
 * threshold makes identical to the engine's float32 result.
 *
 * `margin` > 0 means the conv values are approximations within `margin` of the engine's float32
 * values; a window whose maximum falls within the margin of the threshold is decided by
 * `exactAbove(oy, ox)`, from the engine's values recomputed exactly (rare).
 */
export interface PoolGeometry {
  height: number;
  width: number;
  outHeight: number;
  outWidth: number;
  stride: number;
}

export function poolSigns(
  conv: Float32Array,
  planeOffset: number,
  geometry: PoolGeometry,
  threshold: FloatThreshold,
  margin: number,
  exactAbove: ((oy: number, ox: number) => boolean) | null,
  out: Int32Array,
  wordsPerPixel: number,
  filter: number,
): void {
  const { width, outHeight, outWidth, stride } = geometry;
  const pw = width + 2;
  const t = threshold.threshold;
  const upper = t + margin;
  const lower = t - margin;
  const bit = wordBit(filter);
  const wordOffset = filter >> 5;
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      // window rows oy*s-1 .. oy*s+1 are padded rows oy*s .. oy*s+2
      const q = planeOffset + oy * stride * pw + ox * stride;
      let m = conv[q];
      let v = conv[q + 1];
      if (v > m) m = v;
      v = conv[q + 2];
      if (v > m) m = v;
      v = conv[q + pw];
      if (v > m) m = v;
      v = conv[q + pw + 1];
      if (v > m) m = v;
      v = conv[q + pw + 2];
      if (v > m) m = v;
      v = conv[q + 2 * pw];
      if (v > m) m = v;
      v = conv[q + 2 * pw + 1];
      if (v > m) m = v;
      v = conv[q + 2 * pw + 2];
      if (v > m) m = v;
      let above: boolean;
      if (m >= upper) above = true;
      else if (m < lower || exactAbove === null) above = m >= t;
      else above = exactAbove(oy, ox);
      if (above !== threshold.invert) out[(oy * outWidth + ox) * wordsPerPixel + wordOffset] |= bit;
    }
  }
}

/** A conv output plane per filter on the padded grid, border cells set to -Infinity. */
export function paddedPlanes(filters: number, height: number, width: number): Float32Array {
  const pw = width + 2;
  const size = (height + 2) * pw;
  const planes = new Float32Array(filters * size).fill(-Infinity);
  return planes;
}
