import type { TrainingJobsRepository } from '@ddnn/persistence';

export const CANCEL_POLL_MS = 1000;

/**
 * Polls the job's cancel flag (the API sets it; the worker may run elsewhere) and aborts the
 * returned signal once it is set. A failed poll is ignored: the next one asks again.
 */
export function watchForCancel(
  jobs: TrainingJobsRepository,
  trainingJobId: string,
  intervalMs = CANCEL_POLL_MS,
): { signal: AbortSignal; stop(): void } {
  const abort = new AbortController();
  const timer = setInterval(() => {
    jobs
      .isCancelRequested(trainingJobId)
      .then((requested) => requested && abort.abort())
      .catch(() => undefined);
  }, intervalMs);
  return { signal: abort.signal, stop: () => clearInterval(timer) };
}
