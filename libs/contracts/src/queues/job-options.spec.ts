import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { JobName, QueueName } from './queue-name';
import { trainingJobOptions, trainingRetryDelayMs } from './job-options';
import { redisConnectionOptions } from './redis-connection';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('training retry policy', () => {
  const retry = { attempts: 3, backoffMs: 400 };

  it('backs off exponentially from TRAINING_RETRY_BACKOFF_MS', () => {
    expect([1, 2, 3, 4].map((attempt) => trainingRetryDelayMs(retry, attempt))).toEqual([
      0, 400, 800, 1600,
    ]);
    expect(trainingJobOptions('job-1', retry)).toMatchObject({
      jobId: 'job-1',
      attempts: 3,
      backoff: { type: 'exponential', delay: 400 },
    });
  });

  it('is what BullMQ does: failed attempts of a job are spaced by the backoff (real Redis)', async () => {
    const prefix = `ddnn-test-${randomBytes(4).toString('hex')}`;
    const connection = redisConnectionOptions(REDIS_URL);
    const queue = new Queue(QueueName.Training, { connection, prefix });
    const starts: number[] = [];
    const worker = new Worker(
      QueueName.Training,
      async () => {
        starts.push(Date.now());
        throw new Error('database unreachable');
      },
      { connection, prefix },
    );
    try {
      const failedForGood = new Promise<void>((resolve) =>
        worker.on('failed', (job) => {
          if (job && job.attemptsMade >= retry.attempts) resolve();
        }),
      );
      await queue.add(JobName.TrainModel, { trainingJobId: 'x' }, trainingJobOptions('x', retry));
      await failedForGood;
      expect(starts).toHaveLength(3);
      // Attempt 2 waits >= 400 ms, attempt 3 >= 800 ms (not three attempts at once).
      expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(trainingRetryDelayMs(retry, 2));
      expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(trainingRetryDelayMs(retry, 3));
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
