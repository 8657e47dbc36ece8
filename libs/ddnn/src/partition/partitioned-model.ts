import * as tf from '@tensorflow/tfjs-core';
import {
  PartitionArtifact,
  PartitionTier,
  decodePartition,
  readPartitionTensor,
} from '@ddnn/partition-format';
import { DdnnModel } from '../model/ddnn-model';
import { cloudScoresFromFeatures } from '../inference/cloud-from-features';
import { paramPrefix } from './partition-layout';

function tierKey(tier: PartitionTier, deviceIndex: number | null): string {
  return tier === 'device' ? `device${deviceIndex}` : tier;
}

/**
 * Runs whatever partitions were loaded: one device partition alone, devices + local aggregator
 * (the local exit), or all of them (the full model, bit-for-bit the same outputs). Running a
 * tier whose partition is not loaded is an error.
 */
export class PartitionedModel {
  private readonly loaded = new Set<string>();

  private constructor(readonly model: DdnnModel) {}

  static load(partitions: (PartitionArtifact | Uint8Array)[]): PartitionedModel {
    const artifacts = partitions.map((p) => (p instanceof Uint8Array ? decodePartition(p) : p));
    if (artifacts.length === 0) throw new Error('no partitions to load');
    const configJson = JSON.stringify(artifacts[0].manifest.modelConfig);
    for (const a of artifacts) {
      if (JSON.stringify(a.manifest.modelConfig) !== configJson) {
        throw new Error('the partitions come from models with different configs');
      }
    }
    const model = DdnnModel.create(artifacts[0].manifest.modelConfig, 0);
    const runtime = new PartitionedModel(model);
    try {
      for (const artifact of artifacts) runtime.assign(artifact);
    } catch (err) {
      model.dispose();
      throw err;
    }
    return runtime;
  }

  private assign(artifact: PartitionArtifact): void {
    const { tier, deviceIndex } = artifact.manifest;
    const prefix = paramPrefix({ tier, deviceIndex });
    const expected = [...this.model.variables.keys()].filter((n) => n.startsWith(prefix));
    const names = new Set(artifact.manifest.tensors.map((t) => t.name));
    for (const name of expected) {
      if (!names.has(name))
        throw new Error(`the ${tierKey(tier, deviceIndex)} partition lacks ${name}`);
    }
    if (names.size !== expected.length) {
      throw new Error(`the ${tierKey(tier, deviceIndex)} partition has tensors the model does not`);
    }
    tf.tidy(() => {
      for (const name of expected) {
        const variable = this.model.variables.get(name)!;
        const values = readPartitionTensor(artifact, name);
        variable.assign(tf.tensor(values, variable.shape, 'float32'));
      }
    });
    this.loaded.add(tierKey(tier, deviceIndex));
  }

  has(tier: PartitionTier, deviceIndex: number | null = null): boolean {
    return this.loaded.has(tierKey(tier, deviceIndex));
  }

  private require(tier: PartitionTier, deviceIndex: number | null = null): void {
    if (!this.has(tier, deviceIndex)) {
      throw new Error(`the ${tierKey(tier, deviceIndex)} partition is not loaded`);
    }
  }

  /** A device partition on its views [B, H, W, C]: class scores and its feature map (NHWC). */
  runDevice(
    device: number,
    views: Float32Array,
    batch: number,
  ): { scores: Float32Array; features: Float32Array } {
    this.require('device', device);
    return tf.tidy(() => {
      const x = tf.tensor4d(views, [batch, ...this.model.config.inputShape]);
      const out = this.model.deviceForward(device, x, { training: false });
      return {
        scores: out.scores.dataSync() as Float32Array,
        features: out.features.dataSync() as Float32Array,
      };
    });
  }

  /** The local aggregator on every device's scores ([B, C] each; null for a missing device). */
  runLocal(deviceScores: (Float32Array | null)[], batch: number): Float32Array {
    this.require('local');
    const C = this.model.config.numClasses;
    return tf.tidy(
      () =>
        this.model
          .localForward(
            deviceScores.map((s) => (s ? tf.tensor2d(s, [batch, C]) : null)),
            { training: false },
          )
          .dataSync() as Float32Array,
    );
  }

  /**
   * The cloud tier on the devices' feature maps: bit-packed ([B, bytes per sample]) when the
   * devices are binary, float NHWC otherwise; null for a device that sent nothing.
   */
  runCloud(deviceFeatures: (Uint8Array | Float32Array | null)[], batch: number): Float32Array {
    this.require('cloud');
    if (this.model.config.edge) this.require('edge');
    return cloudScoresFromFeatures(this.model, deviceFeatures, batch);
  }

  dispose(): void {
    this.model.dispose();
  }
}
