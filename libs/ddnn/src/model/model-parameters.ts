import * as tf from '@tensorflow/tfjs-core';
import {
  aggregatedChannels,
  cloudFeatureShape,
  cloudInputShape,
  type ConvStackConfig,
  type DdnnConfig,
  deviceFeatureShape,
  edgeFeatureShape,
  type FeatureShape,
} from '@ddnn/model-spec';
import { createRandom, fanInUniform } from '../random/seeded-random';

export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

export interface ConvBlockParams {
  kernel: tf.Variable; // [3, 3, cin, cout]
  bias: tf.Variable; // [cout]
  bn: BatchNormParams;
}

export interface ExitParams {
  kernel: tf.Variable; // [features, classes]
  bias: tf.Variable; // [classes]
  bn: BatchNormParams;
}

export interface TierParams {
  blocks: ConvBlockParams[];
  exit: ExitParams;
}

export interface ModelParameters {
  devices: TierParams[];
  /** Only for the CC local aggregator: binary FC (V * classes -> classes) + BN. */
  localExit: ExitParams | null;
  edge: TierParams | null;
  cloud: TierParams;
}

/** Builds named, deterministic initial parameters; `named` lists every variable by name. */
let instanceCounter = 0;

export class ParameterFactory {
  readonly named = new Map<string, tf.Variable>();
  private readonly random: () => number;
  /** tfjs variable names are global to the process: each model instance gets its own scope. */
  private readonly scope = `ddnn${++instanceCounter}`;

  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  private variable(name: string, shape: number[], values: Float32Array, trainable = true) {
    const initial = tf.tensor(values, shape, 'float32');
    const v = tf.variable(initial, trainable, `${this.scope}/${name}`);
    // the variable holds its own reference to the data: without this, every model created (or
    // loaded, e.g. by the serving cache) would leave one tensor per parameter behind
    initial.dispose();
    this.named.set(name, v);
    return v;
  }

  private filled(name: string, shape: number[], value: number, trainable = true) {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.variable(name, shape, new Float32Array(size).fill(value), trainable);
  }

  batchNorm(prefix: string, channels: number): BatchNormParams {
    return {
      gamma: this.filled(`${prefix}/bn/gamma`, [channels], 1),
      beta: this.filled(`${prefix}/bn/beta`, [channels], 0),
      movingMean: this.filled(`${prefix}/bn/moving_mean`, [channels], 0, false),
      movingVariance: this.filled(`${prefix}/bn/moving_variance`, [channels], 1, false),
    };
  }

  convBlock(prefix: string, inChannels: number, filters: number): ConvBlockParams {
    const size = 9 * inChannels * filters;
    return {
      kernel: this.variable(
        `${prefix}/conv/kernel`,
        [3, 3, inChannels, filters],
        fanInUniform(this.random, size, 9 * inChannels),
      ),
      bias: this.filled(`${prefix}/conv/bias`, [filters], 0),
      bn: this.batchNorm(prefix, filters),
    };
  }

  exit(prefix: string, features: number, classes: number): ExitParams {
    return {
      kernel: this.variable(
        `${prefix}/fc/kernel`,
        [features, classes],
        fanInUniform(this.random, features * classes, features),
      ),
      bias: this.filled(`${prefix}/fc/bias`, [classes], 0),
      bn: this.batchNorm(`${prefix}/fc`, classes),
    };
  }

  tier(
    prefix: string,
    inChannels: number,
    stack: ConvStackConfig,
    out: FeatureShape,
    classes: number,
  ) {
    const blocks: ConvBlockParams[] = [];
    let channels = inChannels;
    for (let b = 0; b < stack.blocks; b++) {
      blocks.push(this.convBlock(`${prefix}/block${b}`, channels, stack.filters));
      channels = stack.filters;
    }
    const exit = this.exit(`${prefix}/exit`, out.height * out.width * out.channels, classes);
    return { blocks, exit };
  }
}

export function createParameters(config: DdnnConfig, seed: number) {
  const factory = new ParameterFactory(seed);
  const C = config.numClasses;
  const devShape = deviceFeatureShape(config);
  const devices: TierParams[] = [];
  for (let v = 0; v < config.numDevices; v++) {
    devices.push(factory.tier(`device${v}`, config.inputShape[2], config.device, devShape, C));
  }
  const localExit =
    config.localAggregator === 'CC' ? factory.exit('local/exit', C * config.numDevices, C) : null;
  let edge: TierParams | null = null;
  const edgeShape = edgeFeatureShape(config);
  if (config.edge && edgeShape) {
    const inC = aggregatedChannels(config.edge.aggregator, devShape.channels, config.numDevices);
    edge = factory.tier('edge', inC, config.edge, edgeShape, C);
  }
  const cloud = factory.tier(
    'cloud',
    cloudInputShape(config).channels,
    config.cloud,
    cloudFeatureShape(config),
    C,
  );
  const params: ModelParameters = { devices, localExit, edge, cloud };
  return { params, named: factory.named };
}
