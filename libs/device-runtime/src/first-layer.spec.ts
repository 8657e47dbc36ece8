import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '@ddnn/engine';
import { ByteFirstConv } from './byte-first-conv';
import type { ConvBlockLayout } from './device-layout';
import { FirstBinaryConv } from './first-binary-conv';
import { FirstLayerSigns } from './first-layer-signs';
import { batchNormChannel, batchNormF32, BYTE_TO_FLOAT, fround } from './float32-math';
import { scaledByte } from './scaled-bytes';

beforeAll(async () => {
  await initEngineBackend('wasm');
});

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function block(h: number, w: number, cin: number, filters: number, seed: number): ConvBlockLayout {
  const random = lcg(seed);
  const pooled = (n: number) => Math.floor((n - 1) / 2) + 1;
  return {
    inHeight: h,
    inWidth: w,
    inChannels: cin,
    outHeight: pooled(h),
    outWidth: pooled(w),
    filters,
    poolStride: 2,
    kernel: Float32Array.from({ length: 9 * cin * filters }, () => (random() < 0.5 ? -1 : 1)),
    bias: Float32Array.from({ length: filters }, () => fround(random() - 0.5)),
    bn: Array.from({ length: filters }, () => batchNormChannel(0, 1, 1, 0)),
  };
}

/** The engine's sign bits from exact sums: conv + bias -> max-pool -> BatchNorm -> sign. */
function referenceBits(layout: ConvBlockLayout, view: Float32Array | Uint8Array): number[] {
  const signs = new FirstLayerSigns(layout);
  const { inHeight: h, inWidth: w, outHeight, outWidth, filters, bias, bn } = layout;
  const s = layout.poolStride;
  const bits: number[] = [];
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      for (let f = 0; f < filters; f++) {
        let m = -Infinity;
        for (let y = Math.max(0, s * oy - 1); y <= Math.min(h - 1, s * oy + 1); y++) {
          for (let x = Math.max(0, s * ox - 1); x <= Math.min(w - 1, s * ox + 1); x++) {
            m = Math.max(m, fround(signs.exactSum(view, y, x, f) + bias[f]));
          }
        }
        bits.push(batchNormF32(m, bn[f]) >= 0 ? 1 : 0);
      }
    }
  }
  return bits;
}

const unpack = (out: Int32Array, filters: number) =>
  Array.from(
    { length: out.length * filters },
    (_, i) => (out[Math.floor(i / filters)] >>> (31 - (i % filters))) & 1,
  );

