import * as tf from '@tensorflow/tfjs-core';
import type { MultiViewData } from '@ddnn/model-spec';
import type { PreparedData } from '../data/prepared-data';
import { exitOutcomes } from '../evaluation/threshold-analysis';
import { predictExits, prepare } from '../inference/exit-probabilities';
import type { DdnnModel } from '../model/ddnn-model';
import { assignEntries, modelEntries } from '../model/model-serialization';
import type { BundleEntry } from '../model/tensor-bundle';

export interface KeptEpoch {
  /** 1-based epoch whose weights are kept. */
  epoch: number;
  /** Local plus cloud exit accuracy on the validation data (0..2). */
  score: number;
}

/**
 * Keeps the weights of the epoch that did best on held-out validation data (never the test set):
 * the sum of the local and cloud exit accuracies, the later epoch on ties. Binary networks can lose
 * their cloud exit late in training (a 100-epoch run of the paper model ended at 80 % cloud
 * accuracy on the test set after 94-98 % earlier), so the last epoch is not always the one to ship.
 * Call `observe` after every epoch (e.g. from trainModel's onEpoch), then `restoreBest`.
 */
export class BestEpochKeeper {
  private readonly validation: PreparedData;
  private kept: (KeptEpoch & { entries: BundleEntry[] }) | null = null;

  constructor(
    private readonly model: DdnnModel,
    validation: MultiViewData | PreparedData,
  ) {
    if (validation.numSamples < 1) throw new Error('the validation data has no samples');
    this.validation = prepare(model, validation);
  }

  /** Scores the model's current weights and keeps them if they are the best so far. */
  observe(epoch: number): KeptEpoch & { improved: boolean } {
    const score = localPlusCloudAccuracy(this.model, this.validation);
    const improved = !this.kept || score >= this.kept.score;
    if (improved) {
      const entries = modelEntries(this.model).map((e) => ({
        ...e,
        data: Float32Array.from(e.data),
      }));
      this.kept = { epoch, score, entries };
    }
    return { epoch, score, improved };
  }

  get best(): KeptEpoch | null {
    return this.kept ? { epoch: this.kept.epoch, score: this.kept.score } : null;
  }

  /** The kept epoch and its weights, for a checkpoint (null before any epoch). */
  state(): (KeptEpoch & { entries: BundleEntry[] }) | null {
    return this.kept;
  }

  /** Continues from a checkpoint's state: a resumed run keeps what an uninterrupted one would. */
  load(state: KeptEpoch & { entries: BundleEntry[] }): void {
    this.kept = { epoch: state.epoch, score: state.score, entries: state.entries };
  }

  /** Puts the kept weights back into the model; returns which epoch they came from. */
  restoreBest(): KeptEpoch {
    if (!this.kept) throw new Error('no epoch was observed: nothing to restore');
    const entries = this.kept.entries;
    tf.tidy(() => assignEntries(this.model, entries));
    return this.best!;
  }
}

/** Local plus cloud exit accuracy (0..2) of a model on data. */
export function localPlusCloudAccuracy(
  model: DdnnModel,
  data: MultiViewData | PreparedData,
): number {
  const prepared = prepare(model, data);
  const outcomes = exitOutcomes(predictExits(model, prepared), prepared.labels);
  let correct = 0;
  for (let i = 0; i < prepared.numSamples; i++) {
    correct += outcomes.localCorrect[i] + outcomes.cloudCorrect[i];
  }
  return correct / prepared.numSamples;
}
