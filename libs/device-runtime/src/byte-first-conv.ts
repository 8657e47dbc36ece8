import { wordBit } from './bit-ops';
import { blockGeometry, type BlockGeometry, type ConvBlockLayout } from './device-layout';
import { FirstLayerSigns } from './first-layer-signs';
import { writeRgbCombinations } from './rgb-combinations';
import { floatBits, scaledByte } from './scaled-bytes';

/** Channels up to this many are combined per pixel first (2^(C-1) signed sums). */
export const MAX_BYTE_PATH_CHANNELS = 4;
const LANE = 65536;
const HIGH_BITS = 0x80008000 | 0;
/**
 * Filters sharing one word of flags. Per lane (16 bits), filter i of the group has its "may
 * reach the threshold" flag at bit 15 - i and its "surely reaches" flag at bit 7 - i, so one OR
 * over a pooling window pools all of them, and a table turns the 8 "may" bits into output bits.
 */
const GROUP = 8;

/**
 * The first binary block on a view given as bytes (or as floats that are exactly scaled
 * bytes): integer sums (bytes against sign weights) instead of float ones, two image rows per
 * 32-bit word (SWAR: the top half of the image in the low 16 bits, the bottom half in the high
 * 16), and the threshold comparisons done on both halves at once. The integer sum I relates to
 * the engine's float32 sum by I / 255 within a known margin, so outputs clearly above or below
 * their threshold are decided here and the rare ones within the margin are recomputed exactly
 * in the engine's order.
 *
 * Lane 0 holds pooled rows 0 .. half-1, lane 1 pooled rows half .. end; local row r of lane 1
 * is image row r + half * stride, so both lanes pool the same local windows. Up to 8 filters
 * share a word of flags, so max-pooling is one OR of 9 words per window for all of them.
 */
export class ByteFirstConv {
  private readonly pw: number;
  /** Local conv rows -1 .. lastRow (the pooled windows of both lanes). */
  private readonly convRows: number;
  private readonly half: number;
  private readonly laneOffset: number;
  private readonly inputSize: number;
  private readonly combos: number;
  /** Signed combination planes on the packed input grid (local rows -2 .. lastRow + 1). */
  private readonly planes: Int32Array;
  private readonly termOffsets: Int32Array;
  /** Per group of 8 filters, the flags of every conv cell on the packed conv grid. */
  private readonly flags: Int32Array;
  private readonly flagsSize: number;
  private readonly groups: number;
  /** Per local conv row, the lanes holding image rows (the others must not count). */
  private readonly rowMasks: Int32Array;
  /** Per filter, offsets that put each lane's "sum >= bound" into its bit 15. */
  private readonly sureOffsets: Int32Array;
  private readonly maybeOffsets: Int32Array;
  /**
   * Per group, for each pattern of its 8 "may reach" bits (bit 7 - i for filter i), the bits
   * to set in the output word when every flag is certain (the threshold's direction applied).
   */
  private readonly outputBits: Int32Array;
  /** Whether the lanes read every image row (so the float check sees every pixel). */
  private readonly readsEveryRow: boolean;
  private readonly signs: FirstLayerSigns;

  private readonly layout: BlockGeometry;

