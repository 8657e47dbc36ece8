import { argMaxRow } from './arg-max-row';
import { normalizedEntropy } from './entropy';
import type { ExitProbabilities } from './exit-probabilities';

export type ExitTier = 'local' | 'edge' | 'cloud';

export interface ExitThresholds {
  /** Exit at the local aggregator when its normalized entropy is below this. */
  local: number;
  /** Exit at the edge (when the model has one) when its normalized entropy is below this. */
  edge?: number;
}

export interface SampleDecision {
  exitTier: ExitTier;
  predictedClass: number;
  probabilities: number[];
  /** Normalized entropy at the exit taken. */
  entropy: number;
  /** Entropy at each tier reached, in order. */
  entropies: Partial<Record<ExitTier, number>>;
}

/** A sample exits at the first tier whose normalized entropy is below that tier's threshold. */
export function decideExit(
  exits: ExitProbabilities,
  sample: number,
  thresholds: ExitThresholds,
): SampleDecision {
  const C = exits.numClasses;
  const tiers: [ExitTier, Float32Array, number][] = [['local', exits.local, thresholds.local]];
  if (exits.edge) tiers.push(['edge', exits.edge, thresholds.edge ?? thresholds.local]);
  tiers.push(['cloud', exits.cloud, Infinity]);
  const seen: Partial<Record<ExitTier, number>> = {};
  for (const [tier, probs, threshold] of tiers) {
    const entropy = normalizedEntropy(probs, sample, C);
    seen[tier] = entropy;
    if (entropy < threshold || tier === 'cloud') {
      return {
        exitTier: tier,
        predictedClass: argMaxRow(probs, sample, C),
        probabilities: Array.from(probs.subarray(sample * C, (sample + 1) * C)),
        entropy,
        entropies: seen,
      };
    }
  }
  throw new Error('unreachable: the cloud always answers');
}
