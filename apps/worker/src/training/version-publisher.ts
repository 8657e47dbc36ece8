import type { CutPartition, EvaluationReport, KeptEpoch } from '@ddnn/engine';
import { Prisma, PrismaClient, toDbBytes } from '@ddnn/persistence';
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
      const existing = await tx.modelVersion.findUnique({
        where: { trainingJobId: trained.trainingJobId },
        select: { id: true, version: true },
      });
      if (existing) return { versionId: existing.id, version: existing.version, created: false };
      const completed = await tx.trainingJob.updateMany({
        where: {
          id: trained.trainingJobId,
          cancelRequested: false,
          status: { in: ['QUEUED', 'RUNNING'] },
        },
        data: {
          status: 'COMPLETED',
          progress: 1,
          finishedAt: new Date(),
          error: null,
          checkpoint: null,
        },
      });
      if (completed.count === 0) {
        // Another copy of this job published while we waited for the row lock, or the job was
        // cancelled (or settled by the reaper): publish nothing.
        const published = await tx.modelVersion.findUnique({
          where: { trainingJobId: trained.trainingJobId },
          select: { id: true, version: true },
        });
        if (published)
          return { versionId: published.id, version: published.version, created: false };
        throw new CancelledBeforePublishError(trained.trainingJobId);
      }
      // Row lock on the model serialises concurrent publishers of the same model.
      const { lastVersion } = await tx.model.update({
        where: { id: trained.modelId },
        data: { lastVersion: { increment: 1 } },
        select: { lastVersion: true },
      });
      const version = await tx.modelVersion.create({
        data: {
          modelId: trained.modelId,
          version: lastVersion,
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
        select: { id: true, version: true },
      });
      await tx.partition.createMany({
        data: trained.partitions.map((p) => ({
          versionId: version.id,
          tier: TIER[p.manifest.tier],
          deviceIndex: p.manifest.deviceIndex,
          formatVersion: p.manifest.formatVersion,
          sizeBytes: p.bytes.byteLength,
          sha256: createHash('sha256').update(p.bytes).digest('hex'),
          manifest: p.manifest as unknown as Prisma.InputJsonValue,
          bytes: toDbBytes(p.bytes),
        })),
      });
      return { versionId: version.id, version: version.version, created: true };
    });
  } catch (error) {
    // Two copies of the job racing: the loser hits the unique key; the winner's version stands.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      const existing = await prisma.modelVersion.findUniqueOrThrow({
        where: { trainingJobId: trained.trainingJobId },
        select: { id: true, version: true },
      });
      return { versionId: existing.id, version: existing.version, created: false };
    }
    throw error;
  }
}
