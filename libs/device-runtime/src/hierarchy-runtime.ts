import { decodePartition, type PartitionArtifact } from '@ddnn/partition-format';
import { CloudRuntime } from './cloud-runtime';
import { DeviceRuntime } from './device-runtime';
import { DeviceRuntimeError, DeviceRuntimeErrorCode } from './device-runtime-error';
import { decideTierExit } from '@ddnn/model-spec';
import { LocalAggregatorRuntime } from './local-aggregator-runtime';

export interface HierarchyAnswer {
  exitTier: 'local' | 'cloud';
  predictedClass: number;
  probabilities: Float32Array;
  /** Normalized entropy at the exit taken. */
  entropy: number;
}

/**
 * A whole model without tfjs, from its partitions: every device (DeviceRuntime), the local
 * aggregator and its exit decision, and, for the samples that do not exit locally, the binary
 * cloud tier (CloudRuntime). Answers equal the engine's inferHierarchy on the same weights.
 */
export class HierarchyRuntime {
  readonly numDevices: number;
  readonly numClasses: number;
  private readonly viewSize: number;

  private constructor(
    private readonly devices: DeviceRuntime[],
    private readonly local: LocalAggregatorRuntime,
    readonly cloud: CloudRuntime,
  ) {
    this.numDevices = devices.length;
    this.numClasses = local.numClasses;
    const [h, w, c] = devices[0].inputShape;
    this.viewSize = h * w * c;
  }

  /** Every device partition, the local aggregator and the cloud (file bytes or artifacts). */
  static load(partitions: (Uint8Array | PartitionArtifact)[]): HierarchyRuntime {
    const artifacts = partitions.map((p) => (p instanceof Uint8Array ? decodePartition(p) : p));
    const find = (tier: string) => artifacts.filter((a) => a.manifest.tier === tier);
    const devices = find('device')
      .map((a) => DeviceRuntime.load(a))
      .sort((a, b) => a.deviceIndex - b.deviceIndex);
    const [local] = find('local');
    const [cloud] = find('cloud');
    if (!local || !cloud || devices.length === 0) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidPartition,
        'a hierarchy needs every device partition, the local aggregator and the cloud',
      );
    }
    const runtime = new HierarchyRuntime(
      devices,
      LocalAggregatorRuntime.load(local),
      CloudRuntime.load(cloud),
    );
    if (
      devices.some((d, i) => d.deviceIndex !== i) ||
      devices.length !== runtime.local.numDevices ||
      devices.length !== runtime.cloud.numDevices
    ) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidPartition,
        `expected device partitions 0..${runtime.local.numDevices - 1}, got ${devices.map((d) => d.deviceIndex).join(', ')}`,
      );
    }
    return runtime;
  }

  /** Samples' views [batch, devices, H, W, C] (floats as the engine takes them). */
  runBatch(views: Float32Array, batch: number): HierarchyAnswer[] {
    const V = this.numDevices;
    const size = this.viewSize;
    if (views.length !== batch * V * size) {
      throw new DeviceRuntimeError(
        DeviceRuntimeErrorCode.InvalidInput,
        `expected ${batch} x ${V} views of ${size} values, got ${views.length} values`,
      );
    }
    const B = this.cloud.featureBytes;
    const answers: HierarchyAnswer[] = new Array(batch);
    const upward: number[] = [];
    const features = this.devices.map(() => new Uint8Array(batch * B));
    for (let i = 0; i < batch; i++) {
      const scores = this.devices.map((device, d) => {
        const start = (i * V + d) * size;
        const out = device.run(views.subarray(start, start + size));
        features[d].set(out.features, i * B);
        return out.scores;
      });
      const decision = this.local.decide(this.local.aggregate(scores));
      if (decision.exit) {
        answers[i] = {
          exitTier: 'local',
          predictedClass: decision.predictedClass,
          probabilities: decision.probabilities,
          entropy: decision.entropy,
        };
      } else {
        upward.push(i);
      }
    }
    if (upward.length > 0) {
      const n = upward.length;
      const sent = features.map((f) => {
        const out = new Uint8Array(n * B);
        upward.forEach((i, k) => out.set(f.subarray(i * B, (i + 1) * B), k * B));
        return out;
      });
      const scores = this.cloud.runBatch(sent, n);
      const C = this.numClasses;
      upward.forEach((i, k) => {
        const decision = decideTierExit(scores.subarray(k * C, (k + 1) * C), Infinity);
        answers[i] = {
          exitTier: 'cloud',
          predictedClass: decision.predictedClass,
          probabilities: decision.probabilities,
          entropy: decision.entropy,
        };
      });
    }
    return answers;
  }
}
