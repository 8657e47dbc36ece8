import {
  decodePartition,
  encodePartition,
  PartitionArtifact,
  PartitionManifest,
} from '@ddnn/partition-format';
import { BinaryPipeline } from './binary-pipeline';
import { readDeviceLayout } from './device-layout';
import type { DevicePipeline } from './device-pipeline';
import { DeviceRuntimeError, DeviceRuntimeErrorCode } from './device-runtime-error';
import { FloatPipeline } from './float-pipeline';
import { BYTE_TO_FLOAT } from './float32-math';
import { SCALED_BYTE_TABLE_BYTES } from './scaled-bytes';

export interface DeviceOutput {
  /** The device exit's class scores (softmax gives probabilities), [classes]. */
  scores: Float32Array;
  /**
   * Exactly what is sent upward: sign bits (HWC, MSB first, 1 = +1), ceil(h*w*f/8) bytes, for a
   * binary device; float32 NHWC little-endian bytes for a float device.
   */
  features: Uint8Array;
}

export interface DeviceBatchOutput {
  /** [batch, classes] */
  scores: Float32Array;
  /** [batch, featureBytes] */
  features: Uint8Array;
}

export interface DeviceRuntimeMemory {
  /** The partition file as downloaded. */
  partitionBytes: number;
  /** Weights and constants as the runtime holds them (packed sign bits, thresholds, BN). */
  weightBytes: number;
  /**
   * Buffers allocated so far and reused by every run: at load, plus (binary devices) the float
   * path of the first layer once a float view that is not exactly bytes has been run; and the
   * byte-scaling lookup tables (6 KB, shared by every runtime in the process).
   */
  workingBytes: number;
}

/**
 * Runs one end device's partition without tfjs: binary devices on bit-packed weights and
 * activations (XNOR + popcount; the first layer adds and subtracts the float pixels), float
 * devices with plain float32 loops. Results are bit-for-bit the engine's (tfjs WASM backend).
 */
export class DeviceRuntime {
  readonly manifest: PartitionManifest;
  readonly deviceIndex: number;
  readonly binary: boolean;
  /** [height, width, channels] of a view. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  /** [height, width, channels] of the feature map sent upward. */
  readonly featureShape: readonly [number, number, number];
  readonly featureEncoding: 'sign-bits' | 'float32';
  private readonly viewSize: number;
  private readonly pipeline: DevicePipeline;
  private readonly partitionBytes: number;

  private constructor(artifact: PartitionArtifact, partitionBytes: number) {
    const layout = readDeviceLayout(artifact);
    this.manifest = artifact.manifest;
    this.deviceIndex = layout.deviceIndex;
    this.binary = layout.binary;
    this.inputShape = layout.inputShape;
    this.numClasses = layout.numClasses;
    this.featureShape = layout.featureShape;
    this.featureEncoding = layout.binary ? 'sign-bits' : 'float32';
    this.viewSize = layout.inputShape[0] * layout.inputShape[1] * layout.inputShape[2];
    this.pipeline = layout.binary ? new BinaryPipeline(layout) : new FloatPipeline(layout);
    this.partitionBytes = partitionBytes;
  }

  /**
   * Loads a device partition: the file's bytes (magic, manifest and sha256 verified) or a decoded
   * artifact. Other tiers and malformed partitions are refused with a DeviceRuntimeError.
   */
  static load(partition: Uint8Array | PartitionArtifact): DeviceRuntime {
    if (partition instanceof Uint8Array) {
      return new DeviceRuntime(decodePartition(partition), partition.byteLength);
    }
    return new DeviceRuntime(partition, encodePartition(partition).byteLength);
  }

  get featureBytes(): number {
    return this.pipeline.featureBytes;
  }

  memory(): DeviceRuntimeMemory {
    return {
      partitionBytes: this.partitionBytes,
      weightBytes: this.pipeline.weightBytes,
      // plus the byte-scaling tables every runtime shares (1 KB, and 5 KB for recognising
      // float views that are scaled bytes)
      workingBytes: this.pipeline.workingBytes + BYTE_TO_FLOAT.byteLength + SCALED_BYTE_TABLE_BYTES,
    };
  }

  /** One view, HWC: floats as the engine takes them, or bytes (scaled by 1/255). */
  run(view: Float32Array | Uint8Array): DeviceOutput {
    if (view.length !== this.viewSize) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidInput,
        `a view is ${this.inputShape.join('x')} (${this.viewSize} values), got ${view.length}`,
      );
    }
    const scores = new Float32Array(this.numClasses);
    const features = new Uint8Array(this.featureBytes);
    this.runInto(view, 0, scores, 0, features, 0);
    return { scores, features };
  }

  /** `batch` views back to back ([batch, H, W, C]). */
  runBatch(views: Float32Array | Uint8Array, batch: number): DeviceBatchOutput {
    if (!Number.isInteger(batch) || batch < 0 || views.length !== batch * this.viewSize) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidInput,
        `expected ${batch} views of ${this.inputShape.join('x')} (${batch * this.viewSize} values), got ${views.length}`,
      );
    }
    const scores = new Float32Array(batch * this.numClasses);
    const features = new Uint8Array(batch * this.featureBytes);
    for (let i = 0; i < batch; i++) {
      this.runInto(
        views,
        i * this.viewSize,
        scores,
        i * this.numClasses,
        features,
        i * this.featureBytes,
      );
    }
    return { scores, features };
  }

  private runInto(
    views: Float32Array | Uint8Array,
    viewOffset: number,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void {
    const size = this.viewSize;
    if (views instanceof Uint8Array) {
      const view = views.length === size ? views : views.subarray(viewOffset, viewOffset + size);
      this.pipeline.runBytes(view, scores, scoresOffset, features, featuresOffset);
      return;
    }
    if (!(views instanceof Float32Array)) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidInput,
        'a view is a Float32Array or a Uint8Array',
      );
    }
    const input = views.length === size ? views : views.subarray(viewOffset, viewOffset + size);
    // float views that are exactly scaled bytes take the (faster) byte path
    if (this.pipeline.runScaledBytes(input, scores, scoresOffset, features, featuresOffset)) {
      return;
    }
    let sum = 0;
    let maxAbs = 0;
    for (let k = 0; k < size; k++) {
      const v = input[k];
      sum += v;
      const a = v < 0 ? -v : v;
      if (a > maxAbs) maxAbs = a;
    }
    if (!Number.isFinite(sum)) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidInput,
        'the view has a value that is not a finite number',
      );
    }
    this.pipeline.runFloat(input, maxAbs, scores, scoresOffset, features, featuresOffset);
  }
}
