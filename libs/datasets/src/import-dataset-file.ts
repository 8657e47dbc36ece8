import { extname } from 'node:path';
import { DATASET_FILE_EXTENSION } from './binary-format';
import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';
import { ImportLimits } from './import-limits';
import { importMvmcNpz } from './import-mvmc-npz';
import { importPlatformDataset } from './import-platform-dataset';
import { importPngZip } from './import-png-zip';
import { MultiViewDataset } from './multi-view-dataset';

export type DatasetFileFormat = 'ddnnds' | 'mvmc-npz' | 'png-zip';

export function datasetFormatOfPath(path: string): DatasetFileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === DATASET_FILE_EXTENSION) return 'ddnnds';
  if (ext === '.npz') return 'mvmc-npz';
  if (ext === '.zip') return 'png-zip';
  throw importError(
    Code.CorruptFile,
    `cannot tell the format of ${path}: expected ${DATASET_FILE_EXTENSION} (platform export), .npz (MVMC layout) or .zip (PNG views + manifest)`,
  );
}

/** Imports a dataset file, choosing the importer from its extension (or `format`). */
export async function importDatasetFile(
  path: string,
  options: { format?: DatasetFileFormat; name?: string; limits?: Partial<ImportLimits> } = {},
): Promise<MultiViewDataset> {
  const format = options.format ?? datasetFormatOfPath(path);
  if (format === 'ddnnds') return importPlatformDataset(path, options.limits);
  if (format === 'mvmc-npz') return importMvmcNpz(path, options);
  return importPngZip(path, options);
}
