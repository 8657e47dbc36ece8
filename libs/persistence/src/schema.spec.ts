import { createHash } from 'node:crypto';
import { Prisma, PrismaClient } from './generated/client';
import { createPrismaClient } from './prisma-client';
import { createTestDatabase, TestDatabase } from './testing/test-database';

/**
 * Proves the migrated database matches schema.prisma: every model is created, read back and
 * updated through the generated client (a column or enum missing from the SQL would fail here).
 */
describe('migrated database vs schema.prisma', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, { poolSize: 2 });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it('creates, reads and updates every model', async () => {
    const data = new Uint8Array([1, 2, 3, 250]);
    const dataset = await prisma.dataset.create({
      data: {
        name: 'ds',
        format: 'builtin:synthetic-mvmc',
        viewCount: 6,
        viewNames: ['cam0', 'cam1'],
        classNames: ['car', 'bus', 'person'],
        trainSize: 10,
        testSize: 5,
        sizeBytes: data.byteLength,
        sha256: sha(data),
        viewShape: [32, 32, 3],
        trainData: data,
        testData: data.subarray(1),
      },
    });
    const readDataset = await prisma.dataset.findUniqueOrThrow({ where: { id: dataset.id } });
    expect(Array.from(readDataset.trainData)).toEqual([1, 2, 3, 250]);
    expect(Array.from(readDataset.testData)).toEqual([2, 3, 250]);
    expect(readDataset.viewShape).toEqual([32, 32, 3]);
    expect(readDataset.classNames).toEqual(['car', 'bus', 'person']);
    expect(
      (await prisma.dataset.update({ where: { id: dataset.id }, data: { status: 'FAILED' } }))
        .status,
    ).toBe('FAILED');

    const model = await prisma.model.create({ data: { name: 'm', config: { devices: 6 } } });
    expect(model.lastVersion).toBe(0);
    const job = await prisma.trainingJob.create({
      data: { modelId: model.id, datasetId: dataset.id, params: { epochs: 2 }, totalEpochs: 2 },
    });
    expect(job.status).toBe('QUEUED');
    const updatedJob = await prisma.trainingJob.update({
      where: { id: job.id },
      data: {
        status: 'RUNNING',
        attempts: { increment: 1 },
        checkpoint: new Uint8Array([9]),
        checkpointEpoch: 1,
        progress: 0.5,
        currentEpoch: 1,
        cancelRequested: true,
        startedAt: new Date(),
        error: 'none',
      },
    });
    expect(updatedJob).toMatchObject({
      status: 'RUNNING',
      attempts: 1,
      checkpointEpoch: 1,
      progress: 0.5,
    });
    await prisma.trainingEpoch.create({
      data: {
        jobId: job.id,
        epoch: 1,
        losses: { total: 1.5 },
        accuracies: { cloud: 0.5 },
        elapsedMs: 10,
        etaMs: 5,
      },
    });
    const epoch = await prisma.trainingEpoch.update({
      where: { jobId_epoch: { jobId: job.id, epoch: 1 } },
      data: { losses: { total: 1.2 } },
    });
    expect(epoch.losses).toEqual({ total: 1.2 });

    const version = await prisma.modelVersion.create({
      data: {
        modelId: model.id,
        version: 1,
        config: { devices: 6 },
        metrics: { exitAccuracy: { cloud: 0.9 } },
        threshold: 0.8,
        weights: new Uint8Array([4, 5]),
        datasetId: dataset.id,
        trainingJobId: job.id,
      },
    });
    expect(
      (
        await prisma.modelVersion.update({
          where: { id: version.id },
          data: { status: 'ARCHIVED' },
        })
      ).status,
    ).toBe('ARCHIVED');
    const bytes = new Uint8Array([7, 7, 7]);
    const partition = await prisma.partition.create({
      data: {
        versionId: version.id,
        tier: 'DEVICE',
        deviceIndex: 0,
        formatVersion: 1,
        sizeBytes: 3,
        sha256: sha(bytes),
        manifest: { tier: 'device' },
        bytes,
      },
    });
    expect(
      (await prisma.partition.update({ where: { id: partition.id }, data: { formatVersion: 2 } }))
        .formatVersion,
    ).toBe(2);

    const alias = await prisma.modelAlias.create({
      data: { modelId: model.id, name: 'production', versionId: version.id },
    });
    expect(
      (await prisma.modelAlias.update({ where: { id: alias.id }, data: { name: 'staging' } })).name,
    ).toBe('staging');

    const client = await prisma.edgeClient.create({
      data: {
        name: 'cam0',
        modelId: model.id,
        aliasName: 'production',
        deviceIndex: 0,
        credentialHash: 'h1',
      },
    });
    const seen = await prisma.edgeClient.update({
      where: { id: client.id },
      data: {
        lastSeenAt: new Date(),
        installedVersionId: version.id,
        pinnedVersionId: version.id,
        counters: { samples: 3 },
        role: 'GATEWAY',
        status: 'REVOKED',
      },
    });
    expect(seen).toMatchObject({ role: 'GATEWAY', status: 'REVOKED', counters: { samples: 3 } });
    const token = await prisma.enrollmentToken.create({
      data: { tokenHash: 't1', expiresAt: new Date(Date.now() + 60_000) },
    });
    const used = await prisma.enrollmentToken.update({
      where: { id: token.id },
      data: { usedAt: new Date(), edgeClientId: client.id },
    });
    expect(used.edgeClientId).toBe(client.id);

    const full = await prisma.model.findUniqueOrThrow({
      where: { id: model.id },
      include: {
        versions: {
          include: { partitions: true, aliases: true, trainingJob: { include: { epochs: true } } },
        },
        edgeClients: { include: { enrollment: true } },
      },
    });
    expect(full.versions[0].partitions).toHaveLength(1);
    expect(full.versions[0].aliases[0].name).toBe('staging');
    expect(full.versions[0].trainingJob.epochs).toHaveLength(1);
    expect(full.edgeClients[0].enrollment?.id).toBe(token.id);
  });

  it('enforces one version number per model and one version per training job', async () => {
    const data = new Uint8Array([1]);
    const dataset = await prisma.dataset.create({
      data: {
        name: 'ds2',
        format: 'x',
        viewCount: 1,
        trainSize: 1,
        testSize: 1,
        sizeBytes: 1,
        sha256: sha(data),
        trainData: data,
        testData: data,
      },
    });
    const model = await prisma.model.create({ data: { name: 'm2', config: {} } });
    const job = await prisma.trainingJob.create({
      data: { modelId: model.id, datasetId: dataset.id, params: {}, totalEpochs: 1 },
    });
    const base = {
      modelId: model.id,
      config: {},
      metrics: {},
      threshold: 0.5,
      weights: data,
      datasetId: dataset.id,
    };
    await prisma.modelVersion.create({ data: { ...base, version: 1, trainingJobId: job.id } });
    const error = await prisma.modelVersion
      .create({ data: { ...base, version: 2, trainingJobId: job.id } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  });
});
