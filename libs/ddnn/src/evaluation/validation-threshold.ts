import type { MultiViewData } from '@ddnn/model-spec';
import type { PreparedData } from '../data/prepared-data';
import { predictExits, prepare } from '../inference/exit-probabilities';
import type { DdnnModel } from '../model/ddnn-model';
import {
  bestAccuracyThreshold,
  calibrateForLocalExitRate,
  exitOutcomes,
} from './threshold-analysis';

export interface ThresholdChoice {
  threshold: number;
  /** How it was chosen, for reports (e.g. evaluateModel's thresholdChosenBy). */
  chosenBy: string;
}

/**
 * Chooses the local exit threshold T on held-out validation data, so that the numbers reported
 * on the test set at that T are an honest estimate: the best overall accuracy (then the most
 * local exits), or the smallest T reaching a target local-exit rate.
 */
export function chooseThresholdOnValidation(
  model: DdnnModel,
  validation: MultiViewData | PreparedData,
  options: { targetLocalExitRate?: number } = {},
): ThresholdChoice {
  const prepared = prepare(model, validation);
  // With no samples every T scores the same and T = 1 would come out, chosen on nothing.
  if (prepared.numSamples < 1) throw new Error('the validation data has no samples');
  const outcomes = exitOutcomes(predictExits(model, prepared), prepared.labels);
  const where = `on the validation split (${prepared.numSamples} samples)`;
  if (options.targetLocalExitRate !== undefined) {
    const point = calibrateForLocalExitRate(model.config, outcomes, options.targetLocalExitRate);
    return {
      threshold: point.threshold,
      chosenBy: `local-exit rate >= ${options.targetLocalExitRate} ${where}`,
    };
  }
  const point = bestAccuracyThreshold(model.config, outcomes);
  return {
    threshold: point.threshold,
    chosenBy: `best overall accuracy, then most local exits ${where}`,
  };
}
