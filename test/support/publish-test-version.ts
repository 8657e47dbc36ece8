import { createHash } from 'node:crypto';
import {
  createModel,
  cutPartitions,
  serializeModel,
  type CutPartition,
  type EvaluationReport,
} from '@ddnn/engine';
import type { PrismaClient } from '@ddnn/persistence';
import { publishVersion } from '../../apps/worker/src/training/version-publisher';

/**
 * A model version made by a test rather than by training (e.g. version 1's weights cut again with
 * another threshold), published through the worker's own publisher: same rows, same partitions,
 * same transaction. A finished training job row stands for the training that did not happen.
 */
export async function publishTestVersion(
  prisma: PrismaClient,
  version: {
    modelId: string;
    datasetId: string;
    config: unknown;
    threshold: number;
    weights: Uint8Array;
    partitions: CutPartition[];
  },
): Promise<{ versionId: string; version: number }> {
  const job = await prisma.trainingJob.create({
    data: {
      modelId: version.modelId,
      datasetId: version.datasetId,
      status: 'RUNNING',
      params: {},
      totalEpochs: 1,
    },
  });
  const published = await publishVersion(prisma, {
    ...version,
    trainingJobId: job.id,
    // No evaluation was run for it: the version's metrics are empty, as the test expects.
    report: {} as EvaluationReport,
  });
  return { versionId: published.versionId, version: published.version };
}

/** A dataset row with no samples, for versions that are published rather than trained. */
export function insertEmptyDataset(
  prisma: PrismaClient,
  dataset: { name: string; viewCount: number; viewShape: number[]; classNames: string[] },
  viewNames: string[] = [],
) {
  return prisma.dataset.upsert({
    where: { name: dataset.name },
    update: {},
    create: {
      ...dataset,
      viewNames,
      format: 'fixture',
      trainSize: 0,
      testSize: 0,
      sizeBytes: 0,
      sha256: createHash('sha256').update(dataset.name).digest('hex'),
      trainData: new Uint8Array(0),
      testData: new Uint8Array(0),
    },
  });
}

/**
 * A version with the untrained weights of `seed` (config as the model row stores it), cut as the
 * worker cuts them (local threshold 0.5) and published through publishTestVersion.
 */
export async function publishUntrainedVersion(
  prisma: PrismaClient,
  version: { modelId: string; datasetId: string; config: unknown; seed: number },
): Promise<{
  versionId: string;
  version: number;
  weights: Uint8Array;
  partitions: CutPartition[];
}> {
  const model = createModel(version.config, version.seed);
  const partitions = cutPartitions(model, { thresholds: { local: 0.5 } });
  const weights = serializeModel(model);
  const config = model.config;
  model.dispose();
  const published = await publishTestVersion(prisma, {
    modelId: version.modelId,
    datasetId: version.datasetId,
    config,
    threshold: 0.5,
    weights,
    partitions,
  });
  return { ...published, weights, partitions };
}
