import {
  type DdnnConfig,
  ddnnConfigSchema,
  deviceFeatureShape,
  pooledSize,
} from '@ddnn/model-spec';
import type { PartitionArtifact } from '@ddnn/partition-format';
import {
  batchNormLayout,
  type ConvBlockLayout,
  type ExitLayout,
  invalid,
  requireTier,
  tensor,
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
  let [h, w, c] = [sent.height, sent.width, scheme === 'CC' ? V * sent.channels : sent.channels];
  const { filters, poolStride } = config.cloud;
  const blocks: ConvBlockLayout[] = [];
  for (let b = 0; b < config.cloud.blocks; b++) {
    const prefix = `cloud/block${b}`;
    blocks.push({
      inHeight: h,
      inWidth: w,
      inChannels: c,
      outHeight: pooledSize(h, poolStride),
      outWidth: pooledSize(w, poolStride),
      filters,
      poolStride,
      kernel: tensor(artifact, `${prefix}/conv/kernel`, [3, 3, c, filters], 'sign-bits'),
      bias: tensor(artifact, `${prefix}/conv/bias`, [filters], 'float32'),
      bn: batchNormLayout(artifact, prefix, filters),
    });
    [h, w, c] = [pooledSize(h, poolStride), pooledSize(w, poolStride), filters];
  }
  const features = h * w * c;
  const classes = config.numClasses;
  const prefix = 'cloud/exit/fc';
  const exit: ExitLayout = {
    features,
    classes,
    kernel: tensor(artifact, `${prefix}/kernel`, [features, classes], 'sign-bits'),
    bias: tensor(artifact, `${prefix}/bias`, [classes], 'float32'),
    bn: batchNormLayout(artifact, prefix, classes),
  };
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
