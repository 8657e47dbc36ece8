import { createMnist6 } from './mnist-6';
import { MultiViewDataset } from './multi-view-dataset';
import { generateSyntheticMvmc } from './synthetic-mvmc';

export type BuiltinDatasetName = 'synthetic-mvmc' | 'mnist-6';

export interface BuiltinDatasetInfo {
  name: BuiltinDatasetName;
  description: string;
  defaultTrainSize: number;
  defaultTestSize: number;
}

export const BUILTIN_DATASETS: readonly BuiltinDatasetInfo[] = [
  {
    name: 'synthetic-mvmc',
    description:
      "Synthetic multi-view multi-camera scenes like the paper's MVMC set: 6 cameras around one object (car, bus or person), 32x32 RGB views with per-camera viewpoint, distance, occlusion, clutter and noise, and absent views; single cameras are weak, all six together are strong.",
    defaultTrainSize: 680,
    defaultTestSize: 171,
  },
  {
    name: 'mnist-6',
    description:
      'Real MNIST digits (10 classes) split into a 3x2 grid of 6 tiles, one per device; each tile is 10x14 grey pixels (the digit padded to 30x28).',
    defaultTrainSize: 8000,
    defaultTestSize: 2000,
  },
];

export interface BuiltinDatasetOptions {
  seed: number;
  trainSize?: number;
  testSize?: number;
}

/** A built-in dataset's train and test sets: a pure function of (name, seed, sizes); no sample is in both. */
export function createBuiltinDataset(
  name: BuiltinDatasetName,
  options: BuiltinDatasetOptions,
): { train: MultiViewDataset; test: MultiViewDataset } {
  const info = BUILTIN_DATASETS.find((d) => d.name === name);
  if (!info) {
    throw new Error(
      `unknown built-in dataset "${name}", expected one of ${BUILTIN_DATASETS.map((d) => d.name).join(', ')}`,
    );
  }
  const trainSize = options.trainSize ?? info.defaultTrainSize;
  const testSize = options.testSize ?? info.defaultTestSize;
  for (const [field, value] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${field} must be a positive integer, got ${value}`);
  }
  if (name === 'mnist-6') return createMnist6({ seed: options.seed, trainSize, testSize });
  // Train and test come from independent generator streams: same distribution, no shared sample,
  // and the test set does not change when trainSize does.
  return {
    train: generateSyntheticMvmc({
      seed: options.seed,
      numSamples: trainSize,
      name: 'synthetic-mvmc/train',
    }),
    test: generateSyntheticMvmc({
      seed: options.seed ^ 0x7e57da7a,
      numSamples: testSize,
      name: 'synthetic-mvmc/test',
    }),
  };
}
