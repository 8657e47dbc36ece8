import { popcount32, wordBit } from './bit-ops';
import { blockGeometry, type BlockGeometry, type ConvBlockLayout } from './device-layout';
import { batchNormF32, FloatThreshold, fround, monotoneThreshold } from './float32-math';
import { paddedPlanes, poolSigns } from './sign-pooling';
import { tableConvKernel, type TableConvKernel } from './table-conv-wasm';

/** The WASM SIMD table kernel on its own memory, and where it finds its arrays there. */
interface WasmTableConv {
  kernel: TableConvKernel;
  input: Int32Array;
  inputAt: number;
  reachedAt: number;
  limitsAt: number;
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Input channels up to which 9 taps of mismatches fit an 8-bit lane (9 * 28 = 252). */
export const MAX_TABLE_CONV_CHANNELS = 28;

/**
 * A binary ConvP block with at most 28 input channels (one word per pixel; the paper's cloud
 * has 24 and 16), computing the same exact XNOR + popcount sums as PackedBinaryConv, for all
 * filters at once: for every tap, every byte of the input word and each of its 256 values, a
 * table holds the mismatch counts of every filter, four filters per 32-bit word (8-bit lanes).
 * A pixel then costs taps x bytes x ceil(filters / 4) additions instead of taps x filters
 * popcounts. Taps on the zero padding are skipped, as zero inputs contribute nothing.
 * `activeChannels` as in PackedBinaryConv (the weights of inactive channels must be -1).
 */
export class TableBinaryConv {
  private readonly table: Int32Array;
  private readonly bytesPerPixel: number;
  private readonly laneWords: number;
  private readonly acc: Int32Array;
  private readonly conv: Float32Array;
  private readonly thresholds: FloatThreshold[];
  private readonly layout: BlockGeometry;
  /**
   * Up to 32 filters: per padded pixel, the bits of the filters whose conv value reaches their
   * threshold (border zero), so max-pool + threshold is the OR of a window's words (XOR the
   * inverted filters): max(v) >= t exactly when some v >= t. Undefined past 32 filters.
   */
  private readonly reached?: Int32Array;
  /** 13-16 filters with the compiled kernel loaded: the sums and `reached` run in WASM SIMD. */
  private readonly wasm?: WasmTableConv;
  private readonly limits: Float64Array;
  private readonly filterBits: Int32Array;
  private readonly invertedBits: number;

  /**
   * `useWasm` false keeps the JavaScript kernel (it also runs when the compiled one is not built
   * or cannot load); both give the same bits.
   */
  constructor(
    block: ConvBlockLayout,
    private readonly activeChannels = block.inChannels,
    useWasm = true,
  ) {
    const { inChannels: cin, filters, kernel } = block;
    if (cin > MAX_TABLE_CONV_CHANNELS) {
      throw new Error(
        `TableBinaryConv takes at most ${MAX_TABLE_CONV_CHANNELS} channels, got ${cin}`,
      );
    }
    this.layout = blockGeometry(block);
    const bpp = Math.ceil(cin / 8);
    const lanes = Math.ceil(filters / 4);
    this.bytesPerPixel = bpp;
    this.laneWords = lanes;
    this.acc = new Int32Array(lanes);
    // sign bits of each filter's tap, channel c at bit 31 - c (as the input words)
    const weights = new Int32Array(filters * 9);
    for (let f = 0; f < filters; f++) {
      for (let tap = 0; tap < 9; tap++) {
        for (let c = 0; c < cin; c++) {
          if (kernel[(tap * cin + c) * filters + f] > 0) weights[f * 9 + tap] |= wordBit(c);
        }
      }
    }
    this.table = new Int32Array(9 * bpp * 256 * lanes);
    for (let tap = 0; tap < 9; tap++) {
      for (let k = 0; k < bpp; k++) {
        const shift = 24 - 8 * k;
        for (let v = 0; v < 256; v++) {
          const base = ((tap * bpp + k) * 256 + v) * lanes;
          for (let f = 0; f < filters; f++) {
            const w = (weights[f * 9 + tap] >>> shift) & 255;
            this.table[base + (f >> 2)] |= popcount32(v ^ w) << (8 * (f & 3));
          }
        }
      }
    }
    this.conv = paddedPlanes(filters, block.inHeight, block.inWidth);
    this.thresholds = Array.from({ length: filters }, (_, f) => {
      const bias = block.bias[f];
      const bn = block.bn[f];
      return monotoneThreshold((s) => batchNormF32(fround(s + bias), bn) >= 0);
    });
    this.limits = Float64Array.from(this.thresholds, (t) => t.threshold);
    this.filterBits = Int32Array.from({ length: filters }, (_, f) => wordBit(f));
    this.invertedBits = this.thresholds.reduce(
      (bits, t, f) => (t.invert ? bits | wordBit(f) : bits),
      0,
    );
    const cells = (block.inHeight + 2) * (block.inWidth + 2);
    const wasm =
      useWasm && lanes === 4 ? this.loadWasm(block.inHeight * block.inWidth, cells) : null;
    if (wasm) {
      this.wasm = wasm.conv;
      this.reached = wasm.reached;
    } else if (filters <= 32) this.reached = new Int32Array(cells);
  }

