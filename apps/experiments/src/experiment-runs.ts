/**
 * The experiments themselves: plan one training job per (configuration, seed), run them in
 * parallel worker processes (worker-pool.ts) and reduce the per-seed numbers to mean and std.
 * No report formatting here.
 *
 * - paper model: MP-CC, 6 devices, `paperEpochs` (the paper's 100) - tables 2, 4, 5 and targets;
 * - scheme comparison: the 9 schemes at `epochs`, all on the same footing (MP-CC retrained);
 * - device counts 1..6 at `epochs` (k = 6 is the MP-CC run of the scheme comparison);
 * - mnist-6: the paper model's shape on MNIST tiles at `mnist.epochs`, and a float variant (float
 *   devices with `mnist.floatDeviceFilters` filters and a float cloud, closer to the authors' later
 *   PyTorch MNIST release) at `mnist.floatEpochs`.
 */
import {
  PAPER_MVMC_CONFIG,
  type AggregationScheme,
  type DdnnConfig,
  type EvaluationReport,
} from '@ddnn/engine';
import { MNIST6_TILE_SHAPE } from '@ddnn/datasets';
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
import type { JobResult, TrainingJob } from './training-job';
import { runJobs } from './worker-pool';

export type Log = (message: string) => void;

const SYNTHETIC_VIEWS = 6;
const MNIST_CLASSES = 10;
const MNIST_VIEWS = 6;

export function schemeConfig(scheme: string, numDevices = SYNTHETIC_VIEWS): DdnnConfig {
  const [local, cloud] = scheme.split('-') as [AggregationScheme, AggregationScheme];
  return {
    ...PAPER_MVMC_CONFIG,
    numDevices,
    localAggregator: local,
    cloudAggregator: cloud,
  };
}

export interface ExperimentOutcome {
  schemes: SchemeResult[];
  paperModel: PaperModelResult;
  devices: DeviceCountResult[];
  mnist: MnistResult;
  mnistFloat: MnistResult;
}

type Group = 'paper' | `scheme ${string}` | `devices ${number}` | 'mnist' | 'mnist float';

/**
 * The paper model's shape on 10x14x1 MNIST tiles, or (`deviceFilters` given) the float variant:
 * float devices with that many filters and a float cloud.
 */
export function mnistConfig(deviceFilters?: number): DdnnConfig {
  const binary = deviceFilters === undefined;
  return {
    ...PAPER_MVMC_CONFIG,
    inputShape: [...MNIST6_TILE_SHAPE],
    numClasses: MNIST_CLASSES,
    device: {
      ...PAPER_MVMC_CONFIG.device,
      binary,
      filters: deviceFilters ?? PAPER_MVMC_CONFIG.device.filters,
    },
    cloud: { ...PAPER_MVMC_CONFIG.cloud, binary },
  };
}

/** Every training of a run, tagged with the table it feeds. */
export function planJobs(settings: ExperimentSettings): { group: Group; job: TrainingJob }[] {
  const plan: { group: Group; job: TrainingJob }[] = [];
  const synthetic = (label: string, config: DdnnConfig, seed: number, epochs: number) => ({
    label: `${label} seed ${seed}`,
    dataset: 'synthetic-mvmc' as const,
    views: config.numDevices,
    config,
    seed,
    epochs,
    faultTolerance: false,
  });
  for (const seed of settings.seeds) {
    plan.push({
      group: 'paper',
      job: {
        ...synthetic(
          `paper model (MP-CC, ${settings.paperEpochs} epochs)`,
          schemeConfig('MP-CC'),
          seed,
          settings.paperEpochs,
        ),
        faultTolerance: true,
      },
    });
    for (const scheme of SCHEME_NAMES) {
      plan.push({
        group: `scheme ${scheme}`,
        job: synthetic(`scheme ${scheme}`, schemeConfig(scheme), seed, settings.epochs),
      });
    }
    for (let k = 1; k < SYNTHETIC_VIEWS; k++) {
      plan.push({
        group: `devices ${k}`,
        job: synthetic(`${k} devices`, schemeConfig('MP-CC', k), seed, settings.epochs),
      });
    }
  }
  for (const seed of settings.mnist.seeds) {
    for (const binary of [true, false]) {
      plan.push({
        group: binary ? 'mnist' : 'mnist float',
        job: {
          label: `mnist-6 ${binary ? 'binary' : 'float'} seed ${seed}`,
          dataset: 'mnist-6',
          views: MNIST_VIEWS,
          config: mnistConfig(binary ? undefined : settings.mnist.floatDeviceFilters),
          seed,
          epochs: binary ? settings.mnist.epochs : settings.mnist.floatEpochs,
          faultTolerance: false,
        },
      });
    }
  }
  return plan;
}

