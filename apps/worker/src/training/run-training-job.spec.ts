import type { TrainingProgressEvent } from '@ddnn/contracts';
import { UnrecoverableError } from 'bullmq';
import type { createBuiltinDataset } from '@ddnn/datasets';
import {
  deserializeModel,
  initEngineBackend,
  MIN_VALIDATION_SAMPLES,
  PAPER_MVMC_CONFIG,
  serializeModel,
  trainModel,
  createModel,
} from '@ddnn/engine';
import {
  createPrismaClient,
  createTestDatabase,
  type PrismaClient,
  type TestDatabase,
} from '@ddnn/persistence';
import { runTrainingJob, TrainingQueueJob } from './run-training-job';
import { insertTinyMvmc } from './testing/job-fixtures';

/** Real PostgreSQL and the real engine (WASM), on a tiny dataset: 2-3 short epochs per test. */
describe('runTrainingJob', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let datasetId: string;
  let modelId: string;
  let trainSet: ReturnType<typeof createBuiltinDataset>['train'];

  beforeAll(async () => {
    await initEngineBackend('wasm');
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, { poolSize: 3 });
    ({ datasetId, modelId, train: trainSet } = await insertTinyMvmc(prisma, 3));
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  async function newJob(epochs: number) {
    return prisma.trainingJob.create({
      data: {
        modelId,
        datasetId,
        totalEpochs: epochs,
        params: { epochs, batchSize: 12, learningRate: 0.001, seed: 5 },
      },
    });
  }

  function queueJob(
    trainingJobId: string,
    events: TrainingProgressEvent[],
    attemptsMade = 0,
    failAtEpoch?: number,
  ): TrainingQueueJob {
    return {
      id: trainingJobId,
      data: { trainingJobId },
      attemptsMade,
      opts: { attempts: 3 },
      async updateProgress(event) {
        if (event.epoch === failAtEpoch) throw new Error(`worker died after epoch ${failAtEpoch}`);
        events.push(event);
      },
    };
  }

  it('trains, reports every epoch and publishes version, partitions and evaluation once', async () => {
    const job = await newJob(2);
    const events: TrainingProgressEvent[] = [];
    const outcome = await runTrainingJob(prisma, queueJob(job.id, events));
    expect(outcome).toMatchObject({ outcome: 'completed', version: 1, created: true });
    expect(events.map((e) => e.epoch)).toEqual([1, 2]);
    expect(events.map((e) => e.progress)).toEqual([50, 100]); // percent, as bull-board shows it
    expect(Object.keys(events[0].losses)).toEqual(
      expect.arrayContaining(['device0', 'local', 'cloud', 'total']),
    );

    const stored = await prisma.trainingJob.findUniqueOrThrow({
      where: { id: job.id },
      include: { epochs: true },
    });
    expect(stored).toMatchObject({
      status: 'COMPLETED',
      progress: 1,
      currentEpoch: 2,
      attempts: 1,
      checkpoint: null,
    });
    expect(stored.epochs.map((e) => e.epoch).sort()).toEqual([1, 2]);
    const version = await prisma.modelVersion.findUniqueOrThrow({
      where: { trainingJobId: job.id },
      include: { partitions: true },
    });
    const metrics = version.metrics as {
      exitAccuracy: { cloud: number };
      sweep: unknown[];
      faultTolerance: unknown[];
    };
    expect(metrics.sweep).toHaveLength(10);
    expect(metrics.faultTolerance.length).toBe(6);
    // The worker runs the engine's protocol (tested in libs/ddnn training-protocol.spec.ts): with
    // 24 training samples 15 % is too small a split to choose T on, so the whole set is trained
    // on and the version ships T = 0 (every sample to the cloud), and says so.
    expect(Math.round(24 * 0.15)).toBeLessThan(MIN_VALIDATION_SAMPLES);
    expect(version.threshold).toBe(0);
    const op = (version.metrics as { operatingPoint: Record<string, unknown> }).operatingPoint;
    expect(op.chosenBy).toMatch(/^no validation split .* T = 0, every sample goes to the cloud$/);
    expect(op.expected).toEqual({
      samples: 0,
      localExitRate: { estimate: 0, low: 0, high: 0 },
      accuracyVsCloud: { estimate: 0, lowerBound: 0 },
    });
    expect(op.overallAccuracy).toBe(metrics.exitAccuracy.cloud);
    // the published weights are the engine's, trained on the whole training set
    const published = deserializeModel(version.weights);
    const plain = createModel(PAPER_MVMC_CONFIG, 5);
    await trainModel(plain, trainSet, { epochs: 2, batchSize: 12, learningRate: 0.001, seed: 5 });
    expect(serializeModel(published)).toEqual(serializeModel(plain));
    published.dispose();
    plain.dispose();
    // 6 device partitions, the local aggregator and the cloud.
    expect(version.partitions.map((p) => `${p.tier}${p.deviceIndex ?? ''}`).sort()).toEqual(
      ['CLOUD', 'DEVICE0', 'DEVICE1', 'DEVICE2', 'DEVICE3', 'DEVICE4', 'DEVICE5', 'LOCAL'].sort(),
    );
    for (const p of version.partitions) expect(p.sizeBytes).toBe(p.bytes.length);

    // A duplicated or retried delivery of the same job creates nothing new.
    const again = await runTrainingJob(prisma, queueJob(job.id, []));
    expect(again).toMatchObject({ outcome: 'completed', versionId: version.id, created: false });
    expect(await prisma.modelVersion.count({ where: { modelId } })).toBe(1);
  });

  it('resumes from the last checkpoint when a failed attempt is retried', async () => {
    const job = await newJob(3);
    const first: TrainingProgressEvent[] = [];
    await expect(runTrainingJob(prisma, queueJob(job.id, first, 0, 2))).rejects.toThrow(
      'worker died after epoch 2',
    );
    const afterFailure = await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(afterFailure).toMatchObject({ status: 'QUEUED', error: 'worker died after epoch 2' });
    expect(afterFailure.checkpointEpoch).toBeGreaterThanOrEqual(1);

    const second: TrainingProgressEvent[] = [];
    const outcome = await runTrainingJob(prisma, queueJob(job.id, second, 1));
    expect(outcome).toMatchObject({ outcome: 'completed', version: 2 });
    // The retry starts after the checkpointed epoch, not from epoch 1.
    expect(second[0].epoch).toBe(afterFailure.checkpointEpoch! + 1);
    expect(second.at(-1)!.epoch).toBe(3);
    const stored = await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stored).toMatchObject({ status: 'COMPLETED', attempts: 2, error: null });
  });

  it('marks a failed final attempt FAILED with its error', async () => {
    const job = await newJob(2);
    await expect(runTrainingJob(prisma, { ...queueJob(job.id, [], 2, 1) })).rejects.toThrow();
    expect(await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'FAILED',
      error: 'worker died after epoch 1',
    });
  });

  it('fails at once, without retries, when the model does not fit the dataset', async () => {
    const other = await prisma.model.create({
      data: {
        name: 'small-views',
        config: { ...PAPER_MVMC_CONFIG, inputShape: [16, 16, 3] } as object,
      },
    });
    const job = await prisma.trainingJob.create({
      data: {
        modelId: other.id,
        datasetId,
        totalEpochs: 1,
        params: { epochs: 1, batchSize: 12, learningRate: 0.001, seed: 1 },
      },
    });
    const error = await runTrainingJob(prisma, queueJob(job.id, [])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'FAILED',
      error: expect.stringContaining('the model expects 6 views of 16x16x3'),
    });
  });

  it('fails at once, without retries, when the stored parameters are ones the engine refuses', async () => {
    const job = await prisma.trainingJob.create({
      data: {
        modelId,
        datasetId,
        totalEpochs: 1,
        // as an older API version accepted them
        params: {
          epochs: 1,
          batchSize: 1,
          learningRate: 0.001,
          seed: 1,
          exitWeights: { device0: 2 },
        },
      },
    });
    const error = await runTrainingJob(prisma, queueJob(job.id, [])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    const stored = await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stored).toMatchObject({ status: 'FAILED', currentEpoch: 0 });
    expect(stored.error).toMatch(
      /invalid training parameters: batchSize: .*; exitWeights: .*device0/,
    );
  });

  it('stops a job whose cancellation was requested', async () => {
    const job = await newJob(50);
    const events: TrainingProgressEvent[] = [];
    const run = runTrainingJob(prisma, queueJob(job.id, events));
    const deadline = Date.now() + 60_000;
    while (events.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await prisma.trainingJob.update({ where: { id: job.id }, data: { cancelRequested: true } });
    const outcome = await run;
    expect(outcome.outcome).toBe('cancelled');
    expect(events.length).toBeLessThan(50);
    expect(await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'CANCELLED',
    });
    expect(await prisma.modelVersion.count({ where: { trainingJobId: job.id } })).toBe(0);
  });
});
