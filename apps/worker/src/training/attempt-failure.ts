import type { TrainingJobsRepository } from '@ddnn/persistence';

/**
 * The retry policy's record of a failed attempt: while attempts remain the job waits QUEUED for
 * the queue's retry (with the error shown); the last attempt's failure ends it FAILED.
 */
export async function recordAttemptFailure(
  jobs: TrainingJobsRepository,
  trainingJobId: string,
  attempt: { attemptsMade: number; attempts: number },
  error: unknown,
): Promise<void> {
  const final = attempt.attemptsMade + 1 >= attempt.attempts;
  await jobs.update(trainingJobId, {
    status: final ? 'FAILED' : 'QUEUED',
    error: errorMessage(error),
    ...(final ? { finishedAt: new Date() } : {}),
  });
}

/** A job whose inputs cannot work fails the same way every time: FAILED now, no retry. */
export async function recordUnrecoverableFailure(
  jobs: TrainingJobsRepository,
  trainingJobId: string,
  error: unknown,
): Promise<string> {
  const message = errorMessage(error);
  await jobs.update(trainingJobId, { status: 'FAILED', error: message, finishedAt: new Date() });
  return message;
}

function errorMessage(error: unknown): string {
  return (error as Error).message ?? String(error);
}
