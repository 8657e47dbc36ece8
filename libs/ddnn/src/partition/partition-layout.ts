import {
  cloudInputShape,
  type DdnnConfig,
  deviceFeatureShape,
  edgeFeatureShape,
} from '@ddnn/model-spec';
import type { PartitionIoSpec, PartitionTier } from '@ddnn/partition-format';

export interface TierRef {
  tier: PartitionTier;
  deviceIndex: number | null;
}

/** Every partition a model is cut into: one per device, the local aggregator, edge, cloud. */
export function partitionRefs(config: DdnnConfig): TierRef[] {
  const refs: TierRef[] = [];
  for (let d = 0; d < config.numDevices; d++) refs.push({ tier: 'device', deviceIndex: d });
  refs.push({ tier: 'local', deviceIndex: null });
  if (config.edge) refs.push({ tier: 'edge', deviceIndex: null });
  refs.push({ tier: 'cloud', deviceIndex: null });
  return refs;
}

export function paramPrefix(ref: TierRef): string {
  return ref.tier === 'device' ? `device${ref.deviceIndex}/` : `${ref.tier}/`;
}

export function tierIsBinary(config: DdnnConfig, tier: PartitionTier): boolean {
  switch (tier) {
    case 'device':
    case 'local':
      return config.device.binary;
    case 'edge':
      return config.edge?.binary ?? false;
    case 'cloud':
      return config.cloud.binary;
  }
}

/** Kernels of binary tiers are stored as sign bits; everything else as float32. */
export function isSignBitTensor(config: DdnnConfig, tier: PartitionTier, name: string): boolean {
  return tierIsBinary(config, tier) && name.endsWith('/kernel');
}

function featureSpec(
  name: string,
  shape: { height: number; width: number; channels: number },
  binary: boolean,
  what: string,
): PartitionIoSpec {
  const values = shape.height * shape.width * shape.channels;
  return binary
    ? {
        name,
        datatype: 'BYTES',
        shape: [-1, Math.ceil(values / 8)],
        description: `${what}: ${shape.height}x${shape.width}x${shape.channels} binary feature map (HWC order), sign bits packed 8 per byte, MSB first, 1 = +1`,
      }
    : {
        name,
        datatype: 'FP32',
        shape: [-1, shape.height, shape.width, shape.channels],
        description: `${what}: float feature map (NHWC)`,
      };
}

/** The input/output contract of a tier, as recorded in its manifest. */
export function tierContract(
  config: DdnnConfig,
  ref: TierRef,
): { inputs: PartitionIoSpec[]; outputs: PartitionIoSpec[] } {
  const C = config.numClasses;
  const V = config.numDevices;
  const [h, w, c] = config.inputShape;
  const scores = (what: string): PartitionIoSpec => ({
    name: 'scores',
    datatype: 'FP32',
    shape: [-1, C],
    description: `${what} class scores (softmax gives probabilities)`,
  });
  switch (ref.tier) {
    case 'device':
      return {
        inputs: [
          {
            name: 'view',
            datatype: 'FP32',
            shape: [-1, h, w, c],
            description: 'the device view, NHWC, pixels scaled to [0, 1]',
          },
        ],
        outputs: [
          scores('device exit'),
          featureSpec(
            'features',
            deviceFeatureShape(config),
            config.device.binary,
            'sent upward when the sample does not exit locally',
          ),
        ],
      };
    case 'local':
      return {
        inputs: [
          {
            name: 'device_scores',
            datatype: 'FP32',
            shape: [-1, V, C],
            description:
              'class scores of every device (a missing device is left out of MP/AP and zero-filled for CC)',
          },
        ],
        outputs: [scores(`local ${config.localAggregator} aggregator`)],
      };
    case 'edge':
      return {
        inputs: [
          featureSpec(
            'device_features',
            deviceFeatureShape(config),
            config.device.binary,
            'one per device',
          ),
        ],
        outputs: [
          scores('edge exit'),
          featureSpec(
            'features',
            edgeFeatureShape(config)!,
            config.edge!.binary,
            'sent to the cloud',
          ),
        ],
      };
    case 'cloud':
      return {
        inputs: config.edge
          ? [
              featureSpec(
                'edge_features',
                cloudInputShape(config),
                config.edge.binary,
                'from the edge tier',
              ),
            ]
          : [
              featureSpec(
                'device_features',
                deviceFeatureShape(config),
                config.device.binary,
                'one per device, aggregated with ' + config.cloudAggregator,
              ),
            ],
        outputs: [scores('cloud exit')],
      };
  }
}
