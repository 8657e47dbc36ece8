/**
 * The bounds of a training job's parameters, as plain data: the zod contract
 * (training-parameters.ts) is built from them, and the dashboard's form imports them as they are
 * (no zod, no Node in the browser bundle). Every value here must also be accepted by the engine's
 * trainingHyperparametersSchema (training-parameters.contract.spec.ts proves it).
 */
export const TRAINING_PARAMETER_BOUNDS = {
  epochs: { min: 1, max: 1000, default: 10 },
  /** BatchNorm needs at least 2 samples per batch. */
  batchSize: { min: 2, max: 4096, default: 32 },
  /** Above 0 (exclusive), at most max. */
  learningRate: { above: 0, max: 1, default: 0.001 },
  seed: { min: 0, max: 2 ** 31 - 1, default: 1 },
  /** Each exit's loss weight; 1 each (the paper) when not given. */
  exitWeight: { min: 0, max: 100, default: 1 },
} as const;

/**
 * The exits a weight can be given for: every device exit shares 'device'; 'edge' applies only
 * to models with an edge tier.
 */
export const EXIT_WEIGHT_KEYS = ['device', 'local', 'edge', 'cloud'] as const;
export type ExitWeightKey = (typeof EXIT_WEIGHT_KEYS)[number];
