import type { Partition, VersionMetrics } from '../api/types';

/** The numbers the diagram draws, computed once (and read back by the browser test). */
export interface HierarchyFigures {
  devices: { index: number; accuracy: number; partitionBytes: number | null }[];
  local: { accuracy: number; exitShare: number; partitionBytes: number | null };
  edge: { accuracy: number; exitShare: number; partitionBytes: number | null } | null;
  cloud: { accuracy: number; exitShare: number; partitionBytes: number | null };
  /** Per device and sample: class scores to the local aggregator, always. */
  scoreBytes: number;
  /** Per device and sample, on average at T: feature maps sent up when the local exit is unsure. */
  featureBytesAtT: number;
  /** Feature map size of one device (sent only for the samples that do not exit locally). */
  featureBytes: number;
  /** Share of samples whose features leave the devices (1 - local exit share). */
  forwardedShare: number;
}

export function hierarchyFigures(
  metrics: VersionMetrics,
  partitions: readonly Partition[],
): HierarchyFigures {
  const op = metrics.operatingPoint;
  const sizeOf = (tier: Partition['tier'], device: number | null = null) =>
    partitions.find((p) => p.tier === tier && (device === null || p.deviceIndex === device))
      ?.sizeBytes ?? null;
  const hasEdge = metrics.exitAccuracy.edge !== null;
  const edgeShare = hasEdge ? op.edgeExitRate : 0;
  const { featureBytesPerDevice, scoreBytesPerDevice } = metrics.communication;
  return {
    devices: metrics.deviceAccuracy.map((accuracy, index) => ({
      index,
      accuracy,
      partitionBytes: sizeOf('DEVICE', index),
    })),
    local: {
      accuracy: metrics.exitAccuracy.local,
      exitShare: op.localExitRate,
      partitionBytes: sizeOf('LOCAL'),
    },
    edge: hasEdge
      ? {
          accuracy: metrics.exitAccuracy.edge!,
          exitShare: edgeShare,
          partitionBytes: sizeOf('EDGE'),
        }
      : null,
    cloud: {
      accuracy: metrics.exitAccuracy.cloud,
      exitShare: Math.max(0, 1 - op.localExitRate - edgeShare),
      partitionBytes: sizeOf('CLOUD'),
    },
    scoreBytes: scoreBytesPerDevice,
    featureBytes: featureBytesPerDevice,
    featureBytesAtT: (1 - op.localExitRate) * featureBytesPerDevice,
    forwardedShare: 1 - op.localExitRate,
  };
}
