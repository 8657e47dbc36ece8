import type { TrainingProgressEvent } from '@ddnn/contracts';
import type {
  Model,
  ModelVersion,
  Prisma,
  TrainingEpoch,
  TrainingJob,
  TrainingJobStatus,
} from '../generated/client';
import type { DatabaseClient } from './database-client';

export type TrainingJobRecord = Omit<TrainingJob, 'checkpoint'>;

export interface TrainingJobFilter {
  status?: TrainingJobStatus;
  modelName?: string;
}

/** One epoch's progress as the engine reports it (the queue event without job id and percent). */
export type RecordedEpoch = Omit<TrainingProgressEvent, 'trainingJobId' | 'progress'>;

/** Jobs no worker has finished: the only ones a cancel, a failure or the reaper may settle. */
const UNFINISHED: TrainingJobStatus[] = ['QUEUED', 'RUNNING'];
const CHECKPOINT_OMITTED = { checkpoint: true } as const;

/** Training jobs and their epoch history; written by the API (requests) and the worker (runs). */
export class TrainingJobsRepository {
  constructor(private readonly db: DatabaseClient) {}

  create(data: Prisma.TrainingJobUncheckedCreateInput): Promise<TrainingJobRecord> {
    return this.db.trainingJob.create({ data, omit: CHECKPOINT_OMITTED });
  }

  findById(id: string): Promise<TrainingJobRecord | null> {
    return this.db.trainingJob.findUnique({ where: { id }, omit: CHECKPOINT_OMITTED });
  }

  findByIdempotencyKey(key: string): Promise<TrainingJobRecord | null> {
    return this.db.trainingJob.findUnique({
      where: { idempotencyKey: key },
      omit: CHECKPOINT_OMITTED,
    });
  }

  /** Everything a worker needs to run a job: its checkpoint, model and version if published. */
  findForRun(
    id: string,
  ): Promise<(TrainingJob & { model: Model; version: ModelVersion | null }) | null> {
    return this.db.trainingJob.findUnique({
      where: { id },
      include: { model: true, version: true },
    });
  }

  epochsOf(jobId: string): Promise<TrainingEpoch[]> {
    return this.db.trainingEpoch.findMany({ where: { jobId }, orderBy: { epoch: 'asc' } });
  }

  /** Newest first. */
  list(
    filter: TrainingJobFilter,
    page: { offset: number; first: number },
  ): Promise<TrainingJobRecord[]> {
    return this.db.trainingJob.findMany({
      where: whereOf(filter),
      omit: CHECKPOINT_OMITTED,
      orderBy: { createdAt: 'desc' },
      skip: page.offset,
      take: page.first,
    });
  }

  count(filter: TrainingJobFilter): Promise<number> {
    return this.db.trainingJob.count({ where: whereOf(filter) });
  }

  async countByStatus(): Promise<{ status: TrainingJobStatus; count: number }[]> {
    const rows = await this.db.trainingJob.groupBy({ by: ['status'], _count: { _all: true } });
    return rows.map((row) => ({ status: row.status, count: row._count._all }));
  }

  /** Flags an unfinished job for cancelling; false when it already finished. */
  async requestCancel(id: string): Promise<boolean> {
    const { count } = await this.db.trainingJob.updateMany({
      where: { id, status: { in: UNFINISHED } },
      data: { cancelRequested: true },
    });
    return count > 0;
  }

  async isCancelRequested(id: string): Promise<boolean> {
    const row = await this.db.trainingJob.findUnique({
      where: { id },
      select: { cancelRequested: true },
    });
    return row?.cancelRequested ?? false;
  }

  /**
   * Applies `data` only if the job is still unfinished (a finished job is never changed back);
   * false when it was not.
   */
  async updateIfUnfinished(
    id: string,
    data: Prisma.TrainingJobUpdateManyMutationInput,
  ): Promise<boolean> {
    const { count } = await this.db.trainingJob.updateMany({
      where: { id, status: { in: UNFINISHED } },
      data,
    });
    return count > 0;
  }

  /** Cancelled, unless it already finished otherwise (a completed job keeps its version). */
  async markCancelled(id: string): Promise<void> {
    await this.db.trainingJob.updateMany({
      where: { id, status: { in: [...UNFINISHED, 'CANCELLED'] } },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
  }

  /** Removes a job no worker ever took (its enqueueing failed). */
  async deleteNeverStarted(id: string): Promise<void> {
    await this.db.trainingJob.deleteMany({ where: { id, status: 'QUEUED', attempts: 0 } });
  }

  async update(id: string, data: Prisma.TrainingJobUpdateInput): Promise<void> {
    await this.db.trainingJob.update({ where: { id }, data });
  }

  /**
   * Completes a job for publishing, only if no cancel was requested and it is unfinished; the
   * row lock this takes orders a publish against a cancel. False: it was cancelled or settled.
   */
  async completeUnlessCancelled(id: string): Promise<boolean> {
    const { count } = await this.db.trainingJob.updateMany({
      where: { id, cancelRequested: false, status: { in: UNFINISHED } },
      data: {
        status: 'COMPLETED',
        progress: 1,
        finishedAt: new Date(),
        error: null,
        checkpoint: null,
      },
    });
    return count > 0;
  }

  /**
   * Records an epoch: the job's progress, its history row and, when given, the checkpoint taken
   * at that epoch, all in one transaction so a resumed run never skips a recorded epoch. A
   * checkpoint never replaces a later one (e.g. written by a newer attempt).
   */
  async recordEpoch(
    id: string,
    p: RecordedEpoch,
    checkpoint?: { bytes: Uint8Array<ArrayBuffer>; epoch: number },
  ): Promise<void> {
    const row = epochRow(id, p);
    const writes: Prisma.PrismaPromise<unknown>[] = [
      this.db.trainingJob.update({
        where: { id },
        data: { currentEpoch: p.epoch, totalEpochs: p.epochs, progress: p.epoch / p.epochs },
      }),
      this.db.trainingEpoch.upsert({
        where: { jobId_epoch: { jobId: id, epoch: p.epoch } },
        create: row,
        update: row,
      }),
      ...(checkpoint
        ? [
            this.db.trainingJob.updateMany({
              where: {
                id,
                OR: [{ checkpointEpoch: null }, { checkpointEpoch: { lt: checkpoint.epoch } }],
              },
              data: { checkpoint: checkpoint.bytes, checkpointEpoch: checkpoint.epoch },
            }),
          ]
        : []),
    ];
    if ('$transaction' in this.db) await this.db.$transaction(writes);
    else for (const write of writes) await write; // already inside the caller's transaction
  }

  /** Unfinished jobs untouched for `graceMs`, oldest first: what the reaper looks at. */
  findStale(
    graceMs: number,
    batch: number,
  ): Promise<{ id: string; cancelRequested: boolean; attempts: number }[]> {
    return this.db.trainingJob.findMany({
      where: { status: { in: UNFINISHED }, updatedAt: { lt: new Date(Date.now() - graceMs) } },
      select: { id: true, cancelRequested: true, attempts: true },
      orderBy: { updatedAt: 'asc' },
      take: batch,
    });
  }
}

function whereOf(filter: TrainingJobFilter): Prisma.TrainingJobWhereInput {
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.modelName ? { model: { name: filter.modelName } } : {}),
  };
}

function epochRow(jobId: string, p: RecordedEpoch): Prisma.TrainingEpochUncheckedCreateInput {
  return {
    jobId,
    epoch: p.epoch,
    losses: p.losses,
    accuracies: p.accuracies,
    elapsedMs: Math.round(p.elapsedMs),
    etaMs: Math.round(p.etaMs),
  };
}
