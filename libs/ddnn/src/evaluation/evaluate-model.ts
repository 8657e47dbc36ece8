import {
  argMaxRow,
  deviceFeatureBytes,
  type EvaluationReport,
  type FaultToleranceRow,
  type MultiViewData,
  type OperatingPoint,
  rawViewBytes,
} from '@ddnn/model-spec';
import type { DdnnModel } from '../model/ddnn-model';
import { predictExits, prepare } from '../inference/exit-probabilities';
import {
  bestAccuracyThreshold,
  calibrateForAccuracy,
  calibrateForLocalExitRate,
  DEFAULT_SWEEP,
  exitOutcomes,
  operatingPoint,
  thresholdSweep,
} from './threshold-analysis';

export interface EvaluateOptions {
  sweep?: number[];
  /** Choose T: a fixed value, a target local-exit rate, or a target accuracy (else best accuracy). */
  threshold?: number;
  /** How a fixed `threshold` was chosen, for the report (default "fixed"). */
  thresholdChosenBy?: string;
  targetLocalExitRate?: number;
  targetAccuracy?: number;
  /** Skip the fault-tolerance passes (V extra forward passes). */
  skipFaultTolerance?: boolean;
}

function accuracy(probs: Float32Array, labels: Int32Array, classes: number): number {
  let correct = 0;
  let counted = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    counted++;
    if (argMaxRow(probs, i, classes) === labels[i]) correct++;
  }
  return counted ? correct / counted : 0;
}

export function evaluateModel(
  model: DdnnModel,
  data: MultiViewData,
  options: EvaluateOptions = {},
): EvaluationReport {
  const config = model.config;
  const C = config.numClasses;
  const prepared = prepare(model, data);
  const exits = predictExits(model, prepared);
  const outcomes = exitOutcomes(exits, prepared.labels);

  let chosen: OperatingPoint;
  let chosenBy: string;
  if (options.threshold !== undefined) {
    chosen = operatingPoint(config, outcomes, options.threshold);
    chosenBy = options.thresholdChosenBy ?? 'fixed';
  } else if (options.targetLocalExitRate !== undefined) {
    chosen = calibrateForLocalExitRate(config, outcomes, options.targetLocalExitRate);
    chosenBy = `local-exit rate >= ${options.targetLocalExitRate}`;
  } else if (options.targetAccuracy !== undefined) {
    const point = calibrateForAccuracy(config, outcomes, options.targetAccuracy);
    chosen = point ?? bestAccuracyThreshold(config, outcomes);
    chosenBy = point
      ? `accuracy >= ${options.targetAccuracy}`
      : `best accuracy (target ${options.targetAccuracy} not reachable)`;
  } else {
    chosen = bestAccuracyThreshold(config, outcomes);
    chosenBy = 'best overall accuracy, then most local exits';
  }

  const faultTolerance: FaultToleranceRow[] = [];
  if (!options.skipFaultTolerance && config.numDevices > 1) {
    for (let d = 0; d < config.numDevices; d++) {
      const degraded = predictExits(model, prepared, { missingDevices: [d] });
      const point = operatingPoint(
        config,
        exitOutcomes(degraded, prepared.labels),
        chosen.threshold,
      );
      faultTolerance.push({
        missingDevice: d,
        local: accuracy(degraded.local, prepared.labels, C),
        edge: degraded.edge ? accuracy(degraded.edge, prepared.labels, C) : null,
        cloud: accuracy(degraded.cloud, prepared.labels, C),
        overall: point.overallAccuracy,
        localExitRate: point.localExitRate,
      });
    }
  }

  const featureBytes = deviceFeatureBytes(config);
  return {
    numSamples: prepared.numSamples,
    exitAccuracy: {
      local: accuracy(exits.local, prepared.labels, C),
      edge: exits.edge ? accuracy(exits.edge, prepared.labels, C) : null,
      cloud: accuracy(exits.cloud, prepared.labels, C),
    },
    deviceAccuracy: exits.devices.map((probs, v) =>
      accuracy(probs!, deviceLabelsOf(prepared.viewLabels, config.numDevices, v), C),
    ),
    sweep: thresholdSweep(config, outcomes, options.sweep ?? DEFAULT_SWEEP),
    operatingPoint: { ...chosen, chosenBy },
    faultTolerance,
    communication: {
      featureBytesPerDevice: featureBytes,
      scoreBytesPerDevice: 4 * C,
      rawViewBytes: rawViewBytes(config),
      reductionVsRaw: rawViewBytes(config) / chosen.commBytesPerDevice,
    },
  };
}

function deviceLabelsOf(viewLabels: Int32Array, views: number, device: number): Int32Array {
  const n = viewLabels.length / views;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = viewLabels[i * views + device];
  return out;
}
