import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueueEvents } from 'bullmq';
import {
  type PlatformConfig,
  QueueName,
  redisConnectionOptions,
  type TrainingProgressEvent,
} from '@ddnn/contracts';
import { PrismaService } from '@ddnn/persistence';
import type { FastifyInstance } from 'fastify';
import type { PubSub } from 'mercurius';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import type { TrainingProgressGql } from './types';

export const trainingProgressTopic = (jobId: string) => `training-progress:${jobId}`;

/**
 * Forwards BullMQ events of the training queue (published by any worker, on any machine) to
 * GraphQL subscribers of this API process.
 */
@Injectable()
export class TrainingEventsBridge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TrainingEventsBridge.name);
  private events?: QueueEvents;
  private pubsub?: PubSub;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly prisma: PrismaService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    this.pubsub = fastify.graphql.pubsub;
    this.events = new QueueEvents(QueueName.Training, {
      connection: redisConnectionOptions(this.config.REDIS_URL),
      prefix: this.config.QUEUE_PREFIX,
    });
    this.events.on('progress', ({ jobId, data }) => {
      const event = data as unknown as TrainingProgressEvent;
      if (typeof event !== 'object' || event === null || !('epoch' in event)) return;
      void this.publish(jobId, {
        trainingJobId: jobId,
        status: 'RUNNING' as TrainingProgressGql['status'],
        epoch: event.epoch,
        epochs: event.epochs,
        progress: event.progress / 100, // the queue event is in percent, GraphQL in 0..1
        losses: event.losses,
        accuracies: event.accuracies,
        etaMs: event.etaMs,
        error: null,
      });
    });
    const final = (jobId: string) => void this.publishFinalState(jobId);
    this.events.on('completed', ({ jobId }) => final(jobId));
    this.events.on('failed', ({ jobId }) => final(jobId));
    await this.events.waitUntilReady();
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }

  private async publishFinalState(jobId: string): Promise<void> {
    const job = await this.prisma.client.trainingJob.findUnique({
      where: { id: jobId },
      omit: { checkpoint: true },
    });
    if (!job) return;
    await this.publish(jobId, {
      trainingJobId: jobId,
      status: job.status as TrainingProgressGql['status'],
      epoch: job.currentEpoch,
      epochs: job.totalEpochs,
      progress: job.progress,
      losses: null,
      accuracies: null,
      etaMs: null,
      error: job.error,
    });
  }

  private async publish(jobId: string, event: TrainingProgressGql): Promise<void> {
    try {
      await this.pubsub?.publish({
        topic: trainingProgressTopic(jobId),
        payload: { trainingProgress: event },
      });
    } catch (error) {
      this.logger.warn(`could not publish progress of ${jobId}: ${(error as Error).message}`);
    }
  }
}
