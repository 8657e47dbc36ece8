import * as tf from '@tensorflow/tfjs-core';
import type { DdnnConfig } from '../config/ddnn-config';
import type { DdnnModel } from '../model/ddnn-model';
import { assignEntries, modelEntries } from '../model/model-serialization';
import { decodeBundle, encodeBundle } from '../model/tensor-bundle';
import type { HostAdam } from './host-adam';
import type { EpochProgress, TrainingHyperparameters } from './training-options';

const CHECKPOINT_MAGIC = 'DDNNCKP2';
const OPTIMIZER_PREFIX = 'adam/';

interface CheckpointMeta {
  epoch: number;
  config: DdnnConfig;
  hyperparameters: TrainingHyperparameters;
  history: EpochProgress[];
  optimizerIterations: number;
}

/** Model weights (moving statistics included), Adam moments and history after `epoch` epochs. */
export function encodeCheckpoint(
  model: DdnnModel,
  optimizer: HostAdam,
  epoch: number,
  hyperparameters: TrainingHyperparameters,
  history: EpochProgress[],
): Uint8Array {
  const { iterations, entries } = optimizer.state();
  const meta: CheckpointMeta = {
    epoch,
    config: model.config,
    hyperparameters,
    history,
    optimizerIterations: iterations,
  };
  return encodeBundle(CHECKPOINT_MAGIC, meta, [...modelEntries(model), ...entries]);
}

export interface DecodedCheckpoint {
  meta: CheckpointMeta;
  restore(model: DdnnModel, optimizer: HostAdam): void;
}

export function decodeCheckpoint(bytes: Uint8Array): DecodedCheckpoint {
  const { meta, entries } = decodeBundle<CheckpointMeta>(CHECKPOINT_MAGIC, bytes);
  const modelPart = entries.filter((e) => !e.name.startsWith(OPTIMIZER_PREFIX));
  const optimizerPart = entries.filter((e) => e.name.startsWith(OPTIMIZER_PREFIX));
  return {
    meta,
    restore(model, optimizer) {
      tf.tidy(() => assignEntries(model, modelPart));
      optimizer.restore(meta.optimizerIterations, optimizerPart);
    },
  };
}
