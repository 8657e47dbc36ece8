import { wordBit } from './bit-ops';
import { blockGeometry, type BlockGeometry, type ConvBlockLayout } from './device-layout';
import { FirstLayerSigns } from './first-layer-signs';
import { writeRgbSums } from './rgb-combinations';
import { doubleArray, intArray, PLAIN_ARRAY_ELEMENT_BYTES } from './plain-arrays';
import { floatBits, scaledByte } from './scaled-bytes';

/** Channels up to this many are combined per pixel first (2^(C-1) signed sums). */
export const MAX_BYTE_PATH_CHANNELS = 4;
/**
 * Image bands computed at once: lane k of a float64 holds band k's integer sum in bits
 * 16k .. 16k + 15 (three 16-bit lanes = 48 bits, exact within float64's 53).
 */
const LANES = 3;
const LANE_SCALE = [1, 2 ** 16, 2 ** 32];
/** Adds 1 to every lane. */
const LANE_ONES = 1 + 2 ** 16 + 2 ** 32;
const TWO_TO_MINUS_32 = 2 ** -32;
/** Bit 15 of lanes 0 and 1 in the low 32 bits of a lane sum. */
const LOW_LANE_FLAGS = 0x80008000 | 0;
/**
 * Filters sharing one word of flags. Lane k's flags take byte LANE_BYTE[k] of the word:
 * filter i of the group has its "may reach the threshold" flag at bit 7 - i of that byte and
 * its "surely reaches" flag at bit 3 - i. One OR over a pooling window pools all of them, and
 * a 16-entry table turns a lane's 4 "may" bits into output bits.
 */
const GROUP = 4;
/** Bit 15 of lanes 0, 1, 2 as laneTops places them: the top bits of their flag bytes. */
const FLAG_TOPS = 0x808080;
const LANE_BYTE = [0, 16, 8];
const LANE_BYTE_MASK = LANE_BYTE.map((b) => 0xff << b);

/** Bit 15 of the three lanes of `t` (>= 0, < 2^48) at bits 7, 23 and 15. */
function laneTops(t: number): number {
  return (((t | 0) & LOW_LANE_FLAGS) >>> 8) | (((t * TWO_TO_MINUS_32) | 0) & 0x8000);
}

/**
 * The first binary block on a view given as bytes (or as floats that are exactly scaled
 * bytes): integer sums (bytes against sign weights) instead of float ones, three bands of
 * image rows per float64 (SWAR: three 16-bit lanes, see LANES), and the threshold comparisons
 * of the three bands done at once. The integer sum I relates to the engine's float32 sum by
 * I / 255 within a known margin, so outputs clearly above or below their threshold are decided
 * here and the rare ones within the margin are recomputed exactly in the engine's order.
 *
 * Lane k holds pooled rows k * perLane .. (k + 1) * perLane - 1; local row r of lane k is image
 * row r + k * perLane * stride, so all lanes pool the same local windows.
 */
export class ByteFirstConv {
  private readonly pw: number;
  /** Local conv rows -1 .. lastRow (the pooled windows of every lane). */
  private readonly convRows: number;
  /** Pooled rows per lane. */
  private readonly perLane: number;
  private readonly inputRows: number;
  private readonly inputSize: number;
  private readonly combos: number;
  /** Signed combination planes on the packed input grid (local rows -2 .. lastRow + 1). */
  private readonly planes: number[];
  /** Per input grid row and lane: the image row's first value (0 outside the image) ... */
  private readonly rowSources: Int32Array;
  /** ... and the lane's scale (0 outside the image: the conv's zero padding). */
  private readonly rowScales: Float64Array;
  /** Per filter, its 9 taps' plane offsets: added ones first, then `negatives` subtracted. */
  private readonly termOffsets: Int32Array;
  private readonly negatives: Uint8Array;
  /** Per filter, FLAG_TOPS when it computes minus its sum (its flags are then inverted). */
  private readonly flips: Int32Array;
  /** Per group of 4 filters, the flags of every conv cell on the packed conv grid. */
  private readonly flags: number[];
  private readonly flagsSize: number;
  private readonly groups: number;
  /** Per local conv row, the lanes' flag bytes holding image rows (the others must not count). */
  private readonly rowMasks: Int32Array;
  /** Per filter, lane offsets that put each lane's "sum >= bound" into its bit 15. */
  private readonly sureOffsets: Float64Array;
  private readonly maybeOffsets: Float64Array;
  /**
   * Per group, for each pattern of its 4 "may reach" bits (bit 3 - i for filter i), the bits
   * to set in the output word when every flag is certain (the threshold's direction applied).
   */
  private readonly outputBits: number[];
  /** Whether the lanes read every image row (so the float check sees every pixel). */
  private readonly readsEveryRow: boolean;
  private readonly signs: FirstLayerSigns;

