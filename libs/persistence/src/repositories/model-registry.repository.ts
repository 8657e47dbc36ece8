import type {
  Model,
  ModelAlias,
  ModelVersion,
  ModelVersionStatus,
  Partition,
  PartitionTier,
  Prisma,
} from '../generated/client';
import type { DatabaseClient } from './database-client';

export type VersionRecord = Omit<ModelVersion, 'weights'>;
export type PartitionRecord = Omit<Partition, 'bytes'>;

/** A version named by its number, or by an alias that points at it. */
export type VersionRef = { version: number } | { alias: string };

export interface VersionFilter {
  modelName?: string;
  alias?: string;
  status?: ModelVersionStatus;
}

export interface NewVersion {
  modelId: string;
  version: number;
  config: Prisma.InputJsonValue;
  metrics: Prisma.InputJsonValue;
  threshold: number;
  weights: Uint8Array<ArrayBuffer>;
  datasetId: string;
  trainingJobId: string;
}

export type NewPartition = Omit<Prisma.PartitionCreateManyInput, 'versionId'>;

/**
 * The model registry's data: models, their versions, aliases and partitions. Rules (names taken,
 * refs out of range, which errors a client sees) stay in the services that use it.
 */
export class ModelRegistryRepository {
  constructor(private readonly db: DatabaseClient) {}

  createModel(data: {
    name: string;
    description?: string;
    config: Prisma.InputJsonValue;
  }): Promise<Model> {
    return this.db.model.create({ data });
  }

  listModels(): Promise<Model[]> {
    return this.db.model.findMany({ orderBy: { createdAt: 'asc' } });
  }

  findModelByName(name: string): Promise<Model | null> {
    return this.db.model.findUnique({ where: { name } });
  }

  findModelById(id: string): Promise<Model | null> {
    return this.db.model.findUnique({ where: { id } });
  }

  /** Takes the model's next version number; the row lock serialises concurrent publishers. */
  async nextVersionNumber(modelId: string): Promise<number> {
    const { lastVersion } = await this.db.model.update({
      where: { id: modelId },
      data: { lastVersion: { increment: 1 } },
      select: { lastVersion: true },
    });
    return lastVersion;
  }

  aliasesOfModel(modelId: string): Promise<ModelAlias[]> {
    return this.db.modelAlias.findMany({ where: { modelId }, orderBy: { name: 'asc' } });
  }

  aliasesOfVersion(versionId: string): Promise<ModelAlias[]> {
    return this.db.modelAlias.findMany({ where: { versionId }, orderBy: { name: 'asc' } });
  }

  /** Points `name` at `versionId`, creating the alias if new. */
  upsertAlias(modelId: string, name: string, versionId: string): Promise<ModelAlias> {
    return this.db.modelAlias.upsert({
      where: { modelId_name: { modelId, name } },
      create: { modelId, name, versionId },
      update: { versionId },
    });
  }

  /** Newest first, one page, with the total of the filter. */
  async pageVersions(
    filter: VersionFilter,
    page: { offset: number; first: number },
  ): Promise<{ nodes: VersionRecord[]; totalCount: number }> {
    const where: Prisma.ModelVersionWhereInput = {
      ...(filter.modelName ? { model: { name: filter.modelName } } : {}),
      ...(filter.alias ? { aliases: { some: { name: filter.alias } } } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    };
    const [nodes, totalCount] = await Promise.all([
      this.db.modelVersion.findMany({
        where,
        omit: { weights: true },
        orderBy: [{ createdAt: 'desc' }, { version: 'desc' }],
        skip: page.offset,
        take: page.first,
      }),
      this.db.modelVersion.count({ where }),
    ]);
    return { nodes, totalCount };
  }

  /** The version numbers a model has, oldest first. */
  async versionNumbers(modelId: string): Promise<number[]> {
    const rows = await this.db.modelVersion.findMany({
      where: { modelId },
      select: { version: true },
      orderBy: { version: 'asc' },
    });
    return rows.map((row) => row.version);
  }

  /** What a server needs to load a version: its weights and its dataset's class names. */
  async versionWeights(
    versionId: string,
  ): Promise<{ weights: Uint8Array<ArrayBuffer>; classNames: string[] }> {
    const row = await this.db.modelVersion.findUniqueOrThrow({
      where: { id: versionId },
      select: { weights: true, dataset: { select: { classNames: true } } },
    });
    return { weights: row.weights, classNames: row.dataset.classNames };
  }

  findVersionById(id: string): Promise<VersionRecord | null> {
    return this.db.modelVersion.findUnique({ where: { id }, omit: { weights: true } });
  }

  /**
   * The one place a version ref is resolved: by number, or through the alias that names it.
   * Null when the model has no such version or alias.
   */
  async resolveVersionRef(modelId: string, ref: VersionRef): Promise<VersionRecord | null> {
    if ('version' in ref) {
      return this.db.modelVersion.findUnique({
        where: { modelId_version: { modelId, version: ref.version } },
        omit: { weights: true },
      });
    }
    const alias = await this.db.modelAlias.findUnique({
      where: { modelId_name: { modelId, name: ref.alias } },
      include: { version: { omit: { weights: true } } },
    });
    return alias?.version ?? null;
  }

  latestReadyVersion(modelId: string): Promise<VersionRecord | null> {
    return this.db.modelVersion.findFirst({
      where: { modelId, status: 'READY' },
      orderBy: { version: 'desc' },
      omit: { weights: true },
    });
  }

  findVersionOfTrainingJob(trainingJobId: string): Promise<{ id: string; version: number } | null> {
    return this.db.modelVersion.findUnique({
      where: { trainingJobId },
      select: { id: true, version: true },
    });
  }

  /** Writes a version and its partitions (call inside a transaction to keep them together). */
  async createVersion(
    data: NewVersion,
    partitions: NewPartition[],
  ): Promise<{ id: string; version: number }> {
    const version = await this.db.modelVersion.create({
      data,
      select: { id: true, version: true },
    });
    await this.db.partition.createMany({
      data: partitions.map((partition) => ({ ...partition, versionId: version.id })),
    });
    return version;
  }

  partitionsOf(versionId: string): Promise<PartitionRecord[]> {
    return this.db.partition.findMany({
      where: { versionId },
      omit: { bytes: true },
      orderBy: [{ tier: 'asc' }, { deviceIndex: 'asc' }],
    });
  }

  /** A device's (deviceIndex) or the local aggregator's (null) partition of a version, no bytes. */
  findPartition(
    versionId: string,
    tier: PartitionTier,
    deviceIndex: number | null,
  ): Promise<{ id: string; sha256: string; sizeBytes: number; manifest: Prisma.JsonValue } | null> {
    return this.db.partition.findFirst({
      where: { versionId, tier, deviceIndex },
      select: { id: true, sha256: true, sizeBytes: true, manifest: true },
    });
  }

  async partitionBytes(partitionId: string): Promise<Uint8Array> {
    const { bytes } = await this.db.partition.findUniqueOrThrow({
      where: { id: partitionId },
      select: { bytes: true },
    });
    return bytes;
  }
}
