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
  deserializeModel,
  evaluateModel,
  exitOutcomes,
  predictExits,
  prepare,
  serializeModel,
  trainModel,
  type DdnnConfig,
  type DdnnModel,
  type EvaluationReport,
  type PreparedData,
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
  const trained = createModel(job.config, job.seed);
  let kept: DdnnModel | null = null;
  try {
    const validation = prepare(trained, data.validation);
    let best: { epoch: number; score: number; weights: Uint8Array } | null = null;
    await trainModel(trained, data.fit, {
      epochs: job.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      seed: job.seed,
      onEpoch: ({ epoch }) => {
        const score = localPlusCloud(trained, validation);
        if (!best || score >= best.score) {
          best = { epoch, score, weights: serializeModel(trained) };
        }
      },
    });
    const chosen = best as { epoch: number; score: number; weights: Uint8Array } | null;
    if (!chosen) throw new Error(`${job.label}: training ran no epoch`);
    kept = deserializeModel(chosen.weights);
    const onValidation = bestAccuracyThreshold(
      kept.config,
      exitOutcomes(predictExits(kept, validation), validation.labels),
    );
    const report = evaluateModel(kept, data.test, {
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
    trained.dispose();
    kept?.dispose();
  }
}

/** Local plus cloud exit accuracy (0..2) of a model on prepared data. */
function localPlusCloud(model: DdnnModel, data: PreparedData): number {
  const outcomes = exitOutcomes(predictExits(model, data), data.labels);
  let correct = 0;
  for (let i = 0; i < data.numSamples; i++) {
    correct += outcomes.localCorrect[i] + outcomes.cloudCorrect[i];
  }
  return correct / data.numSamples;
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
