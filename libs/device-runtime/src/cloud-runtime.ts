import {
  decodePartition,
  encodePartition,
  PartitionArtifact,
  PartitionManifest,
} from '@ddnn/partition-format';
import { wordBit } from './bit-ops';
import { BinaryExit } from './binary-exit';
import { type CloudLayout, readCloudLayout } from './cloud-layout';
import type { ConvBlockLayout } from './device-layout';
import { DeviceRuntimeError, DeviceRuntimeErrorCode } from './device-runtime-error';
import { PackedBinaryConv } from './packed-binary-conv';
import { MAX_TABLE_CONV_CHANNELS, TableBinaryConv } from './table-binary-conv';

type BinaryConv = PackedBinaryConv | TableBinaryConv;

/** The table kernel (all filters at once) when the block's input channels allow it. */
function binaryConv(block: ConvBlockLayout, activeChannels?: number): BinaryConv {
  return block.inChannels <= MAX_TABLE_CONV_CHANNELS
    ? new TableBinaryConv(block, activeChannels)
    : new PackedBinaryConv(block, activeChannels);
}

/** First-block variants kept for patterns of missing devices (CC); beyond this, rebuilt. */
const MAX_PRESENCE_VARIANTS = 64;

/**
 * Runs a binary cloud tier without tfjs, the way the device runtime runs a device: the devices'
 * sign bits are aggregated into per-pixel words (CC: concatenated channels, a missing device's
 * channels zero and left out of the sums; MP: the OR of the present devices' bits, i.e. the max
 * of ±1), every ConvP block is XNOR + popcount with exact integer sums, and the exit is an FC
 * on the packed bits, then bias and BatchNorm in float32. Scores are bit for bit the engine's.
 */
export class CloudRuntime {
  readonly manifest: PartitionManifest;
  readonly numDevices: number;
  readonly numClasses: number;
  /** Bytes one device sends per sample: ceil(h*w*f/8). */
  readonly featureBytes: number;
  readonly scheme: 'MP' | 'CC';
  private readonly layout: CloudLayout;
  private readonly first: BinaryConv;
  private readonly firstVariants = new Map<string, BinaryConv>();
  private readonly rest: BinaryConv[];
  private readonly exit: BinaryExit;
  private readonly inputWordsPerPixel: number;
  private readonly outputWordsPerPixel: number;
  private readonly input: Int32Array;
  private readonly blockOutputs: Int32Array[];
  private readonly flat: Int32Array;

  private constructor(artifact: PartitionArtifact) {
    const layout = readCloudLayout(artifact);
    this.layout = layout;
    this.manifest = artifact.manifest;
    this.numDevices = layout.numDevices;
    this.numClasses = layout.numClasses;
    this.scheme = layout.scheme;
    const [fh, fw, fc] = layout.deviceFeatureShape;
    this.featureBytes = Math.ceil((fh * fw * fc) / 8);
    const [first, ...rest] = layout.blocks;
    this.first = binaryConv(first);
    this.rest = rest.map((b) => binaryConv(b));
    this.exit = new BinaryExit(layout.exit);
    this.inputWordsPerPixel = Math.ceil(first.inChannels / 32);
    this.outputWordsPerPixel = Math.ceil(first.filters / 32);
    this.input = new Int32Array(fh * fw * this.inputWordsPerPixel);
    this.blockOutputs = layout.blocks.map(
      (b) => new Int32Array(b.outHeight * b.outWidth * this.outputWordsPerPixel),
    );
    this.flat = new Int32Array(Math.ceil(layout.exit.features / 32));
  }

  /** Loads a cloud partition (file bytes, verified, or a decoded artifact). */
  static load(partition: Uint8Array | PartitionArtifact): CloudRuntime {
    return new CloudRuntime(
      partition instanceof Uint8Array
        ? decodePartition(partition)
        : decodePartition(encodePartition(partition)),
    );
  }

