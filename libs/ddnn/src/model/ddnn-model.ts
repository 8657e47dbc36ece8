import * as tf from '@tensorflow/tfjs-core';
import { DdnnConfig, parseDdnnConfig } from '@ddnn/model-spec';
import { createParameters, ModelParameters } from './model-parameters';
import { aggregate, exitScores, ForwardMode, TierOutput, tierForward } from './tier-forward';

export type ExitName = 'local' | 'edge' | 'cloud';

export interface ForwardOutput {
  /** One entry per device; null where the device is missing. */
  devices: (TierOutput | null)[];
  local: tf.Tensor2D;
  edge: TierOutput | null;
  cloud: tf.Tensor2D;
}

/**
 * A multi-exit DDNN: per-device ConvP stacks and exits, a local aggregator exit, an optional
 * edge tier and the cloud tier. Holds tfjs variables: call dispose() when done.
 */
export class DdnnModel {
  readonly config: DdnnConfig;
  readonly params: ModelParameters;
  /** Every variable by its stable name (serialization, partitions, optimizer). */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  private disposed = false;

  private constructor(config: DdnnConfig, seed: number) {
    this.config = config;
    const { params, named } = createParameters(config, seed);
    this.params = params;
    this.variables = named;
  }

  static create(config: unknown, seed: number): DdnnModel {
    return new DdnnModel(parseDdnnConfig(config), seed);
  }

  get exitNames(): ExitName[] {
    return this.config.edge ? ['local', 'edge', 'cloud'] : ['local', 'cloud'];
  }

  trainableVariables(): tf.Variable[] {
    return [...this.variables.values()].filter((v) => v.trainable);
  }

  deviceForward(device: number, x: tf.Tensor4D, mode: ForwardMode): TierOutput {
    return tierForward(x, this.params.devices[device], this.config.device, mode);
  }

  localForward(deviceScores: (tf.Tensor2D | null)[], mode: ForwardMode): tf.Tensor2D {
    const like = deviceScores.find((s): s is tf.Tensor2D => s !== null);
    if (!like) throw new Error('cannot aggregate: every device is missing');
    const aggregated = aggregate(this.config.localAggregator, deviceScores, like);
    if (this.params.localExit) {
      return exitScores(aggregated, this.params.localExit, this.config.device.binary, mode);
    }
    return aggregated;
  }

  edgeForward(deviceFeatures: (tf.Tensor4D | null)[], mode: ForwardMode): TierOutput {
    const { edge } = this.config;
    if (!edge || !this.params.edge) throw new Error('this model has no edge tier');
    const like = deviceFeatures.find((f): f is tf.Tensor4D => f !== null);
    if (!like) throw new Error('cannot aggregate: every device is missing');
    const input = aggregate(edge.aggregator, deviceFeatures, like);
    return tierForward(input, this.params.edge, edge, mode);
  }

  /** The cloud tier: from the devices' feature maps, or from the edge's when there is an edge. */
  cloudForward(features: (tf.Tensor4D | null)[], mode: ForwardMode): tf.Tensor2D {
    let input: tf.Tensor4D;
    if (this.config.edge) {
      if (features.length !== 1 || !features[0]) throw new Error('cloud expects the edge features');
      input = features[0];
    } else {
      const like = features.find((f): f is tf.Tensor4D => f !== null);
      if (!like) throw new Error('cannot aggregate: every device is missing');
      input = aggregate(this.config.cloudAggregator, features, like);
    }
    return tierForward(input, this.params.cloud, this.config.cloud, mode).scores;
  }

  /** Whole-model forward; `inputs[v]` null marks device v missing. */
  forward(inputs: (tf.Tensor4D | null)[], mode: ForwardMode): ForwardOutput {
    if (inputs.length !== this.config.numDevices) {
      throw new Error(`expected ${this.config.numDevices} device inputs, got ${inputs.length}`);
    }
    const devices = inputs.map((x, v) => (x ? this.deviceForward(v, x, mode) : null));
    const local = this.localForward(
      devices.map((d) => d?.scores ?? null),
      mode,
    );
    const deviceFeatures = devices.map((d) => d?.features ?? null);
    const edge = this.config.edge ? this.edgeForward(deviceFeatures, mode) : null;
    const cloud = this.cloudForward(edge ? [edge.features] : deviceFeatures, mode);
    return { devices, local, edge, cloud };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables.values()) v.dispose();
  }
}
