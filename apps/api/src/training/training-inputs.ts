import { z } from 'zod';
import { modelName } from '../models/model-inputs';

export const startTrainingSchema = z.strictObject({
  modelName,
  /** Dataset id or name. */
  dataset: z.string().min(1).max(100),
  epochs: z.number().int().min(1).max(1000).default(10),
  batchSize: z.number().int().min(1).max(4096).default(32),
  learningRate: z.number().positive().max(1).default(0.001),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /** Loss weight per exit ('device0'.., 'local', 'edge', 'cloud'); 1 each by default, as in the paper. */
  exitWeights: z.record(z.string(), z.number().min(0).max(100)).optional(),
});
export type StartTrainingInput = z.output<typeof startTrainingSchema>;

export const trainingJobStatuses = [
  'QUEUED',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const;

export const listJobsSchema = z.strictObject({
  status: z.enum(trainingJobStatuses).optional(),
  modelName: modelName.optional(),
  first: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).default(0),
});
export type ListJobsInput = z.input<typeof listJobsSchema>;
