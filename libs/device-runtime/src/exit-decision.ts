/**
 * Exit decisions computed as the engine computes them (libs/ddnn inference/entropy.ts):
 * softmax in double precision stored as float32, entropy in double over those probabilities.
 */
export function softmax(scores: ArrayLike<number>): Float32Array {
  const out = new Float32Array(scores.length);
  let max = -Infinity;
  for (let c = 0; c < scores.length; c++) max = Math.max(max, scores[c]);
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp(scores[c] - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) out[c] /= sum;
  return out;
}

/** -sum p log p / log |C|, in [0, 1]; 0 means certain. */
export function normalizedEntropy(probabilities: ArrayLike<number>): number {
  let h = 0;
  for (let c = 0; c < probabilities.length; c++) {
    const p = probabilities[c];
    if (p > 0) h -= p * Math.log(p);
  }
  return h / Math.log(probabilities.length);
}

export interface ExitDecision {
  /** True when the normalized entropy is below the threshold: answer here, send nothing up. */
  exit: boolean;
  entropy: number;
  /** The most probable class (first on ties). */
  predictedClass: number;
  probabilities: Float32Array;
}

export function decideExit(scores: ArrayLike<number>, threshold: number): ExitDecision {
  const probabilities = softmax(scores);
  const entropy = normalizedEntropy(probabilities);
  let predictedClass = 0;
  for (let c = 1; c < probabilities.length; c++) {
    if (probabilities[c] > probabilities[predictedClass]) predictedClass = c;
  }
  return { exit: entropy < threshold, entropy, predictedClass, probabilities };
}
