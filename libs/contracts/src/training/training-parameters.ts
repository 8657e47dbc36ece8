import { z } from 'zod';
import { EXIT_WEIGHT_KEYS, TRAINING_PARAMETER_BOUNDS as B } from './training-parameter-bounds';

const exitWeight = z.number().min(B.exitWeight.min).max(B.exitWeight.max);

/**
 * The one training-parameters contract: REST (POST /training-jobs) and GraphQL (startTraining)
 * validate with it, the worker parses stored job parameters with it, the dashboard's form uses
 * its bounds; whatever it accepts the engine trains with.
 */
export const trainingParametersSchema = z.strictObject({
  epochs: z.number().int().min(B.epochs.min).max(B.epochs.max).default(B.epochs.default),
  batchSize: z
    .number()
    .int()
    .min(
      B.batchSize.min,
      `batchSize must be at least ${B.batchSize.min} (BatchNorm needs 2 samples)`,
    )
    .max(B.batchSize.max)
    .default(B.batchSize.default),
  learningRate: z
    .number()
    .gt(B.learningRate.above)
    .max(B.learningRate.max)
    .default(B.learningRate.default),
  seed: z.number().int().min(B.seed.min).max(B.seed.max).default(B.seed.default),
  /** Loss weight per exit: 'device' (every device exit), 'local', 'edge', 'cloud'; 1 each by default. */
  exitWeights: z
    .strictObject(
      Object.fromEntries(EXIT_WEIGHT_KEYS.map((k) => [k, exitWeight.optional()])) as Record<
        (typeof EXIT_WEIGHT_KEYS)[number],
        z.ZodOptional<typeof exitWeight>
      >,
    )
    .optional(),
});

export type TrainingParameters = z.output<typeof trainingParametersSchema>;

/** Stored job parameters that do not satisfy the contract (e.g. written by an older version). */
export class TrainingParametersError extends Error {
  constructor(readonly issues: { field: string; message: string }[]) {
    super(
      `invalid training parameters: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    );
    this.name = 'TrainingParametersError';
  }
}

/** Parses (never casts) a job's stored parameters; every problem is named. */
export function parseTrainingParameters(value: unknown): TrainingParameters {
  const result = trainingParametersSchema.safeParse(value);
  if (!result.success) {
    throw new TrainingParametersError(
      result.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.') || '(root)',
        message: issue.message,
      })),
    );
  }
  return result.data;
}
