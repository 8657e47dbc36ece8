import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { JobName, QueueName, redisConnectionOptions } from '@ddnn/contracts';
import {
  createPrismaClient,
  createTestDatabase,
  type PrismaClient,
  type TestDatabase,
} from '@ddnn/persistence';
import { reapTrainingJobs } from './training-job-reaper';
import { insertPlaceholderModel } from './testing/job-fixtures';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The reaper against real PostgreSQL and Redis (its own BullMQ prefix on the shared Redis). */
describe('reapTrainingJobs', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let queue: Queue;
  let modelId: string;
  let datasetId: string;
  const prefix = `ddnn-test-${randomBytes(4).toString('hex')}`;
  const retry = { attempts: 3, backoffMs: 100 };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, { poolSize: 3 });
    queue = new Queue(QueueName.Training, {
      connection: redisConnectionOptions(REDIS_URL),
      prefix,
    });
    ({ modelId, datasetId } = await insertPlaceholderModel(prisma));
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await prisma.$disconnect();
    await db.drop();
  });

  const row = (
    status: 'QUEUED' | 'RUNNING',
    extra: { cancelRequested?: boolean; attempts?: number } = {},
  ) =>
    prisma.trainingJob.create({
      data: { modelId, datasetId, status, params: {}, totalEpochs: 1, ...extra },
    });

  it('resumes jobs the queue lost, fails jobs the queue failed, finishes accepted cancels, and leaves held jobs alone', async () => {
    const lost = await row('RUNNING', { attempts: 1 });
    const cancelled = await row('RUNNING', { cancelRequested: true });
    const exhausted = await row('RUNNING', { attempts: 3 });
    const failedOnQueue = await row('RUNNING', { attempts: 1 });
    const waiting = await row('QUEUED');
    const fresh = await row('QUEUED');
    // Let the queue fail one job for real (its worker threw, attempts used up).
    await queue.add(
      JobName.TrainModel,
      { trainingJobId: failedOnQueue.id },
      { jobId: failedOnQueue.id },
    );
    const worker = new Worker(
      QueueName.Training,
      async () => {
        throw new Error('database unreachable');
      },
      { connection: redisConnectionOptions(REDIS_URL), prefix },
    );
    await new Promise((resolve) => worker.on('failed', resolve));
    await worker.close();
    await queue.add(JobName.TrainModel, { trainingJobId: waiting.id }, { jobId: waiting.id });
    await prisma.trainingJob.updateMany({
      where: { id: { not: fresh.id } },
      data: { updatedAt: new Date(Date.now() - 60_000) },
    });

    const reaped = await reapTrainingJobs(prisma, queue, { retry, graceMs: 30_000 });
    const byId = Object.fromEntries(reaped.map((r) => [r.id, r.action]));
    expect(byId).toEqual({
      [lost.id]: 'resumed',
      [cancelled.id]: 'cancelled',
      [exhausted.id]: 'failed',
      [failedOnQueue.id]: 'failed',
    });
    const status = async (id: string) =>
      (await prisma.trainingJob.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(lost.id)).toBe('QUEUED');
    expect(await (await queue.getJob(lost.id))?.getState()).toBe('waiting');
    expect(await status(cancelled.id)).toBe('CANCELLED');
    expect(await status(exhausted.id)).toBe('FAILED');
    const failedRow = await prisma.trainingJob.findUniqueOrThrow({
      where: { id: failedOnQueue.id },
    });
    expect(failedRow).toMatchObject({
      status: 'FAILED',
      error: expect.stringContaining('database unreachable'),
    });
    expect(await status(waiting.id)).toBe('QUEUED');
    expect(await status(fresh.id)).toBe('QUEUED');

    // A second pass (or another worker's at the same time) finds nothing more to do.
    expect(await reapTrainingJobs(prisma, queue, { retry, graceMs: 30_000 })).toEqual([]);
  });
});
