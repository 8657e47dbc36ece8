import { Injectable } from '@nestjs/common';
import { parseDdnnConfig, withConfigDefaults } from '@ddnn/engine';
import {
  Model,
  ModelAlias,
  ModelVersion,
  Partition,
  Prisma,
  PrismaService,
} from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { parseInput } from '../common/zod-validation';
import { ModelChanges } from './model-changes';
import {
  createModelSchema,
  ListVersionsInput,
  listVersionsSchema,
  MAX_VERSION_NUMBER,
  moveAliasSchema,
} from './model-inputs';

export type VersionRecord = Omit<ModelVersion, 'weights'>;
export type PartitionRecord = Omit<Partition, 'bytes'>;

export interface VersionPage {
  nodes: VersionRecord[];
  totalCount: number;
  offset: number;
  hasNextPage: boolean;
}

@Injectable()
export class ModelsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: ModelChanges,
  ) {}

  async create(input: unknown): Promise<Model> {
    const parsed = parseInput(createModelSchema, input, 'model');
    const config = parseDdnnConfig(withConfigDefaults(parsed.config ?? {}));
    const existing = await this.prisma.client.model.findUnique({ where: { name: parsed.name } });
    if (existing)
      throw new DomainError(ErrorCode.AlreadyExists, `a model named "${parsed.name}" exists`);
    return this.prisma.client.model.create({
      data: {
        name: parsed.name,
        description: parsed.description,
        config: config as unknown as Prisma.InputJsonValue,
      },
    });
  }

  list(): Promise<Model[]> {
    return this.prisma.client.model.findMany({ orderBy: { createdAt: 'asc' } });
  }

  async getByName(name: string): Promise<Model> {
    const model = await this.prisma.client.model.findUnique({ where: { name } });
    if (!model) throw new DomainError(ErrorCode.ModelNotFound, `no model "${name}"`);
    return model;
  }

  async getById(id: string): Promise<Model> {
    const model = await this.prisma.client.model.findUnique({ where: { id } });
    if (!model) throw new DomainError(ErrorCode.ModelNotFound, `no model ${id}`);
    return model;
  }

  aliasesOf(modelId: string): Promise<ModelAlias[]> {
    return this.prisma.client.modelAlias.findMany({ where: { modelId }, orderBy: { name: 'asc' } });
  }

  aliasesOfVersion(versionId: string): Promise<ModelAlias[]> {
    return this.prisma.client.modelAlias.findMany({
      where: { versionId },
      orderBy: { name: 'asc' },
    });
  }

  async listVersions(input: ListVersionsInput): Promise<VersionPage> {
    const parsed = parseInput(listVersionsSchema, input, 'version filter');
    const where: Prisma.ModelVersionWhereInput = {
      ...(parsed.modelName ? { model: { name: parsed.modelName } } : {}),
      ...(parsed.alias ? { aliases: { some: { name: parsed.alias } } } : {}),
      ...(parsed.status ? { status: parsed.status } : {}),
    };
    const [nodes, totalCount] = await Promise.all([
      this.prisma.client.modelVersion.findMany({
        where,
        omit: { weights: true },
        orderBy: [{ createdAt: 'desc' }, { version: 'desc' }],
        skip: parsed.offset,
        take: parsed.first,
      }),
      this.prisma.client.modelVersion.count({ where }),
    ]);
    return {
      nodes,
      totalCount,
      offset: parsed.offset,
      hasNextPage: parsed.offset + nodes.length < totalCount,
    };
  }

  async getVersionById(id: string): Promise<VersionRecord> {
    const version = await this.prisma.client.modelVersion.findUnique({
      where: { id },
      omit: { weights: true },
    });
    if (!version) throw new DomainError(ErrorCode.ModelVersionNotFound, `no model version ${id}`);
    return version;
  }

  /** `ref` is a version number ("3") or an alias ("production"). */
  async resolveVersion(modelName: string, ref: string): Promise<VersionRecord> {
    const model = await this.getByName(modelName);
    if (/^[0-9]+$/.test(ref) && Number(ref) > MAX_VERSION_NUMBER) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `version "${ref}" is out of range: version numbers are 1..${MAX_VERSION_NUMBER}`,
      );
    }
    const version = /^[0-9]+$/.test(ref)
      ? await this.prisma.client.modelVersion.findUnique({
          where: { modelId_version: { modelId: model.id, version: Number(ref) } },
          omit: { weights: true },
        })
      : (
          await this.prisma.client.modelAlias.findUnique({
            where: { modelId_name: { modelId: model.id, name: ref } },
            include: { version: { omit: { weights: true } } },
          })
        )?.version;
    if (!version) {
      throw new DomainError(
        ErrorCode.ModelVersionNotFound,
        `model "${modelName}" has no version or alias "${ref}"`,
      );
    }
    return version;
  }

  /** The newest version when no ref is given (what /v2/models/{name} serves). */
  async latestVersion(modelName: string): Promise<VersionRecord> {
    const model = await this.getByName(modelName);
    const version = await this.prisma.client.modelVersion.findFirst({
      where: { modelId: model.id, status: 'READY' },
      orderBy: { version: 'desc' },
      omit: { weights: true },
    });
    if (!version)
      throw new DomainError(
        ErrorCode.ModelVersionNotFound,
        `model "${modelName}" has no versions yet`,
      );
    return version;
  }

  partitionsOf(versionId: string): Promise<PartitionRecord[]> {
    return this.prisma.client.partition.findMany({
      where: { versionId },
      omit: { bytes: true },
      orderBy: [{ tier: 'asc' }, { deviceIndex: 'asc' }],
    });
  }

  /** Points `alias` of a model at one of its versions (creates the alias if new). */
  async moveAlias(input: unknown): Promise<ModelAlias> {
    const parsed = parseInput(moveAliasSchema, input, 'alias move');
    const version = await this.resolveVersion(parsed.modelName, String(parsed.version));
    const alias = await this.prisma.client.modelAlias.upsert({
      where: { modelId_name: { modelId: version.modelId, name: parsed.alias } },
      create: { modelId: version.modelId, name: parsed.alias, versionId: version.id },
      update: { versionId: version.id },
    });
    // serving caches of resolved aliases, in every API process, drop this model
    await this.changes.announce(parsed.modelName);
    return alias;
  }
}
