import { Injectable, Logger } from '@nestjs/common';
import { parseDdnnConfig } from '@ddnn/engine';
import { Prisma, PrismaService, TrainingEpoch, TrainingJob } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { parseInput } from '../common/zod-validation';
import { DatasetsService } from '../datasets/datasets.service';
import { ModelsService } from '../models/models.service';
import { ListJobsInput, listJobsSchema, startTrainingSchema } from './training-inputs';
import { TrainingQueueProducer } from './training-queue.producer';

export type TrainingJobRecord = Omit<TrainingJob, 'checkpoint'>;
const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

@Injectable()
export class TrainingService {
  private readonly logger = new Logger(TrainingService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly models: ModelsService,
    private readonly datasets: DatasetsService,
    private readonly queue: TrainingQueueProducer,
  ) {}

  /** Records the job, then enqueues it (the queue job carries only the job's id). */
  async start(input: unknown): Promise<TrainingJobRecord> {
    const parsed = parseInput(startTrainingSchema, input, 'training request');
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
    const job = await this.prisma.client.trainingJob.create({
      data: {
        modelId: model.id,
        datasetId: dataset.id,
        params: params as Prisma.InputJsonValue,
        totalEpochs: parsed.epochs,
      },
      omit: { checkpoint: true },
    });
    try {
      await this.queue.enqueueTraining({ trainingJobId: job.id });
    } catch (error) {
      this.logger.error(`could not enqueue training job ${job.id}: ${(error as Error).message}`);
      await this.prisma.client.trainingJob.update({
        where: { id: job.id },
        data: {
          status: 'FAILED',
          error: 'the training queue is unavailable',
          finishedAt: new Date(),
        },
      });
      throw new DomainError(
        ErrorCode.Unavailable,
        'the training queue (Redis) is unavailable; try again later',
      );
    }
    return job;
  }

  async get(id: string): Promise<TrainingJobRecord> {
    const job = isUuid(id)
      ? await this.prisma.client.trainingJob.findUnique({
          where: { id },
          omit: { checkpoint: true },
        })
      : null;
    if (!job) throw new DomainError(ErrorCode.TrainingJobNotFound, `no training job ${id}`);
    return job;
  }

  async getWithEpochs(id: string): Promise<TrainingJobRecord & { epochs: TrainingEpoch[] }> {
    const job = await this.get(id);
    return { ...job, epochs: await this.epochsOf(id) };
  }

  epochsOf(jobId: string): Promise<TrainingEpoch[]> {
    return this.prisma.client.trainingEpoch.findMany({
      where: { jobId },
      orderBy: { epoch: 'asc' },
    });
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
      this.prisma.client.trainingJob.count({
        where: {
          ...(parsed.status ? { status: parsed.status } : {}),
          ...(parsed.modelName ? { model: { name: parsed.modelName } } : {}),
        },
      }),
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
    return this.prisma.client.trainingJob.findMany({
      where: {
        ...(parsed.status ? { status: parsed.status } : {}),
        ...(parsed.modelName ? { model: { name: parsed.modelName } } : {}),
      },
      omit: { checkpoint: true },
      orderBy: { createdAt: 'desc' },
      skip: parsed.offset,
      take: parsed.first,
    });
  }

  /**
   * A queued job is removed from the queue and cancelled at once; a running one is flagged and
   * its worker stops it at the next check (within about a second) and marks it cancelled.
   */
  async cancel(id: string): Promise<TrainingJobRecord> {
    const job = await this.get(id);
    if (FINISHED.has(job.status)) {
      throw new DomainError(
        ErrorCode.JobNotCancellable,
        `training job ${id} is already ${job.status.toLowerCase()}`,
      );
    }
    await this.prisma.client.trainingJob.update({ where: { id }, data: { cancelRequested: true } });
    if (await this.queue.removeIfWaiting(id)) {
      await this.prisma.client.trainingJob.updateMany({
        where: { id, status: { in: ['QUEUED'] } },
        data: { status: 'CANCELLED', finishedAt: new Date() },
      });
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
