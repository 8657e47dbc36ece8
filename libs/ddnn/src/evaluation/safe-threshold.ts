import type { DdnnConfig, OperatingPoint, ThresholdEvidence } from '@ddnn/model-spec';
import { candidateThresholds, type ExitOutcomes, operatingPoint } from './threshold-analysis';

/** One-sided 95 % normal quantile (the lower confidence bound on the accuracy change). */
export const LOWER_BOUND_Z = 1.645;
/** Two-sided 95 % normal quantile (the interval on the local-exit rate). */
const INTERVAL_Z = 1.96;
/**
 * How much overall accuracy, relative to sending every sample to the cloud, the shipped T may
 * cost at the 95 % lower bound: half a point.
 */
export const DEFAULT_MAX_ACCURACY_LOSS = 0.005;

/** 95 % Wilson score interval of a proportion k / n. */
export function wilsonInterval(k: number, n: number): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = INTERVAL_Z * INTERVAL_Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (INTERVAL_Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Per sample: is the answer at T correct (local, edge or cloud, whichever answers). */
function correctAt(outcomes: ExitOutcomes, threshold: number, i: number): number {
  if (outcomes.localEntropy[i] < threshold) return outcomes.localCorrect[i];
  if (outcomes.edgeEntropy && outcomes.edgeEntropy[i] < threshold) return outcomes.edgeCorrect![i];
  return outcomes.cloudCorrect[i];
}

/** Paired difference "answer at T" minus "cloud answer": mean and its one-sided lower bound. */
function accuracyVsCloud(outcomes: ExitOutcomes, threshold: number) {
  const n = outcomes.cloudCorrect.length;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const d = correctAt(outcomes, threshold, i) - outcomes.cloudCorrect[i];
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / n;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  return {
    estimate: mean,
    lowerBound: mean - LOWER_BOUND_Z * Math.sqrt(Math.max(0, variance) / n),
  };
}

export function thresholdEvidence(
  config: DdnnConfig,
  outcomes: ExitOutcomes,
  point: OperatingPoint,
): ThresholdEvidence {
  const n = outcomes.cloudCorrect.length;
  const k = Math.round(point.localExitRate * n);
  return {
    samples: n,
    localExitRate: { estimate: point.localExitRate, ...wilsonInterval(k, n) },
    accuracyVsCloud: n
      ? accuracyVsCloud(outcomes, point.threshold)
      : { estimate: 0, lowerBound: 0 },
  };
}

/**
 * The operating point that is never worse than the cloud beyond noise: walking T up from 0
 * (every sample to the cloud), the largest T before the first one whose one-sided 95 % lower
 * bound on "accuracy at T minus cloud accuracy" (paired over the validation samples) falls below
 * -maxLoss. Few validation samples give wide bounds, so T stays near 0 (towards the cloud) until
 * the data shows the local exit is safe.
 */
export function safeThreshold(
  config: DdnnConfig,
  outcomes: ExitOutcomes,
  maxLoss = DEFAULT_MAX_ACCURACY_LOSS,
): { point: OperatingPoint; evidence: ThresholdEvidence } {
  if (outcomes.cloudCorrect.length < 1) throw new Error('the validation data has no samples');
  let chosen = operatingPoint(config, outcomes, 0);
  for (const t of candidateThresholds(outcomes)) {
    if (accuracyVsCloud(outcomes, t).lowerBound < -maxLoss) break;
    chosen = operatingPoint(config, outcomes, t);
  }
  return { point: chosen, evidence: thresholdEvidence(config, outcomes, chosen) };
}
