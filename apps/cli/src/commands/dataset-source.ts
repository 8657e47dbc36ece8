import { extname } from 'node:path';
import {
  BUILTIN_DATASETS,
  BuiltinDatasetName,
  createBuiltinDataset,
  importDatasetFile,
  MultiViewDataset,
  splitDataset,
} from '@ddnn/datasets';

export interface DatasetChoice {
  train: MultiViewDataset;
  test: MultiViewDataset;
  description: string;
}

export const DATASET_HELP =
  'a built-in dataset (' +
  BUILTIN_DATASETS.map((d) => d.name).join(', ') +
  ') or a dataset file (.ddnnds, MVMC-layout .npz, or .zip of PNG views + manifest)';

/** Resolves --dataset: a built-in name, or a file split deterministically into train/test. */
export async function loadDataset(
  source: string,
  options: { seed: number; trainSize?: number; testSize?: number; testFraction: number },
): Promise<DatasetChoice> {
  const builtin = BUILTIN_DATASETS.find((d) => d.name === source);
  if (builtin) {
    const { train, test } = createBuiltinDataset(source as BuiltinDatasetName, {
      seed: options.seed,
      trainSize: options.trainSize,
      testSize: options.testSize,
    });
    return { train, test, description: `${source} (built-in, seed ${options.seed})` };
  }
  if (!extname(source)) {
    throw new Error(`unknown dataset "${source}": expected ${DATASET_HELP}`);
  }
  const all = await importDatasetFile(source);
  const { train, test } = splitDataset(all, {
    testFraction: options.testFraction,
    seed: options.seed,
  });
  return {
    train,
    test,
    description: `${source} (${all.numSamples} samples, split seed ${options.seed})`,
  };
}
