import type { AggregationScheme, ConvStackConfig, DdnnConfig } from '../config/ddnn-config';

/** Shape of a tier's output feature map: [height, width, channels]. */
export interface FeatureShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Side of a map after a ConvP block: the 3x3 conv keeps it ('same'), the 3x3 max-pool with
 * padding 1 and this stride makes s into floor((s - 1) / stride) + 1 = ceil(s / stride).
 */
export function pooledSize(size: number, stride: number): number {
  return Math.floor((size + 2 - 3) / stride) + 1;
}

/** Spatial size after a stack of ConvP blocks. */
export function stackOutputSize(
  size: number,
  stack: Pick<ConvStackConfig, 'blocks' | 'poolStride'>,
) {
  let s = size;
  for (let b = 0; b < stack.blocks; b++) {
    s = pooledSize(s, stack.poolStride);
  }
  return s;
}

/** The feature map one end device sends upward (and its exit reads). */
export function deviceFeatureShape(
  config: Pick<DdnnConfig, 'inputShape' | 'device'>,
): FeatureShape {
  const [h, w] = config.inputShape;
  return {
    height: stackOutputSize(h, config.device),
    width: stackOutputSize(w, config.device),
    channels: config.device.filters,
  };
}

/** Channels the edge (or cloud without edge) sees after aggregating device feature maps. */
export function aggregatedChannels(scheme: AggregationScheme, channels: number, count: number) {
  return scheme === 'CC' ? channels * count : channels;
}

export function edgeFeatureShape(config: DdnnConfig): FeatureShape | null {
  if (!config.edge) return null;
  const d = deviceFeatureShape(config);
  return {
    height: stackOutputSize(d.height, config.edge),
    width: stackOutputSize(d.width, config.edge),
    channels: config.edge.filters,
  };
}

/** What the cloud's first block reads: the edge's map, or the aggregated device maps. */
export function cloudInputShape(config: DdnnConfig): FeatureShape {
  const edge = edgeFeatureShape(config);
  if (edge) return edge;
  const d = deviceFeatureShape(config);
  return {
    ...d,
    channels: aggregatedChannels(config.cloudAggregator, d.channels, config.numDevices),
  };
}

export function cloudFeatureShape(config: DdnnConfig): FeatureShape {
  const input = cloudInputShape(config);
  return {
    height: stackOutputSize(input.height, config.cloud),
    width: stackOutputSize(input.width, config.cloud),
    channels: config.cloud.filters,
  };
}
