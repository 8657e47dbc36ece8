import {
  type EvaluationReport,
  type MultiViewData,
  parseDdnnConfig,
  type ThresholdEvidence,
} from '@ddnn/model-spec';
import { selectData, stratifiedHoldout } from '../data/holdout-split';
import { evaluateModel } from '../evaluation/evaluate-model';
import {
  DEFAULT_MAX_ACCURACY_LOSS,
  safeThreshold,
  thresholdEvidence,
} from '../evaluation/safe-threshold';
import { calibrateForLocalExitRate, exitOutcomes } from '../evaluation/threshold-analysis';
import { predictExits, prepare } from '../inference/exit-probabilities';
import { DdnnModel } from '../model/ddnn-model';
import { cutPartitions, type CutPartition } from '../partition/cut-partitions';
import { decodeProtocolCheckpoint, encodeProtocolCheckpoint } from './protocol-checkpoint';
import { trainModel } from './train-model';
import {
  type EpochProgress,
  type TrainingHyperparameters,
  trainingHyperparametersSchema,
} from './training-options';
import type { z } from 'zod';

/** Share of the training set held out in phase 1 to choose T. */
export const DEFAULT_VALIDATION_FRACTION = 0.15;
/**
 * The one small-split policy: a validation split is held out only when it gets at least this
 * many samples and leaves at least 2 to train on. Otherwise nothing is held out, and with no data
 * to choose T on, the version ships T = 0: every sample goes to the cloud (never worse than it).
 */
export const MIN_VALIDATION_SAMPLES = 10;

/** What phase 1 chose, recorded with the version (and in protocol checkpoints). */
export interface ProtocolSelection {
  fitSamples: number;
  validationSamples: number;
  /** The local exit threshold shipped in the partitions. */
  threshold: number;
  chosenBy: string;
  evidence: ThresholdEvidence;
  /** Phase 1's model (trained on the fit split) on the validation split; null without one. */
  validationAccuracy: { local: number; cloud: number } | null;
  /** Phase 1's model on the test set, at the same T (only when asked: protocol comparisons). */
  phaseOneTest: { local: number; cloud: number; overall: number; localExitRate: number } | null;
  /** Phase 1's per-epoch history (its epochs are numbered 1..epochs). */
  selectHistory: ProtocolProgress[];
}

export interface ProtocolProgress extends EpochProgress {
  /** 'select': phase 1 on the fit split; 'refit': the shipped model on the whole training set. */
  phase: 'select' | 'refit';
}

export interface TrainingProtocolOptions {
  /** A DDNN config (validated here). */
  config: unknown;
  train: MultiViewData;
  /** Only reported on, never used to choose anything. */
  test?: MultiViewData | null;
  classNames: readonly string[];
  hyperparameters: z.input<typeof trainingHyperparametersSchema>;
  /** Data-parallel threads per training step (trainModel's `threads`); default 1. */
  threads?: number;
  /** Default DEFAULT_VALIDATION_FRACTION; 0 holds nothing out (T = 0, see MIN_VALIDATION_SAMPLES). */
  validationFraction?: number;
  /**
   * false (default): phase 1's model ships, with the T chosen on its own validation outputs.
   * true: phase 2 trains the shipped model on the whole training set and ships it with phase 1's
   * T. On the parity suite (docs/results/parity.md) refit was the less accurate and the less safe
   * of the two: binary networks end training at quite different points from run to run, and a T
   * transferred to another model loses its guarantee (one run shipped 4.3 points below its
   * cloud exit); so the default ships the model T was chosen on.
   */
  refit?: boolean;
  /** Choose T for this local-exit rate on the validation split instead of the safe T. */
  targetLocalExitRate?: number;
  /** Accuracy the safe T may cost against the cloud at the 95 % lower bound (default 0.005). */
  maxAccuracyLoss?: number;
  evaluation?: { sweep?: number[]; skipFaultTolerance?: boolean };
  /** Evaluate phase 1's model on the test set too (protocol comparisons; costs one pass). */
  evaluatePhaseOneOnTest?: boolean;
  /** Epochs are numbered across both phases: 1..E select, E+1..2E refit (with `refit`). */
  onEpoch?: (progress: ProtocolProgress) => void | Promise<void>;
  /** A checkpoint after every epoch (global number) from which the protocol resumes exactly. */
  onCheckpoint?: (checkpoint: Uint8Array, epoch: number) => void | Promise<void>;
  resumeFrom?: Uint8Array | null;
  signal?: AbortSignal;
}

export type TrainingProtocolResult =
  | {
      cancelled: false;
      /** The shipped model (trained on the whole training set): the caller disposes it. */
      model: DdnnModel;
      /** On the test set at the shipped T; null without a test set. */
      report: EvaluationReport | null;
      partitions: CutPartition[];
      selection: ProtocolSelection;
      /** The shipped model's epochs (numbered after phase 1's). */
      history: ProtocolProgress[];
      hyperparameters: TrainingHyperparameters;
      elapsedMs: number;
    }
  | { cancelled: true; epoch: number; history: ProtocolProgress[] };

