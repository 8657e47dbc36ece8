import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import {
  type PlatformConfig,
  QueueName,
  redisConnectionOptions,
  type TrainingProgressEvent,
} from '@ddnn/contracts';
import { TrainingJobsRepository } from '@ddnn/persistence';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { TrainingProgressPubSub } from './training-progress-pubsub';
import { finalProgress } from './training-progress-stream';
import type { TrainingProgressGql } from './types';

/** A final state that cannot be read (database down) is tried again this often, this many times. */
const FINAL_STATE_RETRY_MS = 2000;
const FINAL_STATE_RETRIES = 150;

/**
 * Forwards BullMQ events of the training queue (published by any worker, on any machine) to
 * GraphQL subscribers of this API process.
 */
@Injectable()
export class TrainingEventsBridge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TrainingEventsBridge.name);
  private events?: QueueEvents;
  private closed = false;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly pubsub: TrainingProgressPubSub,
    private readonly jobs: TrainingJobsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.events = new QueueEvents(QueueName.Training, {
      connection: redisConnectionOptions(this.config.REDIS_URL),
      prefix: this.config.QUEUE_PREFIX,
    });
    this.events.on('progress', ({ jobId, data }) => {
      const event = data as unknown as TrainingProgressEvent;
      if (typeof event !== 'object' || event === null || !('epoch' in event)) return;
      this.pubsub.publish(jobId, {
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
    const final = (jobId: string) => void this.publishFinalStateWhenReadable(jobId);
    this.events.on('completed', ({ jobId }) => final(jobId));
    this.events.on('failed', ({ jobId }) => final(jobId));
    // Redis going away must not crash the API (an 'error' event nobody listens to would).
    this.events.on('error', (error) =>
      this.logger.warn(`training events: ${(error as Error).message}`),
    );
    await this.events.waitUntilReady();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.events?.close();
  }

  /**
   * The database may be down when a job ends (that may be why it ended): never let that reject
   * unhandled (it would end the process); read the final state again until the database answers.
   */
  private async publishFinalStateWhenReadable(jobId: string, attempt = 1): Promise<void> {
    try {
      await this.publishFinalState(jobId);
    } catch (error) {
      const message = (error as Error).message?.trim().split('\n').pop();
      if (attempt >= FINAL_STATE_RETRIES || this.closed) {
        this.logger.error(`gave up publishing the final state of ${jobId}: ${message}`);
        return;
      }
      this.logger.warn(
        `final state of ${jobId} unreadable (attempt ${attempt}), retrying in ${FINAL_STATE_RETRY_MS} ms: ${message}`,
      );
      setTimeout(
        () => void this.publishFinalStateWhenReadable(jobId, attempt + 1),
        FINAL_STATE_RETRY_MS,
      ).unref();
    }
  }

  private async publishFinalState(jobId: string): Promise<void> {
    const job = await this.jobs.findById(jobId);
    if (!job) return;
    this.pubsub.publish(jobId, finalProgress(job));
  }
}
