import {
  BUILTIN_DATASETS,
  BuiltinDatasetName,
  createBuiltinDataset,
  importDatasetFile,
  MultiViewDataset,
  selectSamples,
  splitDataset,
} from '@ddnn/datasets';

export interface SampleSourceOptions {
  /** A built-in dataset's name (simulation) or a dataset file (.ddnnds, MVMC .npz, PNG .zip). */
  dataset: string;
  datasetSeed: number;
  trainSize?: number;
  testSize?: number;
  split: 'test' | 'train' | 'all';
  testFraction: number;
  splitSeed: number;
  limit?: number;
}

/**
 * The samples a run goes through. A built-in dataset is generated exactly as the platform
 * stores it (POST /datasets/builtin with the same seed and sizes: its test split is what the
 * platform evaluates a version on); a file is split as a platform upload is (splitDataset with
 * testFraction and splitSeed), or taken whole with split "all".
 */
export async function loadSamples(options: SampleSourceOptions): Promise<{
  dataset: MultiViewDataset;
  description: string;
}> {
  let dataset: MultiViewDataset;
  let description: string;
  const builtin = BUILTIN_DATASETS.find((d) => d.name === options.dataset);
  if (builtin) {
    const { train, test } = createBuiltinDataset(options.dataset as BuiltinDatasetName, {
      seed: options.datasetSeed,
      trainSize: options.trainSize,
      testSize: options.testSize,
    });
    if (options.split === 'all') {
      throw new Error(
        '--split all is for dataset files; a built-in dataset has a train and a test split',
      );
    }
    dataset = options.split === 'train' ? train : test;
    description = `${options.dataset} (built-in, seed ${options.datasetSeed}, ${options.split} split)`;
  } else {
    const all = await importDatasetFile(options.dataset);
    if (options.split === 'all') {
      dataset = all;
    } else {
      const splits = splitDataset(all, {
        testFraction: options.testFraction,
        seed: options.splitSeed,
      });
      dataset = options.split === 'train' ? splits.train : splits.test;
    }
    description = `${options.dataset} (${options.split}, split seed ${options.splitSeed})`;
  }
  if (options.limit !== undefined && options.limit < dataset.numSamples) {
    const indices = Array.from({ length: options.limit }, (_, i) => i);
    dataset = selectSamples(dataset, indices, `${dataset.name}/first-${options.limit}`);
  }
  return { dataset, description };
}

/** One device's view of one sample, without copying (bytes for 8-bit sources). */
export function deviceView(
  dataset: MultiViewDataset,
  sample: number,
  device: number,
): Uint8Array | Float32Array {
  const [h, w, c] = dataset.viewShape;
  const size = h * w * c;
  const start = (sample * dataset.numViews + device) * size;
  return dataset.pixels.subarray(start, start + size);
}
