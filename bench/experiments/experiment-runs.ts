/**
 * The experiments themselves: train a model per (configuration, seed) with the engine, evaluate it
 * on the test set and reduce the per-seed numbers to mean and std. No report formatting here.
 */
import {
  createModel,
  DEFAULT_SWEEP,
  evaluateModel,
  PAPER_MVMC_CONFIG,
  trainModel,
  type AggregationScheme,
  type DdnnConfig,
  type EvaluationReport,
} from '../../libs/ddnn/src/index';
import {
  createBuiltinDataset,
  createMultiViewDataset,
  viewSize,
  type MultiViewDataset,
} from '../../libs/datasets/src/index';
import type {
  DeviceCountResult,
  ExperimentSettings,
  FaultToleranceResult,
  MnistResult,
  PaperModelResult,
  SchemeResult,
} from './experiment-results';
import { SCHEME_NAMES } from './paper-reference';
import { seedStat, type SeedStat } from './statistics';

export type Log = (message: string) => void;

interface Splits {
  train: MultiViewDataset;
  test: MultiViewDataset;
}

/** Trains one model and evaluates it; the model is always disposed. */
async function trainAndEvaluate(
  config: DdnnConfig,
  data: Splits,
  seed: number,
  epochs: number,
  settings: ExperimentSettings,
  evaluate: { faultTolerance: boolean },
): Promise<EvaluationReport> {
  const model = createModel(config, seed);
  try {
    await trainModel(model, data.train, {
      epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      seed,
    });
    return evaluateModel(model, data.test, {
      sweep: DEFAULT_SWEEP,
      skipFaultTolerance: !evaluate.faultTolerance,
    });
  } finally {
    model.dispose();
  }
}

function stat<T>(reports: readonly T[], pick: (r: T) => number): SeedStat {
  return seedStat(reports.map(pick));
}

export function schemeConfig(scheme: string, numDevices = 6): DdnnConfig {
  const [local, cloud] = scheme.split('-') as [AggregationScheme, AggregationScheme];
  return {
    ...PAPER_MVMC_CONFIG,
    numDevices,
    localAggregator: local,
    cloudAggregator: cloud,
  };
}

/** The first k views of every sample; each sample keeps its global label. */
export function firstViews(ds: MultiViewDataset, k: number): MultiViewDataset {
  const v = ds.numViews;
  const size = viewSize(ds);
  const pixels =
    ds.pixels instanceof Uint8Array
      ? new Uint8Array(ds.numSamples * k * size)
      : new Float32Array(ds.numSamples * k * size);
  const viewLabels = new Int32Array(ds.numSamples * k);
  for (let i = 0; i < ds.numSamples; i++) {
    pixels.set(ds.pixels.subarray(i * v * size, (i * v + k) * size), i * k * size);
    viewLabels.set(ds.viewLabels.subarray(i * v, i * v + k), i * k);
  }
  return createMultiViewDataset({
    name: `${ds.name}-first-${k}`,
    classNames: ds.classNames,
    viewNames: ds.viewNames.slice(0, k),
    viewShape: ds.viewShape,
    pixels,
    viewLabels,
    labels: ds.labels,
  });
}

export function syntheticMvmc(settings: ExperimentSettings): Splits {
  return createBuiltinDataset('synthetic-mvmc', {
    seed: settings.datasetSeed,
    trainSize: settings.trainSize,
    testSize: settings.testSize,
  });
}

/** (1) The nine aggregation schemes; the MP-CC reports are returned for the other tables. */
export async function runSchemes(
  data: Splits,
  settings: ExperimentSettings,
  log: Log,
): Promise<{ schemes: SchemeResult[]; paperReports: EvaluationReport[] }> {
  const schemes: SchemeResult[] = [];
  let paperReports: EvaluationReport[] = [];
  for (const scheme of SCHEME_NAMES) {
    const reports: EvaluationReport[] = [];
    for (const seed of settings.seeds) {
      const started = Date.now();
      const isPaper = scheme === 'MP-CC';
      const report = await trainAndEvaluate(
        schemeConfig(scheme),
        data,
        seed,
        settings.epochs,
        settings,
        { faultTolerance: isPaper },
      );
      reports.push(report);
      log(
        `scheme ${scheme} seed ${seed}: local ${pct(report.exitAccuracy.local)} cloud ${pct(report.exitAccuracy.cloud)} (${secs(started)})`,
      );
    }
    if (scheme === 'MP-CC') paperReports = reports;
    schemes.push({
      scheme,
      local: stat(reports, (r) => r.exitAccuracy.local),
      cloud: stat(reports, (r) => r.exitAccuracy.cloud),
    });
  }
  return { schemes, paperReports };
}

