import type { CutPartition, EvaluationReport } from '@ddnn/engine';
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
