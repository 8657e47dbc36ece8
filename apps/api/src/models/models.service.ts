import { Injectable } from '@nestjs/common';
import { parseDdnnConfig, withConfigDefaults } from '@ddnn/engine';
import {
  Model,
  ModelAlias,
  ModelRegistryRepository,
  PartitionRecord,
  Prisma,
  VersionRecord,
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

export type { PartitionRecord, VersionRecord };

export interface VersionPage {
  nodes: VersionRecord[];
  totalCount: number;
  offset: number;
  hasNextPage: boolean;
}

@Injectable()
export class ModelsService {
  constructor(
    private readonly registry: ModelRegistryRepository,
    private readonly changes: ModelChanges,
  ) {}

  async create(input: unknown): Promise<Model> {
    const parsed = parseInput(createModelSchema, input, 'model');
    const config = parseDdnnConfig(withConfigDefaults(parsed.config ?? {}));
    const existing = await this.registry.findModelByName(parsed.name);
    if (existing)
      throw new DomainError(ErrorCode.AlreadyExists, `a model named "${parsed.name}" exists`);
    return this.registry.createModel({
      name: parsed.name,
      description: parsed.description,
      config: config as unknown as Prisma.InputJsonValue,
    });
  }

  list(): Promise<Model[]> {
    return this.registry.listModels();
  }

  async getByName(name: string): Promise<Model> {
    const model = await this.registry.findModelByName(name);
    if (!model) throw new DomainError(ErrorCode.ModelNotFound, `no model "${name}"`);
    return model;
  }

  async getById(id: string): Promise<Model> {
    const model = await this.registry.findModelById(id);
    if (!model) throw new DomainError(ErrorCode.ModelNotFound, `no model ${id}`);
    return model;
  }

  aliasesOf(modelId: string): Promise<ModelAlias[]> {
    return this.registry.aliasesOfModel(modelId);
  }

  aliasesOfVersion(versionId: string): Promise<ModelAlias[]> {
    return this.registry.aliasesOfVersion(versionId);
  }

  async listVersions(input: ListVersionsInput): Promise<VersionPage> {
    const parsed = parseInput(listVersionsSchema, input, 'version filter');
    const { nodes, totalCount } = await this.registry.pageVersions(
      { modelName: parsed.modelName, alias: parsed.alias, status: parsed.status },
      { offset: parsed.offset, first: parsed.first },
    );
    return {
      nodes,
      totalCount,
      offset: parsed.offset,
      hasNextPage: parsed.offset + nodes.length < totalCount,
    };
  }

  async getVersionById(id: string): Promise<VersionRecord> {
    const version = await this.registry.findVersionById(id);
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
    const version = await this.registry.resolveVersionRef(
      model.id,
      /^[0-9]+$/.test(ref) ? { version: Number(ref) } : { alias: ref },
    );
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
    const version = await this.registry.latestReadyVersion(model.id);
    if (!version)
      throw new DomainError(
        ErrorCode.ModelVersionNotFound,
        `model "${modelName}" has no versions yet`,
      );
    return version;
  }

  partitionsOf(versionId: string): Promise<PartitionRecord[]> {
    return this.registry.partitionsOf(versionId);
  }

  /** Points `alias` of a model at one of its versions (creates the alias if new). */
  async moveAlias(input: unknown): Promise<ModelAlias> {
    const parsed = parseInput(moveAliasSchema, input, 'alias move');
    const version = await this.resolveVersion(parsed.modelName, String(parsed.version));
    const alias = await this.registry.upsertAlias(version.modelId, parsed.alias, version.id);
    // serving caches of resolved aliases, in every API process, drop this model
    await this.changes.announce(parsed.modelName);
    return alias;
  }
}
