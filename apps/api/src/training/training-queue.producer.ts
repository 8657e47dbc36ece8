import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import {
  JobName,
  JobPayload,
  type PlatformConfig,
  QueueName,
  trainingJobOptions,
} from '@ddnn/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';

/**
 * The only place the API puts jobs on the training queue: payloads are typed by job name. Every
 * call answers within REDIS_COMMAND_TIMEOUT_MS; a Redis that is down or silent becomes an
 * Unavailable error (503) instead of a hung request.
 */
@Injectable()
export class TrainingQueueProducer {
  constructor(
    @InjectQueue(QueueName.Training) private readonly queue: Queue,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  enqueueTraining(payload: JobPayload<JobName.TrainModel>): Promise<Job> {
    return this.bounded('enqueue the training job', () =>
      this.queue.add(
        JobName.TrainModel,
        payload,
        trainingJobOptions(payload.trainingJobId, {
          attempts: this.config.TRAINING_ATTEMPTS,
          backoffMs: this.config.TRAINING_RETRY_BACKOFF_MS,
        }),
      ),
    );
  }

  /** The queue job's state ('waiting', 'active', 'failed', ...), or 'missing' if there is none. */
  stateOf(trainingJobId: string): Promise<string> {
    return this.bounded('read the training queue', async () => {
      const job = await this.queue.getJob(trainingJobId);
      return job ? await job.getState() : 'missing';
    });
  }

  /** Removes a job that has not started; returns false if it is running or gone. */
  async removeIfWaiting(trainingJobId: string): Promise<boolean> {
    return this.bounded('read the training queue', async () => {
      const job = await this.queue.getJob(trainingJobId);
      if (!job) return false;
      const state = await job.getState();
      if (
        state !== 'waiting' &&
        state !== 'delayed' &&
        state !== 'prioritized' &&
        state !== 'waiting-children'
      ) {
        return false;
      }
      await job.remove();
      return true;
    });
  }

  counts() {
    return this.bounded('read the training queue', () =>
      this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
    );
  }

  private async bounded<T>(what: string, run: () => Promise<T>): Promise<T> {
    const limitMs = this.config.REDIS_COMMAND_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from Redis within ${limitMs} ms`)),
        limitMs,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      throw new DomainError(
        ErrorCode.Unavailable,
        `could not ${what}: the training queue (Redis) is unavailable (${(error as Error).message}); try again later`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