  /**
   * The table, the input, `reached` and the count limits on the compiled kernel's memory. Filter
   * f reaches its threshold at a pixel with `taps` taps inside when taps * cin - 2 * count >=
   * limits[f]: for an integer count that holds for a prefix 0..n-1 of counts, so the kernel
   * compares count < n (n per taps and filter, 0 for the unused lanes past `filters`).
   */
  private loadWasm(
    pixels: number,
    cells: number,
  ): { conv: WasmTableConv; reached: Int32Array } | null {
    const inputAt = this.table.byteLength;
    const reachedAt = align16(inputAt + pixels * 4);
    const limitsAt = align16(reachedAt + cells * 4);
    const loaded = tableConvKernel(limitsAt + 10 * 16);
    if (!loaded) return null;
    const { buffer } = loaded.memory;
    new Int32Array(buffer, 0, this.table.length).set(this.table);
    const below = new Uint8Array(buffer, limitsAt, 10 * 16);
    for (let taps = 0; taps <= 9; taps++) {
      const full = taps * this.activeChannels;
      for (let f = 0; f < this.layout.filters; f++) {
        let n = 0;
        while (n < 255 && full - 2 * n >= this.limits[f]) n++;
        below[taps * 16 + f] = n;
      }
    }
    return {
      conv: {
        kernel: loaded.kernel,
        input: new Int32Array(buffer, inputAt, pixels),
        inputAt,
        reachedAt,
        limitsAt,
      },
      reached: new Int32Array(buffer, reachedAt, cells),
    };
  }

  /** True when this convolution runs the compiled WASM SIMD kernel. */
  get usesWasm(): boolean {
    return this.wasm !== undefined;
  }

  get weightBytes(): number {
    return this.table.byteLength + this.layout.filters * 8;
  }

  /** `input`: one word per pixel; sets bits in `out` (zeroed by the caller). */
  run(input: Int32Array, out: Int32Array, outWordsPerPixel: number): void {
    const { inHeight: h, inWidth: w, filters } = this.layout;
    const planeSize = (h + 2) * (w + 2);
    const wasm = this.wasm;
    if (wasm) {
      wasm.input.set(input.length === wasm.input.length ? input : input.subarray(0, h * w));
      wasm.kernel.tableReached(
        0,
        wasm.inputAt,
        wasm.reachedAt,
        wasm.limitsAt,
        h,
        w,
        this.bytesPerPixel,
      );
    } else if (this.laneWords === 4) this.sumsFourLanes(input, planeSize);
    else this.sums(input, planeSize);
    if (this.reached) {
      this.poolReached(this.reached, out, outWordsPerPixel);
      return;
    }
    const geometry = {
      height: h,
      width: w,
      outHeight: this.layout.outHeight,
      outWidth: this.layout.outWidth,
      stride: this.layout.poolStride,
    };
    for (let f = 0; f < filters; f++) {
      poolSigns(
        this.conv,
        f * planeSize,
        geometry,
        this.thresholds[f],
        0,
        null,
        out,
        outWordsPerPixel,
        f,
      );
    }
  }

