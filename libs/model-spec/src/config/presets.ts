import type { DdnnConfig } from './ddnn-config';

/** The paper's multi-view configuration: 6 binary devices x 4 filters, MP-CC, binary cloud. */
export const PAPER_MVMC_CONFIG: DdnnConfig = Object.freeze({
  numDevices: 6,
  inputShape: [32, 32, 3],
  numClasses: 3,
  device: { blocks: 1, filters: 4, poolStride: 2, binary: true },
  localAggregator: 'MP',
  edge: null,
  cloudAggregator: 'CC',
  cloud: { blocks: 2, filters: 16, poolStride: 1, binary: true },
}) as DdnnConfig;
