import {
  parseTrainingParameters,
  type TrainingParameters,
  type TrainingProgressEvent,
} from '@ddnn/contracts';
import {
  type DdnnConfig,
  type DdnnModel,
  parseDdnnConfig,
  runTrainingProtocol,
  serializeModel,
  trainingHyperparametersSchema,
} from '@ddnn/engine';
import { type Prisma, type PrismaClient, toDbBytes } from '@ddnn/persistence';
import { UnrecoverableError } from 'bullmq';
import { loadDatasetSplits } from './dataset-loader';
import { CancelledBeforePublishError, publishVersion } from './version-publisher';

/** The part of a BullMQ job the training logic needs (sandboxed or not). */
export interface TrainingQueueJob {
  id?: string;
  data: { trainingJobId: string };
  attemptsMade: number;
  opts: { attempts?: number };
  updateProgress(progress: TrainingProgressEvent): Promise<void>;
}

export type TrainingOutcome =
  | { outcome: 'completed'; versionId: string; version: number; created: boolean }
  | { outcome: 'cancelled'; epoch: number };

const CANCEL_POLL_MS = 1000;

/**
 * Trains one recorded training job: resumes from its last checkpoint, reports every epoch to
 * BullMQ and PostgreSQL, stops when cancelled, and publishes the version exactly once.
 */
