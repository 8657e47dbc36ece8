import type { INestApplication } from '@nestjs/common';
import { ErrorCode } from '../common/domain-error';
import { toDomainError } from '../common/error-mapping';
import { DatasetsService } from './datasets.service';

/**
 * The built-in datasets every installation starts with. Sizes follow the paper's MVMC split
 * (680 train / 171 test) for the synthetic set.
 */
export const DEFAULT_BUILTIN_DATASETS = [
  { builtin: 'synthetic-mvmc', seed: 1, trainSize: 680, testSize: 171 },
  { builtin: 'mnist-6', seed: 1 },
] as const;

export async function seedBuiltinDatasets(app: INestApplication): Promise<void> {
  const datasets = app.get(DatasetsService);
  for (const spec of DEFAULT_BUILTIN_DATASETS) {
    try {
      await datasets.ensureBuiltin({ ...spec });
    } catch (error) {
      // Another API process started at the same time and created it first (the name check
      // passed in both; the unique index on the name refused the second insert).
      if (toDomainError(error).code !== ErrorCode.AlreadyExists) throw error;
    }
  }
}
