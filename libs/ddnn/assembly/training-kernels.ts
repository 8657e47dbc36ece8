// AssemblyScript (not TypeScript): SIMD kernels of DDNN training for the tfjs WASM backend.
// Compiled by `npm run build:kernels` into libs/ddnn/wasm/training-kernels.wasm, instantiated
// on the tfjs WASM backend's own memory (imported), so every pointer below is a byte offset of
// a tensor on that heap. No static data, no allocation: the module writes only where told.
// Each kernel computes exactly what its JavaScript twin in src/backend/fused-kernels.ts or
// wasm-max-pool-grad.ts computes, in the same order and precision (float64 where it uses
// float64), so results are bit-identical.

const ONE = f32x4.splat(1);
const MINUS_ONE = f32x4.splat(-1);
const ZERO = f32x4.splat(0);

/** out[i] = x[i] >= 0 ? 1 : -1 (NaN gives -1). */
export function sign(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    v128.store(out + o, v128.bitselect(ONE, MINUS_ONE, f32x4.ge(v, ZERO)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(x + o) >= 0 ? 1 : -1);
  }
}

/** out[i] = dy[i] * (|x[i]| <= 1 ? 1 : 0), the straight-through gradient. */
export function straightThrough(dy: usize, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const pass = v128.bitselect(ONE, ZERO, f32x4.le(f32x4.abs(v128.load(x + o)), ONE));
    v128.store(out + o, f32x4.mul(v128.load(dy + o), pass));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(dy + o) * (Mathf.abs(load<f32>(x + o)) <= 1 ? 1 : 0));
  }
}

/**
 * Per-channel sums over rows of [rows, channels] float32 data into float64 accumulators
 * (sum at acc, sum of squares at acc + 8 * channels), in row order. channels % 2 == 0 here.
 */
function sumsPairs(x: usize, rows: i32, channels: i32, acc: usize): void {
  const squares = acc + ((<usize>channels) << 3);
  for (let c = 0; c < channels; c += 2) {
    let s = f64x2.splat(0);
    let q = f64x2.splat(0);
    let p = x + ((<usize>c) << 2);
    const step = (<usize>channels) << 2;
    for (let r = 0; r < rows; r++, p += step) {
      const v = f64x2.promote_low_f32x4(v128.load64_zero(p));
      s = f64x2.add(s, v);
      q = f64x2.add(q, f64x2.mul(v, v));
    }
    v128.store(acc + ((<usize>c) << 3), s);
    v128.store(squares + ((<usize>c) << 3), q);
  }
}

/**
 * Training-mode BatchNorm over the last axis: mean and biased variance per channel, y = x *
 * scale + shift with scale = gamma / sqrt(var + eps), shift = beta - mean * scale (float64).
 * scratch: 32 * channels bytes.
 */
export function batchNormTraining(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  mean: usize,
  variance: usize,
  rows: i32,
  channels: i32,
  epsilon: f64,
  scratch: usize,
): void {
  const sum = scratch;
  const squares = scratch + ((<usize>channels) << 3);
  const scale = scratch + ((<usize>channels) << 4);
  const shift = scratch + ((<usize>channels) << 3) * 3;
  if (channels % 2 == 0) {
    sumsPairs(x, rows, channels, sum);
  } else {
    for (let c = 0; c < channels; c++) {
      let s: f64 = 0;
      let q: f64 = 0;
      for (let r = 0; r < rows; r++) {
        const v = <f64>load<f32>(x + ((<usize>r * channels + c) << 2));
        s += v;
        q += v * v;
      }
      store<f64>(sum + ((<usize>c) << 3), s);
      store<f64>(squares + ((<usize>c) << 3), q);
    }
  }
  for (let c = 0; c < channels; c++) {
    const o8 = (<usize>c) << 3;
    const o4 = (<usize>c) << 2;
    const m = load<f64>(sum + o8) / rows;
    const v = Math.max(load<f64>(squares + o8) / rows - m * m, 0);
    store<f32>(mean + o4, <f32>m);
    store<f32>(variance + o4, <f32>v);
    const sc = <f64>load<f32>(gamma + o4) / Math.sqrt(v + epsilon);
    store<f64>(scale + o8, sc);
    store<f64>(shift + o8, <f64>load<f32>(beta + o4) - m * sc);
  }
  affine(x, y, rows, channels, scale, shift, 0, 0);
}

/**
 * out = x * a + b per channel in float64, rounded to float32; with dy (extra != 0):
 * out = a * dy + k * x + b (the BatchNorm gradient's form; k at extra).
 */