  /** 13-16 filters (the paper's 16): the four lane words kept in locals. */
  private sumsFourLanes(input: Int32Array, planeSize: number): void {
    const { inHeight: h, inWidth: w, filters } = this.layout;
    const { table, conv, bytesPerPixel: bpp, reached, limits, filterBits } = this;
    const cin = this.activeChannels;
    const pw = w + 2;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let taps = 0;
        for (let ky = 0; ky < 3; ky++) {
          const yy = y + ky - 1;
          if (yy < 0 || yy >= h) continue;
          for (let kx = 0; kx < 3; kx++) {
            const xx = x + kx - 1;
            if (xx < 0 || xx >= w) continue;
            taps++;
            const word = input[yy * w + xx];
            const tapBase = (ky * 3 + kx) * bpp;
            for (let k = 0; k < bpp; k++) {
              const base = ((tapBase + k) * 256 + ((word >>> (24 - 8 * k)) & 255)) << 2;
              a0 += table[base];
              a1 += table[base + 1];
              a2 += table[base + 2];
              a3 += table[base + 3];
            }
          }
        }
        const cell = (y + 1) * pw + x + 1;
        const full = taps * cin;
        if (reached) {
          let bits = 0;
          for (let f = 0; f < filters; f++) {
            const lane = f >> 2;
            const word = lane === 0 ? a0 : lane === 1 ? a1 : lane === 2 ? a2 : a3;
            if (full - 2 * ((word >>> (8 * (f & 3))) & 255) >= limits[f]) bits |= filterBits[f];
          }
          reached[cell] = bits;
          continue;
        }
        for (let f = 0; f < filters; f++) {
          const lane = f >> 2;
          const word = lane === 0 ? a0 : lane === 1 ? a1 : lane === 2 ? a2 : a3;
          conv[f * planeSize + cell] = full - 2 * ((word >>> (8 * (f & 3))) & 255);
        }
      }
    }
  }

  private sums(input: Int32Array, planeSize: number): void {
    const { inHeight: h, inWidth: w, filters } = this.layout;
    const { table, conv, acc, bytesPerPixel: bpp, laneWords: lanes } = this;
    const { reached, limits, filterBits } = this;
    const cin = this.activeChannels;
    const pw = w + 2;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        acc.fill(0);
        let taps = 0;
        for (let ky = 0; ky < 3; ky++) {
          const yy = y + ky - 1;
          if (yy < 0 || yy >= h) continue;
          for (let kx = 0; kx < 3; kx++) {
            const xx = x + kx - 1;
            if (xx < 0 || xx >= w) continue;
            taps++;
            const word = input[yy * w + xx];
            const tapBase = (ky * 3 + kx) * bpp;
            for (let k = 0; k < bpp; k++) {
              const base = ((tapBase + k) * 256 + ((word >>> (24 - 8 * k)) & 255)) * lanes;
              for (let l = 0; l < lanes; l++) acc[l] += table[base + l];
            }
          }
        }
        const cell = (y + 1) * pw + x + 1;
        const full = taps * cin;
        if (reached) {
          let bits = 0;
          for (let f = 0; f < filters; f++) {
            const sum = full - 2 * ((acc[f >> 2] >>> (8 * (f & 3))) & 255);
            if (sum >= limits[f]) bits |= filterBits[f];
          }
          reached[cell] = bits;
          continue;
        }
        for (let f = 0; f < filters; f++) {
          conv[f * planeSize + cell] = full - 2 * ((acc[f >> 2] >>> (8 * (f & 3))) & 255);
        }
      }
    }
  }

  /** 3x3 max-pool and threshold of every filter at once: OR of the window's words (see reached). */
  private poolReached(reached: Int32Array, out: Int32Array, outWordsPerPixel: number): void {
    const { inWidth: w, outHeight, outWidth, poolStride: stride } = this.layout;
    const pw = w + 2;
    const inverted = this.invertedBits;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        // window rows oy*s-1 .. oy*s+1 are padded rows oy*s .. oy*s+2 (border words are 0)
        const q = oy * stride * pw + ox * stride;
        const top = reached[q] | reached[q + 1] | reached[q + 2];
        const middle = reached[q + pw] | reached[q + pw + 1] | reached[q + pw + 2];
        const bottom = reached[q + 2 * pw] | reached[q + 2 * pw + 1] | reached[q + 2 * pw + 2];
        out[(oy * outWidth + ox) * outWordsPerPixel] |= (top | middle | bottom) ^ inverted;
      }
    }
  }
}
