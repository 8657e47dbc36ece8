/**
 * One training of the experiments: a model per (configuration, seed), trained on the training set
 * minus a validation split. The validation split chooses the epoch whose weights are kept (the
 * best local + cloud accuracy there, the later epoch on ties: binary networks sometimes lose
 * their cloud exit late in training) and the exit threshold T; the kept model is then evaluated
 * on the test set at that T. Runs inside a worker process (experiment-worker.ts); the datasets are
 * rebuilt there from the settings (they are deterministic) and cached per worker.
 */
import {
  bestAccuracyThreshold,
  createModel,
  DEFAULT_SWEEP,
  evaluateModel,
  exitOutcomes,
  predictExits,
  prepare,
  trainModel,
  type DdnnConfig,
  type EvaluationReport,
} from '../../libs/ddnn/src/index';
import {
  createBuiltinDataset,
  createMultiViewDataset,
  splitDataset,
  viewSize,
  type MultiViewDataset,
} from '../../libs/datasets/src/index';
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
  /** What the validation split chose: the kept epoch and T, and that split's size. */
  validation: {
    threshold: number;
    samples: number;
    overallAccuracy: number;
    /** The epoch whose weights were kept (1-based). */
    epoch: number;
    /** Local + cloud accuracy on the validation split at that epoch. */
    localPlusCloud: number;
  };
  seconds: number;
  /** The process that ran the job. */
  pid: number;
}

export interface Splits {
  /** What the model is trained on: the training set minus the validation split. */
  fit: MultiViewDataset;
  validation: MultiViewDataset;
  test: MultiViewDataset;
}

/** Train, validation and test sets of a job; a pure function of (settings, dataset, views). */
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
  // Stratified and seeded, carved from the training set only: the test set never picks T.
  const { train: fit, test: validation } = splitDataset(train, {
    testFraction: settings.validationFraction,
    seed: settings.datasetSeed,
  });
  if (views === train.numViews) return { fit, validation, test };
  return {
    fit: firstViews(fit, views),
    validation: firstViews(validation, views),
    test: firstViews(test, views),
  };
}

export async function runTrainingJob(
  job: TrainingJob,
  settings: ExperimentSettings,
  data: Splits,
): Promise<JobResult> {
  const started = Date.now();
  const model = createModel(job.config, job.seed);
  try {
    const validation = prepare(model, data.validation);
    const summary = await trainModel(model, data.fit, {
      epochs: job.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      seed: job.seed,
      keepBest: { validation },
    });
    const chosen = summary.keptEpoch;
    if (!chosen) throw new Error(`${job.label}: training kept no epoch`);
    const onValidation = bestAccuracyThreshold(
      model.config,
      exitOutcomes(predictExits(model, validation), validation.labels),
    );
    const report = evaluateModel(model, data.test, {
      sweep: DEFAULT_SWEEP,
      threshold: onValidation.threshold,
      skipFaultTolerance: !job.faultTolerance,
    });
    return {
      report,
      validation: {
        threshold: onValidation.threshold,
        samples: data.validation.numSamples,
        overallAccuracy: onValidation.overallAccuracy,
        epoch: chosen.epoch,
        localPlusCloud: chosen.score,
      },
      seconds: (Date.now() - started) / 1000,
      pid: process.pid,
    };
  } finally {
    model.dispose();
  }
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
