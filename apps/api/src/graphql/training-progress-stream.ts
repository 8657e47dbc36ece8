import type { TrainingProgressGql } from './types';

/** Statuses after which a job never changes again: its subscription completes. */
export const TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** How often a live subscription re-reads its job, in case its final event was missed. */
export const PROGRESS_RECHECK_MS = 2000;

export interface JobState {
  id: string;
  status: string;
  currentEpoch: number;
  totalEpochs: number;
  progress: number;
  error: string | null;
}

export function finalProgress(job: JobState): TrainingProgressGql {
  return {
    trainingJobId: job.id,
    status: job.status as TrainingProgressGql['status'],
    epoch: job.currentEpoch,
    epochs: job.totalEpochs,
    progress: job.progress,
    losses: null,
    accuracies: null,
    etaMs: null,
    error: job.error,
  };
}

type Payload = { trainingProgress: TrainingProgressGql };
const RECHECK = Symbol('recheck');

/**
 * One job's progress as a finite stream: the events published for it until one has a terminal
 * status, then the stream ends (the WebSocket server sends `complete`). `events` was subscribed
 * before `job` was read, so nothing published in between is lost. A finished job yields its
 * final state at once. Every PROGRESS_RECHECK_MS without an event the job is read again, so a
 * job that ended without a final event (a cancel, an event lost with a restarted Redis
 * connection) still completes its subscribers.
 */
export function trainingProgressStream(
  job: JobState,
  events: AsyncIterator<Payload>,
  reload: () => Promise<JobState>,
): AsyncIterableIterator<Payload> {
  const stream = progressEvents(job, events, reload);
  // An async generator's return() waits until the generator reaches a yield, which a job without
  // events never does: ending `events` first resolves its pending next() with done, so a client's
  // `complete` (or a closed connection) ends the stream at once.
  const closable: AsyncIterableIterator<Payload> = {
    next: () => stream.next(),
    return: async () => {
      await events.return?.();
      return stream.return(undefined);
    },
    throw: (error?: unknown) => stream.throw(error),
    [Symbol.asyncIterator]: () => closable,
  };
  return closable;
}

async function* progressEvents(
  job: JobState,
  events: AsyncIterator<Payload>,
  reload: () => Promise<JobState>,
): AsyncGenerator<Payload> {
  try {
    if (TERMINAL_STATUSES.includes(job.status)) {
      yield { trainingProgress: finalProgress(job) };
      return;
    }
    let next = events.next();
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const recheck = new Promise<typeof RECHECK>((resolve) => {
        timer = setTimeout(() => resolve(RECHECK), PROGRESS_RECHECK_MS);
      });
      const result = await Promise.race([next, recheck]);
      clearTimeout(timer);
      if (result === RECHECK) {
        const now = await reload();
        if (TERMINAL_STATUSES.includes(now.status)) {
          yield { trainingProgress: finalProgress(now) };
          return;
        }
        continue;
      }
      if (result.done) return;
      next = events.next();
      yield result.value;
      if (TERMINAL_STATUSES.includes(result.value.trainingProgress.status)) return;
    }
  } finally {
    // Removes the listener; resolves any pending next() with done.
    void events.return?.()?.catch(() => undefined);
  }
}
