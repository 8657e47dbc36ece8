import type { CutPartition, EvaluationReport, KeptEpoch } from '@ddnn/engine';
import {
  ModelRegistryRepository,
  Prisma,
  PrismaClient,
  toDbBytes,
  TrainingJobsRepository,
} from '@ddnn/persistence';
import { createHash } from 'node:crypto';

export interface TrainedVersion {
  trainingJobId: string;
  modelId: string;
  datasetId: string;
  config: unknown;
  report: EvaluationReport;
  /** The epoch whose weights the version holds (best on the validation split), if chosen so. */
  keptEpoch?: KeptEpoch | null;
  threshold: number;
  weights: Uint8Array;
  partitions: CutPartition[];
}

const TIER = { device: 'DEVICE', local: 'LOCAL', edge: 'EDGE', cloud: 'CLOUD' } as const;

/**
 * A cancel was accepted (or the job was otherwise settled, e.g. failed by the reaper) before the
 * version could be published: nothing was written.
 */
export class CancelledBeforePublishError extends Error {
  constructor(readonly trainingJobId: string) {
    super(`training job ${trainingJobId} was cancelled before its version was published`);
    this.name = 'CancelledBeforePublishError';
  }
}

/**
 * Writes the version, its partitions and evaluation and completes the job in ONE transaction.
 * Idempotent: training_job_id is unique on versions, so a retried or duplicated job that gets
 * here again finds the existing version and creates nothing. A cancel wins: the job row is
 * completed first, only if no cancel was requested, and the row lock orders this against the
 * API's cancel (which flags only jobs not yet finished), so either the cancel answers 409 or no
 * version appears (CancelledBeforePublishError).
 */
export async function publishVersion(
  prisma: PrismaClient,
  trained: TrainedVersion,
): Promise<{ versionId: string; version: number; created: boolean }> {
  try {
    return await prisma.$transaction(async (tx) => {
      const registry = new ModelRegistryRepository(tx);
      const existing = await registry.findVersionOfTrainingJob(trained.trainingJobId);
      if (existing) return { versionId: existing.id, version: existing.version, created: false };
      if (!(await new TrainingJobsRepository(tx).completeUnlessCancelled(trained.trainingJobId))) {
        // Another copy of this job published while we waited for the row lock, or the job was
        // cancelled (or settled by the reaper): publish nothing.
        const published = await registry.findVersionOfTrainingJob(trained.trainingJobId);
        if (published)
          return { versionId: published.id, version: published.version, created: false };
        throw new CancelledBeforePublishError(trained.trainingJobId);
      }
      // Row lock on the model serialises concurrent publishers of the same model.
      const version = await registry.createVersion(
        {
          modelId: trained.modelId,
          version: await registry.nextVersionNumber(trained.modelId),
          config: trained.config as Prisma.InputJsonValue,
          metrics: {
            ...trained.report,
            keptEpoch: trained.keptEpoch ?? null,
          } as unknown as Prisma.InputJsonValue,
          threshold: trained.threshold,
          weights: toDbBytes(trained.weights),
          datasetId: trained.datasetId,
          trainingJobId: trained.trainingJobId,
        },
        trained.partitions.map((p) => ({
          tier: TIER[p.manifest.tier],
          deviceIndex: p.manifest.deviceIndex,
          formatVersion: p.manifest.formatVersion,
          sizeBytes: p.bytes.byteLength,
          sha256: createHash('sha256').update(p.bytes).digest('hex'),
          manifest: p.manifest as unknown as Prisma.InputJsonValue,
          bytes: toDbBytes(p.bytes),
        })),
      );
      return { versionId: version.id, version: version.version, created: true };
    });
  } catch (error) {
    // Two copies of the job racing: the loser hits the unique key; the winner's version stands.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      const existing = await new ModelRegistryRepository(prisma).findVersionOfTrainingJob(
        trained.trainingJobId,
      );
      if (!existing) throw error;
      return { versionId: existing.id, version: existing.version, created: false };
    }
    throw error;
  }
}