export async function runTrainingJob(
  prisma: PrismaClient,
  job: TrainingQueueJob,
  /** Data-parallel threads per step (TRAINING_THREADS); 1 when not given. */
  execution: { threads?: number } = {},
): Promise<TrainingOutcome> {
  const id = job.data.trainingJobId;
  const row = await prisma.trainingJob.findUnique({
    where: { id },
    include: { model: true, version: true },
  });
  if (!row)
    throw new UnrecoverableError(`training job ${id} is not recorded (removed); nothing to do`);
  if (row.version) {
    return {
      outcome: 'completed',
      versionId: row.version.id,
      version: row.version.version,
      created: false,
    };
  }
  if (row.cancelRequested || row.status === 'CANCELLED') {
    await markCancelled(prisma, id);
    return { outcome: 'cancelled', epoch: row.currentEpoch };
  }
  if (row.status === 'FAILED' || row.status === 'COMPLETED') {
    // Settled already (e.g. failed by the reaper): a late copy of the queue job must not revive it.
    throw new UnrecoverableError(`training job ${id} is already ${row.status.toLowerCase()}`);
  }
  await prisma.trainingJob.update({
    where: { id },
    data: {
      status: 'RUNNING',
      attempts: job.attemptsMade + 1,
      startedAt: row.startedAt ?? new Date(),
      error: null,
    },
  });

  let prepared: Awaited<ReturnType<typeof loadDatasetSplits>> & { config: DdnnConfig };
  let params: TrainingParameters;
  try {
    // Parsed, never cast; and checked against the engine before any work: parameters it would
    // refuse fail the job now instead of on every retry.
    params = parseTrainingParameters(row.params);
    trainingHyperparametersSchema.parse(params);
    const config = parseDdnnConfig(row.model.config);
    prepared = { config, ...(await loadDatasetSplits(prisma, row.datasetId)) };
    const [h, w, c] = prepared.train.viewShape;
    if (
      prepared.train.numViews !== config.numDevices ||
      [h, w, c].join('x') !== config.inputShape.join('x')
    ) {
      throw new Error(
        `the dataset has ${prepared.train.numViews} views of ${h}x${w}x${c}; the model expects ` +
          `${config.numDevices} views of ${config.inputShape.join('x')}`,
      );
    }
  } catch (error) {
    // A bad config or dataset fails the same way every time: fail now, do not retry.
    const message = (error as Error).message ?? String(error);
    await prisma.trainingJob.update({
      where: { id },
      data: { status: 'FAILED', error: message, finishedAt: new Date() },
    });
    throw new UnrecoverableError(message);
  }
  const { config, train, test, classNames } = prepared;
  const abort = new AbortController();
  const poll = setInterval(() => {
    prisma.trainingJob
      .findUnique({ where: { id }, select: { cancelRequested: true } })
      .then((r) => r?.cancelRequested && abort.abort())
      .catch(() => undefined);
  }, CANCEL_POLL_MS);
  let pendingCheckpoint: { bytes: Uint8Array; epoch: number } | undefined;
  let model: DdnnModel | undefined;
  try {
    // The engine's one training protocol (split, train, choose T on the split, evaluate, cut);
    // its checkpoints resume exactly.
    const result = await runTrainingProtocol({
      config,
      train,
      test,
      classNames,
      hyperparameters: params,
      threads: execution.threads ?? 1,
      signal: abort.signal,
      resumeFrom: row.checkpoint ?? undefined,
      // The engine hands over the checkpoint just before the epoch's progress; both are written
      // in one transaction, so a worker dying in between never leaves a checkpoint whose epoch
      // is missing from the history (the resumed run would skip that epoch).
      onCheckpoint: (checkpoint, epoch) => {
        pendingCheckpoint = { bytes: checkpoint, epoch };
      },
      onEpoch: async (p) => {
        const progress = p.epoch / p.epochs;
        const checkpoint = pendingCheckpoint?.epoch === p.epoch ? pendingCheckpoint : undefined;
        pendingCheckpoint = undefined;
        await prisma.$transaction([
          prisma.trainingJob.update({
            where: { id },
            // the protocol's own count (2 x epochs when it refits)
            data: { currentEpoch: p.epoch, totalEpochs: p.epochs, progress },
          }),
          prisma.trainingEpoch.upsert({
            where: { jobId_epoch: { jobId: id, epoch: p.epoch } },
            create: epochRow(id, p),
            update: epochRow(id, p),
          }),
          // Never replace a later checkpoint (e.g. written by a newer attempt) with an older one.
          ...(checkpoint
            ? [
                prisma.trainingJob.updateMany({
                  where: {
                    id,
                    OR: [{ checkpointEpoch: null }, { checkpointEpoch: { lt: checkpoint.epoch } }],
                  },
                  data: {
                    checkpoint: toDbBytes(checkpoint.bytes),
                    checkpointEpoch: checkpoint.epoch,
                  },
                }),
              ]
            : []),
        ]);
        await job.updateProgress({ trainingJobId: id, ...p, progress: 100 * progress });
      },
    });
    if (result.cancelled) {
      await markCancelled(prisma, id);
      return { outcome: 'cancelled', epoch: result.epoch };
    }
    model = result.model;
    const published = await publishVersion(prisma, {
      trainingJobId: id,
      modelId: row.modelId,
      datasetId: row.datasetId,
      config,
      report: result.report!,
      keptEpoch: null,
      threshold: result.selection.threshold,
      weights: serializeModel(result.model),
      partitions: result.partitions,
    });
    return { outcome: 'completed', ...published };
  } catch (error) {
    if (error instanceof CancelledBeforePublishError) {
      await markCancelled(prisma, id);
      return { outcome: 'cancelled', epoch: row.totalEpochs };
    }
    const attempts = job.opts.attempts ?? 1;
    const final = job.attemptsMade + 1 >= attempts;
    await prisma.trainingJob.update({
      where: { id },
      data: {
        status: final ? 'FAILED' : 'QUEUED',
        error: (error as Error).message ?? String(error),
        ...(final ? { finishedAt: new Date() } : {}),
      },
    });
    throw error;
  } finally {
    clearInterval(poll);
    model?.dispose();
  }
}

function epochRow(
  jobId: string,
  p: {
    epoch: number;
    losses: Record<string, number>;
    accuracies: Record<string, number>;
    elapsedMs: number;
    etaMs: number;
  },
): Prisma.TrainingEpochUncheckedCreateInput {
  return {
    jobId,
    epoch: p.epoch,
    losses: p.losses,
    accuracies: p.accuracies,
    elapsedMs: Math.round(p.elapsedMs),
    etaMs: Math.round(p.etaMs),
  };
}

/** Cancelled, unless it already finished otherwise (a completed job keeps its version). */
async function markCancelled(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.trainingJob.updateMany({
    where: { id, status: { in: ['QUEUED', 'RUNNING', 'CANCELLED'] } },
    data: { status: 'CANCELLED', finishedAt: new Date() },
  });
}