  private readonly layout: BlockGeometry;

  constructor(block: ConvBlockLayout, signs = new FirstLayerSigns(block)) {
    this.layout = blockGeometry(block);
    const { inHeight: h, inWidth: w, inChannels: cin, filters, outHeight, poolStride: s } = block;
    if (cin > MAX_BYTE_PATH_CHANNELS) throw new Error('the byte path combines at most 4 channels');
    this.pw = w + 2;
    this.perLane = Math.ceil(outHeight / LANES);
    const laneOffset = this.perLane * s;
    const lastRow = (this.perLane - 1) * s + 1;
    this.convRows = lastRow + 2;
    this.inputRows = this.convRows + 2;
    this.inputSize = this.inputRows * this.pw;
    this.combos = 1 << (cin - 1);
    this.planes = doubleArray(this.combos * this.inputSize);
    // input grid row g holds image row g - 2 + k * laneOffset in lane k
    this.rowSources = new Int32Array(this.inputRows * LANES);
    this.rowScales = new Float64Array(this.inputRows * LANES);
    const read = new Uint8Array(h);
    for (let g = 0; g < this.inputRows; g++) {
      for (let k = 0; k < LANES; k++) {
        const y = g - 2 + k * laneOffset;
        if (y < 0 || y >= h) continue;
        this.rowSources[g * LANES + k] = y * w * cin;
        this.rowScales[g * LANES + k] = LANE_SCALE[k];
        read[y] = 1;
      }
    }
    this.readsEveryRow = read.every((r) => r === 1);
    this.flagsSize = this.convRows * this.pw;
    this.groups = Math.ceil(filters / GROUP);
    this.flags = intArray(this.groups * this.flagsSize);
    this.rowMasks = new Int32Array(this.convRows);
    for (let r = 0; r < this.convRows; r++) {
      for (let k = 0; k < LANES; k++) {
        const y = r - 1 + k * laneOffset;
        if (y >= 0 && y < h) this.rowMasks[r] |= LANE_BYTE_MASK[k];
      }
    }
    // conv cell (local row r - 1, col x) is at q = r * pw + x + 1 in `flags`; its tap (ky, kx)
    // reads input grid row r + ky, col x + kx, i.e. q + ky * pw + kx - 1 in `planes`
    // tap (ky, kx) of filter f adds sign * combination p: its weights are sign * (1, ±1, ±1);
    // the taps are ordered added first, subtracted last, and a filter with more than 4
    // subtracted taps computes minus its sum instead (`flips`), so 5 loops cover every filter
    const k = block.kernel;
    this.termOffsets = new Int32Array(filters * 9);
    this.negatives = new Uint8Array(filters);
    this.flips = new Int32Array(filters);
    for (let f = 0; f < filters; f++) {
      const added: number[] = [];
      const subtracted: number[] = [];
      for (let tap = 0; tap < 9; tap++) {
        const sign = (c: number) => k[(tap * cin + c) * filters + f];
        let p = 0;
        for (let c = 1; c < cin; c++) if (sign(0) * sign(c) < 0) p |= 1 << (c - 1);
        const shift = Math.floor(tap / 3) * this.pw + (tap % 3) - 1;
        (sign(0) > 0 ? added : subtracted).push(p * this.inputSize + shift);
      }
      const flip = subtracted.length > 4;
      const [plus, minus] = flip ? [subtracted, added] : [added, subtracted];
      this.termOffsets.set([...plus, ...minus], f * 9);
      this.negatives[f] = minus.length;
      this.flips[f] = flip ? FLAG_TOPS : 0;
    }
    this.signs = signs;
    // bytes: I / 255 is within marginPerUnit (max|x| = 1) of the engine's sum; a lane sum
    // minus its bound stays within ±2^15 because |I| <= 9 * cin * 255 < 2^14 and bounds are
    // clamped just outside that, so each lane plus 2^15 - bound is in [0, 2^16): no carries
    const margin = this.signs.marginPerUnit;
    const limit = 9 * cin * 255 + 1;
    const clamp = (v: number) => Math.max(-limit, Math.min(limit, v));
    this.sureOffsets = new Float64Array(filters);
    this.maybeOffsets = new Float64Array(filters);
    this.signs.thresholds.forEach(({ threshold: t }, f) => {
      // a flipped filter computes U = -I: I >= B exactly when not U >= 1 - B
      const offset = (bound: number) =>
        (32768 - clamp(this.flips[f] ? 1 - bound : bound)) * LANE_ONES;
      this.sureOffsets[f] = offset(Math.ceil(255 * (t + margin)));
      this.maybeOffsets[f] = offset(Math.ceil(255 * (t - margin)));
    });
    this.outputBits = intArray(this.groups * 16);
    for (let g = 0; g < this.groups; g++) {
      for (let pattern = 0; pattern < 16; pattern++) {
        let bits = 0;
        for (let i = 0; i < GROUP && g * GROUP + i < filters; i++) {
          const f = g * GROUP + i;
          const above = ((pattern >>> (3 - i)) & 1) === 1;
          if (above !== this.signs.thresholds[f].invert) bits |= wordBit(f);
        }
        this.outputBits[g * 16 + pattern] = bits;
      }
    }
  }

