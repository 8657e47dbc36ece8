export * from './backend/engine-backend';
// The tfjs-free model spec (config, geometry, communication, entropy and exits, report types) is
// part of the engine's public surface: code that has tfjs anyway imports it all from here.
export * from '@ddnn/model-spec';
export { PreparedData } from './data/prepared-data';
export { DdnnModel } from './model/ddnn-model';
export type { ExitName, ForwardOutput } from './model/ddnn-model';
export { serializeModel, deserializeModel } from './model/model-serialization';
export * from './training/training-options';
export { trainModel } from './training/train-model';
export { MAX_TRAINING_THREADS } from './training/data-parallel-steps';
export * from './training/best-epoch-keeper';
export * from './inference/exit-probabilities';
export * from './inference/infer-hierarchy';
export * from './inference/cloud-from-features';
export * from './evaluation/threshold-analysis';
export * from './evaluation/evaluate-model';
export * from './evaluation/validation-threshold';
export * from './evaluation/safe-threshold';
export * from './training/training-protocol';
export { stratifiedHoldout, selectData } from './data/holdout-split';
export * from './partition/cut-partitions';
export { PartitionedModel } from './partition/partitioned-model';
export { partitionRefs } from './partition/partition-layout';

/** Creates a model from a config (validated; errors name the field) with seeded weights. */
import { DdnnModel as Model } from './model/ddnn-model';
export function createModel(config: unknown, seed: number): Model {
  return Model.create(config, seed);
}
