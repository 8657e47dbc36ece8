import { selectSamples } from './dataset-subset';
import { MultiViewDataset } from './multi-view-dataset';
import { Prng } from './prng';

export interface SplitOptions {
  /** Fraction of samples in the test set, in (0, 1). */
  testFraction: number;
  seed: number;
}

/**
 * Deterministic, stratified train/test split: within each class the samples are shuffled with the
 * seed and round(count * testFraction) of them go to test. Every sample lands in exactly one side.
 */
export function splitIndices(
  labels: ArrayLike<number>,
  { testFraction, seed }: SplitOptions,
): { train: number[]; test: number[] } {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new Error(`testFraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    byClass.set(labels[i], [...(byClass.get(labels[i]) ?? []), i]);
  }
  const rng = new Prng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle(byClass.get(cls) as number[]);
    const testCount = Math.round(members.length * testFraction);
    test.push(...members.slice(0, testCount));
    train.push(...members.slice(testCount));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: train.sort(ascending), test: test.sort(ascending) };
}

export function splitDataset(
  ds: MultiViewDataset,
  options: SplitOptions,
): { train: MultiViewDataset; test: MultiViewDataset } {
  const { train, test } = splitIndices(ds.labels, options);
  return {
    train: selectSamples(ds, train, `${ds.name}/train`),
    test: selectSamples(ds, test, `${ds.name}/test`),
  };
}