  get workingBytes(): number {
    return (this.planes.length + this.flags.length) * PLAIN_ARRAY_ELEMENT_BYTES;
  }

  get weightBytes(): number {
    return (
      this.termOffsets.byteLength +
      this.negatives.byteLength +
      this.flips.byteLength +
      this.rowSources.byteLength +
      this.rowScales.byteLength +
      this.rowMasks.byteLength +
      this.sureOffsets.byteLength +
      this.maybeOffsets.byteLength +
      this.outputBits.length * PLAIN_ARRAY_ELEMENT_BYTES +
      this.signs.weightBytes
    );
  }

  /**
   * `view` is the HWC view as bytes; sets the block's sign bits in `out`, MSB first: channel c
   * of output pixel p is bit p * pixelBits + c of the bit string. `pixelBits` is 32 times the
   * words per pixel (each pixel starts a word), or the filter count when that divides 32 (one
   * HWC bit string, the wire and FC order).
   */
  run(view: Uint8Array, out: Int32Array, pixelBits: number): void {
    this.checkPixelBits(pixelBits);
    this.fillPlanes(view);
    this.convolve(view, out, pixelBits);
  }

  /**
   * The same for a float32 view if every value is a scaled byte (fround(u / 255)); returns
   * false, with `out` untouched, as soon as one is not (the caller then takes the float path).
   */
  runScaledBytes(input: Float32Array, out: Int32Array, pixelBits: number): boolean {
    this.checkPixelBits(pixelBits);
    const bits = floatBits(input);
    if (!this.readsEveryRow) {
      for (let k = 0; k < bits.length; k++) if (scaledByte(bits[k]) < 0) return false;
    }
    if (!this.fillPlanesFromFloats(bits)) return false;
    this.convolve(input, out, pixelBits);
    return true;
  }

  private checkPixelBits(pixelBits: number): void {
    const { filters } = this.layout;
    const words = pixelBits % 32 === 0 && pixelBits >= 32 * Math.ceil(filters / 32);
    if (!words && !(pixelBits === filters && 32 % filters === 0)) {
      throw new Error(`cannot lay out ${filters} filters with ${pixelBits} bits per pixel`);
    }
  }

