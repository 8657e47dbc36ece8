import { z } from 'zod';
import { trainingParametersSchema } from '@ddnn/contracts';
import { modelName } from '../models/model-inputs';

/** A training request: which model on which data, and the one training-parameters contract. */
export const startTrainingSchema = trainingParametersSchema.extend({
  modelName,
  /** Dataset id or name. */
  dataset: z.string().min(1).max(100),
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
