import { BinaryExit } from './binary-exit';
import type { DeviceLayout } from './device-layout';
import { ByteFirstConv, MAX_BYTE_PATH_CHANNELS } from './byte-first-conv';
import { bytesToFloats, type DevicePipeline } from './device-pipeline';
import { FirstBinaryConv } from './first-binary-conv';
import { FirstLayerSigns } from './first-layer-signs';
import { BYTE_TO_FLOAT } from './float32-math';
import { PackedBinaryConv } from './packed-binary-conv';

/**
 * A binary device: the first block on the float view, later blocks and the exit on packed
 * bits. Features go upward as sign bits, HWC order, MSB first: ceil(h*w*f/8) bytes.
 */
export class BinaryPipeline implements DevicePipeline {
  readonly featureBytes: number;
  /** The first block on float views (its buffers are allocated on its first use). */
  private readonly first: FirstBinaryConv;
  /** Views given as bytes (the usual camera input) take integer arithmetic when it applies. */
  private readonly byteFirst: ByteFirstConv | null;
  private readonly scaled: Float32Array | null;
  private readonly packed: PackedBinaryConv[];
  /** Per block, its output bits packed per pixel. */
  private readonly blockOutputs: Int32Array[];
  private readonly wordsPerPixel: number;
  private readonly flat: Int32Array;
  /**
   * Bits per pixel of the byte path's output: the filter count when a single block's output
   * can go straight into `flat` (the filter count divides 32, the paper's 4), else whole words.
   */
  private readonly bytePixelBits: number;
  private readonly exit: BinaryExit;

  private readonly featureShape: readonly [number, number, number];

  constructor(layout: DeviceLayout) {
    this.featureShape = layout.featureShape;
    const [fh, fw, fc] = layout.featureShape;
    this.featureBytes = Math.ceil((fh * fw * fc) / 8);
    const [h, w, c] = layout.inputShape;
    const bytePath = c <= MAX_BYTE_PATH_CHANNELS;
    const signs = new FirstLayerSigns(layout.blocks[0]);
    this.first = new FirstBinaryConv(layout.blocks[0], signs);
    this.byteFirst = bytePath ? new ByteFirstConv(layout.blocks[0], signs) : null;
    this.scaled = bytePath ? null : new Float32Array(h * w * c);
    this.packed = layout.blocks.slice(1).map((b) => new PackedBinaryConv(b));
    this.wordsPerPixel = Math.ceil(fc / 32);
    this.blockOutputs = layout.blocks.map(
      (b) => new Int32Array(b.outHeight * b.outWidth * this.wordsPerPixel),
    );
    this.flat = new Int32Array(Math.ceil((fh * fw * fc) / 32));
    this.bytePixelBits = layout.blocks.length === 1 && 32 % fc === 0 ? fc : 32 * this.wordsPerPixel;
    this.exit = new BinaryExit(layout.exit);
  }

  get weightBytes(): number {
    return (
      this.first.weightBytes +
      (this.byteFirst?.weightBytes ?? 0) -
      // both paths share the first layer's signs and thresholds
      (this.byteFirst ? this.first.sharedWeightBytes : 0) +
      this.packed.reduce((n, b) => n + b.weightBytes, 0) +
      this.exit.weightBytes
    );
  }

  get workingBytes(): number {
    return (
      this.first.workingBytes +
      (this.byteFirst?.workingBytes ?? 0) +
      (this.scaled?.byteLength ?? 0) +
      this.packed.reduce((n, b) => n + b.workingBytes, 0) +
      this.blockOutputs.reduce((n, b) => n + b.byteLength, 0) +
      this.flat.byteLength
    );
  }

  runFloat(
    input: Float32Array,
    maxAbs: number,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    this.blockOutputs[0].fill(0);
    this.first.run(input, maxAbs, this.blockOutputs[0], this.wordsPerPixel);
    this.finish(scores, scoresOffset, features, featuresOffset);
  }

  runScaledBytes(
    input: Float32Array,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): boolean {
    // more than 4 channels: the float path is exact on scaled bytes too
    if (!this.byteFirst) return false;
    const out = this.byteOutput();
    if (!this.byteFirst.runScaledBytes(input, out, this.bytePixelBits)) return false;
    this.finishBytePath(scores, scoresOffset, features, featuresOffset);
    return true;
  }

  runBytes(
    view: Uint8Array,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    if (!this.byteFirst) {
      const scaled = this.scaled!;
      bytesToFloats(view, BYTE_TO_FLOAT, scaled);
      this.runFloat(scaled, 1, scores, scoresOffset, features, featuresOffset);
      return;
    }
    this.byteFirst.run(view, this.byteOutput(), this.bytePixelBits);
    this.finishBytePath(scores, scoresOffset, features, featuresOffset);
  }

  /** Where the byte path writes the first block's bits (zeroed). */
  private byteOutput(): Int32Array {
    const out = this.bytePixelBits % 32 === 0 ? this.blockOutputs[0] : this.flat;
    out.fill(0);
    return out;
  }

  private finishBytePath(
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    if (this.bytePixelBits % 32 === 0) this.finish(scores, scoresOffset, features, featuresOffset);
    else this.exitAndFeatures(scores, scoresOffset, features, featuresOffset);
  }

  /** Blocks after the first, then the exit and the wire-format features. */
  private finish(
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    const { blockOutputs, wordsPerPixel } = this;
    for (let b = 0; b < this.packed.length; b++) {
      blockOutputs[b + 1].fill(0);
      this.packed[b].run(blockOutputs[b], blockOutputs[b + 1], wordsPerPixel);
    }
    this.flatten(blockOutputs[blockOutputs.length - 1]);
    this.exitAndFeatures(scores, scoresOffset, features, featuresOffset);
  }

  /** The exit's scores and the wire-format features from `flat`. */
  private exitAndFeatures(
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    this.exit.run(this.flat, scores, scoresOffset);
    const { flat, featureBytes } = this;
    const whole = featureBytes >> 2;
    for (let j = 0, k = featuresOffset; j < whole; j++, k += 4) {
      const v = flat[j];
      features[k] = v >>> 24;
      features[k + 1] = v >>> 16;
      features[k + 2] = v >>> 8;
      features[k + 3] = v;
    }
    for (let k = whole << 2; k < featureBytes; k++) {
      features[featuresOffset + k] = flat[k >> 2] >>> (24 - ((k & 3) << 3));
    }
  }

  /** Per-pixel words to one HWC bit string (the wire and FC order). */
  private flatten(perPixel: Int32Array): void {
    const [fh, fw, channels] = this.featureShape;
    const { flat, wordsPerPixel } = this;
    flat.fill(0);
    if (wordsPerPixel === 1 && 32 % channels === 0) {
      // whole pixels per word (the paper's 4 channels: 8 pixels per word)
      for (let p = 0, pos = 0; p < fh * fw; p++, pos += channels) {
        flat[pos >> 5] |= perPixel[p] >>> (pos & 31);
      }
      return;
    }
    let pos = 0;
    for (let p = 0; p < fh * fw; p++) {
      for (let j = 0; j < wordsPerPixel; j++) {
        const bits = Math.min(32, channels - 32 * j);
        const v = perPixel[p * wordsPerPixel + j];
        const shift = pos & 31;
        flat[pos >> 5] |= v >>> shift;
        if (shift + bits > 32) flat[(pos >> 5) + 1] |= v << (32 - shift);
        pos += bits;
      }
    }
  }
}
