/**
 * What an evaluation reports, as plain data: the engine computes it (evaluateModel), the worker
 * stores it with a version, the API serves it and the dashboard draws it.
 */

/** The DDNN at one threshold T. */
export interface OperatingPoint {
  threshold: number;
  /** Fraction of samples answered at the local exit. */
  localExitRate: number;
  /** Fraction answered at the edge exit (0 without an edge tier). */
  edgeExitRate: number;
  overallAccuracy: number;
  commBytesPerDevice: number;
}

/** What the validation data says about a threshold, recorded with the version. */
export interface ThresholdEvidence {
  /** Validation samples the numbers come from (0: none, T fell back to the cloud). */
  samples: number;
  /** Share of samples answered locally at T: estimate and 95 % Wilson interval. */
  localExitRate: { estimate: number; low: number; high: number };
  /** Overall accuracy at T minus the cloud exit's: estimate and one-sided 95 % lower bound. */
  accuracyVsCloud: { estimate: number; lowerBound: number };
}

/** Accuracy with one end device missing. */
export interface FaultToleranceRow {
  missingDevice: number;
  local: number;
  edge: number | null;
  cloud: number;
  /** Overall accuracy at the report's operating threshold. */
  overall: number;
  localExitRate: number;
}

export interface EvaluationReport {
  numSamples: number;
  /** Accuracy of each exit against the global label. */
  exitAccuracy: { local: number; edge: number | null; cloud: number };
  /** Accuracy of each device's own exit against its view label, over present views only. */
  deviceAccuracy: number[];
  sweep: OperatingPoint[];
  /**
   * The threshold the version ships with, and how it was chosen; `expected`: what the data T
   * was chosen on says about it (local-exit rate with its interval), when it was chosen so.
   */
  operatingPoint: OperatingPoint & { chosenBy: string; expected?: ThresholdEvidence };
  faultTolerance: FaultToleranceRow[];
  communication: {
    featureBytesPerDevice: number;
    scoreBytesPerDevice: number;
    rawViewBytes: number;
    /** Raw view bytes over the per-device bytes at the operating point. */
    reductionVsRaw: number;
  };
}
