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
 * `exactValue(y, x)`, the engine's value recomputed exactly (rare).
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
  exactValue: ((y: number, x: number) => number) | null,
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
      else if (m < lower || exactValue === null) above = m >= t;
      else above = exactWindowAbove(conv, q, pw, lower, t, oy * stride, ox * stride, exactValue);
      if (above !== threshold.invert) out[(oy * outWidth + ox) * wordsPerPixel + wordOffset] |= bit;
    }
  }
}

function exactWindowAbove(
  conv: Float32Array,
  q: number,
  pw: number,
  lower: number,
  t: number,
  y0: number,
  x0: number,
  exactValue: (y: number, x: number) => number,
): boolean {
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      // padded (y0 + dy, x0 + dx) is image (y0 + dy - 1, x0 + dx - 1); padding is -Infinity
      if (conv[q + dy * pw + dx] >= lower && exactValue(y0 + dy - 1, x0 + dx - 1) >= t) {
        return true;
      }
    }
  }
  return false;
}

/** A conv output plane per filter on the padded grid, border cells set to -Infinity. */
export function paddedPlanes(filters: number, height: number, width: number): Float32Array {
  const pw = width + 2;
  const size = (height + 2) * pw;
  const planes = new Float32Array(filters * size).fill(-Infinity);
  return planes;
}