function affine(
  x: usize,
  out: usize,
  rows: i32,
  channels: i32,
  a: usize,
  b: usize,
  dy: usize,
  k: usize,
): void {
  const n = rows * channels;
  if (channels % 2 == 0 && channels <= 64) {
    for (let r = 0; r < rows; r++) {
      const base = <usize>r * channels;
      for (let c = 0; c < channels; c += 2) {
        const o4 = (base + c) << 2;
        const o8 = (<usize>c) << 3;
        const xv = f64x2.promote_low_f32x4(v128.load64_zero(x + o4));
        const av = v128.load(a + o8);
        const bv = v128.load(b + o8);
        let res: v128;
        if (dy) {
          const dv = f64x2.promote_low_f32x4(v128.load64_zero(dy + o4));
          res = f64x2.add(f64x2.add(f64x2.mul(av, dv), f64x2.mul(v128.load(k + o8), xv)), bv);
        } else {
          res = f64x2.add(f64x2.mul(xv, av), bv);
        }
        v128.store64_lane(out + o4, f32x4.demote_f64x2_zero(res), 0);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const c = i % channels;
    const o4 = (<usize>i) << 2;
    const o8 = (<usize>c) << 3;
    const xv = <f64>load<f32>(x + o4);
    const res = dy
      ? load<f64>(a + o8) * <f64>load<f32>(dy + o4) + load<f64>(k + o8) * xv + load<f64>(b + o8)
      : xv * load<f64>(a + o8) + load<f64>(b + o8);
    store<f32>(out + o4, <f32>res);
  }
}

/**
 * Gradient of training-mode BatchNorm (see batchNormTrainingGrad in fused-kernels.ts).
 * scratch: 48 * channels bytes.
 */
export function batchNormTrainingGrad(
  dy: usize,
  x: usize,
  mean: usize,
  variance: usize,
  gamma: usize,
  dMean: usize,
  dVariance: usize,
  dx: usize,
  dGamma: usize,
  dBeta: usize,
  rows: i32,
  channels: i32,
  epsilon: f64,
  scratch: usize,
): void {
  const rstd = scratch;
  const sumDy = scratch + ((<usize>channels) << 3);
  const sumDyXhat = scratch + ((<usize>channels) << 4);
  const a = scratch + ((<usize>channels) << 3) * 3;
  const k = scratch + ((<usize>channels) << 5);
  const b = scratch + ((<usize>channels) << 3) * 5;
  for (let c = 0; c < channels; c++) {
    const o8 = (<usize>c) << 3;
    store<f64>(rstd + o8, 1 / Math.sqrt(<f64>load<f32>(variance + ((<usize>c) << 2)) + epsilon));
  }
  if (channels % 2 == 0) {
    const step = (<usize>channels) << 2;
    for (let c = 0; c < channels; c += 2) {
      const o8 = (<usize>c) << 3;
      const m = f64x2.promote_low_f32x4(v128.load64_zero(mean + ((<usize>c) << 2)));
      const rs = v128.load(rstd + o8);
      let s = f64x2.splat(0);
      let h = f64x2.splat(0);
      let px = x + ((<usize>c) << 2);
      let pd = dy + ((<usize>c) << 2);
      for (let r = 0; r < rows; r++, px += step, pd += step) {
        const d = f64x2.promote_low_f32x4(v128.load64_zero(pd));
        const xv = f64x2.promote_low_f32x4(v128.load64_zero(px));
        s = f64x2.add(s, d);
        h = f64x2.add(h, f64x2.mul(f64x2.mul(d, f64x2.sub(xv, m)), rs));
      }
      v128.store(sumDy + o8, s);
      v128.store(sumDyXhat + o8, h);
    }
  } else {
    for (let c = 0; c < channels; c++) {
      const o8 = (<usize>c) << 3;
      const m = <f64>load<f32>(mean + ((<usize>c) << 2));
      const rs = load<f64>(rstd + o8);
      let s: f64 = 0;
      let h: f64 = 0;
      for (let r = 0; r < rows; r++) {
        const o4 = (<usize>r * channels + c) << 2;
        const d = <f64>load<f32>(dy + o4);
        s += d;
        h += d * (<f64>load<f32>(x + o4) - m) * rs;
      }
      store<f64>(sumDy + o8, s);
      store<f64>(sumDyXhat + o8, h);
    }
  }
  for (let c = 0; c < channels; c++) {
    const o8 = (<usize>c) << 3;
    const o4 = (<usize>c) << 2;
    const sd = load<f64>(sumDy + o8);
    const sh = load<f64>(sumDyXhat + o8);
    const rs = load<f64>(rstd + o8);
    store<f32>(dBeta + o4, <f32>sd);
    store<f32>(dGamma + o4, <f32>sh);
    const av = <f64>load<f32>(gamma + o4) * rs;
    const kv = (2 * <f64>load<f32>(dVariance + o4)) / rows - (av * rs * sh) / rows;
    store<f64>(a + o8, av);
    store<f64>(k + o8, kv);
    store<f64>(
      b + o8,
      -(av * sd) / rows + <f64>load<f32>(dMean + o4) / rows - kv * <f64>load<f32>(mean + o4),
    );
  }
  affine(x, dx, rows, channels, a, b, dy, k);
}

/** Index of the first element of a window that is greater than all before it (NaN: -1). */
function firstMaxScan(
  x: usize,
  base: i32,
  rowStride: i32,
  channels: i32,
  rMin: i32,
  rMax: i32,
  cMin: i32,
  cMax: i32,
): i32 {
  let best: f32 = -Infinity;
  let at = -1;
  for (let r = rMin; r < rMax; r++) {
    let idx = base + r * rowStride + cMin * channels;
    for (let c = cMin; c < cMax; c++, idx += channels) {
      const v = load<f32>(x + ((<usize>idx) << 2));
      if (v > best) {
        best = v;
        at = idx;
      }
    }
  }
  return at;
}

/**
 * MaxPoolGrad (NHWC) from the forward output y: each output's gradient goes to the first
 * element of its window equal to the window's maximum (the first maximum), four channels at
 * a time when channels % 4 == 0; a lane with no match (NaN) falls back to the strict-> scan.
 */
export function maxPoolGrad(
  x: usize,
  y: usize,
  dy: usize,
  dx: usize,
  batch: i32,
  inHeight: i32,
  inWidth: i32,
  channels: i32,
  outHeight: i32,
  outWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  filterHeight: i32,
  filterWidth: i32,
  padTop: i32,
  padLeft: i32,
): void {
  memory.fill(dx, 0, <usize>batch * inHeight * inWidth * channels * 4);
  const rowStride = inWidth * channels;
  const lanes = i32x4(0, 1, 2, 3);
  const vector = channels % 4 == 0;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const batchBase = b * inHeight * rowStride;
    for (let yr = 0; yr < outHeight; yr++) {
      const rCorner = yr * strideHeight - padTop;
      const rMin = max(rCorner, 0);
      const rMax = min(inHeight, rCorner + filterHeight);
      for (let yc = 0; yc < outWidth; yc++) {
        const cCorner = yc * strideWidth - padLeft;
        const cMin = max(cCorner, 0);
        const cMax = min(inWidth, cCorner + filterWidth);
        if (vector) {
          for (let d = 0; d < channels; d += 4, o += 4) {
            const top = v128.load(y + ((<usize>o) << 2));
            let found = i32x4.splat(0);
            let at = i32x4.splat(-1);
            for (let r = rMin; r < rMax; r++) {
              let idx = batchBase + r * rowStride + cMin * channels + d;
              for (let c = cMin; c < cMax; c++, idx += channels) {
                const eq = v128.andnot(f32x4.eq(v128.load(x + ((<usize>idx) << 2)), top), found);
                at = v128.bitselect(i32x4.add(i32x4.splat(idx), lanes), at, eq);
                found = v128.or(found, eq);
              }
              if (i32x4.all_true(found)) break;
            }
            for (let lane = 0; lane < 4; lane++) {
              let where = i32x4.extract_lane(at, 0);
              if (lane == 1) where = i32x4.extract_lane(at, 1);
              else if (lane == 2) where = i32x4.extract_lane(at, 2);
              else if (lane == 3) where = i32x4.extract_lane(at, 3);
              if (where < 0) {
                where = firstMaxScan(
                  x,
                  batchBase + d + lane,
                  rowStride,
                  channels,
                  rMin,
                  rMax,
                  cMin,
                  cMax,
                );
              }
              if (where >= 0) {
                const p = dx + ((<usize>where) << 2);
                store<f32>(p, load<f32>(p) + load<f32>(dy + ((<usize>(o + lane)) << 2)));
              }
            }
          }
        } else {
          for (let d = 0; d < channels; d++, o++) {
            const top = load<f32>(y + ((<usize>o) << 2));
            let where = -1;
            for (let r = rMin; r < rMax && where < 0; r++) {
              let idx = batchBase + r * rowStride + cMin * channels + d;
              for (let c = cMin; c < cMax; c++, idx += channels) {
                if (load<f32>(x + ((<usize>idx) << 2)) == top) {
                  where = idx;
                  break;
                }
              }
            }
            if (where < 0) {
              where = firstMaxScan(x, batchBase + d, rowStride, channels, rMin, rMax, cMin, cMax);
            }
            if (where >= 0) {
              const p = dx + ((<usize>where) << 2);
              store<f32>(p, load<f32>(p) + load<f32>(dy + ((<usize>o) << 2)));
            }
          }
        }
      }
    }
  }
}

/**
 * Filter gradient of a NHWC convolution with few input channels (the devices' 3 -> 4 channel
 * convolutions), four output channels at a time (outChannels % 4 == 0):
 *   dw[kh, kw, ci, co] = sum over n, oy, ox of x[n, oy*sh + kh - padTop, ox*sw + kw - padLeft, ci]
 *                        * dy[n, oy, ox, co]
 * Each output row is summed in float32, the rows in float64.
 */
export function conv2dBackpropFilter(
  x: usize,
  dy: usize,
  dw: usize,
  batch: i32,
  inHeight: i32,
  inWidth: i32,
  inChannels: i32,
  outHeight: i32,
  outWidth: i32,
  outChannels: i32,
  filterHeight: i32,
  filterWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const xStride = (<usize>(strideWidth * inChannels)) << 2;
  const dyStride = (<usize>outChannels) << 2;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      // the output columns whose input column is inside the image
      let oxMin = 0;
      while (oxMin < outWidth && oxMin * strideWidth + kw - padLeft < 0) oxMin++;
      let oxMax = outWidth;
      while (oxMax > oxMin && (oxMax - 1) * strideWidth + kw - padLeft >= inWidth) oxMax--;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co += 4) {
          let low = f64x2.splat(0);
          let high = f64x2.splat(0);
          for (let b = 0; b < batch; b++) {
            for (let oy = 0; oy < outHeight; oy++) {
              const iy = oy * strideHeight + kh - padTop;
              if (iy < 0 || iy >= inHeight) continue;
              let px =
                x +
                ((<usize>((b * inHeight + iy) * inWidth + oxMin * strideWidth + kw - padLeft) *
                  inChannels +
                  ci) <<
                  2);
              let pd =
                dy + ((<usize>((b * outHeight + oy) * outWidth + oxMin) * outChannels + co) << 2);
              let row = f32x4.splat(0);
              for (let ox = oxMin; ox < oxMax; ox++, px += xStride, pd += dyStride) {
                row = f32x4.add(row, f32x4.mul(f32x4.splat(load<f32>(px)), v128.load(pd)));
              }
              low = f64x2.add(low, f64x2.promote_low_f32x4(row));
              high = f64x2.add(
                high,
                f64x2.promote_low_f32x4(v128.shuffle<f32>(row, row, 2, 3, 0, 1)),
              );
            }
          }
          const out =
            dw + ((<usize>((kh * filterWidth + kw) * inChannels + ci) * outChannels + co) << 2);
          v128.store64_lane(out, f32x4.demote_f64x2_zero(low), 0);
          v128.store64_lane(out + 8, f32x4.demote_f64x2_zero(high), 0);
        }
      }
    }
  }
}

