import type { SeedStat } from './statistics';

/** Everything the runner measured; written as results.json and rendered into the report. */
export interface ExperimentResults {
  mode: 'quick' | 'full';
  command: string;
  startedAt: string;
  elapsedSeconds: number;
  host: { cpus: number; node: string; backend: string };
  settings: ExperimentSettings;
  schemes: SchemeResult[];
  paperModel: PaperModelResult;
  devices: DeviceCountResult[];
  /** The paper model's shape (binary devices and cloud). */
  mnist: MnistResult;
  /** The same shape with float devices and cloud, like the authors' later MNIST release. */
  mnistFloat: MnistResult;
}

export interface ExperimentSettings {
  /** Training seeds (model initialisation and batch order); results are averaged over them. */
  seeds: number[];
  datasetSeed: number;
  /** Epochs of the paper model (MP-CC, 6 devices): tables 2, 4, 5 and the targets. */
  paperEpochs: number;
  /** Epochs of the comparisons: the 9 schemes and the device counts (all on the same footing). */
  epochs: number;
  /** Share of the training set held out to choose the exit threshold T (never the test set). */
  validationFraction: number;
  /** Training processes run in parallel. */
  workers: number;
  batchSize: number;
  learningRate: number;
  trainSize: number;
  testSize: number;
  mnist: {
    seeds: number[];
    /** Epochs of the binary paper model. */
    epochs: number;
    /** Epochs of the float variant. */
    floatEpochs: number;
    /** Filters per device of the float variant (the paper model has 4). */
    floatDeviceFilters: number;
    trainSize: number;
    testSize: number;
  };
}

export interface SchemeResult {
  scheme: string;
  local: SeedStat;
  cloud: SeedStat;
}

export interface SweepPoint {
  threshold: number;
  localExitRate: SeedStat;
  overallAccuracy: SeedStat;
  commBytesPerDevice: SeedStat;
}

export interface FaultToleranceResult {
  /** null = no device missing (the baseline). */
  missingDevice: number | null;
  local: SeedStat;
  cloud: SeedStat;
  overall: SeedStat;
}

export interface PaperModelResult {
  deviceAccuracy: SeedStat[];
  local: SeedStat;
  cloud: SeedStat;
  sweep: SweepPoint[];
  /**
   * Per seed: T chosen on the validation split (best overall accuracy there, then the most local
   * exits); the other numbers are on the test set at that T.
   */
  operatingPoint: {
    threshold: SeedStat;
    localExitRate: SeedStat;
    overallAccuracy: SeedStat;
    commBytesPerDevice: SeedStat;
    validationSamples: number;
    /** Overall accuracy on the validation split at the chosen T. */
    validationAccuracy: SeedStat;
  };
  faultTolerance: FaultToleranceResult[];
  communication: {
    rawViewBytes: number;
    scoreBytesPerDevice: number;
    featureBytesPerDevice: number;
    reductionVsRaw: SeedStat;
  };
}

export interface DeviceCountResult {
  numDevices: number;
  /** Accuracy of the device added last (device k-1) on its present views. */
  addedDevice: SeedStat;
  /** Mean accuracy of the k devices' own exits. */
  meanDevice: SeedStat;
  local: SeedStat;
  cloud: SeedStat;
  overall: SeedStat;
}

export interface MnistResult {
  deviceAccuracy: SeedStat[];
  local: SeedStat;
  cloud: SeedStat;
  overall: SeedStat;
  localExitRate: SeedStat;
  /** T chosen on the validation split. */
  threshold: SeedStat;
}