  constructor(block: ConvBlockLayout, signs = new FirstLayerSigns(block)) {
    this.layout = blockGeometry(block);
    const { inHeight: h, inWidth: w, inChannels: cin, filters, outHeight, poolStride: s } = block;
    if (cin > MAX_BYTE_PATH_CHANNELS) throw new Error('the byte path combines at most 4 channels');
    this.pw = w + 2;
    this.half = Math.ceil(outHeight / 2);
    this.laneOffset = this.half * s;
    const lastRow = (this.half - 1) * s + 1;
    this.convRows = lastRow + 2;
    this.inputSize = (this.convRows + 2) * this.pw;
    this.combos = 1 << (cin - 1);
    this.planes = new Int32Array(2 * this.combos * this.inputSize);
    this.flagsSize = this.convRows * this.pw;
    this.groups = Math.ceil(filters / GROUP);
    this.flags = new Int32Array(this.groups * this.flagsSize);
    this.rowMasks = new Int32Array(this.convRows);
    for (let r = 0; r < this.convRows; r++) {
      const image0 = r - 1;
      const image1 = r - 1 + this.laneOffset;
      const lane0 = image0 >= 0 && image0 < h ? 0xffff : 0;
      const lane1 = image1 >= 0 && image1 < h ? 0xffff0000 | 0 : 0;
      this.rowMasks[r] = lane0 | lane1;
    }
    // input grid row g holds image rows g - 2 (lane 0) and g - 2 + laneOffset (lane 1)
    const read = new Uint8Array(h);
    for (let g = 0; g < this.convRows + 2; g++) {
      for (const y of [g - 2, g - 2 + this.laneOffset]) if (y >= 0 && y < h) read[y] = 1;
    }
    this.readsEveryRow = read.every((r) => r === 1);
    // conv cell (local row r - 1, col x) is at q = r * pw + x + 1 in `flags`; its tap (ky, kx)
    // reads input grid row r + ky, col x + kx, i.e. q + ky * pw + kx - 1 in `planes`
    const k = block.kernel;
    this.termOffsets = new Int32Array(filters * 9);
    for (let f = 0; f < filters; f++) {
      for (let tap = 0; tap < 9; tap++) {
        const sign = (c: number) => k[(tap * cin + c) * filters + f];
        let p = 0;
        for (let c = 1; c < cin; c++) if (sign(0) * sign(c) < 0) p |= 1 << (c - 1);
        const plane = 2 * p + (sign(0) < 0 ? 1 : 0);
        const shift = Math.floor(tap / 3) * this.pw + (tap % 3) - 1;
        this.termOffsets[f * 9 + tap] = plane * this.inputSize + shift;
      }
    }
    this.signs = signs;
    // bytes: I / 255 is within marginPerUnit (max|x| = 1) of the engine's sum; lanes stay in
    // 16 bits because |I| <= 9 * cin * 255 < 2^14 and bounds are clamped just outside that
    const margin = this.signs.marginPerUnit;
    const limit = 9 * cin * 255 + 1;
    const clamp = (v: number) => Math.max(-limit, Math.min(limit, v));
    // as int32 (wrapping): only the low 32 bits of the sums matter
    this.sureOffsets = new Int32Array(filters);
    this.maybeOffsets = new Int32Array(filters);
    this.signs.thresholds.forEach(({ threshold: t }, f) => {
      const sure = clamp(Math.ceil(255 * (t + margin)));
      const maybe = clamp(Math.ceil(255 * (t - margin)));
      this.sureOffsets[f] = ((32768 - sure) * (LANE + 1)) | 0;
      this.maybeOffsets[f] = ((32768 - maybe) * (LANE + 1)) | 0;
    });
    this.outputBits = new Int32Array(this.groups * 256);
    for (let g = 0; g < this.groups; g++) {
      for (let pattern = 0; pattern < 256; pattern++) {
        let bits = 0;
        for (let i = 0; i < GROUP && g * GROUP + i < filters; i++) {
          const f = g * GROUP + i;
          const above = ((pattern >>> (7 - i)) & 1) === 1;
          if (above !== this.signs.thresholds[f].invert) bits |= wordBit(f);
        }
        this.outputBits[g * 256 + pattern] = bits;
      }
    }
  }

  get workingBytes(): number {
    return this.planes.byteLength + this.flags.byteLength;
  }

  get weightBytes(): number {
    return (
      this.termOffsets.byteLength +
      this.rowMasks.byteLength +
      this.sureOffsets.byteLength +
      this.maybeOffsets.byteLength +
      this.outputBits.byteLength +
      this.signs.weightBytes
    );
  }

  /** `view` is the HWC view as bytes; sets the block's sign bits in `out`. */
  run(view: Uint8Array, out: Int32Array, wordsPerPixel: number): void {
    this.fillPlanes(view);
    this.convolve(view, out, wordsPerPixel);
  }

  /**
   * The same for a float32 view if every value is a scaled byte (fround(u / 255)); returns
   * false, with `out` untouched, as soon as one is not (the caller then takes the float path).
   */
  runScaledBytes(input: Float32Array, out: Int32Array, wordsPerPixel: number): boolean {
    if (!this.readsEveryRow) {
      const bits = floatBits(input);
      for (let k = 0; k < bits.length; k++) if (scaledByte(bits[k]) < 0) return false;
    }
    if (!this.fillPlanesFromFloats(input)) return false;
    this.convolve(input, out, wordsPerPixel);
    return true;
  }

