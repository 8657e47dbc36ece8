import { datasetSha256, encodeDataset } from './binary-format';
import { decodeDatasetHead, readDatasetHead } from './dataset-head';
import { selectSamples } from './dataset-subset';
import { tinyDataset } from './testing/tiny-dataset';

describe('decodeDatasetHead', () => {
  it.each(['uint8', 'float32'] as const)(
    'the first k samples from a prefix equal selectSamples of the whole (%s)',
    (format) => {
      const ds = tinyDataset(format, 40);
      const bytes = encodeDataset(ds);
      const head = readDatasetHead(bytes.subarray(0, 200));
      expect(head.numSamples).toBe(40);
      const prefix = bytes.subarray(0, head.prefixBytes(4));
      expect(prefix.length).toBeLessThan(bytes.length / 2);
      const first = decodeDatasetHead(prefix, 4);
      expect(datasetSha256(first)).toBe(datasetSha256(selectSamples(ds, [0, 1, 2, 3])));
      expect(head.prefixBytes(100)).toBe(bytes.length - 32); // capped at the samples there are
    },
  );

  it('refuses a prefix that is too short or not a dataset', () => {
    const bytes = encodeDataset(tinyDataset('uint8', 5));
    const head = readDatasetHead(bytes);
    expect(() => decodeDatasetHead(bytes.subarray(0, head.prefixBytes(3) - 1), 3)).toThrow(
      /are needed for 3 samples/,
    );
    expect(() => readDatasetHead(new Uint8Array(64))).toThrow(/bad magic/);
  });
});