export async function runExperiments(
  settings: ExperimentSettings,
  log: Log,
): Promise<ExperimentOutcome> {
  const plan = planJobs(settings);
  log(`${plan.length} trainings on ${settings.workers} worker processes`);
  let done = 0;
  const results = await runJobs(
    plan.map((p) => p.job),
    settings,
    settings.workers,
    (job, r) => {
      done++;
      log(
        `[${done}/${plan.length}] ${job.label}: local ${pct(r.report.exitAccuracy.local)} cloud ` +
          `${pct(r.report.exitAccuracy.cloud)}, T ${r.validation.threshold.toFixed(3)} (validation) -> ` +
          `overall ${pct(r.report.operatingPoint.overallAccuracy)} (${r.seconds.toFixed(0)} s)`,
      );
    },
  );
  const of = (group: Group): JobResult[] =>
    plan.flatMap((p, i) => (p.group === group ? [results[i]] : []));
  const reports = (group: Group): EvaluationReport[] => of(group).map((r) => r.report);

  const schemes: SchemeResult[] = SCHEME_NAMES.map((scheme) => {
    const rs = reports(`scheme ${scheme}`);
    return {
      scheme,
      local: stat(rs, (r) => r.exitAccuracy.local),
      cloud: stat(rs, (r) => r.exitAccuracy.cloud),
    };
  });
  const devices = Array.from({ length: SYNTHETIC_VIEWS }, (_, i) => {
    const k = i + 1;
    return deviceCountRow(k, reports(k === SYNTHETIC_VIEWS ? 'scheme MP-CC' : `devices ${k}`));
  });
  return {
    schemes,
    paperModel: summarisePaperModel(of('paper')),
    devices,
    mnist: summariseMnist(of('mnist')),
    mnistFloat: summariseMnist(of('mnist float')),
  };
}

function deviceCountRow(k: number, reports: readonly EvaluationReport[]): DeviceCountResult {
  return {
    numDevices: k,
    addedDevice: stat(reports, (r) => r.deviceAccuracy[k - 1]),
    meanDevice: stat(reports, (r) => mean(r.deviceAccuracy)),
    local: stat(reports, (r) => r.exitAccuracy.local),
    cloud: stat(reports, (r) => r.exitAccuracy.cloud),
    overall: stat(reports, (r) => r.operatingPoint.overallAccuracy),
  };
}

/** (2), (4), (5): sweep, fault tolerance and communication of the paper's MP-CC model. */
export function summarisePaperModel(results: readonly JobResult[]): PaperModelResult {
  const reports = results.map((r) => r.report);
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
      validationSamples: results[0].validation.samples,
      validationAccuracy: stat(results, (r) => r.validation.overallAccuracy),
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

function summariseMnist(results: readonly JobResult[]): MnistResult {
  const reports = results.map((r) => r.report);
  return {
    deviceAccuracy: reports[0].deviceAccuracy.map((_, d) =>
      stat(reports, (r) => r.deviceAccuracy[d]),
    ),
    local: stat(reports, (r) => r.exitAccuracy.local),
    cloud: stat(reports, (r) => r.exitAccuracy.cloud),
    overall: stat(reports, (r) => r.operatingPoint.overallAccuracy),
    localExitRate: stat(reports, (r) => r.operatingPoint.localExitRate),
    threshold: stat(reports, (r) => r.operatingPoint.threshold),
  };
}

function stat<T>(items: readonly T[], pick: (r: T) => number): SeedStat {
  return seedStat(items.map(pick));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
