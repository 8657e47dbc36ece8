import type { ConvBlockLayout, DeviceLayout } from './device-layout';
import { bytesToFloats, type DevicePipeline } from './device-pipeline';
import { batchNormF32, BYTE_TO_FLOAT, fround } from './float32-math';

/**
 * A float device (binary: false): real weights and ReLU, plain float32 loops accumulating in
 * the engine's order (XNNPACK: kernel row, column, input channel; FC over its inputs), so the
 * results match the engine bit for bit. Features go upward as float32 NHWC, little-endian.
 */
export class FloatPipeline implements DevicePipeline {
  readonly featureBytes: number;
  private readonly outputs: Float32Array[];
  private readonly conv: Float32Array;
  private readonly scaled: Float32Array;
  private readonly exitSums: Float32Array;

  constructor(private readonly layout: DeviceLayout) {
    const [fh, fw, fc] = layout.featureShape;
    this.featureBytes = fh * fw * fc * 4;
    this.outputs = layout.blocks.map((b) => new Float32Array(b.outHeight * b.outWidth * b.filters));
    const [h, w, c] = layout.inputShape;
    this.scaled = new Float32Array(h * w * c);
    this.exitSums = new Float32Array(layout.numClasses);
    this.conv = new Float32Array(
      Math.max(...layout.blocks.map((b) => b.inHeight * b.inWidth * b.filters)),
    );
  }

  get weightBytes(): number {
    const blocks = this.layout.blocks.reduce(
      (n, b) => n + b.kernel.byteLength + b.bias.byteLength + b.filters * 16,
      0,
    );
    const exit = this.layout.exit;
    return blocks + exit.kernel.byteLength + exit.bias.byteLength + exit.classes * 16;
  }

  get workingBytes(): number {
    return (
      this.outputs.reduce((n, o) => n + o.byteLength, 0) +
      this.conv.byteLength +
      this.scaled.byteLength +
      this.exitSums.byteLength
    );
  }

  /** Float devices have no byte shortcut: their float32 loops are exact on any view. */
  runScaledBytes(): boolean {
    return false;
  }

  runBytes(
    view: Uint8Array,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    bytesToFloats(view, BYTE_TO_FLOAT, this.scaled);
    this.runFloat(this.scaled, 1, scores, scoresOffset, features, featuresOffset);
  }

  runFloat(
    input: Float32Array,
    _maxAbs: number,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    let x = input;
    this.layout.blocks.forEach((block, b) => {
      convBlock(block, x, this.conv, this.outputs[b]);
      x = this.outputs[b];
    });
    const { kernel, bias, bn, classes, features: n } = this.layout.exit;
    const acc = this.exitSums;
    acc.fill(0);
    for (let i = 0; i < n; i++) {
      const v = x[i];
      for (let c = 0; c < classes; c++) acc[c] += fround(v * kernel[i * classes + c]);
    }
    for (let c = 0; c < classes; c++) {
      scores[scoresOffset + c] = batchNormF32(fround(acc[c] + bias[c]), bn[c]);
    }
    features.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), featuresOffset);
  }
}

/** conv 3x3 'same' + bias -> max-pool 3x3 pad 1 (padding ignored) -> BatchNorm -> ReLU. */
function convBlock(
  block: ConvBlockLayout,
  input: Float32Array,
  conv: Float32Array,
  out: Float32Array,
): void {
  const { inHeight: h, inWidth: w, inChannels: cin, filters, kernel, bias, bn } = block;
  const { outHeight, outWidth, poolStride: stride } = block;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // one float32 accumulator per filter (a Float32Array store rounds each sum), filled in
      // the engine's order: kernel row, column, input channel
      const o = (y * w + x) * filters;
      conv.fill(0, o, o + filters);
      for (let ky = 0; ky < 3; ky++) {
        const yy = y + ky - 1;
        if (yy < 0 || yy >= h) continue;
        for (let kx = 0; kx < 3; kx++) {
          const xx = x + kx - 1;
          if (xx < 0 || xx >= w) continue;
          const src = (yy * w + xx) * cin;
          const tap = (ky * 3 + kx) * cin;
          for (let c = 0; c < cin; c++) {
            const v = input[src + c];
            const k = (tap + c) * filters;
            for (let f = 0; f < filters; f++) conv[o + f] += fround(v * kernel[k + f]);
          }
        }
      }
      for (let f = 0; f < filters; f++) conv[o + f] += bias[f];
    }
  }
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      for (let f = 0; f < filters; f++) {
        let m = -Infinity;
        for (let y = Math.max(0, oy * stride - 1); y <= Math.min(h - 1, oy * stride + 1); y++) {
          for (let x = Math.max(0, ox * stride - 1); x <= Math.min(w - 1, ox * stride + 1); x++) {
            const v = conv[(y * w + x) * filters + f];
            if (v > m) m = v;
          }
        }
        const normalized = batchNormF32(m, bn[f]);
        out[(oy * outWidth + ox) * filters + f] = normalized < 0 ? 0 : normalized;
      }
    }
  }
}
