import {
  argMaxRow,
  communicationBytesPerDevice,
  type DdnnConfig,
  entropies,
  type ExitProbabilities,
  type OperatingPoint,
} from '@ddnn/model-spec';

/** Per-sample facts the threshold analysis needs, computed once from the exit probabilities. */
export interface ExitOutcomes {
  localEntropy: Float32Array;
  edgeEntropy: Float32Array | null;
  localCorrect: Uint8Array;
  edgeCorrect: Uint8Array | null;
  cloudCorrect: Uint8Array;
}

function correctness(probs: Float32Array, labels: Int32Array, classes: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++)
    out[i] = argMaxRow(probs, i, classes) === labels[i] ? 1 : 0;
  return out;
}

export function exitOutcomes(exits: ExitProbabilities, labels: Int32Array): ExitOutcomes {
  const C = exits.numClasses;
  return {
    localEntropy: entropies(exits.local, C),
    edgeEntropy: exits.edge ? entropies(exits.edge, C) : null,
    localCorrect: correctness(exits.local, labels, C),
    edgeCorrect: exits.edge ? correctness(exits.edge, labels, C) : null,
    cloudCorrect: correctness(exits.cloud, labels, C),
  };
}

/** Local-exit rate, overall accuracy and communication at threshold T (same T at the edge). */
export function operatingPoint(
  config: DdnnConfig,
  outcomes: ExitOutcomes,
  threshold: number,
): OperatingPoint {
  const n = outcomes.localEntropy.length;
  let local = 0;
  let edge = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (outcomes.localEntropy[i] < threshold) {
      local++;
      correct += outcomes.localCorrect[i];
    } else if (outcomes.edgeEntropy && outcomes.edgeEntropy[i] < threshold) {
      edge++;
      correct += outcomes.edgeCorrect![i];
    } else {
      correct += outcomes.cloudCorrect[i];
    }
  }
  const localExitRate = n ? local / n : 0;
  return {
    threshold,
    localExitRate,
    edgeExitRate: n ? edge / n : 0,
    overallAccuracy: n ? correct / n : 0,
    commBytesPerDevice: communicationBytesPerDevice(config, localExitRate),
  };
}

export const DEFAULT_SWEEP = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

export function thresholdSweep(
  config: DdnnConfig,
  outcomes: ExitOutcomes,
  thresholds: number[] = DEFAULT_SWEEP,
): OperatingPoint[] {
  return thresholds.map((t) => operatingPoint(config, outcomes, t));
}

/** Candidate thresholds where the decision changes: just above each distinct entropy, and 0. */
export function candidateThresholds(outcomes: ExitOutcomes): number[] {
  const values = new Set<number>([0]);
  for (const e of outcomes.localEntropy) values.add(Math.min(1, Math.fround(e) + 1e-6));
  if (outcomes.edgeEntropy) {
    for (const e of outcomes.edgeEntropy) values.add(Math.min(1, Math.fround(e) + 1e-6));
  }
  values.add(1);
  return [...values].sort((a, b) => a - b);
}

/** The smallest T at which at least `target` of the samples exit locally. */
export function calibrateForLocalExitRate(
  config: DdnnConfig,
  outcomes: ExitOutcomes,
  target: number,
): OperatingPoint {
  if (!(target >= 0 && target <= 1)) throw new Error('target local-exit rate must be in [0, 1]');
  const candidates = candidateThresholds(outcomes);
  for (const t of candidates) {
    const point = operatingPoint(config, outcomes, t);
    if (point.localExitRate >= target) return point;
  }
  return operatingPoint(config, outcomes, 1.0000001);
}

/**
 * The largest T (most local exits, least communication) whose overall accuracy is still at
 * least `target`; null when no T reaches it.
 */
export function calibrateForAccuracy(
  config: DdnnConfig,
  outcomes: ExitOutcomes,
  target: number,
): OperatingPoint | null {
  if (!(target >= 0 && target <= 1)) throw new Error('target accuracy must be in [0, 1]');
  let best: OperatingPoint | null = null;
  for (const t of candidateThresholds(outcomes)) {
    const point = operatingPoint(config, outcomes, t);
    if (point.overallAccuracy >= target) best = point;
  }
  return best;
}

/** The T with the best overall accuracy; among ties, the one with the most local exits. */
export function bestAccuracyThreshold(config: DdnnConfig, outcomes: ExitOutcomes): OperatingPoint {
  let best: OperatingPoint | null = null;
  for (const t of candidateThresholds(outcomes)) {
    const point = operatingPoint(config, outcomes, t);
    if (
      !best ||
      point.overallAccuracy > best.overallAccuracy ||
      (point.overallAccuracy === best.overallAccuracy && point.localExitRate >= best.localExitRate)
    ) {
      best = point;
    }
  }
  return best!;
}
