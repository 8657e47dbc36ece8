import { Injectable, Logger } from '@nestjs/common';
import { parseDdnnConfig } from '@ddnn/engine';
import {
  Prisma,
  TrainingEpoch,
  TrainingJobRecord,
  TrainingJobsRepository,
} from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { parseInput } from '../common/zod-validation';
import { DatasetsService } from '../datasets/datasets.service';
import { ModelsService } from '../models/models.service';
import { idempotencyKeySchema, requestHashOf } from './idempotency-key';
import { ListJobsInput, listJobsSchema, startTrainingSchema } from './training-inputs';
import { TrainingQueueProducer } from './training-queue.producer';

export type { TrainingJobRecord };
/** Queue states in which no worker holds the job (it only waits for one). */
const WAITING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

@Injectable()
export class TrainingService {
  private readonly logger = new Logger(TrainingService.name);

  constructor(
    private readonly jobs: TrainingJobsRepository,
    private readonly models: ModelsService,
    private readonly datasets: DatasetsService,
    private readonly queue: TrainingQueueProducer,
  ) {}

  /**
   * Records the job, then enqueues it (the queue job carries only the job's id). With an
   * idempotency key, a request already seen returns the job it created instead of a new one.
   * If the queue cannot take the job, the row is removed again and the request answers 503:
   * nothing is left behind (a row whose removal failed too is enqueued later by the reaper).
   */
  async start(input: unknown, idempotencyKey?: string): Promise<TrainingJobRecord> {
    const parsed = parseInput(startTrainingSchema, input, 'training request');
    const key =
      idempotencyKey === undefined
        ? undefined
        : parseInput(idempotencyKeySchema, idempotencyKey, 'Idempotency-Key header');
    const requestHash = requestHashOf(parsed);
    if (key !== undefined) {
      const seen = await this.findByIdempotencyKey(key, requestHash);
      if (seen) return seen;
    }
    const model = await this.models.getByName(parsed.modelName);
    const dataset = await this.datasets.get(parsed.dataset);
    const config = parseDdnnConfig(model.config);
    const expected = {
      views: config.numDevices,
      viewShape: [...config.inputShape],
      classes: config.numClasses,
    };
    const actual = {
      views: dataset.viewCount,
      viewShape: dataset.viewShape,
      classes: dataset.classNames.length,
    };
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      throw new DomainError(
        ErrorCode.IncompatibleDataset,
        `dataset "${dataset.name}" has ${actual.views} views of ${actual.viewShape.join('x')} and ${actual.classes} classes; ` +
          `model "${model.name}" expects ${expected.views} views of ${expected.viewShape.join('x')} and ${expected.classes} classes`,
        { expected, actual },
      );
    }
    const { modelName: _m, dataset: _d, ...params } = parsed;
    let job: TrainingJobRecord;
    try {
      job = await this.jobs.create({
        modelId: model.id,
        datasetId: dataset.id,
        params: params as Prisma.InputJsonValue,
        totalEpochs: parsed.epochs,
        ...(key !== undefined ? { idempotencyKey: key, requestHash } : {}),
      });
    } catch (error) {
      // The same key sent twice at once: the other request created the job.
      if (
        key !== undefined &&
        error instanceof Prisma.PrismaClientKnownRequestError &&
        error.code === 'P2002'
      ) {
        const seen = await this.findByIdempotencyKey(key, requestHash);
        if (seen) return seen;
      }
      throw error;
    }
    try {
      await this.queue.enqueueTraining({ trainingJobId: job.id });
    } catch (error) {
      this.logger.error(`could not enqueue training job ${job.id}: ${(error as Error).message}`);
      await this.jobs
        .deleteNeverStarted(job.id)
        .catch((deleteError: Error) =>
          this.logger.error(
            `could not remove the unqueued training job ${job.id} (the reaper will enqueue it): ${deleteError.message}`,
          ),
        );
      throw error;
    }
    return job;
  }

  private async findByIdempotencyKey(
    key: string,
    requestHash: string,
  ): Promise<TrainingJobRecord | undefined> {
    const job = await this.jobs.findByIdempotencyKey(key);
    if (!job) return undefined;
    if (job.requestHash !== requestHash) {
      throw new DomainError(
        ErrorCode.IdempotencyKeyReused,
        `Idempotency-Key "${key}" was used for training job ${job.id} with other parameters; ` +
          'send a new key for a new request',
        { trainingJobId: job.id },
      );
    }
    return job;
  }

  async get(id: string): Promise<TrainingJobRecord> {
    const job = isUuid(id) ? await this.jobs.findById(id) : null;
    if (!job) throw new DomainError(ErrorCode.TrainingJobNotFound, `no training job ${id}`);
    return job;
  }

  async getWithEpochs(id: string): Promise<TrainingJobRecord & { epochs: TrainingEpoch[] }> {
    const job = await this.get(id);
    return { ...job, epochs: await this.epochsOf(id) };
  }

  epochsOf(jobId: string): Promise<TrainingEpoch[]> {
    return this.jobs.epochsOf(jobId);
  }

  /** One page of jobs, newest first, with the total (GraphQL's page shape, as modelVersions). */
  async listPage(input: ListJobsInput): Promise<{
    nodes: TrainingJobRecord[];
    totalCount: number;
    offset: number;
    hasNextPage: boolean;
  }> {
    const parsed = parseInput(listJobsSchema, input, 'job filter');
    const [nodes, totalCount] = await Promise.all([
      this.list(parsed),
      this.jobs.count({ status: parsed.status, modelName: parsed.modelName }),
    ]);
    return {
      nodes,
      totalCount,
      offset: parsed.offset,
      hasNextPage: parsed.offset + nodes.length < totalCount,
    };
  }

  async list(input: ListJobsInput): Promise<TrainingJobRecord[]> {
    const parsed = parseInput(listJobsSchema, input, 'job filter');
    return this.jobs.list(
      { status: parsed.status, modelName: parsed.modelName },
      { offset: parsed.offset, first: parsed.first },
    );
  }

  /**
   * Cancel always ends in CANCELLED, and a cancel that was accepted wins over the end of
   * training: no version is published after it (the worker publishes only if no cancel was
   * requested, in the same transaction). A queued job, or one no worker holds (its worker died,
   * its attempts ran out), is cancelled at once; a running one is stopped by its worker at the
   * next check (about a second) or, if that worker is gone, by the reaper. A job that already
   * finished answers 409 (JOB_NOT_CANCELLABLE).
   */
  async cancel(id: string): Promise<TrainingJobRecord> {
    await this.get(id);
    if (!(await this.jobs.requestCancel(id))) {
      const job = await this.get(id);
      throw new DomainError(
        ErrorCode.JobNotCancellable,
        `training job ${id} is already ${job.status.toLowerCase()}`,
        { status: job.status },
      );
    }
    let state: string;
    try {
      state = await this.queue.stateOf(id);
    } catch (error) {
      // Accepted: the worker or the reaper finishes the cancel once Redis is back.
      this.logger.warn(`cancel of ${id} accepted without the queue: ${(error as Error).message}`);
      return this.get(id);
    }
    const held =
      state === 'active' || (WAITING_STATES.has(state) && !(await this.queue.removeIfWaiting(id)));
    if (!held) {
      await this.jobs.updateIfUnfinished(id, { status: 'CANCELLED', finishedAt: new Date() });
    }
    return this.get(id);
  }

  /**
   * Starts a failed or cancelled job again as a new job with the same model, dataset and
   * parameters (the old job stays as it was, for the record).
   */
  async retry(id: string): Promise<TrainingJobRecord> {
    const job = await this.get(id);
    if (job.status !== 'FAILED' && job.status !== 'CANCELLED') {
      throw new DomainError(
        ErrorCode.JobNotRetryable,
        `training job ${id} is ${job.status.toLowerCase()}; only a failed or cancelled job can be retried`,
      );
    }
    const model = await this.models.getById(job.modelId);
    return this.start({
      ...(job.params as Record<string, unknown>),
      modelName: model.name,
      dataset: job.datasetId,
    });
  }
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
