import type { JobsOptions } from 'bullmq';

/** How training jobs are retried: TRAINING_ATTEMPTS and TRAINING_RETRY_BACKOFF_MS. */
export interface TrainingRetryPolicy {
  attempts: number;
  /** Delay before the 2nd attempt; each later one waits twice as long as the one before. */
  backoffMs: number;
}

/**
 * Retry policy of training jobs, named in one place. The queue job id is the training job's id,
 * so enqueuing the same training job twice is a no-op in BullMQ. Attempts back off
 * exponentially (backoffMs, 2x, 4x, ...), so a database outage of a few minutes does not use
 * them all up at once.
 */
export function trainingJobOptions(trainingJobId: string, retry: TrainingRetryPolicy): JobsOptions {
  return {
    jobId: trainingJobId,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** A job whose worker died this many times is failed as stalled rather than retried forever. */
export const TRAINING_MAX_STALLED_COUNT = 3;

/** Delay before attempt `attempt` (2, 3, ...) under the policy: what BullMQ's exponential backoff waits. */
export function trainingRetryDelayMs(retry: TrainingRetryPolicy, attempt: number): number {
  return attempt < 2 ? 0 : retry.backoffMs * 2 ** (attempt - 2);
}
