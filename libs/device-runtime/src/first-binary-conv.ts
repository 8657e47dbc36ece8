import { blockGeometry, type BlockGeometry, type ConvBlockLayout } from './device-layout';
import { FirstLayerSigns } from './first-layer-signs';
import { writeRgbCombinations } from './rgb-combinations';
import { paddedPlanes, poolSigns } from './sign-pooling';

/** Channels up to this many are combined per pixel first (2^(C-1) signed sums). */
const MAX_COMBINED_CHANNELS = 4;

/**
 * The first binary ConvP block: the float image against sign weights, so the conv is additions
 * and subtractions only. Signs of the output depend on the engine's float32 sums only through a
 * comparison with a per-filter threshold (BatchNorm folded in exactly), so the sums are computed
 * fast in any order and the rare windows within rounding distance of the threshold are
 * recomputed in the engine's order (XNNPACK: kernel row, column, then input channel).
 */
export class FirstBinaryConv {
  private readonly h: number;
  private readonly w: number;
  private readonly cin: number;
  private readonly filters: number;
  private readonly pw: number;
  private readonly planeSize: number;
  /**
   * Signed input planes on the padded grid (per channel or per channel-sign combination) and
   * the conv outputs; allocated on the first run, since a device fed bytes never uses them.
   */
  private buffers: { planes: Float32Array; conv: Float32Array } | null = null;
  private readonly combos: number;
  private readonly combined: boolean;
  /** Per filter, per term: offset into `planes` relative to the output's padded index. */
  private readonly termOffsets: Int32Array;
  private readonly termsPerFilter: number;
  private readonly signs: FirstLayerSigns;
  private readonly layout: BlockGeometry;

  constructor(block: ConvBlockLayout, signs = new FirstLayerSigns(block)) {
    const layout = blockGeometry(block);
    this.layout = layout;
    const { inHeight: h, inWidth: w, inChannels: cin, filters } = layout;
    this.h = h;
    this.w = w;
    this.cin = cin;
    this.filters = filters;
    this.pw = w + 2;
    this.planeSize = (h + 2) * this.pw;
    this.combined = cin <= MAX_COMBINED_CHANNELS;
    this.combos = this.combined ? 1 << (cin - 1) : cin;
    this.termsPerFilter = this.combined ? 9 : 9 * cin;
    this.termOffsets = new Int32Array(filters * this.termsPerFilter);
    const k = block.kernel;
    for (let f = 0; f < filters; f++) {
      let term = 0;
      for (let tap = 0; tap < 9; tap++) {
        const shift = (Math.floor(tap / 3) - 1) * this.pw + ((tap % 3) - 1);
        const sign = (c: number) => k[(tap * cin + c) * filters + f];
        if (this.combined) {
          // sum_c s_c x_c = s_0 * (x_0 + sum_{c>0} (s_0 s_c) x_c): combination p, sign s_0
          let p = 0;
          for (let c = 1; c < cin; c++) if (sign(0) * sign(c) < 0) p |= 1 << (c - 1);
          const plane = 2 * p + (sign(0) < 0 ? 1 : 0);
          this.termOffsets[f * this.termsPerFilter + term++] = plane * this.planeSize + shift;
        } else {
          for (let c = 0; c < cin; c++) {
            const plane = 2 * c + (sign(c) < 0 ? 1 : 0);
            this.termOffsets[f * this.termsPerFilter + term++] = plane * this.planeSize + shift;
          }
        }
      }
    }
    this.signs = signs;
  }

  get workingBytes(): number {
    return this.buffers ? this.buffers.planes.byteLength + this.buffers.conv.byteLength : 0;
  }

  /** Bytes of the signs and thresholds it shares with the byte path. */
  get sharedWeightBytes(): number {
    return this.signs.weightBytes;
  }

  get weightBytes(): number {
    return this.termOffsets.byteLength + this.signs.weightBytes;
  }

  /** `input` is the HWC float32 view; `maxAbs` its largest magnitude. Sets bits in `out`. */
  run(input: Float32Array, maxAbs: number, out: Int32Array, wordsPerPixel: number): void {
    this.buffers ??= {
      planes: new Float32Array(2 * this.combos * this.planeSize),
      conv: paddedPlanes(this.filters, this.h, this.w),
    };
    const { planes, conv } = this.buffers;
    this.fillPlanes(input, planes);
    const { h, w, pw, planeSize, termsPerFilter, termOffsets } = this;
    for (let f = 0; f < this.filters; f++) {
      const base = f * termsPerFilter;
      const plane = f * planeSize;
      if (termsPerFilter === 9) {
        // one signed channel combination per tap: 9 loads per output (the hot loop)
        const [o0, o1, o2, o3, o4, o5, o6, o7, o8] = termOffsets.subarray(base, base + 9);
        for (let y = 0; y < h; y++) {
          const rowStart = (y + 1) * pw + 1;
          const rowEnd = rowStart + w;
          for (let q = rowStart; q < rowEnd; q++) {
            conv[plane + q] =
              planes[q + o0] +
              planes[q + o1] +
              planes[q + o2] +
              planes[q + o3] +
              planes[q + o4] +
              planes[q + o5] +
              planes[q + o6] +
              planes[q + o7] +
              planes[q + o8];
          }
        }
        continue;
      }
      for (let y = 0; y < h; y++) {
        const rowStart = (y + 1) * pw + 1;
        for (let q = rowStart; q < rowStart + w; q++) {
          let s = 0;
          for (let t = 0; t < termsPerFilter; t++) s += planes[q + termOffsets[base + t]];
          conv[plane + q] = s;
        }
      }
    }
    const margin = this.signs.marginPerUnit * maxAbs;
    const geometry = {
      height: h,
      width: w,
      outHeight: this.layout.outHeight,
      outWidth: this.layout.outWidth,
      stride: this.layout.poolStride,
    };
    for (let f = 0; f < this.filters; f++) {
      poolSigns(
        conv,
        f * planeSize,
        geometry,
        this.signs.thresholds[f],
        margin,
        (oy, ox) => this.signs.exactWindowAbove(input, oy, ox, f),
        out,
        wordsPerPixel,
        f,
      );
    }
  }

  private fillPlanes(input: Float32Array, planes: Float32Array): void {
    const { h, w, pw, cin, planeSize: n, combos, combined } = this;
    for (let y = 0; y < h; y++) {
      let q = (y + 1) * pw + 1;
      let src = y * w * cin;
      for (let x = 0; x < w; x++, q++, src += cin) {
        if (cin === 3) {
          // the paper's RGB views; combination p negates channel c when bit c - 1 of p is set
          writeRgbCombinations(planes, n, q, input[src], input[src + 1], input[src + 2]);
          continue;
        }
        for (let p = 0; p < combos; p++) {
          let v: number;
          if (combined) {
            v = input[src];
            for (let c = 1; c < cin; c++)
              v += (p >> (c - 1)) & 1 ? -input[src + c] : input[src + c];
          } else {
            v = input[src + p];
          }
          planes[2 * p * n + q] = v;
          planes[(2 * p + 1) * n + q] = -v;
        }
      }
    }
  }
}
