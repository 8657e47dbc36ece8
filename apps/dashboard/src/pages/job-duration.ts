import type { TrainingJob } from '../api/types';
import { duration } from '../format';

/**
 * How long a job ran (finished - started), or has been running, or has been waiting in the queue;
 * `now` is when the list was drawn.
 */
export function jobDuration(
  job: Pick<TrainingJob, 'status' | 'createdAt' | 'startedAt' | 'finishedAt'>,
  now = Date.now(),
): string {
  const ms = (iso: string) => new Date(iso).getTime();
  if (job.startedAt && job.finishedAt) return duration(ms(job.finishedAt) - ms(job.startedAt));
  if (job.startedAt) return `${duration(now - ms(job.startedAt))} so far`;
  if (job.finishedAt) return 'never started';
  return `queued ${duration(now - ms(job.createdAt))}`;
}
