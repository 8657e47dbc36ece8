import { argMaxRow } from './arg-max-row';
import { normalizedEntropy, softmaxRows } from './entropy';

/** One tier's decision on one sample's class scores. */
export interface TierExitDecision {
  /** True when the normalized entropy is below the threshold: answer here, send nothing up. */
  exit: boolean;
  entropy: number;
  /** The most probable class (first on ties). */
  predictedClass: number;
  probabilities: Float32Array;
}

/**
 * A single tier's exit decision from one sample's class scores, computed as decideExit computes
 * it over whole batches (softmax in double precision stored as float32, entropy in double over
 * those probabilities), so a runtime answering one sample at a time agrees with the engine.
 */
export function decideTierExit(scores: ArrayLike<number>, threshold: number): TierExitDecision {
  const classes = scores.length;
  const probabilities = softmaxRows(scores, classes);
  const entropy = normalizedEntropy(probabilities, 0, classes);
  const predictedClass = argMaxRow(probabilities, 0, classes);
  return { exit: entropy < threshold, entropy, predictedClass, probabilities };
}
