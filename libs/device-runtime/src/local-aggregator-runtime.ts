import { decideTierExit, type TierExitDecision } from '@ddnn/model-spec';
import { decodePartition, PartitionArtifact, PartitionManifest } from '@ddnn/partition-format';
import { exitLayout, invalid, requireTier } from './device-layout';
import { DeviceRuntimeError, DeviceRuntimeErrorCode } from './device-runtime-error';
import { BatchNormChannel, batchNormF32, fround } from './float32-math';

interface ConcatExit {
  /** [devices * classes, classes] row-major; ±1 when the devices are binary. */
  kernel: Float32Array;
  bias: Float32Array;
  bn: BatchNormChannel[];
}

/**
 * The local aggregator without tfjs: MP (element-wise max over the present devices' scores),
 * AP (their mean) or CC (concatenated scores, missing devices zero-filled, through an FC +
 * BatchNorm), in float32 and in the engine's order of operations, so its scores and exit
 * decisions equal the engine's.
 */
export class LocalAggregatorRuntime {
  readonly manifest: PartitionManifest;
  readonly scheme: 'MP' | 'AP' | 'CC';
  readonly numDevices: number;
  readonly numClasses: number;
  /** Exit locally when the normalized entropy is below this (manifest.thresholds.local). */
  readonly threshold: number;
  private readonly concatExit: ConcatExit | null;

  private constructor(artifact: PartitionArtifact) {
    requireTier(artifact, 'local', 'LocalAggregatorRuntime');
    const { manifest } = artifact;
    const { numDevices: V, numClasses: C } = manifest.modelConfig;
    this.manifest = manifest;
    this.scheme = manifest.scheme.local;
    this.numDevices = V;
    this.numClasses = C;
    this.threshold = manifest.thresholds.local;
    if (this.scheme === 'CC') {
      const encoding = manifest.modelConfig.device.binary ? 'sign-bits' : 'float32';
      this.concatExit = exitLayout(artifact, 'local/exit/fc', V * C, C, encoding);
      if (manifest.tensors.length !== 6)
        throw invalid('unexpected tensors in the CC local partition');
    } else {
      this.concatExit = null;
      if (manifest.tensors.length !== 0) {
        throw invalid(`an ${this.scheme} local aggregator has no tensors`);
      }
    }
  }

  static load(partition: Uint8Array | PartitionArtifact): LocalAggregatorRuntime {
    return new LocalAggregatorRuntime(
      partition instanceof Uint8Array ? decodePartition(partition) : partition,
    );
  }

  /** Aggregated class scores from every device's scores (null: the device is missing). */
  aggregate(scoresPerDevice: (Float32Array | null)[]): Float32Array {
    const { numDevices: V, numClasses: C } = this;
    if (scoresPerDevice.length !== V) {
      throw this.inputError(`expected scores of ${V} devices, got ${scoresPerDevice.length}`);
    }
    const present: Float32Array[] = [];
    scoresPerDevice.forEach((s, d) => {
      if (s === null) return;
      if (s.length !== C) throw this.inputError(`device ${d} sent ${s.length} scores, not ${C}`);
      present.push(s);
    });
    if (present.length === 0) throw this.inputError('cannot aggregate: every device is missing');
    const out = new Float32Array(C);
    if (this.concatExit) {
      const { kernel, bias, bn } = this.concatExit;
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let d = 0; d < V; d++) {
          const s = scoresPerDevice[d];
          for (let k = 0; k < C; k++) {
            // a missing device is zero-filled: 0 * w adds nothing
            const v = s === null ? 0 : s[k];
            acc = fround(acc + fround(v * kernel[(d * C + k) * C + c]));
          }
        }
        out[c] = batchNormF32(fround(acc + bias[c]), bn[c]);
      }
      return out;
    }
    if (present.length === 1) {
      out.set(present[0]);
      return out;
    }
    for (let c = 0; c < C; c++) {
      if (this.scheme === 'MP') {
        let m = present[0][c];
        for (let i = 1; i < present.length; i++) if (present[i][c] > m) m = present[i][c];
        out[c] = m;
      } else {
        let sum = 0;
        for (const s of present) sum = fround(sum + s[c]);
        out[c] = fround(sum / present.length);
      }
    }
    return out;
  }

  /** Whether the aggregated scores are confident enough to answer locally. */
  decide(aggregatedScores: ArrayLike<number>): TierExitDecision {
    return decideTierExit(aggregatedScores, this.threshold);
  }

  private inputError(message: string): DeviceRuntimeError {
    return new DeviceRuntimeError(DeviceRuntimeErrorCode.InvalidInput, message);
  }
}
