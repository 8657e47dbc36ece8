/** Softmax of each row of [rows, classes] scores. */
export function softmaxRows(scores: ArrayLike<number>, classes: number): Float32Array {
  const rows = scores.length / classes;
  const out = new Float32Array(scores.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[r * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(scores[r * classes + c] - max);
      out[r * classes + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[r * classes + c] /= sum;
  }
  return out;
}

/**
 * Normalized entropy of one probability row: -sum p log p / log |C|, in [0, 1];
 * 0 means certain. A sample exits at a tier when this is below the tier's threshold.
 */
export function normalizedEntropy(probs: ArrayLike<number>, row: number, classes: number): number {
  let h = 0;
  for (let c = 0; c < classes; c++) {
    const p = probs[row * classes + c];
    if (p > 0) h -= p * Math.log(p);
  }
  return h / Math.log(classes);
}

export function entropies(probs: ArrayLike<number>, classes: number): Float32Array {
  const rows = probs.length / classes;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = normalizedEntropy(probs, r, classes);
  return out;
}
