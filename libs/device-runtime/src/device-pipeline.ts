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
  /**
   * The fast path of a float view whose values are all scaled bytes (fround(u * (1 / 255)), as
   * the engine's PreparedData makes them): runs it and returns true, or returns false with
   * nothing written as soon as a value is not such a byte (the caller then calls runFloat).
   */
  runScaledBytes(
    input: Float32Array,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): boolean;
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
