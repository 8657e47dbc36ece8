/** A small float RGB canvas (values 0..1) with the few primitives the scene generator draws. */
export type Rgb = readonly [number, number, number];

export class Raster {
  readonly data: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Float32Array(width * height * 3);
  }

  fill(color: Rgb): void {
    for (let i = 0; i < this.width * this.height; i++) this.data.set(color, i * 3);
  }

  /** Vertical gradient from top colour to bottom colour. */
  gradient(top: Rgb, bottom: Rgb): void {
    for (let y = 0; y < this.height; y++) {
      const t = y / Math.max(1, this.height - 1);
      const c: Rgb = [0, 1, 2].map((k) => top[k] + (bottom[k] - top[k]) * t) as unknown as Rgb;
      for (let x = 0; x < this.width; x++) this.data.set(c, (y * this.width + x) * 3);
    }
  }

  /** Axis-aligned rectangle in pixel coordinates, with fractional edge coverage (anti-aliased). */
  rect(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    const xa = Math.max(0, Math.floor(x0));
    const xb = Math.min(this.width, Math.ceil(x1));
    const ya = Math.max(0, Math.floor(y0));
    const yb = Math.min(this.height, Math.ceil(y1));
    for (let y = ya; y < yb; y++) {
      const cy = coverage(y, y0, y1);
      for (let x = xa; x < xb; x++) this.blend(x, y, color, alpha * coverage(x, x0, x1) * cy);
    }
  }

  /** Filled ellipse centred at (cx, cy) with radii rx, ry (2x2 supersampled). */
  ellipse(cx: number, cy: number, rx: number, ry: number, color: Rgb, alpha = 1): void {
    const xa = Math.max(0, Math.floor(cx - rx));
    const xb = Math.min(this.width, Math.ceil(cx + rx));
    const ya = Math.max(0, Math.floor(cy - ry));
    const yb = Math.min(this.height, Math.ceil(cy + ry));
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        let inside = 0;
        for (const [sx, sy] of SUBSAMPLES) {
          const dx = (x + sx - cx) / rx;
          const dy = (y + sy - cy) / ry;
          if (dx * dx + dy * dy <= 1) inside++;
        }
        if (inside) this.blend(x, y, color, (alpha * inside) / SUBSAMPLES.length);
      }
    }
  }

  blend(x: number, y: number, color: Rgb, alpha: number): void {
    const i = (y * this.width + x) * 3;
    for (let k = 0; k < 3; k++) this.data[i + k] += (color[k] - this.data[i + k]) * alpha;
  }

  /** Bilinear resample to a new size (used to simulate low resolution at a distance). */
  resized(width: number, height: number): Raster {
    const out = new Raster(width, height);
    // Sample positions are computed once per row/column (Math calls are slow under Jest).
    const xs = sampleGrid(this.width, width);
    const ys = sampleGrid(this.height, height);
    for (let y = 0; y < height; y++) {
      const [y0, y1, ty] = ys[y];
      for (let x = 0; x < width; x++) {
        const [x0, x1, tx] = xs[x];
        const a = (y0 * this.width + x0) * 3;
        const b = (y0 * this.width + x1) * 3;
        const c = (y1 * this.width + x0) * 3;
        const d = (y1 * this.width + x1) * 3;
        const o = (y * width + x) * 3;
        for (let k = 0; k < 3; k++) {
          const top = this.data[a + k] * (1 - tx) + this.data[b + k] * tx;
          const bottom = this.data[c + k] * (1 - tx) + this.data[d + k] * tx;
          out.data[o + k] = top * (1 - ty) + bottom * ty;
        }
      }
    }
    return out;
  }
}

/** For each output index: the two source indices and the weight of the second. */
function sampleGrid(from: number, to: number): [number, number, number][] {
  const scale = from / to;
  return Array.from({ length: to }, (_, i) => {
    const f = Math.min(from - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const i0 = Math.floor(f);
    return [i0, Math.min(from - 1, i0 + 1), f - i0];
  });
}

/** How much of the unit cell [i, i + 1) lies inside [lo, hi). */
function coverage(i: number, lo: number, hi: number): number {
  const a = i > lo ? i : lo;
  const b = i + 1 < hi ? i + 1 : hi;
  return b > a ? b - a : 0;
}

const SUBSAMPLES = [
  [0.25, 0.25],
  [0.75, 0.25],
  [0.25, 0.75],
  [0.75, 0.75],
] as const;