/**
 * A matrix product with one small dimension (the exits' class scores and their gradients):
 *   c[m * cRow + n * cCol] = sum over k ascending of a[m * aRow + k * aCol] * b[k * cols + n]
 * with b row-major [K, cols] (contiguous rows), four columns n at a time, float32 sums. The
 * caller transposes or swaps operands so that the long dimension is n (see wasm-mat-mul.ts).
 */
export function matMulRows(
  a: usize,
  aRow: i32,
  aCol: i32,
  b: usize,
  c: usize,
  cRow: i32,
  cCol: i32,
  rows: i32,
  depth: i32,
  cols: i32,
): void {
  const bStride = (<usize>cols) << 2;
  const aStep = (<usize>aCol) << 2;
  const cStep = (<usize>cCol) << 2;
  for (let m = 0; m < rows; m++) {
    const aBase = a + ((<usize>(m * aRow)) << 2);
    const cBase = c + ((<usize>(m * cRow)) << 2);
    let n = 0;
    for (; n + 4 <= cols; n += 4) {
      let acc = f32x4.splat(0);
      let pa = aBase;
      let pb = b + ((<usize>n) << 2);
      for (let k = 0; k < depth; k++, pa += aStep, pb += bStride) {
        acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
      }
      const pc = cBase + <usize>n * cStep;
      if (cCol == 1) {
        v128.store(pc, acc);
      } else {
        store<f32>(pc, f32x4.extract_lane(acc, 0));
        store<f32>(pc + cStep, f32x4.extract_lane(acc, 1));
        store<f32>(pc + 2 * cStep, f32x4.extract_lane(acc, 2));
        store<f32>(pc + 3 * cStep, f32x4.extract_lane(acc, 3));
      }
    }
    for (; n < cols; n++) {
      let sum: f32 = 0;
      let pa = aBase;
      let pb = b + ((<usize>n) << 2);
      for (let k = 0; k < depth; k++, pa += aStep, pb += bStride) {
        sum += load<f32>(pa) * load<f32>(pb);
      }
      store<f32>(cBase + <usize>n * cStep, sum);
    }
  }
}