  /** Conv sums against every filter's bounds, then one pooling pass per group of 8 filters. */
  private convolve(source: Uint8Array | Float32Array, out: Int32Array, wordsPerPixel: number) {
    const { pw, planes, flags, flagsSize, convRows, rowMasks, termOffsets } = this;
    const { inWidth: w, filters } = this.layout;
    flags.fill(0);
    for (let f = 0; f < filters; f++) {
      const base = f * 9;
      const o0 = termOffsets[base];
      const o1 = termOffsets[base + 1];
      const o2 = termOffsets[base + 2];
      const o3 = termOffsets[base + 3];
      const o4 = termOffsets[base + 4];
      const o5 = termOffsets[base + 5];
      const o6 = termOffsets[base + 6];
      const o7 = termOffsets[base + 7];
      const o8 = termOffsets[base + 8];
      const sure = this.sureOffsets[f];
      const maybe = this.maybeOffsets[f];
      const i = f % GROUP;
      const plane = ((f / GROUP) | 0) * flagsSize;
      // most filters have no integer in their uncertainty band: one comparison decides, and
      // its flag is both "may" and "sure"
      const banded = sure !== maybe;
      for (let r = 0; r < convRows; r++) {
        const rowStart = r * pw + 1;
        const rowEnd = rowStart + w;
        if (!banded) {
          for (let q = rowStart; q < rowEnd; q++) {
            // both lanes' integer sums at once (a lane may borrow from the other: the total
            // is still lane0 + lane1 * 2^16, which the offset makes non-negative per lane)
            const v =
              ((planes[q + o0] +
                planes[q + o1] +
                planes[q + o2] +
                planes[q + o3] +
                planes[q + o4] +
                planes[q + o5] +
                planes[q + o6] +
                planes[q + o7] +
                planes[q + o8] +
                sure) |
                0) &
              HIGH_BITS;
            flags[plane + q] |= (v >>> i) | (v >>> (i + 8));
          }
          continue;
        }
        for (let q = rowStart; q < rowEnd; q++) {
          const sum =
            planes[q + o0] +
            planes[q + o1] +
            planes[q + o2] +
            planes[q + o3] +
            planes[q + o4] +
            planes[q + o5] +
            planes[q + o6] +
            planes[q + o7] +
            planes[q + o8];
          flags[plane + q] |=
            ((((sum + maybe) | 0) & HIGH_BITS) >>> i) |
            ((((sum + sure) | 0) & HIGH_BITS) >>> (i + 8));
        }
      }
    }
    // rows outside the image in one lane (the band edges) must not count
    for (let g = 0; g < this.groups; g++) {
      for (let r = 0; r < convRows; r++) {
        const mask = rowMasks[r];
        if (mask === -1) continue;
        const rowStart = g * flagsSize + r * pw + 1;
        for (let q = rowStart; q < rowStart + w; q++) flags[q] &= mask;
      }
      this.pool(source, g, out, wordsPerPixel);
    }
  }

  private pool(
    source: Uint8Array | Float32Array,
    group: number,
    out: Int32Array,
    wordsPerPixel: number,
  ): void {
    const { pw, flags, half, outputBits } = this;
    const { outWidth, outHeight, poolStride: s } = this.layout;
    const plane = group * this.flagsSize;
    const table = group * 256;
    const word = (group * GROUP) >> 5;
    for (let j = 0; j < half; j++) {
      // window rows j*s-1 .. j*s+1 are local conv rows j*s .. j*s+2 of `flags`
      const top = plane + j * s * pw;
      const oy1 = j + half;
      const out0 = j * outWidth * wordsPerPixel + word;
      const out1 = oy1 < outHeight ? oy1 * outWidth * wordsPerPixel + word : -1;
      for (let ox = 0; ox < outWidth; ox++) {
        const q = top + ox * s;
        const any =
          flags[q] |
          flags[q + 1] |
          flags[q + 2] |
          flags[q + pw] |
          flags[q + pw + 1] |
          flags[q + pw + 2] |
          flags[q + 2 * pw] |
          flags[q + 2 * pw + 1] |
          flags[q + 2 * pw + 2];
        const maybe0 = (any >>> 8) & 0xff;
        const maybe1 = any >>> 24;
        const uncertain0 = maybe0 & ~any & 0xff;
        const uncertain1 = maybe1 & ~(any >>> 16) & 0xff;
        const o = ox * wordsPerPixel;
        out[out0 + o] |=
          uncertain0 === 0
            ? outputBits[table + maybe0]
            : this.exact(source, group, maybe0, uncertain0, j, ox);
        if (out1 >= 0) {
          out[out1 + o] |=
            uncertain1 === 0
              ? outputBits[table + maybe1]
              : this.exact(source, group, maybe1, uncertain1, oy1, ox);
        }
      }
    }
  }

  /** A window with flags within the rounding margin: those filters' maxima recomputed exactly. */
  private exact(
    source: Uint8Array | Float32Array,
    group: number,
    maybe: number,
    uncertain: number,
    oy: number,
    ox: number,
  ): number {
    let pattern = maybe & ~uncertain;
    for (let i = 0; i < GROUP; i++) {
      const bit = 1 << (7 - i);
      if (uncertain & bit && this.signs.exactWindowAbove(source, oy, ox, group * GROUP + i)) {
        pattern |= bit;
      }
    }
    return this.outputBits[group * 256 + pattern];
  }

