import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { type PlatformConfig, QueueName, redisProducerConnectionOptions } from '@ddnn/contracts';
import { createPrismaClient, type PrismaClient } from '@ddnn/persistence';
import { WORKER_CONFIG } from '../worker-config.token';
import { reapTrainingJobs } from './training-job-reaper';

/**
 * Runs the reaper (training-job-reaper.ts) every TRAINING_REAPER_INTERVAL_MS in each worker
 * process. A pass that fails (database or Redis down) is logged and tried at the next tick.
 */
@Injectable()
export class TrainingJobReaperService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TrainingJobReaperService.name);
  private timer?: NodeJS.Timeout;
  private prisma?: PrismaClient;
  private queue?: Queue;
  private running = false;

  constructor(@Inject(WORKER_CONFIG) private readonly config: PlatformConfig) {}

  onModuleInit(): void {
    const config = this.config;
    if (config.TRAINING_REAPER_INTERVAL_MS === 0) return;
    this.prisma = createPrismaClient(config.DATABASE_URL, {
      poolSize: 2,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    });
    this.queue = new Queue(QueueName.Training, {
      connection: redisProducerConnectionOptions(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT_MS),
      prefix: config.QUEUE_PREFIX,
    });
    this.queue.on('error', (error) => this.logger.warn(`reaper queue: ${error.message}`));
    this.timer = setInterval(() => void this.pass(), config.TRAINING_REAPER_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.queue?.close().catch(() => undefined);
    await this.prisma?.$disconnect().catch(() => undefined);
  }

  private async pass(): Promise<void> {
    if (this.running || !this.prisma || !this.queue) return;
    this.running = true;
    try {
      const reaped = await reapTrainingJobs(this.prisma, this.queue, {
        retry: {
          attempts: this.config.TRAINING_ATTEMPTS,
          backoffMs: this.config.TRAINING_RETRY_BACKOFF_MS,
        },
        // A job is left alone while a stalled-job check could still hand it to a live worker.
        graceMs: Math.max(
          this.config.TRAINING_REAPER_INTERVAL_MS,
          this.config.TRAINING_LOCK_DURATION_MS,
        ),
      });
      for (const job of reaped) {
        this.logger.warn(`reaper: training job ${job.id} ${job.action} (queue: ${job.queueState})`);
      }
    } catch (error) {
      this.logger.warn(
        `reaper pass failed, next in ${this.config.TRAINING_REAPER_INTERVAL_MS} ms: ${(error as Error).message}`,
      );
    } finally {
      this.running = false;
    }
  }
}