  /**
   * Cloud class scores [batch, classes] from each device's packed features ([batch *
   * featureBytes], HWC, MSB first) or null for a device that sent nothing.
   */
  runBatch(deviceFeatures: (Uint8Array | null)[], batch: number): Float32Array {
    const V = this.numDevices;
    if (deviceFeatures.length !== V) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidInput,
        `expected features of ${V} devices, got ${deviceFeatures.length}`,
      );
    }
    const B = this.featureBytes;
    deviceFeatures.forEach((f, d) => {
      if (f && f.length !== batch * B) {
        throw new DeviceRuntimeError(
          DeviceRuntimeErrorCode.InvalidInput,
          `device ${d}: features hold ${f.length} bytes, expected ${batch} x ${B}`,
        );
      }
    });
    if (!deviceFeatures.some((f) => f !== null)) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidInput,
        'cannot aggregate: every device is missing',
      );
    }
    const first = this.firstBlockFor(deviceFeatures);
    const C = this.numClasses;
    const scores = new Float32Array(batch * C);
    const { input, blockOutputs, rest } = this;
    for (let i = 0; i < batch; i++) {
      this.aggregate(deviceFeatures, i);
      blockOutputs[0].fill(0);
      first.run(input, blockOutputs[0], this.outputWordsPerPixel);
      for (let b = 0; b < rest.length; b++) {
        blockOutputs[b + 1].fill(0);
        rest[b].run(blockOutputs[b], blockOutputs[b + 1], this.outputWordsPerPixel);
      }
      this.flatten(blockOutputs[blockOutputs.length - 1]);
      this.exit.run(this.flat, scores, i * C);
    }
    return scores;
  }

  /** Sample i's cloud input as per-pixel words (channel c = bit 31 - c mod 32 of word c / 32). */
  private aggregate(deviceFeatures: (Uint8Array | null)[], i: number): void {
    const { input, inputWordsPerPixel: wpp, featureBytes: B } = this;
    const [fh, fw, fc] = this.layout.deviceFeatureShape;
    const cc = this.scheme === 'CC';
    input.fill(0);
    const pixels = fh * fw;
    for (let d = 0; d < deviceFeatures.length; d++) {
      const f = deviceFeatures[d];
      if (!f) continue;
      const base = i * B;
      const channelOffset = cc ? d * fc : 0;
      if (fc === 4 && wpp === 1 && channelOffset + 4 <= 32) {
        // the paper's devices: a byte is two pixels' 4 channels (high nibble first)
        const shift = 28 - channelOffset;
        for (let k = 0; k < B; k++) {
          const byte = f[base + k];
          input[2 * k] |= (byte >>> 4) << shift;
          if (2 * k + 1 < pixels) input[2 * k + 1] |= (byte & 15) << shift;
        }
        continue;
      }
      for (let p = 0, k = 0; p < pixels; p++) {
        for (let c = 0; c < fc; c++, k++) {
          if ((f[base + (k >> 3)] >> (7 - (k & 7))) & 1) {
            const ch = channelOffset + c;
            input[p * wpp + (ch >> 5)] |= wordBit(ch);
          }
        }
      }
    }
  }

  /** The first block for this pattern of present devices (CC leaves missing ones out). */
  private firstBlockFor(deviceFeatures: (Uint8Array | null)[]): BinaryConv {
    if (this.scheme === 'MP' || deviceFeatures.every((f) => f !== null)) return this.first;
    const key = deviceFeatures.map((f) => (f ? '1' : '0')).join('');
    let conv = this.firstVariants.get(key);
    if (!conv) {
      const block = this.layout.blocks[0];
      const fc = this.layout.deviceFeatureShape[2];
      const { inChannels: cin, filters } = block;
      // a missing device's channels are zeros: their weights are set to -1 (bit 0), matching
      // the zero input bits, so they count neither as matches nor as mismatches
      const kernel = block.kernel.slice();
      let active = cin;
      deviceFeatures.forEach((f, d) => {
        if (f) return;
        active -= fc;
        for (let tap = 0; tap < 9; tap++) {
          for (let c = d * fc; c < (d + 1) * fc; c++) {
            for (let o = 0; o < filters; o++) kernel[(tap * cin + c) * filters + o] = -1;
          }
        }
      });
      conv = binaryConv({ ...block, kernel }, active);
      if (this.firstVariants.size >= MAX_PRESENCE_VARIANTS) this.firstVariants.clear();
      this.firstVariants.set(key, conv);
    }
    return conv;
  }

  /** Per-pixel words to one HWC bit string (the FC's order). */
  private flatten(perPixel: Int32Array): void {
    const { flat, outputWordsPerPixel: wpp } = this;
    const last = this.layout.blocks[this.layout.blocks.length - 1];
    const channels = last.filters;
    flat.fill(0);
    let pos = 0;
    for (let p = 0; p < last.outHeight * last.outWidth; p++) {
      for (let j = 0; j < wpp; j++) {
        const bits = Math.min(32, channels - 32 * j);
        const v = perPixel[p * wpp + j];
        const shift = pos & 31;
        flat[pos >> 5] |= v >>> shift;
        if (shift + bits > 32) flat[(pos >> 5) + 1] |= v << (32 - shift);
        pos += bits;
      }
    }
  }
}