  private fillPlanes(view: Uint8Array): void {
    const { pw, planes, inputSize: n, combos, laneOffset, convRows } = this;
    const { inHeight: h, inWidth: w, inChannels: cin } = this.layout;
    // input grid row g is local image row g - 2 (lane 0) and g - 2 + laneOffset (lane 1)
    for (let g = 0; g < convRows + 2; g++) {
      const y0 = g - 2;
      const y1 = y0 + laneOffset;
      // a lane outside the image reads zeros (the conv's zero padding)
      const scale0 = y0 >= 0 && y0 < h ? 1 : 0;
      const scale1 = y1 >= 0 && y1 < h ? LANE : 0;
      const src0 = scale0 ? y0 * w * cin : 0;
      const src1 = scale1 ? y1 * w * cin : 0;
      const rowStart = g * pw + 1;
      if (cin === 3) {
        // the paper's RGB views; combination p negates channel c when bit c - 1 of p is set
        for (let x = 0, q = rowStart, i0 = src0, i1 = src1; x < w; x++, q++, i0 += 3, i1 += 3) {
          writeRgbCombinations(
            planes,
            n,
            q,
            view[i0] * scale0 + view[i1] * scale1,
            view[i0 + 1] * scale0 + view[i1 + 1] * scale1,
            view[i0 + 2] * scale0 + view[i1 + 2] * scale1,
          );
        }
        continue;
      }
      for (let x = 0; x < w; x++) {
        const q = rowStart + x;
        const i0 = src0 + x * cin;
        const i1 = src1 + x * cin;
        for (let p = 0; p < combos; p++) {
          let v = 0;
          for (let c = 0; c < cin; c++) {
            const u = view[i0 + c] * scale0 + view[i1 + c] * scale1;
            v += c > 0 && (p >> (c - 1)) & 1 ? -u : u;
          }
          planes[2 * p * n + q] = v;
          planes[(2 * p + 1) * n + q] = -v;
        }
      }
    }
  }

  /** fillPlanes for floats that should be scaled bytes; false when one is not. */
  private fillPlanesFromFloats(input: Float32Array): boolean {
    const bits = floatBits(input);
    const { pw, planes, inputSize: n, combos, laneOffset, convRows } = this;
    const { inHeight: h, inWidth: w, inChannels: cin } = this.layout;
    for (let g = 0; g < convRows + 2; g++) {
      const y0 = g - 2;
      const y1 = y0 + laneOffset;
      const scale0 = y0 >= 0 && y0 < h ? 1 : 0;
      const scale1 = y1 >= 0 && y1 < h ? LANE : 0;
      const src0 = scale0 ? y0 * w * cin : 0;
      const src1 = scale1 ? y1 * w * cin : 0;
      const rowStart = g * pw + 1;
      if (cin === 3) {
        for (let x = 0, q = rowStart, i0 = src0, i1 = src1; x < w; x++, q++, i0 += 3, i1 += 3) {
          const r0 = scaledByte(bits[i0]);
          const g0 = scaledByte(bits[i0 + 1]);
          const b0 = scaledByte(bits[i0 + 2]);
          const r1 = scaledByte(bits[i1]);
          const g1 = scaledByte(bits[i1 + 1]);
          const b1 = scaledByte(bits[i1 + 2]);
          if ((r0 | g0 | b0 | r1 | g1 | b1) < 0) return false;
          writeRgbCombinations(
            planes,
            n,
            q,
            r0 * scale0 + r1 * scale1,
            g0 * scale0 + g1 * scale1,
            b0 * scale0 + b1 * scale1,
          );
        }
        continue;
      }
      for (let x = 0; x < w; x++) {
        const q = rowStart + x;
        const i0 = src0 + x * cin;
        const i1 = src1 + x * cin;
        for (let p = 0; p < combos; p++) {
          let v = 0;
          for (let c = 0; c < cin; c++) {
            const u0 = scaledByte(bits[i0 + c]);
            const u1 = scaledByte(bits[i1 + c]);
            if ((u0 | u1) < 0) return false;
            const u = u0 * scale0 + u1 * scale1;
            v += c > 0 && (p >> (c - 1)) & 1 ? -u : u;
          }
          planes[2 * p * n + q] = v;
          planes[(2 * p + 1) * n + q] = -v;
        }
      }
    }
    return true;
  }
}
