import { extname } from 'node:path';
import { DATASET_FILE_EXTENSION, encodeDataset } from './binary-format';
import { exportPngZip, PngZipExportError } from './export-png-zip';
import { MultiViewDataset } from './multi-view-dataset';

export type DatasetExportFormat = 'ddnnds' | 'png-zip';

/** The export format a file name asks for: .ddnnds (exact, any dataset) or .zip (PNG views). */
export function exportFormatOfPath(path: string): DatasetExportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === DATASET_FILE_EXTENSION) return 'ddnnds';
  if (ext === '.zip') return 'png-zip';
  throw new PngZipExportError(
    `cannot write ${path}: expected a file name ending in ${DATASET_FILE_EXTENSION} (the platform's format) or .zip (PNG views + manifest.json)`,
  );
}

/** Encodes a dataset in the format its file name asks for. */
export function encodeDatasetAs(ds: MultiViewDataset, format: DatasetExportFormat): Uint8Array {
  return format === 'ddnnds' ? encodeDataset(ds) : exportPngZip(ds);
}
