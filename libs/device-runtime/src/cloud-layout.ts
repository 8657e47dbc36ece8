import { type DdnnConfig, ddnnConfigSchema, deviceFeatureShape } from '@ddnn/model-spec';
import type { PartitionArtifact } from '@ddnn/partition-format';
import {
  type ConvBlockLayout,
  convStackLayout,
  type ExitLayout,
  exitLayout,
  invalid,
  requireTier,
} from './device-layout';

export interface CloudLayout {
  numDevices: number;
  numClasses: number;
  scheme: 'MP' | 'CC';
  /** [height, width, channels] of one device's feature map (what each device sends). */
  deviceFeatureShape: [number, number, number];
  blocks: ConvBlockLayout[];
  exit: ExitLayout;
}

/**
 * Why a model's cloud tier cannot run bit-packed (null when it can): both the devices and the
 * cloud must be binary, there must be no edge tier, and the cloud aggregator must be MP or CC
 * (AP averages ±1 into fractions, which are not bits).
 */
export function cloudUnsupportedReason(modelConfig: unknown): string | null {
  const parsed = ddnnConfigSchema.safeParse(modelConfig);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `modelConfig.${issue.path.join('.')}: ${issue.message}`;
  }
  return binaryCloudUnsupportedReason(parsed.data);
}

function binaryCloudUnsupportedReason(config: DdnnConfig): string | null {
  if (!config.device.binary) return 'the devices are not binary: their features are floats';
  if (!config.cloud.binary) return 'the cloud tier is not binary';
  if (config.edge) return 'an edge tier feeds the cloud';
  if (config.cloudAggregator === 'AP')
    return 'the cloud aggregator is AP (means of ±1 are not bits)';
  return null;
}

/** Validates a binary cloud partition and reads its blocks and exit. */
export function readCloudLayout(artifact: PartitionArtifact): CloudLayout {
  requireTier(artifact, 'cloud', 'CloudRuntime');
  const { manifest } = artifact;
  const config = manifest.modelConfig;
  const reason = binaryCloudUnsupportedReason(config);
  if (reason) throw invalid(`this cloud tier cannot run bit-packed: ${reason}`);
  const scheme = config.cloudAggregator as 'MP' | 'CC';
  if (manifest.scheme.cloud !== scheme) {
    throw invalid('manifest.scheme.cloud disagrees with modelConfig.cloudAggregator');
  }
  const sent = deviceFeatureShape(config);
  const featureShape: [number, number, number] = [sent.height, sent.width, sent.channels];
  const V = config.numDevices;
  const input: [number, number, number] = [
    sent.height,
    sent.width,
    scheme === 'CC' ? V * sent.channels : sent.channels,
  ];
  const { blocks, output } = convStackLayout(artifact, 'cloud', input, config.cloud, 'sign-bits');
  const classes = config.numClasses;
  const features = output[0] * output[1] * output[2];
  const exit = exitLayout(artifact, 'cloud/exit/fc', features, classes, 'sign-bits');
  const expectedTensors = config.cloud.blocks * 6 + 6;
  if (manifest.tensors.length !== expectedTensors) {
    throw invalid(
      `a cloud partition of ${config.cloud.blocks} blocks has ${expectedTensors} tensors, this one ${manifest.tensors.length}`,
    );
  }
  return {
    numDevices: V,
    numClasses: classes,
    scheme,
    deviceFeatureShape: featureShape,
    blocks,
    exit,
  };
}