describe('the first binary layer', () => {
  it("sums in XNNPACK's order: bit-identical to tfjs conv2d on WASM", () => {
    const random = lcg(7);
    const layout = block(9, 7, 3, 5, 8);
    // magnitudes spread over six decades, so the order of float32 additions matters
    const view = Float32Array.from({ length: 9 * 7 * 3 }, () =>
      fround((random() - 0.5) * 10 ** (random() * 6 - 3)),
    );
    const expected = tf.tidy(() =>
      tf
        .conv2d(
          tf.tensor4d(view, [1, 9, 7, 3]),
          tf.tensor4d(layout.kernel, [3, 3, 3, 5]),
          1,
          'same',
        )
        .dataSync(),
    );
    const signs = new FirstLayerSigns(layout);
    const actual = new Float32Array(expected.length);
    let reorderedDiffers = false;
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 7; x++) {
        for (let f = 0; f < 5; f++) {
          const i = (y * 7 + x) * 5 + f;
          actual[i] = signs.exactSum(view, y, x, f);
          // the same terms, channel-major: a different float32 result somewhere
          let other = 0;
          for (let c = 0; c < 3; c++) {
            for (let ky = 0; ky < 3; ky++) {
              for (let kx = 0; kx < 3; kx++) {
                const yy = y + ky - 1;
                const xx = x + kx - 1;
                if (yy < 0 || yy >= 9 || xx < 0 || xx >= 7) continue;
                const v = view[(yy * 7 + xx) * 3 + c];
                other = fround(
                  layout.kernel[((ky * 3 + kx) * 3 + c) * 5 + f] > 0 ? other + v : other - v,
                );
              }
            }
          }
          if (other !== actual[i]) reorderedDiffers = true;
        }
      }
    }
    expect(Array.from(actual)).toEqual(Array.from(expected));
    expect(reorderedDiffers).toBe(true);
  });

  it('windows within rounding distance of a threshold are decided exactly (float and byte paths)', () => {
    const random = lcg(11);
    for (let trial = 0; trial < 20; trial++) {
      const cin = 1 + (trial % 4);
      const layout = block(10, 9, cin, 3, 100 + trial);
      const bytes = Uint8Array.from({ length: 10 * 9 * cin }, () => Math.floor(random() * 256));
      const floats = Float32Array.from(bytes, (u) => BYTE_TO_FLOAT[u]);
      // put each filter's BatchNorm zero exactly on one of its conv outputs + bias, so some
      // pooled maxima sit on the threshold itself
      const signs = new FirstLayerSigns(layout);
      layout.bn = layout.bn.map((_, f) => {
        const y = Math.floor(random() * 10);
        const x = Math.floor(random() * 9);
        const onThreshold = fround(signs.exactSum(floats, y, x, f) + layout.bias[f]);
        const gamma = random() < 0.3 ? -1 : 1;
        return batchNormChannel(onThreshold, 1, gamma, 0);
      });
      const expected = referenceBits(layout, floats);
      const words = layout.outHeight * layout.outWidth;
      const floatOut = new Int32Array(words);
      new FirstBinaryConv(layout).run(floats, 1, floatOut, 1);
      const byteOut = new Int32Array(words);
      new ByteFirstConv(layout).run(bytes, byteOut, 32);
      const scaledOut = new Int32Array(words);
      expect(new ByteFirstConv(layout).runScaledBytes(floats, scaledOut, 32)).toBe(true);
      expect(unpack(floatOut, 3)).toEqual(expected);
      expect(unpack(byteOut, 3)).toEqual(expected);
      expect(unpack(scaledOut, 3)).toEqual(expected);
      expect(referenceBits(layout, bytes)).toEqual(expected);
    }
  });

  it('more than 4 filters (several flag words), odd sizes, both BatchNorm directions: the byte path gives the reference bits', () => {
    const random = lcg(23);
    for (let trial = 0; trial < 6; trial++) {
      const [h, w] = [7 + trial * 3, 5 + trial * 4];
      const cin = 1 + (trial % 4);
      const filters = 9 + trial;
      const layout = block(h, w, cin, filters, 300 + trial);
      layout.bn = layout.bn.map(() =>
        batchNormChannel(fround((random() - 0.5) * 4), 1, random() < 0.4 ? -1 : 1, 0),
      );
      const bytes = Uint8Array.from({ length: h * w * cin }, () => Math.floor(random() * 256));
      const floats = Float32Array.from(bytes, (u) => BYTE_TO_FLOAT[u]);
      const expected = referenceBits(layout, floats);
      const words = layout.outHeight * layout.outWidth;
      const byteOut = new Int32Array(words);
      new ByteFirstConv(layout).run(bytes, byteOut, 32);
      const scaledOut = new Int32Array(words);
      expect(new ByteFirstConv(layout).runScaledBytes(floats, scaledOut, 32)).toBe(true);
      expect(unpack(byteOut, filters)).toEqual(expected);
      expect(unpack(scaledOut, filters)).toEqual(expected);
      expect(expected).toContain(0);
      expect(expected).toContain(1);
    }
  });

  it('filters with 0 to 9 subtracted taps (the sum loops and the flipped filters), banded or not', () => {
    const random = lcg(41);
    for (let trial = 0; trial < 4; trial++) {
      const filters = 10;
      const layout = block(12, 10, 3, filters, 500 + trial);
      // filter f: channel 0 of its first f taps negative, so f taps are subtracted
      for (let tap = 0; tap < 9; tap++) {
        for (let f = 0; f < filters; f++) layout.kernel[tap * 3 * filters + f] = tap < f ? -1 : 1;
      }
      const bytes = Uint8Array.from({ length: 12 * 10 * 3 }, () => Math.floor(random() * 256));
      const floats = Float32Array.from(bytes, (u) => BYTE_TO_FLOAT[u]);
      // even trials: BatchNorm zeros exactly on conv outputs (maxima on the threshold)
      const signs = new FirstLayerSigns(layout);
      layout.bn = layout.bn.map((_, f) => {
        const gamma = random() < 0.4 ? -1 : 1;
        if (trial % 2 === 1) return batchNormChannel(fround(random() - 0.5), 1, gamma, 0);
        const [y, x] = [Math.floor(random() * 12), Math.floor(random() * 10)];
        return batchNormChannel(
          fround(signs.exactSum(floats, y, x, f) + layout.bias[f]),
          1,
          gamma,
          0,
        );
      });
      const expected = referenceBits(layout, floats);
      const words = layout.outHeight * layout.outWidth;
      const byteOut = new Int32Array(words);
      new ByteFirstConv(layout).run(bytes, byteOut, 32);
      const scaledOut = new Int32Array(words);
      expect(new ByteFirstConv(layout).runScaledBytes(floats, scaledOut, 32)).toBe(true);
      expect(unpack(byteOut, filters)).toEqual(expected);
      expect(unpack(scaledOut, filters)).toEqual(expected);
    }
  });

  it('pool strides 1, 2 and 3 on tiny and odd views (lane bands of 1 or more rows)', () => {
    const random = lcg(53);
    for (const stride of [1, 2, 3]) {
      for (const [h, w] of [
        [1, 1],
        [2, 3],
        [3, 1],
        [5, 4],
        [8, 7],
        [17, 6],
      ]) {
        const base = block(h, w, 3, 5, 600 + stride * 31 + h * 7 + w);
        const pooled = (n: number) => Math.floor((n - 1) / stride) + 1;
        const layout = {
          ...base,
          poolStride: stride,
          outHeight: pooled(h),
          outWidth: pooled(w),
          bn: base.bn.map(() => batchNormChannel(fround((random() - 0.5) * 3), 1, 1, 0)),
        };
        const bytes = Uint8Array.from({ length: h * w * 3 }, () => Math.floor(random() * 256));
        const expected = referenceBits(layout, bytes);
        const out = new Int32Array(layout.outHeight * layout.outWidth);
        new ByteFirstConv(layout).run(bytes, out, 32);
        expect(unpack(out, 5)).toEqual(expected);
      }
    }
  });

  it('writes one HWC bit string when the filter count divides 32 (the exit and wire order)', () => {
    const random = lcg(31);
    for (const filters of [1, 2, 4, 8, 16]) {
      const layout = block(13, 11, 3, filters, 400 + filters);
      const bytes = Uint8Array.from({ length: 13 * 11 * 3 }, () => Math.floor(random() * 256));
      const expected = referenceBits(layout, bytes);
      const out = new Int32Array(Math.ceil(expected.length / 32));
      new ByteFirstConv(layout).run(bytes, out, filters);
      const bits = expected.map((_, i) => (out[i >> 5] >>> (31 - (i & 31))) & 1);
      expect(bits).toEqual(expected);
    }
    expect(() =>
      new ByteFirstConv(block(5, 5, 3, 3, 1)).run(new Uint8Array(75), new Int32Array(4), 3),
    ).toThrow(/cannot lay out 3 filters/);
  });

  it('a float view with one value that is not a scaled byte is refused by the byte path, output untouched', () => {
    const layout = block(8, 8, 3, 4, 5);
    const floats = Float32Array.from(
      { length: 8 * 8 * 3 },
      (_, i) => BYTE_TO_FLOAT[(i * 37) % 256],
    );
    const conv = new ByteFirstConv(layout);
    for (const k of [0, 100, 8 * 8 * 3 - 1]) {
      for (const bad of [fround(floats[k] + 1e-6), -0.5, 1.5, NaN, Infinity]) {
        const view = floats.slice();
        view[k] = bad;
        const out = new Int32Array(16);
        expect(conv.runScaledBytes(view, out, 32)).toBe(false);
        expect(Array.from(out)).toEqual(new Array(16).fill(0));
      }
    }
  });
});

describe('scaled bytes', () => {
  it('recognises exactly the 256 values fround(u / 255), by bit pattern', () => {
    const view = new Float32Array(1);
    const bits = new Int32Array(view.buffer);
    for (let u = 0; u < 256; u++) {
      view[0] = BYTE_TO_FLOAT[u];
      expect(scaledByte(bits[0])).toBe(u);
      // the neighbouring float32 values are not scaled bytes
      const pattern = bits[0];
      for (const d of [-1, 1]) expect(scaledByte(pattern + d)).toBe(pattern + d === 0 ? 0 : -1);
    }
    for (const v of [-0, NaN, -1 / 255, 2, 0.5, Infinity]) {
      view[0] = v;
      expect(scaledByte(bits[0])).toBe(-1);
    }
    // every 32-bit pattern, sampled: a hit is always one of the 256 and maps back to it
    for (let p = -(2 ** 31); p < 2 ** 31; p += 65521) {
      const u = scaledByte(p | 0);
      if (u >= 0) expect(new Int32Array(BYTE_TO_FLOAT.buffer)[u]).toBe(p | 0);
    }
  });
});
