/** Softmax probabilities of every exit for every sample, [N * classes] each. */
export interface ExitProbabilities {
  numSamples: number;
  numClasses: number;
  /** Per device; null for a device treated as missing. */
  devices: (Float32Array | null)[];
  local: Float32Array;
  edge: Float32Array | null;
  cloud: Float32Array;
}
