import { datasetSha256 } from './binary-format';
import { splitDataset, splitIndices } from './split';
import { tinyDataset } from './testing/tiny-dataset';

describe('splitIndices', () => {
  const labels = Array.from({ length: 103 }, (_, i) => (i * 7) % 3);

  it('puts every sample in exactly one side', () => {
    const { train, test } = splitIndices(labels, { testFraction: 0.2, seed: 5 });
    const all = [...train, ...test].sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
    expect(train.filter((i) => test.includes(i))).toEqual([]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = splitIndices(labels, { testFraction: 0.2, seed: 5 });
    expect(splitIndices(labels, { testFraction: 0.2, seed: 5 })).toEqual(a);
    expect(splitIndices(labels, { testFraction: 0.2, seed: 6 }).test).not.toEqual(a.test);
  });

  it('is stratified: each class keeps its share in test', () => {
    const { test } = splitIndices(labels, { testFraction: 0.25, seed: 1 });
    for (const cls of [0, 1, 2]) {
      const count = labels.filter((l) => l === cls).length;
      expect(test.filter((i) => labels[i] === cls).length).toBe(Math.round(count * 0.25));
    }
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => splitIndices(labels, { testFraction: 1, seed: 1 })).toThrow(
      /testFraction must be between 0 and 1/,
    );
  });
});

describe('splitDataset', () => {
  it('never leaks a sample across: no view of a test sample appears in train', () => {
    const ds = tinyDataset('uint8', 40);
    const { train, test } = splitDataset(ds, { testFraction: 0.3, seed: 2 });
    expect(train.numSamples + test.numSamples).toBe(40);
    const sampleKey = (d: typeof ds, s: number) => {
      const size = d.numViews * 60;
      return Buffer.from(d.pixels.subarray(s * size, (s + 1) * size) as Uint8Array).toString('hex');
    };
    const trainKeys = new Set(
      Array.from({ length: train.numSamples }, (_, s) => sampleKey(train, s)),
    );
    for (let s = 0; s < test.numSamples; s++) expect(trainKeys.has(sampleKey(test, s))).toBe(false);
    expect(datasetSha256(splitDataset(ds, { testFraction: 0.3, seed: 2 }).test)).toBe(
      datasetSha256(test),
    );
  });
});
