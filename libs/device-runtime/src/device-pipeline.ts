/** One device partition's forward pass, allocation-free once built. */
export interface DevicePipeline {
  /** Bytes of the feature map sent upward per sample. */
  readonly featureBytes: number;
  readonly weightBytes: number;
  readonly workingBytes: number;
  /**
   * `input`: the HWC float32 view, `maxAbs` its largest magnitude. Writes the class scores at
   * `scores[scoresOffset..]` and the wire-format features at `features[featuresOffset..]`.
   */
  runFloat(
    input: Float32Array,
    maxAbs: number,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void;
  /** The same for a view given as bytes (pixel u stands for fround(u * (1 / 255))). */
  runBytes(
    view: Uint8Array,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void;
}

/** Bytes as the engine scales them, into `out`. */
export function bytesToFloats(view: Uint8Array, table: Float32Array, out: Float32Array): void {
  for (let k = 0; k < view.length; k++) out[k] = table[view[k]];
}
