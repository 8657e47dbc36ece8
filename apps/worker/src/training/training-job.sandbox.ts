/**
 * BullMQ sandboxed processor: runs in a child process forked by the worker, so a long CPU-bound
 * epoch never blocks the worker's event loop, which keeps renewing the job lock (no false
 * "stalled" jobs). One child trains one job at a time; each child sets up the engine once.
 */
import { JobName, JobPayloadMap, loadPlatformConfig } from '@ddnn/contracts';
import { initEngineBackend } from '@ddnn/engine';
import { createPrismaClient, type PrismaClient } from '@ddnn/persistence';
import type { SandboxedJob } from 'bullmq';
import { runTrainingJob, TrainingOutcome } from './run-training-job';

// If the worker process dies (killed, crashed machine), its job will be resumed elsewhere from
// the last checkpoint: an orphaned child must not keep training and writing alongside.
process.on('disconnect', () => process.exit(1));

let ready: Promise<{ prisma: PrismaClient; threads: number }> | undefined;

function setUp(): Promise<{ prisma: PrismaClient; threads: number }> {
  ready ??= (async () => {
    const config = loadPlatformConfig();
    await initEngineBackend(config.ENGINE_BACKEND);
    return {
      prisma: createPrismaClient(config.DATABASE_URL, {
        poolSize: 2,
        // A database that is down or hung fails the attempt (retried with backoff) instead of
        // leaving it waiting forever while its lock is renewed.
        connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
        queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
      }),
      threads: config.TRAINING_THREADS,
    };
  })();
  return ready;
}

/** One handler per job name of the queue; the mapped type makes a missing one a compile error. */
const handlers: {
  [N in JobName]: (job: SandboxedJob<JobPayloadMap[N]>) => Promise<TrainingOutcome>;
} = {
  [JobName.TrainModel]: async (job) => {
    const { prisma, threads } = await setUp();
    return runTrainingJob(
      prisma,
      {
        id: job.id,
        data: job.data,
        attemptsMade: job.attemptsMade,
        opts: job.opts,
        updateProgress: (progress) =>
          job.updateProgress(progress as unknown as Record<string, unknown>),
      },
      { threads },
    );
  },
};

export default async function trainingSandbox(job: SandboxedJob): Promise<TrainingOutcome> {
  const handler = handlers[job.name as JobName];
  if (!handler) {
    throw new Error(
      `no handler for job "${job.name}" (known: ${Object.keys(handlers).join(', ')})`,
    );
  }
  return handler(job);
}
