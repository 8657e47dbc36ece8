import type { TrainingProgressEvent } from '@ddnn/contracts';
import { initEngineBackend } from '@ddnn/engine';
import {
  createPrismaClient,
  createTestDatabase,
  type PrismaClient,
  type TestDatabase,
} from '@ddnn/persistence';
import { UnrecoverableError } from 'bullmq';
import { runTrainingJob, TrainingQueueJob } from './run-training-job';
import { insertTinyMvmc } from './testing/job-fixtures';
import { publishVersion } from './version-publisher';

/** How a job ends when a cancel comes late or the row was settled already (real PostgreSQL). */
describe('training job end states', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let datasetId: string;
  let modelId: string;

  beforeAll(async () => {
    await initEngineBackend('wasm');
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, { poolSize: 6 });
    ({ datasetId, modelId } = await insertTinyMvmc(prisma, 4));
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  const newJob = (epochs: number, status: 'QUEUED' | 'RUNNING' | 'FAILED' = 'QUEUED') =>
    prisma.trainingJob.create({
      data: {
        modelId,
        datasetId,
        status,
        totalEpochs: epochs,
        params: { epochs, batchSize: 12, learningRate: 0.001, seed: 5 },
      },
    });

  const queueJob = (
    trainingJobId: string,
    onProgress: (event: TrainingProgressEvent) => Promise<void> = async () => undefined,
  ): TrainingQueueJob => ({
    id: trainingJobId,
    data: { trainingJobId },
    attemptsMade: 0,
    opts: { attempts: 3 },
    updateProgress: onProgress,
  });

  /** What the API's cancel does to the row (training.service.ts cancel). */
  const acceptCancel = (id: string) =>
    prisma.trainingJob.updateMany({
      where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { cancelRequested: true },
    });

  it('publishes no version when the cancel is accepted after the last epoch', async () => {
    const job = await newJob(2);
    const outcome = await runTrainingJob(
      prisma,
      queueJob(job.id, async (event) => {
        // The cancel arrives after the last epoch, while the version is being prepared.
        if (event.epoch === 2) expect((await acceptCancel(job.id)).count).toBe(1);
      }),
    );
    expect(outcome.outcome).toBe('cancelled');
    expect(await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'CANCELLED',
    });
    expect(await prisma.modelVersion.count({ where: { trainingJobId: job.id } })).toBe(0);
  });

  it('orders a cancel and a publish: either the version stands and the cancel is refused, or no version', async () => {
    for (let i = 0; i < 8; i++) {
      const job = await newJob(1, 'RUNNING');
      const [published, cancel] = await Promise.allSettled([
        publishVersion(prisma, {
          trainingJobId: job.id,
          modelId,
          datasetId,
          config: {},
          report: {} as never,
          threshold: 0.5,
          weights: new Uint8Array([1]),
          partitions: [],
        }),
        acceptCancel(job.id),
      ]);
      const versions = await prisma.modelVersion.count({ where: { trainingJobId: job.id } });
      const row = await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
      if (published.status === 'fulfilled') {
        expect({
          versions,
          status: row.status,
          cancel: cancel.status === 'fulfilled' && cancel.value.count,
        }).toEqual({
          versions: 1,
          status: 'COMPLETED',
          cancel: 0,
        });
      } else {
        expect({
          versions,
          cancelRequested: row.cancelRequested,
          reason: String(published.reason),
        }).toEqual({
          versions: 0,
          cancelRequested: true,
          reason: expect.stringContaining('cancelled before its version was published'),
        });
      }
    }
  });

  it('never revives a job that was settled already, nor one that is not recorded', async () => {
    const failed = await newJob(2, 'FAILED');
    const error = await runTrainingJob(prisma, queueJob(failed.id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(await prisma.trainingJob.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
      status: 'FAILED',
      attempts: 0,
      currentEpoch: 0,
    });
    const missing = await runTrainingJob(
      prisma,
      queueJob('00000000-0000-4000-8000-000000000000'),
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UnrecoverableError);
  });
});
