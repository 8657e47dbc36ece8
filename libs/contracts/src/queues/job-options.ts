import type { JobsOptions } from 'bullmq';

/**
 * Retry policy of training jobs, named in one place. The queue job id is the training job's id,
 * so enqueuing the same training job twice is a no-op in BullMQ.
 */
export function trainingJobOptions(trainingJobId: string, attempts: number): JobsOptions {
  return {
    jobId: trainingJobId,
    attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** A job whose worker died this many times is failed as stalled rather than retried forever. */
export const TRAINING_MAX_STALLED_COUNT = 3;