  /** Conv sums against every filter's bounds, then one pooling pass per group of 4 filters. */
  private convolve(source: Uint8Array | Float32Array, out: Int32Array, pixelBits: number) {
    const { pw, flags, flagsSize, convRows, rowMasks } = this;
    const { inWidth: w, filters } = this.layout;
    flags.fill(0);
    for (let f = 0; f < filters; f++) this.convolveFilter(f);
    // rows outside the image in a lane (the band edges) must not count
    for (let g = 0; g < this.groups; g++) {
      for (let r = 0; r < convRows; r++) {
        const mask = rowMasks[r];
        if (mask === 0xffffff) continue;
        const rowStart = g * flagsSize + r * pw + 1;
        for (let q = rowStart; q < rowStart + w; q++) flags[q] &= mask;
      }
      this.pool(source, g, out, pixelBits);
    }
  }

  /**
   * One filter's flags on every conv cell: the three lanes' integer sums at once (a lane may
   * borrow from the next: the total is still the lanes' weighted sum, which the offsets make
   * non-negative per lane), 9 plane reads per cell.
   */
  private convolveFilter(f: number): void {
    const { pw, planes, flags, convRows, termOffsets } = this;
    const w = this.layout.inWidth;
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
    const flip = this.flips[f];
    const i = f % GROUP;
    const plane = ((f / GROUP) | 0) * this.flagsSize;
    // loops specialised by subtracted taps and by banding (a branch in the loop costs ~10%)
    const variant = this.negatives[f] * 2 + (sure !== maybe ? 1 : 0);
    for (let r = 0; r < convRows; r++) {
      const rowStart = r * pw + 1;
      const rowEnd = rowStart + w;
      switch (variant) {
        case 0:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5] + (planes[q + o6] + planes[q + o7])) +
              planes[q + o8];
            const surely = laneTops(sum + sure) ^ flip;
            flags[plane + q] |= (surely >>> i) | (surely >>> (i + 4));
          }
          break;
        case 1:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5] + (planes[q + o6] + planes[q + o7])) +
              planes[q + o8];
            const surely = laneTops(sum + sure) ^ flip;
            const perhaps = laneTops(sum + maybe) ^ flip;
            flags[plane + q] |= (perhaps >>> i) | (surely >>> (i + 4));
          }
          break;
        case 2:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5] + (planes[q + o6] + planes[q + o7])) -
              planes[q + o8];
            const surely = laneTops(sum + sure) ^ flip;
            flags[plane + q] |= (surely >>> i) | (surely >>> (i + 4));
          }
          break;
        case 3:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5] + (planes[q + o6] + planes[q + o7])) -
              planes[q + o8];
            const surely = laneTops(sum + sure) ^ flip;
            const perhaps = laneTops(sum + maybe) ^ flip;
            flags[plane + q] |= (perhaps >>> i) | (surely >>> (i + 4));
          }
          break;
        case 4:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5] + planes[q + o6]) -
              (planes[q + o7] + planes[q + o8]);
            const surely = laneTops(sum + sure) ^ flip;
            flags[plane + q] |= (surely >>> i) | (surely >>> (i + 4));
          }
          break;
        case 5:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5] + planes[q + o6]) -
              (planes[q + o7] + planes[q + o8]);
            const surely = laneTops(sum + sure) ^ flip;
            const perhaps = laneTops(sum + maybe) ^ flip;
            flags[plane + q] |= (perhaps >>> i) | (surely >>> (i + 4));
          }
          break;
        case 6:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5]) -
              (planes[q + o6] + planes[q + o7] + planes[q + o8]);
            const surely = laneTops(sum + sure) ^ flip;
            flags[plane + q] |= (surely >>> i) | (surely >>> (i + 4));
          }
          break;
        case 7:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              (planes[q + o4] + planes[q + o5]) -
              (planes[q + o6] + planes[q + o7] + planes[q + o8]);
            const surely = laneTops(sum + sure) ^ flip;
            const perhaps = laneTops(sum + maybe) ^ flip;
            flags[plane + q] |= (perhaps >>> i) | (surely >>> (i + 4));
          }
          break;
        case 8:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              planes[q + o4] -
              (planes[q + o5] + planes[q + o6] + (planes[q + o7] + planes[q + o8]));
            const surely = laneTops(sum + sure) ^ flip;
            flags[plane + q] |= (surely >>> i) | (surely >>> (i + 4));
          }
          break;
        case 9:
          for (let q = rowStart; q < rowEnd; q++) {
            const sum =
              planes[q + o0] +
              planes[q + o1] +
              (planes[q + o2] + planes[q + o3]) +
              planes[q + o4] -
              (planes[q + o5] + planes[q + o6] + (planes[q + o7] + planes[q + o8]));
            const surely = laneTops(sum + sure) ^ flip;
            const perhaps = laneTops(sum + maybe) ^ flip;
            flags[plane + q] |= (perhaps >>> i) | (surely >>> (i + 4));
          }
          break;
      }
    }
  }

  private pool(
    source: Uint8Array | Float32Array,
    group: number,
    out: Int32Array,
    pixelBits: number,
  ): void {
    const { pw, flags, perLane, outputBits } = this;
    const { outWidth, outHeight, poolStride: s } = this.layout;
    const plane = group * this.flagsSize;
    const table = group * 16;
    const word = (group * GROUP) >> 5;
    const rowBits = outWidth * pixelBits;
    for (let j = 0; j < perLane; j++) {
      // window rows j*s-1 .. j*s+1 are local conv rows j*s .. j*s+2 of `flags`
      const top = plane + j * s * pw;
      const oy1 = j + perLane;
      const oy2 = oy1 + perLane;
      // bit offsets of the rows' first pixels; -1 for a lane past the last row
      const row0 = j * rowBits;
      const row1 = oy1 < outHeight ? oy1 * rowBits : -1;
      const row2 = oy2 < outHeight ? oy2 * rowBits : -1;
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
        const o = ox * pixelBits;
        const b0 = row0 + o;
        const b1 = row1 + o;
        const b2 = row2 + o;
        // lanes 0, 1, 2 in bytes 0, 2, 1: 4 "may" bits over 4 "sure" bits each
        const lane0 = any & 0xff;
        const lane1 = (any >>> 16) & 0xff;
        const lane2 = (any >>> 8) & 0xff;
        const uncertain = any & ~(any << 4) & 0xf0f0f0;
        if (uncertain === 0) {
          out[(b0 >> 5) + word] |= outputBits[table + (lane0 >>> 4)] >>> (b0 & 31);
          if (row1 >= 0) out[(b1 >> 5) + word] |= outputBits[table + (lane1 >>> 4)] >>> (b1 & 31);
          if (row2 >= 0) out[(b2 >> 5) + word] |= outputBits[table + (lane2 >>> 4)] >>> (b2 & 31);
          continue;
        }
        out[(b0 >> 5) + word] |= this.windowBits(source, table, lane0, j, ox) >>> (b0 & 31);
        if (row1 >= 0) {
          out[(b1 >> 5) + word] |= this.windowBits(source, table, lane1, oy1, ox) >>> (b1 & 31);
        }
        if (row2 >= 0) {
          out[(b2 >> 5) + word] |= this.windowBits(source, table, lane2, oy2, ox) >>> (b2 & 31);
        }
      }
    }
  }

  /** Output bits of one lane's window from its flag byte (the low 8 bits of `lane`). */
  private windowBits(
    source: Uint8Array | Float32Array,
    table: number,
    lane: number,
    oy: number,
    ox: number,
  ): number {
    const maybe = (lane >>> 4) & 15;
    const uncertain = maybe & ~lane & 15;
    if (uncertain === 0) return this.outputBits[table + maybe];
    // some maxima within the rounding margin: those filters' windows recomputed exactly
    let pattern = maybe & ~uncertain;
    const first = (table / 16) * GROUP;
    for (let i = 0; i < GROUP; i++) {
      const bit = 8 >>> i;
      if (uncertain & bit && this.signs.exactWindowAbove(source, oy, ox, first + i)) {
        pattern |= bit;
      }
    }
    return this.outputBits[table + pattern];
  }

  private fillPlanes(view: Uint8Array): void {
    const { pw, planes, inputSize: n, combos, inputRows, rowSources, rowScales } = this;
    const { inWidth: w, inChannels: cin } = this.layout;
    for (let g = 0; g < inputRows; g++) {
      const s0 = rowScales[g * LANES];
      const s1 = rowScales[g * LANES + 1];
      const s2 = rowScales[g * LANES + 2];
      let i0 = rowSources[g * LANES];
      let i1 = rowSources[g * LANES + 1];
      let i2 = rowSources[g * LANES + 2];
      const rowStart = g * pw + 1;
      if (cin === 3) {
        // the paper's RGB views; combination p negates channel c when bit c - 1 of p is set
        for (let q = rowStart; q < rowStart + w; q++, i0 += 3, i1 += 3, i2 += 3) {
          writeRgbSums(
            planes,
            n,
            q,
            view[i0] * s0 + view[i1] * s1 + view[i2] * s2,
            view[i0 + 1] * s0 + view[i1 + 1] * s1 + view[i2 + 1] * s2,
            view[i0 + 2] * s0 + view[i1 + 2] * s1 + view[i2 + 2] * s2,
          );
        }
        continue;
      }
      for (let q = rowStart; q < rowStart + w; q++, i0 += cin, i1 += cin, i2 += cin) {
        for (let p = 0; p < combos; p++) {
          let v = 0;
          for (let c = 0; c < cin; c++) {
            const u = view[i0 + c] * s0 + view[i1 + c] * s1 + view[i2 + c] * s2;
            v += c > 0 && (p >> (c - 1)) & 1 ? -u : u;
          }
          planes[p * n + q] = v;
        }
      }
    }
  }

  /** fillPlanes from float32 bit patterns that should be scaled bytes; false when one is not. */
  private fillPlanesFromFloats(bits: Int32Array): boolean {
    const { pw, planes, inputSize: n, combos, inputRows, rowSources, rowScales } = this;
    const { inWidth: w, inChannels: cin } = this.layout;
    for (let g = 0; g < inputRows; g++) {
      const s0 = rowScales[g * LANES];
      const s1 = rowScales[g * LANES + 1];
      const s2 = rowScales[g * LANES + 2];
      let i0 = rowSources[g * LANES];
      let i1 = rowSources[g * LANES + 1];
      let i2 = rowSources[g * LANES + 2];
      const rowStart = g * pw + 1;
      if (cin === 3) {
        for (let q = rowStart; q < rowStart + w; q++, i0 += 3, i1 += 3, i2 += 3) {
          const r0 = scaledByte(bits[i0]);
          const g0 = scaledByte(bits[i0 + 1]);
          const b0 = scaledByte(bits[i0 + 2]);
          const r1 = scaledByte(bits[i1]);
          const g1 = scaledByte(bits[i1 + 1]);
          const b1 = scaledByte(bits[i1 + 2]);
          const r2 = scaledByte(bits[i2]);
          const g2 = scaledByte(bits[i2 + 1]);
          const b2 = scaledByte(bits[i2 + 2]);
          if ((r0 | g0 | b0 | r1 | g1 | b1 | r2 | g2 | b2) < 0) return false;
          writeRgbSums(
            planes,
            n,
            q,
            r0 * s0 + r1 * s1 + r2 * s2,
            g0 * s0 + g1 * s1 + g2 * s2,
            b0 * s0 + b1 * s1 + b2 * s2,
          );
        }
        continue;
      }
      for (let q = rowStart; q < rowStart + w; q++, i0 += cin, i1 += cin, i2 += cin) {
        for (let p = 0; p < combos; p++) {
          let v = 0;
          for (let c = 0; c < cin; c++) {
            const u0 = scaledByte(bits[i0 + c]);
            const u1 = scaledByte(bits[i1 + c]);
            const u2 = scaledByte(bits[i2 + c]);
            if ((u0 | u1 | u2) < 0) return false;
            const u = u0 * s0 + u1 * s1 + u2 * s2;
            v += c > 0 && (p >> (c - 1)) & 1 ? -u : u;
          }
          planes[p * n + q] = v;
        }
      }
    }
    return true;
  }
}
