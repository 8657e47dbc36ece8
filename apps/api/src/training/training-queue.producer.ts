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
import { PLATFORM_CONFIG } from '../common/platform-config.token';

/** The only place the API puts jobs on the training queue: payloads are typed by job name. */
@Injectable()
export class TrainingQueueProducer {
  constructor(
    @InjectQueue(QueueName.Training) private readonly queue: Queue,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  enqueueTraining(payload: JobPayload<JobName.TrainModel>): Promise<Job> {
    return this.queue.add(
      JobName.TrainModel,
      payload,
      trainingJobOptions(payload.trainingJobId, this.config.TRAINING_ATTEMPTS),
    );
  }

  /** Removes a job that has not started; returns false if it is running or gone. */
  async removeIfWaiting(trainingJobId: string): Promise<boolean> {
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
  }

  counts() {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }
}
