import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CExportError, exportPartitionToC, type CExportFile } from '@ddnn/device-runtime';
import { ModelRegistryRepository } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { parseInput } from '../common/zod-validation';
import { ModelsService } from './models.service';

/** device0 .. device999 or local: the partitions a C export exists for. */
export const EXPORTABLE_PARTITION = /^(?:device(0|[1-9][0-9]{0,2})|local)$/;

const exportQuerySchema = z.object({
  target: z.literal('c', { message: 'the only export target is "c" (?target=c)' }),
});

export interface PartitionExport {
  modelName: string;
  version: number;
  /** `device<N>` or `local`. */
  partition: string;
  tier: 'device' | 'local';
  deviceIndex: number | null;
  target: 'c';
  /** sha256 (hex) of the partition file the sources embed. */
  partitionSha256: string;
  /** C identifier prefix of the generated functions. */
  symbol: string;
  /** Device partitions: static RAM the code reserves beyond the view, const table bytes. */
  staticRamBytes: number;
  tableBytes: number;
  /** The header, then the source. */
  files: CExportFile[];
}

/** A version's device or local aggregator partition as dependency-free C99 sources. */
@Injectable()
export class PartitionExportService {
  constructor(
    private readonly registry: ModelRegistryRepository,
    private readonly models: ModelsService,
  ) {}

  async export(
    modelName: string,
    versionRef: string,
    partition: string,
    query: unknown,
  ): Promise<PartitionExport> {
    const { target } = parseInput(exportQuerySchema, query ?? {}, 'query');
    const match = EXPORTABLE_PARTITION.exec(partition);
    if (!match) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `partition must be device<N> (e.g. device0) or local, got "${partition}"`,
      );
    }
    const deviceIndex = match[1] === undefined ? null : Number(match[1]);
    const version = await this.models.resolveVersion(modelName, versionRef);
    const found = await this.registry.findPartition(
      version.id,
      deviceIndex === null ? 'LOCAL' : 'DEVICE',
      deviceIndex,
    );
    if (!found) {
      throw new DomainError(
        ErrorCode.PartitionNotFound,
        `version ${version.version} of model "${modelName}" has no ${partition} partition`,
      );
    }
    let exported;
    try {
      exported = exportPartitionToC(new Uint8Array(await this.registry.partitionBytes(found.id)), {
        modelVersion: `${modelName} v${version.version}`,
      });
    } catch (error) {
      if (error instanceof CExportError) {
        throw new DomainError(ErrorCode.PartitionNotExportable, error.message);
      }
      throw error;
    }
    return {
      modelName,
      version: version.version,
      partition,
      tier: exported.tier,
      deviceIndex: exported.deviceIndex,
      target,
      partitionSha256: exported.partitionSha256,
      symbol: exported.symbol,
      staticRamBytes: exported.staticRamBytes,
      tableBytes: exported.tableBytes,
      files: exported.files,
    };
  }
}
