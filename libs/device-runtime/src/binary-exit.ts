import { popcount32, wordBit } from './bit-ops';
import type { ExitLayout } from './device-layout';
import { BatchNormChannel, batchNormF32, fround } from './float32-math';

/**
 * The binary exit: FC with sign weights on the packed feature bits (XNOR + popcount gives the
 * exact integer dot product the engine's matMul computes), then bias and BatchNorm in float32.
 */
export class BinaryExit {
  private readonly words: number;
  /** Per class, the sign bits of its kernel column, packed like the features. */
  private readonly columns: Int32Array;

  private readonly features: number;
  private readonly classes: number;
  private readonly bias: Float32Array;
  private readonly bn: BatchNormChannel[];

  constructor(layout: ExitLayout) {
    const { features, classes, kernel } = layout;
    this.features = features;
    this.classes = classes;
    this.bias = layout.bias;
    this.bn = layout.bn;
    this.words = Math.ceil(features / 32);
    this.columns = new Int32Array(classes * this.words);
    for (let i = 0; i < features; i++) {
      for (let c = 0; c < classes; c++) {
        if (kernel[i * classes + c] > 0) this.columns[c * this.words + (i >> 5)] |= wordBit(i);
      }
    }
  }

  get weightBytes(): number {
    // BatchNorm constants are JS numbers: 8 bytes each
    return this.columns.byteLength + this.bias.byteLength + this.classes * 4 * 8;
  }

  run(features: Int32Array, scores: Float32Array, offset: number): void {
    const { words, columns } = this;
    const { classes, bias, bn } = this;
    for (let c = 0; c < classes; c++) {
      let mismatches = 0;
      const base = c * words;
      for (let j = 0; j < words; j++) mismatches += popcount32(features[j] ^ columns[base + j]);
      const dot = this.features - 2 * mismatches;
      scores[offset + c] = batchNormF32(fround(dot + bias[c]), bn[c]);
    }
  }
}
