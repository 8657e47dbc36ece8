/** @ddnn/datasets: multi-view datasets for DDNN training (plain TypeScript, no framework). */
export * from './multi-view-dataset';
export * from './dataset-import-error';
export * from './import-limits';
export type { ByteSource } from './byte-source';
export {
  DATASET_FILE_EXTENSION,
  DATASET_FORMAT_VERSION,
  datasetSha256,
  decodeDataset,
  encodeDataset,
  encodedDatasetSha256,
} from './binary-format';
export type { DecodeOptions } from './binary-format';
export { importMvmcNpz, MVMC_CLASS_NAMES } from './import-mvmc-npz';
export type { MvmcNpzOptions } from './import-mvmc-npz';
export { importPngZip } from './import-png-zip';
export type { PngZipOptions } from './import-png-zip';
export { importPlatformDataset } from './import-platform-dataset';
export { datasetFormatOfPath, importDatasetFile } from './import-dataset-file';
export type { DatasetFileFormat } from './import-dataset-file';
export { selectSamples } from './dataset-subset';
export { concatDatasets } from './concat-datasets';
export { exportPngZip, PngZipExportError, pngZipViewFile } from './export-png-zip';
export { encodeDatasetAs, exportFormatOfPath } from './export-dataset-file';
export type { DatasetExportFormat } from './export-dataset-file';
export { splitDataset, splitIndices } from './split';
export type { SplitOptions } from './split';
export { Prng } from './prng';
export { BUILTIN_DATASETS, createBuiltinDataset } from './builtin-datasets';
export type {
  BuiltinDatasetInfo,
  BuiltinDatasetName,
  BuiltinDatasetOptions,
} from './builtin-datasets';
export { generateSyntheticMvmc, SYNTHETIC_MVMC_CAMERAS } from './synthetic-mvmc';
export type { SyntheticCameraProfile, SyntheticMvmcOptions } from './synthetic-mvmc';
export { SYNTHETIC_CLASSES } from './synthetic-scene';
export { createMnist6, MNIST6_TILE_SHAPE, MNIST6_VIEW_NAMES } from './mnist-6';
export { renderContactSheet } from './contact-sheet';
export { DATASET_HEAD_PROBE_BYTES, decodeDatasetHead, readDatasetHead } from './dataset-head';
export type { DatasetHead } from './dataset-head';
export type { ContactSheetOptions } from './contact-sheet';
