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
  run(
    input: Float32Array,
    maxAbs: number,
    scores: Float32Array,
    scoresOffset: number,
    features: Uint8Array,
    featuresOffset: number,
  ): void;
}
