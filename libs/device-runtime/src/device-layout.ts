import { type ConvStackConfig, pooledSize } from '@ddnn/model-spec';
import {
  PartitionArtifact,
  PartitionTier,
  PartitionTensorSpec,
  readPartitionTensor,
} from '@ddnn/partition-format';
import { DeviceRuntimeError, DeviceRuntimeErrorCode } from './device-runtime-error';
import { batchNormChannel, BatchNormChannel } from './float32-math';

/** A ConvP block: conv 3x3 'same' -> max-pool 3x3 pad 1 stride s -> BatchNorm -> sign/ReLU. */
export interface ConvBlockLayout {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filters: number;
  poolStride: number;
  /** [3, 3, in, out] row-major; ±1 for binary tiers. */
  kernel: Float32Array;
  bias: Float32Array;
  bn: BatchNormChannel[];
}

/** A block's shapes without its parameters (kept after load; the float kernels are not). */
export type BlockGeometry = Omit<ConvBlockLayout, 'kernel' | 'bias' | 'bn'>;

export function blockGeometry(layout: ConvBlockLayout): BlockGeometry {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filters, poolStride } = layout;
  return { inHeight, inWidth, inChannels, outHeight, outWidth, filters, poolStride };
}

/** FC [features, classes] + bias + BatchNorm: the device exit's class scores. */
export interface ExitLayout {
  features: number;
  classes: number;
  kernel: Float32Array;
  bias: Float32Array;
  bn: BatchNormChannel[];
}

export interface DeviceLayout {
  deviceIndex: number;
  binary: boolean;
  inputShape: [number, number, number];
  numClasses: number;
  blocks: ConvBlockLayout[];
  exit: ExitLayout;
  /** [height, width, channels] of the feature map sent upward. */
  featureShape: [number, number, number];
}

export function invalid(message: string): DeviceRuntimeError {
  return new DeviceRuntimeError(DeviceRuntimeErrorCode.InvalidPartition, message);
}

export function requireTier(artifact: PartitionArtifact, tier: PartitionTier, who: string): void {
  const { manifest } = artifact;
  if (manifest.tier !== tier) {
    const what =
      manifest.tier === 'device' ? `device ${manifest.deviceIndex}` : `${manifest.tier} tier`;
    throw new DeviceRuntimeError(
      DeviceRuntimeErrorCode.WrongTier,
      `${who} runs ${tier} partitions; this partition is the ${what}`,
    );
  }
}

/** Reads a tensor, checking it is present with the expected shape and encoding. */
export function tensor(
  artifact: PartitionArtifact,
  name: string,
  shape: number[],
  encoding: PartitionTensorSpec['encoding'],
): Float32Array {
  const spec = artifact.manifest.tensors.find((t) => t.name === name);
  if (!spec) throw invalid(`the partition lacks tensor ${name}`);
  if (spec.shape.join('x') !== shape.join('x')) {
    throw invalid(`tensor ${name} has shape [${spec.shape}], expected [${shape}]`);
  }
  if (spec.encoding !== encoding) {
    throw invalid(`tensor ${name} is ${spec.encoding}, expected ${encoding}`);
  }
  try {
    return readPartitionTensor(artifact, name);
  } catch (err) {
    throw invalid(`tensor ${name} cannot be read: ${(err as Error).message}`);
  }
}

export function batchNormLayout(
  artifact: PartitionArtifact,
  prefix: string,
  channels: number,
): BatchNormChannel[] {
  const read = (what: string) => tensor(artifact, `${prefix}/bn/${what}`, [channels], 'float32');
  const gamma = read('gamma');
  const beta = read('beta');
  const mean = read('moving_mean');
  const variance = read('moving_variance');
  return Array.from({ length: channels }, (_, c) =>
    batchNormChannel(mean[c], variance[c], gamma[c], beta[c]),
  );
}

/**
 * Reads the ConvP blocks of one tier (`${tier}/block${b}/...`) starting from an input map of
 * [height, width, channels]; returns them and the map they produce.
 */
export function convStackLayout(
  artifact: PartitionArtifact,
  tier: string,
  input: [number, number, number],
  stack: ConvStackConfig,
  kernelEncoding: PartitionTensorSpec['encoding'],
): { blocks: ConvBlockLayout[]; output: [number, number, number] } {
  let [h, w, c] = input;
  const { filters, poolStride } = stack;
  const blocks: ConvBlockLayout[] = [];
  for (let b = 0; b < stack.blocks; b++) {
    const prefix = `${tier}/block${b}`;
    blocks.push({
      inHeight: h,
      inWidth: w,
      inChannels: c,
      outHeight: pooledSize(h, poolStride),
      outWidth: pooledSize(w, poolStride),
      filters,
      poolStride,
      kernel: tensor(artifact, `${prefix}/conv/kernel`, [3, 3, c, filters], kernelEncoding),
      bias: tensor(artifact, `${prefix}/conv/bias`, [filters], 'float32'),
      bn: batchNormLayout(artifact, prefix, filters),
    });
    [h, w, c] = [pooledSize(h, poolStride), pooledSize(w, poolStride), filters];
  }
  return { blocks, output: [h, w, c] };
}

/** Reads an exit (`${prefix}/kernel`, `/bias`, `/bn/...`): FC [features, classes] + BatchNorm. */
export function exitLayout(
  artifact: PartitionArtifact,
  prefix: string,
  features: number,
  classes: number,
  kernelEncoding: PartitionTensorSpec['encoding'],
): ExitLayout {
  return {
    features,
    classes,
    kernel: tensor(artifact, `${prefix}/kernel`, [features, classes], kernelEncoding),
    bias: tensor(artifact, `${prefix}/bias`, [classes], 'float32'),
    bn: batchNormLayout(artifact, prefix, classes),
  };
}

/** Validates a device partition and reads every tensor it needs into a layer description. */
export function readDeviceLayout(artifact: PartitionArtifact): DeviceLayout {
  requireTier(artifact, 'device', 'DeviceRuntime');
  const { manifest } = artifact;
  const config = manifest.modelConfig;
  const d = manifest.deviceIndex;
  if (d === null) throw invalid('a device partition needs a deviceIndex');
  if (manifest.binary !== config.device.binary) {
    throw invalid('manifest.binary disagrees with modelConfig.device.binary');
  }
  const binary = config.device.binary;
  const kernelEncoding = binary ? 'sign-bits' : 'float32';
  const [h0, w0, c0] = config.inputShape;
  const stack = convStackLayout(
    artifact,
    `device${d}`,
    [h0, w0, c0],
    config.device,
    kernelEncoding,
  );
  const { blocks } = stack;
  const [h, w, c] = stack.output;
  const prefix = `device${d}/exit/fc`;
  const exit = exitLayout(artifact, prefix, h * w * c, config.numClasses, kernelEncoding);
  const expected = new Set([
    ...blocks.flatMap((_, b) =>
      ['conv/kernel', 'conv/bias', ...bnNames('bn')].map((n) => `device${d}/block${b}/${n}`),
    ),
    ...['kernel', 'bias', ...bnNames('bn')].map((n) => `${prefix}/${n}`),
  ]);
  for (const t of manifest.tensors) {
    if (!expected.has(t.name)) throw invalid(`unexpected tensor ${t.name} in a device partition`);
  }
  return {
    deviceIndex: d,
    binary,
    inputShape: [h0, w0, c0],
    numClasses: config.numClasses,
    blocks,
    exit,
    featureShape: [h, w, c],
  };
}

function bnNames(prefix: string): string[] {
  return ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => `${prefix}/${n}`);
}