/** dst[c * rows + r] = src[r * cols + c]: a row-major [rows, cols] matrix transposed. */
export function transpose2d(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const from = src + ((<usize>(r * cols)) << 2);
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + ((<usize>(c * rows + r)) << 2), load<f32>(from + ((<usize>c) << 2)));
    }
  }
}

/**
 * A NHWC convolution with few input channels (the devices' 3 -> 4 channel first layer), four
 * output channels at a time (outChannels % 4 == 0), w laid out [fh, fw, inChannels, outChannels]:
 *   y[n, oy, ox, co] = sum over kh, kw, ci ascending (inside the image) of
 *                      x[n, oy*sh + kh - padTop, ox*sw + kw - padLeft, ci] * w[kh, kw, ci, co]
 * in float32, the CPU backend's order. Four neighbouring output columns run at once (four
 * independent sums) wherever their windows lie inside the image.
 */
export function conv2d(
  x: usize,
  w: usize,
  y: usize,
  batch: i32,
  inHeight: i32,
  inWidth: i32,
  inChannels: i32,
  outHeight: i32,
  outWidth: i32,
  outChannels: i32,
  filterHeight: i32,
  filterWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const pixel = (<usize>(strideWidth * inChannels)) << 2;
  const wStep = (<usize>outChannels) << 2;
  const yPixel = (<usize>outChannels) << 2;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const khMin = iy0 < 0 ? -iy0 : 0;
      const khMax = min(filterHeight, inHeight - iy0);
      const yRow = y + <usize>((b * outHeight + oy) * outWidth) * yPixel;
      for (let co = 0; co < outChannels; co += 4) {
        let ox = 0;
        while (ox < outWidth) {
          const ix0 = ox * strideWidth - padLeft;
          const py = yRow + <usize>ox * yPixel + ((<usize>co) << 2);
          if (
            ox + 4 <= outWidth &&
            ix0 >= 0 &&
            (ox + 3) * strideWidth - padLeft + filterWidth <= inWidth
          ) {
            let a0 = f32x4.splat(0);
            let a1 = f32x4.splat(0);
            let a2 = f32x4.splat(0);
            let a3 = f32x4.splat(0);
            for (let kh = khMin; kh < khMax; kh++) {
              let px =
                x + ((<usize>(((b * inHeight + iy0 + kh) * inWidth + ix0) * inChannels)) << 2);
              let pw = w + ((<usize>(kh * filterWidth * inChannels * outChannels + co)) << 2);
              const taps = filterWidth * inChannels;
              for (let t = 0; t < taps; t++, px += 4, pw += wStep) {
                const wv = v128.load(pw);
                a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(px), wv));
                a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(px + pixel), wv));
                a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(px + 2 * pixel), wv));
                a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(px + 3 * pixel), wv));
              }
            }
            v128.store(py, a0);
            v128.store(py + yPixel, a1);
            v128.store(py + 2 * yPixel, a2);
            v128.store(py + 3 * yPixel, a3);
            ox += 4;
          } else {
            const kwMin = ix0 < 0 ? -ix0 : 0;
            const kwMax = min(filterWidth, inWidth - ix0);
            let acc = f32x4.splat(0);
            for (let kh = khMin; kh < khMax; kh++) {
              for (let kw = kwMin; kw < kwMax; kw++) {
                let px =
                  x +
                  ((<usize>(((b * inHeight + iy0 + kh) * inWidth + ix0 + kw) * inChannels)) << 2);
                let pw =
                  w + ((<usize>((kh * filterWidth + kw) * inChannels * outChannels + co)) << 2);
                for (let ci = 0; ci < inChannels; ci++, px += 4, pw += wStep) {
                  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(px), v128.load(pw)));
                }
              }
            }
            v128.store(py, acc);
            ox++;
          }
        }
      }
    }
  }
}
