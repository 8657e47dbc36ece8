import { JobName, trainingJobOptions, type TrainingRetryPolicy } from '@ddnn/contracts';
import { type Prisma, type PrismaClient, TrainingJobsRepository } from '@ddnn/persistence';
import type { Queue } from 'bullmq';

/** Queue states in which a worker holds the job or will take it: nothing to do. */
const HANDLED_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

export type ReaperAction = 'resumed' | 'failed' | 'cancelled';

export interface ReapedJob {
  id: string;
  action: ReaperAction;
  /** The queue's state of the job when it was found ('missing': the queue has no such job). */
  queueState: string;
}

export interface ReaperOptions {
  retry: TrainingRetryPolicy;
  /** Only rows not updated for this long are looked at (a job being created is left alone). */
  graceMs: number;
  /** At most this many jobs per pass. */
  batch?: number;
}

/**
 * One pass of the reaper: finds training jobs that the database calls QUEUED or RUNNING but that
 * no worker holds or will take (their worker could not record the end, e.g. during a database
 * outage; Redis lost the queue; the row was created but never enqueued), and settles each:
 * - a cancel was requested: CANCELLED;
 * - the queue failed the job (attempts used up): FAILED with the queue's reason;
 * - the queue has no job, or finished it without the row saying so, and attempts remain:
 *   enqueued again, so it resumes from its last checkpoint; otherwise FAILED.
 * Updates are conditional on the row still being QUEUED/RUNNING, so several workers may run
 * passes at the same time, and a version is never touched (a COMPLETED row is never a candidate).
 */
export async function reapTrainingJobs(
  prisma: PrismaClient,
  queue: Queue,
  options: ReaperOptions,
): Promise<ReapedJob[]> {
  const jobs = new TrainingJobsRepository(prisma);
  const candidates = await jobs.findStale(options.graceMs, options.batch ?? 50);
  const reaped: ReapedJob[] = [];
  for (const row of candidates) {
    const queued = await queue.getJob(row.id);
    const queueState = queued ? await queued.getState() : 'missing';
    if (HANDLED_STATES.has(queueState)) continue;
    const settle = async (
      action: ReaperAction,
      data: Prisma.TrainingJobUpdateManyMutationInput,
    ) => {
      if (await jobs.updateIfUnfinished(row.id, data))
        reaped.push({ id: row.id, action, queueState });
    };
    if (row.cancelRequested) {
      await settle('cancelled', { status: 'CANCELLED', finishedAt: new Date() });
    } else if (queueState === 'failed' || row.attempts >= options.retry.attempts) {
      const reason = queued?.failedReason ?? 'no worker could finish it';
      await settle('failed', {
        status: 'FAILED',
        error: `training stopped and could not be recorded in time: ${reason}`,
        finishedAt: new Date(),
      });
    } else {
      // 'missing', or 'completed' without the row completed: run it again (resumes from the
      // checkpoint; publishing is idempotent). A finished queue job of the same id is removed
      // first, since the queue ignores an id it already has.
      if (queued) await queued.remove();
      await queue.add(
        JobName.TrainModel,
        { trainingJobId: row.id },
        trainingJobOptions(row.id, options.retry),
      );
      await jobs.updateIfUnfinished(row.id, {
        status: 'QUEUED',
        error: 'resumed by the reaper: no worker held the job',
      });
      reaped.push({ id: row.id, action: 'resumed', queueState });
    }
  }
  return reaped;
}
