import {
  createPrismaClient,
  createTestDatabase,
  type PrismaClient,
  type TestDatabase,
} from '@ddnn/persistence';
import type { EvaluationReport } from '@ddnn/engine';
import { publishVersion, TrainedVersion } from './version-publisher';
import { insertPlaceholderModel } from './testing/job-fixtures';

describe('publishVersion', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let base: Omit<TrainedVersion, 'trainingJobId'>;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, { poolSize: 6 });
    const { modelId, datasetId } = await insertPlaceholderModel(prisma);
    base = {
      modelId,
      datasetId,
      config: {},
      report: { operatingPoint: { threshold: 0.5 } } as unknown as EvaluationReport,
      threshold: 0.5,
      weights: new Uint8Array([9, 9]),
      partitions: [],
    };
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  const newJob = () =>
    prisma.trainingJob.create({
      data: { modelId: base.modelId, datasetId: base.datasetId, params: {}, totalEpochs: 1 },
    });

  it('creates exactly one version when the same job publishes concurrently', async () => {
    const job = await newJob();
    const results = await Promise.all(
      [1, 2, 3].map(() => publishVersion(prisma, { ...base, trainingJobId: job.id })),
    );
    expect(new Set(results.map((r) => r.versionId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await prisma.modelVersion.count({ where: { trainingJobId: job.id } })).toBe(1);
  });

  it('numbers versions of a model monotonically under concurrent jobs', async () => {
    const jobs = await Promise.all([1, 2, 3, 4].map(() => newJob()));
    const results = await Promise.all(
      jobs.map((job) => publishVersion(prisma, { ...base, trainingJobId: job.id })),
    );
    const numbers = results.map((r) => r.version).sort((a, b) => a - b);
    expect(numbers).toEqual([2, 3, 4, 5]);
  });
});
