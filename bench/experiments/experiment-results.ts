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
  mnist: MnistResult;
}

export interface ExperimentSettings {
  /** Training seeds (model initialisation and batch order); results are averaged over them. */
  seeds: number[];
  datasetSeed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  trainSize: number;
  testSize: number;
  mnist: { seeds: number[]; epochs: number; trainSize: number; testSize: number };
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
  /** Per seed: the threshold with the best overall accuracy (then the most local exits). */
  operatingPoint: {
    threshold: SeedStat;
    localExitRate: SeedStat;
    overallAccuracy: SeedStat;
    commBytesPerDevice: SeedStat;
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
}