/** (2), (4), (5): sweep, fault tolerance and communication of the paper's MP-CC model. */
export function summarisePaperModel(reports: readonly EvaluationReport[]): PaperModelResult {
  const first = reports[0];
  const numDevices = first.deviceAccuracy.length;
  const faultTolerance: FaultToleranceResult[] = [
    {
      missingDevice: null,
      local: stat(reports, (r) => r.exitAccuracy.local),
      cloud: stat(reports, (r) => r.exitAccuracy.cloud),
      overall: stat(reports, (r) => r.operatingPoint.overallAccuracy),
    },
    ...first.faultTolerance.map((_, d) => ({
      missingDevice: d,
      local: stat(reports, (r) => r.faultTolerance[d].local),
      cloud: stat(reports, (r) => r.faultTolerance[d].cloud),
      overall: stat(reports, (r) => r.faultTolerance[d].overall),
    })),
  ];
  return {
    deviceAccuracy: Array.from({ length: numDevices }, (_, d) =>
      stat(reports, (r) => r.deviceAccuracy[d]),
    ),
    local: stat(reports, (r) => r.exitAccuracy.local),
    cloud: stat(reports, (r) => r.exitAccuracy.cloud),
    sweep: first.sweep.map((point, i) => ({
      threshold: point.threshold,
      localExitRate: stat(reports, (r) => r.sweep[i].localExitRate),
      overallAccuracy: stat(reports, (r) => r.sweep[i].overallAccuracy),
      commBytesPerDevice: stat(reports, (r) => r.sweep[i].commBytesPerDevice),
    })),
    operatingPoint: {
      threshold: stat(reports, (r) => r.operatingPoint.threshold),
      localExitRate: stat(reports, (r) => r.operatingPoint.localExitRate),
      overallAccuracy: stat(reports, (r) => r.operatingPoint.overallAccuracy),
      commBytesPerDevice: stat(reports, (r) => r.operatingPoint.commBytesPerDevice),
    },
    faultTolerance,
    communication: {
      rawViewBytes: first.communication.rawViewBytes,
      scoreBytesPerDevice: first.communication.scoreBytesPerDevice,
      featureBytesPerDevice: first.communication.featureBytesPerDevice,
      reductionVsRaw: stat(reports, (r) => r.communication.reductionVsRaw),
    },
  };
}

/** (3) Accuracy against the number of devices; k = 6 is the MP-CC run of the scheme table. */
export async function runDeviceCounts(
  data: Splits,
  sixDeviceReports: readonly EvaluationReport[],
  settings: ExperimentSettings,
  log: Log,
): Promise<DeviceCountResult[]> {
  const rows: DeviceCountResult[] = [];
  for (let k = 1; k <= data.train.numViews; k++) {
    let reports: EvaluationReport[];
    if (k === data.train.numViews) {
      reports = [...sixDeviceReports];
    } else {
      const subset = { train: firstViews(data.train, k), test: firstViews(data.test, k) };
      reports = [];
      for (const seed of settings.seeds) {
        const started = Date.now();
        const report = await trainAndEvaluate(
          schemeConfig('MP-CC', k),
          subset,
          seed,
          settings.epochs,
          settings,
          { faultTolerance: false },
        );
        reports.push(report);
        log(
          `${k} devices seed ${seed}: local ${pct(report.exitAccuracy.local)} cloud ${pct(report.exitAccuracy.cloud)} (${secs(started)})`,
        );
      }
    }
    rows.push({
      numDevices: k,
      addedDevice: stat(reports, (r) => r.deviceAccuracy[k - 1]),
      meanDevice: stat(reports, (r) => mean(r.deviceAccuracy)),
      local: stat(reports, (r) => r.exitAccuracy.local),
      cloud: stat(reports, (r) => r.exitAccuracy.cloud),
      overall: stat(reports, (r) => r.operatingPoint.overallAccuracy),
    });
  }
  return rows;
}

/** The paper model's shape on MNIST tiles: 10x14x1 views, 10 classes, MP-CC. */
export async function runMnist(settings: ExperimentSettings, log: Log): Promise<MnistResult> {
  const { mnist } = settings;
  const data = createBuiltinDataset('mnist-6', {
    seed: settings.datasetSeed,
    trainSize: mnist.trainSize,
    testSize: mnist.testSize,
  });
  const config: DdnnConfig = {
    ...PAPER_MVMC_CONFIG,
    inputShape: [...data.train.viewShape],
    numClasses: data.train.classNames.length,
  };
  const reports: EvaluationReport[] = [];
  for (const seed of mnist.seeds) {
    const started = Date.now();
    const report = await trainAndEvaluate(config, data, seed, mnist.epochs, settings, {
      faultTolerance: false,
    });
    reports.push(report);
    log(
      `mnist-6 seed ${seed}: local ${pct(report.exitAccuracy.local)} cloud ${pct(report.exitAccuracy.cloud)} (${secs(started)})`,
    );
  }
  return {
    deviceAccuracy: reports[0].deviceAccuracy.map((_, d) =>
      stat(reports, (r) => r.deviceAccuracy[d]),
    ),
    local: stat(reports, (r) => r.exitAccuracy.local),
    cloud: stat(reports, (r) => r.exitAccuracy.cloud),
    overall: stat(reports, (r) => r.operatingPoint.overallAccuracy),
    localExitRate: stat(reports, (r) => r.operatingPoint.localExitRate),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function secs(startedMs: number): string {
  return `${((Date.now() - startedMs) / 1000).toFixed(1)} s`;
}
