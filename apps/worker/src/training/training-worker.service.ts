import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Worker, type WorkerOptions } from 'bullmq';
import {
  type PlatformConfig,
  QueueName,
  redisConnectionOptions,
  TRAINING_MAX_STALLED_COUNT,
} from '@ddnn/contracts';
import { WORKER_CONFIG } from '../worker-config.token';
import { trainingSandboxFile } from './sandbox-file';

/**
 * Consumes the training queue with a sandboxed processor. Any number of these (processes or
 * machines) can share the queue; each runs WORKER_CONCURRENCY jobs at once.
 */
@Injectable()
export class TrainingWorkerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TrainingWorkerService.name);
  private worker?: Worker;

  constructor(@Inject(WORKER_CONFIG) private readonly config: PlatformConfig) {}

  onModuleInit(): void {
    const config = this.config;
    const options: WorkerOptions & { workerForkOptions: { env: NodeJS.ProcessEnv } } = {
      connection: redisConnectionOptions(config.REDIS_URL),
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.TRAINING_LOCK_DURATION_MS,
      stalledInterval: config.TRAINING_STALLED_INTERVAL_MS,
      maxStalledCount: TRAINING_MAX_STALLED_COUNT,
      useWorkerThreads: false,
      // The child reads its configuration from the environment: hand it the validated values.
      workerForkOptions: { env: { ...process.env, ...configEnv(config) } },
    };
    this.worker = new Worker(QueueName.Training, trainingSandboxFile(), options);
    this.worker.on('failed', (job, error) =>
      this.logger.warn(
        `training job ${job?.id} attempt ${job?.attemptsMade} failed: ${error.message}`,
      ),
    );
    this.worker.on('completed', (job) =>
      this.logger.log(`training job ${job.id} finished: ${JSON.stringify(job.returnvalue)}`),
    );
    this.worker.on('error', (error) => this.logger.error(`worker error: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  waitUntilReady(): Promise<unknown> {
    return this.worker?.waitUntilReady() ?? Promise.resolve();
  }
}

function configEnv(config: PlatformConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));
}
