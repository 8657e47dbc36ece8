import { splitDataset, type MultiViewDataset } from '@ddnn/datasets';

/** Share of the training set held out to keep the best epoch and choose T (never the test set). */
export const VALIDATION_FRACTION = 0.15;
/** Below this many training samples nothing is held out: T is then chosen on the test set. */
export const MIN_TRAIN_SAMPLES_FOR_VALIDATION = 20;

/**
 * The training set minus a seeded, stratified validation split; null (the whole training set is
 * trained on) below MIN_TRAIN_SAMPLES_FOR_VALIDATION samples, or when every class is so small that
 * its 15 % rounds to no sample.
 */
export function holdOutValidation(
  train: MultiViewDataset,
  seed: number,
): { fit: MultiViewDataset; validation: MultiViewDataset | null } {
  if (train.numSamples < MIN_TRAIN_SAMPLES_FOR_VALIDATION) return { fit: train, validation: null };
  const { train: fit, test: validation } = splitDataset(train, {
    testFraction: VALIDATION_FRACTION,
    seed,
  });
  return validation.numSamples > 0 ? { fit, validation } : { fit: train, validation: null };
}
