import * as tf from '@tensorflow/tfjs-core';
import type { DdnnConfig } from '../config/ddnn-config';
import type { DdnnModel } from '../model/ddnn-model';
import { assignEntries, modelEntries } from '../model/model-serialization';
import { BundleEntry, decodeBundle, encodeBundle } from '../model/tensor-bundle';
import type { EpochProgress, TrainingHyperparameters } from './training-options';

const CHECKPOINT_MAGIC = 'DDNNCKP1';
const OPTIMIZER_PREFIX = 'optimizer/';

interface CheckpointMeta {
  epoch: number;
  config: DdnnConfig;
  hyperparameters: TrainingHyperparameters;
  history: EpochProgress[];
  optimizerSlots: number;
}

/** Model weights, Adam state (in variable order) and history after `epoch` epochs. */
export async function encodeCheckpoint(
  model: DdnnModel,
  optimizer: tf.Optimizer,
  epoch: number,
  hyperparameters: TrainingHyperparameters,
  history: EpochProgress[],
): Promise<Uint8Array> {
  const slots = await optimizer.getWeights();
  const optimizerEntries: BundleEntry[] = [];
  for (let i = 0; i < slots.length; i++) {
    optimizerEntries.push({
      name: `${OPTIMIZER_PREFIX}${i}`,
      shape: slots[i].tensor.shape,
      data: Float32Array.from(await slots[i].tensor.data()),
    });
  }
  // slot 0 is a fresh iteration-count scalar; the others are the optimizer's own variables
  slots[0]?.tensor.dispose();
  const meta: CheckpointMeta = {
    epoch,
    config: model.config,
    hyperparameters,
    history,
    optimizerSlots: slots.length,
  };
  return encodeBundle(CHECKPOINT_MAGIC, meta, [...modelEntries(model), ...optimizerEntries]);
}

export interface DecodedCheckpoint {
  meta: CheckpointMeta;
  restore(model: DdnnModel, optimizer: tf.Optimizer): Promise<void>;
}

export function decodeCheckpoint(bytes: Uint8Array): DecodedCheckpoint {
  const { meta, entries } = decodeBundle<CheckpointMeta>(CHECKPOINT_MAGIC, bytes);
  const modelPart = entries.filter((e) => !e.name.startsWith(OPTIMIZER_PREFIX));
  const optimizerPart = entries.filter((e) => e.name.startsWith(OPTIMIZER_PREFIX));
  return {
    meta,
    async restore(model, optimizer) {
      tf.tidy(() => assignEntries(model, modelPart));
      if (optimizerPart.length > 0) {
        // Adam keeps its slots by variable order; the names only need to be unique.
        const named = optimizerPart.map((e) => ({
          name: e.name,
          tensor: tf.tensor(e.data, e.shape),
        }));
        await optimizer.setWeights(named);
        // the optimizer copies what it keeps into its own variables
        for (const n of named) n.tensor.dispose();
      }
    },
  };
}
