/**
 * One training of the experiments: a model per (configuration, seed), trained by the engine's
 * one training protocol (runTrainingProtocol, as `ddnn train` and the worker): T chosen on a
 * validation split of the training set, the shipped model trained on the whole training set and
 * evaluated on the test set at that T. Runs inside a worker process (experiment-worker.ts); the
 * datasets are rebuilt there from the settings (they are deterministic) and cached per worker.
 */
import {
  DEFAULT_SWEEP,
  runTrainingProtocol,
  type DdnnConfig,
  type EvaluationReport,
} from '@ddnn/engine';
import {
  createBuiltinDataset,
  createMultiViewDataset,
  viewSize,
  type MultiViewDataset,
} from '@ddnn/datasets';
import type { ExperimentSettings } from './experiment-results';

export interface TrainingJob {
  /** Shown in the log, e.g. "scheme MP-CC seed 2". */
  label: string;
  dataset: 'synthetic-mvmc' | 'mnist-6';
  /** Use only the first `views` views of every sample (devices 0..views-1). */
  views: number;
  config: DdnnConfig;
  seed: number;
  epochs: number;
  faultTolerance: boolean;
}

export interface JobResult {
  report: EvaluationReport;
  /** What the validation split (phase 1) chose: T, and that split's size and accuracies. */
  validation: {
    threshold: number;
    samples: number;
    /** Phase 1's model on the validation split at T. */
    overallAccuracy: number;
    /** Epochs the shipped model trained (the last one is kept). */
    epoch: number;
    /** Phase 1's local + cloud accuracy on the validation split. */
    localPlusCloud: number;
  };
  seconds: number;
  /** The process that ran the job. */
  pid: number;
}

export interface Splits {
  /** The whole training set: the protocol holds its own validation split out of it. */
  train: MultiViewDataset;
  test: MultiViewDataset;
}

/** Train and test sets of a job; a pure function of (settings, dataset, views). */
export function jobSplits(
  settings: ExperimentSettings,
  dataset: TrainingJob['dataset'],
  views: number,
): Splits {
  const { train, test } =
    dataset === 'mnist-6'
      ? createBuiltinDataset('mnist-6', {
          seed: settings.datasetSeed,
          trainSize: settings.mnist.trainSize,
          testSize: settings.mnist.testSize,
        })
      : createBuiltinDataset('synthetic-mvmc', {
          seed: settings.datasetSeed,
          trainSize: settings.trainSize,
          testSize: settings.testSize,
        });
  if (views === train.numViews) return { train, test };
  return { train: firstViews(train, views), test: firstViews(test, views) };
}

export async function runTrainingJob(
  job: TrainingJob,
  settings: ExperimentSettings,
  data: Splits,
): Promise<JobResult> {
  const started = Date.now();
  const result = await runTrainingProtocol({
    config: job.config,
    train: data.train,
    test: data.test,
    classNames: data.train.classNames,
    validationFraction: settings.validationFraction,
    hyperparameters: {
      epochs: job.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      seed: job.seed,
    },
    evaluation: { sweep: DEFAULT_SWEEP, skipFaultTolerance: !job.faultTolerance },
  });
  if (result.cancelled) throw new Error(`${job.label}: training was cancelled`);
  result.model.dispose();
  const { selection } = result;
  const onValidation = selection.validationAccuracy ?? { local: 0, cloud: 0 };
  return {
    report: result.report!,
    validation: {
      threshold: selection.threshold,
      samples: selection.validationSamples,
      overallAccuracy: onValidation.cloud + selection.evidence.accuracyVsCloud.estimate,
      epoch: job.epochs,
      localPlusCloud: onValidation.local + onValidation.cloud,
    },
    seconds: (Date.now() - started) / 1000,
    pid: process.pid,
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
