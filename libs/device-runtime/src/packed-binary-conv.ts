import { popcount32, wordBit } from './bit-ops';
import { blockGeometry, type BlockGeometry, type ConvBlockLayout } from './device-layout';
import { batchNormF32, FloatThreshold, fround, monotoneThreshold } from './float32-math';
import { paddedPlanes, poolSigns } from './sign-pooling';

/**
 * A binary ConvP block after the first: ±1 activations bit-packed per pixel (channel c is bit
 * 31 - c mod 32 of word c / 32), ±1 weights packed the same way, and each tap's dot product is
 * `channels - 2 * popcount(x XOR w)` (XNOR + popcount). Zero padding contributes 0, so taps
 * outside the image are skipped rather than counted as ±1. The sums are exact integers, as in
 * the engine, so the per-filter threshold reproduces its signs exactly.
 */
export class PackedBinaryConv {
  readonly wordsPerPixel: number;
  private readonly weights: Int32Array;
  private readonly conv: Float32Array;
  private readonly thresholds: FloatThreshold[];

  private readonly layout: BlockGeometry;

  /**
   * `activeChannels`: input channels that carry ±1 (default all). The others are zeros (a cloud
   * input's missing device under CC) and contribute nothing; their kernel bits must be -1 (0).
   */
  constructor(
    block: ConvBlockLayout,
    private readonly activeChannels = block.inChannels,
  ) {
    this.layout = blockGeometry(block);
    const layout = block;
    const { inChannels: cin, filters, kernel } = block;
    const wpp = Math.ceil(cin / 32);
    this.wordsPerPixel = wpp;
    this.weights = new Int32Array(filters * 9 * wpp);
    for (let f = 0; f < filters; f++) {
      for (let tap = 0; tap < 9; tap++) {
        for (let c = 0; c < cin; c++) {
          if (kernel[(tap * cin + c) * filters + f] > 0) {
            this.weights[(f * 9 + tap) * wpp + (c >> 5)] |= wordBit(c);
          }
        }
      }
    }
    this.conv = paddedPlanes(filters, layout.inHeight, layout.inWidth);
    this.thresholds = Array.from({ length: filters }, (_, f) => {
      const bias = layout.bias[f];
      const bn = layout.bn[f];
      return monotoneThreshold((s) => batchNormF32(fround(s + bias), bn) >= 0);
    });
  }

  get workingBytes(): number {
    return this.conv.byteLength;
  }

  get weightBytes(): number {
    return this.weights.byteLength + this.layout.filters * 8;
  }

  /** `input`: per-pixel packed words of the previous block; sets bits in `out`. */
  run(input: Int32Array, out: Int32Array, outWordsPerPixel: number): void {
    const { inHeight: h, inWidth: w, filters } = this.layout;
    const cin = this.activeChannels;
    const { wordsPerPixel: wpp, weights, conv } = this;
    const pw = w + 2;
    const planeSize = (h + 2) * pw;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let f = 0; f < filters; f++) {
          let sum = 0;
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= h) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= w) continue;
              const src = (yy * w + xx) * wpp;
              const wt = (f * 9 + ky * 3 + kx) * wpp;
              let mismatches = 0;
              for (let j = 0; j < wpp; j++)
                mismatches += popcount32(input[src + j] ^ weights[wt + j]);
              sum += cin - 2 * mismatches;
            }
          }
          conv[f * planeSize + (y + 1) * pw + x + 1] = sum;
        }
      }
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
        conv,
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
}
