import * as tf from '@tensorflow/tfjs-core';
import type { DdnnConfig } from '@ddnn/model-spec';
import type { DdnnModel } from '../model/ddnn-model';
import { assignEntries, modelEntries } from '../model/model-serialization';
import { decodeBundle, encodeBundle } from '../model/tensor-bundle';
import type { BundleEntry } from '../model/tensor-bundle';
import type { KeptEpoch } from './best-epoch-keeper';
import type { HostAdam } from './host-adam';
import type { EpochProgress, TrainingHyperparameters } from './training-options';

const CHECKPOINT_MAGIC = 'DDNNCKP2';
const OPTIMIZER_PREFIX = 'adam/';
const BEST_PREFIX = 'best/';

interface CheckpointMeta {
  epoch: number;
  config: DdnnConfig;
  hyperparameters: TrainingHyperparameters;
  history: EpochProgress[];
  optimizerIterations: number;
  /** With keepBest: the best epoch so far on the validation data (its weights: best/...). */
  best?: KeptEpoch | null;
}

/** Model weights (moving statistics included), Adam moments and history after `epoch` epochs. */
export function encodeCheckpoint(
  model: DdnnModel,
  optimizer: HostAdam,
  epoch: number,
  hyperparameters: TrainingHyperparameters,
  history: EpochProgress[],
  best: (KeptEpoch & { entries: BundleEntry[] }) | null = null,
): Uint8Array {
  const { iterations, entries } = optimizer.state();
  const meta: CheckpointMeta = {
    epoch,
    config: model.config,
    hyperparameters,
    history,
    optimizerIterations: iterations,
    best: best ? { epoch: best.epoch, score: best.score } : null,
  };
  const bestEntries = (best?.entries ?? []).map((e) => ({ ...e, name: BEST_PREFIX + e.name }));
  return encodeBundle(CHECKPOINT_MAGIC, meta, [...modelEntries(model), ...entries, ...bestEntries]);
}

export interface DecodedCheckpoint {
  meta: CheckpointMeta;
  restore(model: DdnnModel, optimizer: HostAdam): void;
  /** The best epoch so far and its weights, when the run kept one. */
  best: (KeptEpoch & { entries: BundleEntry[] }) | null;
}

export function decodeCheckpoint(bytes: Uint8Array): DecodedCheckpoint {
  const { meta, entries } = decodeBundle<CheckpointMeta>(CHECKPOINT_MAGIC, bytes);
  const modelPart = entries.filter(
    (e) => !e.name.startsWith(OPTIMIZER_PREFIX) && !e.name.startsWith(BEST_PREFIX),
  );
  const optimizerPart = entries.filter((e) => e.name.startsWith(OPTIMIZER_PREFIX));
  const bestPart = entries
    .filter((e) => e.name.startsWith(BEST_PREFIX))
    .map((e) => ({ ...e, name: e.name.slice(BEST_PREFIX.length) }));
  return {
    meta,
    best: meta.best ? { ...meta.best, entries: bestPart } : null,
    restore(model, optimizer) {
      tf.tidy(() => assignEntries(model, modelPart));
      optimizer.restore(meta.optimizerIterations, optimizerPart);
    },
  };
}
