import { TestPlatform, waitFor, type WorkerProcess } from './support/test-platform';

/**
 * One worker process with WORKER_CONCURRENCY=2 and TRAINING_THREADS=2: two training jobs run at
 * the same time (each in its own sandboxed child, each on two threads) and both come out right:
 * the same job twice gives the same weights, as it does when run alone.
 */
describe('worker running two jobs at once', () => {
  let platform: TestPlatform;
  let worker: WorkerProcess;

  beforeAll(async () => {
    platform = await TestPlatform.start();
    worker = await platform.startWorker({ WORKER_CONCURRENCY: '2', TRAINING_THREADS: '2' });
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
  });

  async function startJob(seed: number): Promise<string> {
    const res = await platform.http('/training-jobs', {
      method: 'POST',
      admin: true,
      json: { modelName: 'cams', dataset: 'cams', epochs: 2, batchSize: 16, seed },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  }

  async function completed(id: string) {
    return waitFor(
      async () => {
        const job = await platform.prisma.trainingJob.findUniqueOrThrow({ where: { id } });
        if (job.status === 'FAILED') throw new Error(`${job.error}\n${worker.output()}`);
        return job.status === 'COMPLETED' ? job : undefined;
      },
      240_000,
      `training job ${id} to complete`,
    );
  }

  async function weightsOf(jobId: string): Promise<Buffer> {
    const version = await platform.prisma.modelVersion.findFirstOrThrow({
      where: { trainingJobId: jobId },
    });
    return Buffer.from(version.weights);
  }

  it('trains two jobs concurrently, each exactly as it trains alone', async () => {
    const dataset = await platform.http('/datasets/builtin', {
      method: 'POST',
      admin: true,
      json: { builtin: 'synthetic-mvmc', name: 'cams', seed: 5, trainSize: 96, testSize: 12 },
    });
    expect(dataset.status).toBe(201);
    const model = await platform.http('/models', {
      method: 'POST',
      admin: true,
      json: { name: 'cams' },
    });
    expect(model.status).toBe(201);

    // the same job twice, queued together: the two run at once
    const [a, b] = [await startJob(4), await startJob(4)];
    const both = await waitFor(
      async () => {
        const running = await platform.prisma.trainingJob.count({
          where: { id: { in: [a, b] }, status: 'RUNNING' },
        });
        return running === 2 ? true : undefined;
      },
      120_000,
      'both jobs to be running at once',
    );
    expect(both).toBe(true);
    const [jobA, jobB] = [await completed(a), await completed(b)];
    expect(jobA.startedAt!.getTime()).toBeLessThan(jobB.finishedAt!.getTime());
    expect(jobB.startedAt!.getTime()).toBeLessThan(jobA.finishedAt!.getTime());
    const [wa, wb] = [await weightsOf(a), await weightsOf(b)];
    expect(wa.length).toBeGreaterThan(1000);
    expect(wa.equals(wb)).toBe(true);

    // alone (nothing else on the worker), the same job gives the same weights again
    const c = await startJob(4);
    await completed(c);
    expect((await weightsOf(c)).equals(wa)).toBe(true);
    const epochs = await platform.prisma.trainingEpoch.findMany({
      where: { jobId: { in: [a, c] } },
      orderBy: [{ jobId: 'asc' }, { epoch: 'asc' }],
    });
    expect(epochs).toHaveLength(4);
  });
});