/**
 * The training protocol, one for the CLI, the worker and the experiments:
 *  1. select: hold out a stratified validation split of the training set, train a model on the
 *     rest for all epochs (the last epoch is kept: choosing an epoch on a small split was
 *     noise), and choose T on the validation split: the safe T (never worse than the cloud beyond
 *     noise, see safeThreshold) or a target local-exit rate;
 *  2. with `refit` only: train the shipped model on the WHOLE training set for the same epochs
 *     and ship it with that T (see `refit` for why this is not the default);
 *  3. evaluate the shipped model on the test set at that T, and cut the partitions.
 * Nothing is chosen on the test set. Deterministic for a seed; checkpoints resume exactly, in
 * either phase.
 */
export async function runTrainingProtocol(
  options: TrainingProtocolOptions,
): Promise<TrainingProtocolResult> {
  const started = Date.now();
  const config = parseDdnnConfig(options.config);
  const hp = trainingHyperparametersSchema.parse(options.hyperparameters);
  const { train } = options;
  if (
    train.numViews !== config.numDevices ||
    train.viewShape.join('x') !== config.inputShape.join('x')
  ) {
    throw new Error(
      `the dataset has ${train.numViews} views of ${train.viewShape.join('x')}; the model expects ` +
        `${config.numDevices} views of ${config.inputShape.join('x')}`,
    );
  }
  const split = planValidationSplit(
    train,
    options.validationFraction ?? DEFAULT_VALIDATION_FRACTION,
    hp.seed,
  );
  const resumed = options.resumeFrom ? decodeProtocolCheckpoint(options.resumeFrom) : null;
  const E = hp.epochs;
  const refit = options.refit ?? false;
  const selectEpochs = split.validation ? E : 0;
  const totalEpochs = selectEpochs + (refit || !split.validation ? E : 0);
  if (resumed && resumed.selectEpochs !== selectEpochs) {
    throw new Error(
      `the checkpoint was made with ${resumed.selectEpochs} selection epochs, this run has ${selectEpochs}: the parameters or the data changed`,
    );
  }
  let selection: ProtocolSelection | null = resumed?.selection ?? null;

  if (!selection && split.validation) {
    const model = DdnnModel.create(config, hp.seed);
    let shipped = false;
    try {
      const summary = await trainModel(model, split.fit, {
        ...hp,
        threads: options.threads,
        signal: options.signal,
        resumeFrom: resumed?.phase === 'select' ? resumed.inner : undefined,
        onCheckpoint: options.onCheckpoint
          ? (inner, epoch) =>
              options.onCheckpoint!(
                encodeProtocolCheckpoint({ phase: 'select', selectEpochs, selection: null, inner }),
                epoch,
              )
          : undefined,
        onEpoch: async (p) => {
          await options.onEpoch?.({ ...p, epochs: totalEpochs, phase: 'select' });
        },
      });
      const selectHistory = summary.history.map((p) => ({
        ...p,
        epochs: totalEpochs,
        phase: 'select' as const,
      }));
      if (summary.cancelled)
        return {
          cancelled: true,
          epoch: summary.epochsRun,
          history: selectHistory,
        };
      selection = chooseOnValidation(model, split, options, selectHistory);
      if (!refit) {
        const result = ship(model, selection, selectHistory, options, hp, started);
        shipped = true;
        return result;
      }
    } finally {
      if (!shipped) model.dispose();
    }
  }
  if (!selection) selection = noValidationSelection(split);

  const model = DdnnModel.create(config, hp.seed);
  try {
    const fixedSelection = selection;
    const summary = await trainModel(model, train, {
      ...hp,
      threads: options.threads,
      signal: options.signal,
      resumeFrom: resumed?.phase === 'refit' ? resumed.inner : undefined,
      onCheckpoint: options.onCheckpoint
        ? (inner, epoch) =>
            options.onCheckpoint!(
              encodeProtocolCheckpoint({
                phase: 'refit',
                selectEpochs,
                selection: fixedSelection,
                inner,
              }),
              selectEpochs + epoch,
            )
        : undefined,
      onEpoch: async (p) => {
        await options.onEpoch?.(refitProgress(p, selectEpochs, totalEpochs));
      },
    });
    const history = summary.history.map((p) => refitProgress(p, selectEpochs, totalEpochs));
    if (summary.cancelled) {
      model.dispose();
      return { cancelled: true, epoch: selectEpochs + summary.epochsRun, history };
    }
    return ship(model, selection, history, options, hp, started);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Evaluates the shipped model at the chosen T and cuts its partitions. */
function ship(
  model: DdnnModel,
  selection: ProtocolSelection,
  history: ProtocolProgress[],
  options: TrainingProtocolOptions,
  hp: TrainingHyperparameters,
  started: number,
): TrainingProtocolResult {
  const report = options.test
    ? evaluateModel(model, options.test, {
        threshold: selection.threshold,
        thresholdChosenBy: selection.chosenBy,
        sweep: options.evaluation?.sweep,
        skipFaultTolerance: options.evaluation?.skipFaultTolerance,
      })
    : null;
  if (report) report.operatingPoint.expected = selection.evidence;
  const partitions = cutPartitions(model, {
    classNames: [...options.classNames],
    thresholds: { local: selection.threshold },
  });
  return {
    cancelled: false,
    model,
    report,
    partitions,
    selection,
    history,
    hyperparameters: hp,
    elapsedMs: Date.now() - started,
  };
}

function refitProgress(p: EpochProgress, offset: number, total: number): ProtocolProgress {
  return { ...p, epoch: offset + p.epoch, epochs: total, phase: 'refit' };
}

interface ValidationSplit {
  fit: MultiViewData;
  validation: MultiViewData | null;
  /** Why nothing was held out (null when a split was). */
  reason: string | null;
}

/** The one small-split policy (MIN_VALIDATION_SAMPLES). */
export function planValidationSplit(
  train: MultiViewData,
  fraction: number,
  seed: number,
): ValidationSplit {
  if (!(fraction >= 0 && fraction <= 0.5)) {
    throw new Error(`validationFraction must be between 0 and 0.5, got ${fraction}`);
  }
  if (fraction === 0) return { fit: train, validation: null, reason: 'validation fraction 0' };
  const { kept, heldOut } = stratifiedHoldout(train.labels, fraction, seed);
  if (heldOut.length < MIN_VALIDATION_SAMPLES || kept.length < 2) {
    return {
      fit: train,
      validation: null,
      reason:
        `${fraction} of ${train.numSamples} training samples is ${heldOut.length} ` +
        `(fewer than ${MIN_VALIDATION_SAMPLES} to choose T on)`,
    };
  }
  return { fit: selectData(train, kept), validation: selectData(train, heldOut), reason: null };
}

function noValidationSelection(split: ValidationSplit): ProtocolSelection {
  return {
    fitSamples: split.fit.numSamples,
    validationSamples: 0,
    threshold: 0,
    chosenBy: `no validation split (${split.reason}): T = 0, every sample goes to the cloud`,
    evidence: {
      samples: 0,
      localExitRate: { estimate: 0, low: 0, high: 0 },
      accuracyVsCloud: { estimate: 0, lowerBound: 0 },
    },
    validationAccuracy: null,
    phaseOneTest: null,
    selectHistory: [],
  };
}

function chooseOnValidation(
  model: DdnnModel,
  split: ValidationSplit,
  options: TrainingProtocolOptions,
  selectHistory: ProtocolProgress[],
): ProtocolSelection {
  const validation = prepare(model, split.validation!);
  const outcomes = exitOutcomes(predictExits(model, validation), validation.labels);
  const n = validation.numSamples;
  const where = `on phase 1's validation split (${n} samples)`;
  let threshold: number;
  let chosenBy: string;
  let evidence: ThresholdEvidence;
  if (options.targetLocalExitRate !== undefined) {
    const point = calibrateForLocalExitRate(model.config, outcomes, options.targetLocalExitRate);
    threshold = point.threshold;
    chosenBy = `local-exit rate >= ${options.targetLocalExitRate} ${where}`;
    evidence = thresholdEvidence(model.config, outcomes, point);
  } else {
    const maxLoss = options.maxAccuracyLoss ?? DEFAULT_MAX_ACCURACY_LOSS;
    const safe = safeThreshold(model.config, outcomes, maxLoss);
    threshold = safe.point.threshold;
    chosenBy =
      `most local exits while the 95 % lower bound of (accuracy - cloud accuracy) >= ` +
      `-${maxLoss} ${where}`;
    evidence = safe.evidence;
  }
  const mean = (a: Uint8Array) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
  let phaseOneTest: ProtocolSelection['phaseOneTest'] = null;
  if (options.evaluatePhaseOneOnTest && options.test) {
    const r = evaluateModel(model, options.test, {
      threshold,
      skipFaultTolerance: true,
      sweep: [],
    });
    phaseOneTest = {
      local: r.exitAccuracy.local,
      cloud: r.exitAccuracy.cloud,
      overall: r.operatingPoint.overallAccuracy,
      localExitRate: r.operatingPoint.localExitRate,
    };
  }
  return {
    fitSamples: split.fit.numSamples,
    validationSamples: n,
    threshold,
    chosenBy,
    evidence,
    validationAccuracy: { local: mean(outcomes.localCorrect), cloud: mean(outcomes.cloudCorrect) },
    phaseOneTest,
    selectHistory,
  };
}
