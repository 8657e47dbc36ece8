import { createHash } from 'node:crypto';
import { createBuiltinDataset } from './builtin-datasets';
import { loadMnistDigits, MNIST6_TILE_SHAPE } from './mnist-6';
import { MultiViewDataset } from './multi-view-dataset';

/** Puts the 6 tiles of a sample back together and strips the padding rows: the 28x28 digit. */
function reassemble(ds: MultiViewDataset, s: number): Uint8Array {
  const [th, tw] = MNIST6_TILE_SHAPE;
  const digit = new Uint8Array(28 * 28);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const py = y + 1;
      const view = Math.floor(py / th) * 2 + Math.floor(x / tw);
      digit[y * 28 + x] = ds.pixels[(s * 6 + view) * th * tw + (py % th) * tw + (x % tw)];
    }
  }
  return digit;
}

describe('mnist-6', () => {
  const { train, test } = createBuiltinDataset('mnist-6', {
    seed: 3,
    trainSize: 600,
    testSize: 200,
  });

  it('loads the 10,000 real digits of the mnist package as 8-bit pixels', () => {
    const digits = loadMnistDigits();
    expect(digits.labels.length).toBeGreaterThanOrEqual(9900);
    for (let d = 0; d < 10; d++) expect(digits.labels.includes(d)).toBe(true);
    const ink = digits.pixels.subarray(0, 784).filter((p) => p > 128).length;
    expect(ink).toBeGreaterThan(40); // a real handwritten stroke, not noise or blank
  });

  it('splits each digit into 6 tiles of 10x14x1 whose union is the digit, all views labelled', () => {
    expect(train.numViews).toBe(6);
    expect(train.viewShape).toEqual([10, 14, 1]);
    expect(train.classNames).toHaveLength(10);
    const digits = loadMnistDigits();
    const firstDigitOfClass = (cls: number) => digits.labels.indexOf(cls);
    // A sample's reassembled tiles are exactly one of the package's digits of its class.
    const s = 0;
    const image = reassemble(train, s);
    let found = false;
    for (
      let i = firstDigitOfClass(train.labels[s]);
      i < digits.labels.length && digits.labels[i] === train.labels[s];
      i++
    ) {
      if (
        Buffer.compare(
          Buffer.from(digits.pixels.subarray(i * 784, (i + 1) * 784)),
          Buffer.from(image),
        ) === 0
      )
        found = true;
    }
    expect(found).toBe(true);
    for (let i = 0; i < train.numSamples * 6; i++) {
      expect(train.viewLabels[i]).toBe(train.labels[Math.floor(i / 6)]);
    }
    // padding rows are zero: top row of tiles 0/1 and bottom row of tiles 4/5
    for (const view of [0, 1])
      expect(train.pixels.subarray(view * 140, view * 140 + 14).every((p) => p === 0)).toBe(true);
  });

  it('has no digit in both train and test, and is deterministic per seed', () => {
    const key = (ds: MultiViewDataset, s: number) =>
      createHash('sha1').update(reassemble(ds, s)).digest('hex');
    const trainKeys = new Set(Array.from({ length: train.numSamples }, (_, s) => key(train, s)));
    for (let s = 0; s < test.numSamples; s++) expect(trainKeys.has(key(test, s))).toBe(false);
    const again = createBuiltinDataset('mnist-6', { seed: 3, trainSize: 600, testSize: 200 });
    expect(again.test.pixels).toEqual(test.pixels);
    const other = createBuiltinDataset('mnist-6', { seed: 4, trainSize: 600, testSize: 200 });
    expect(other.test.pixels).not.toEqual(test.pixels);
  });

  it('covers all ten classes', () => {
    expect(new Set(train.labels).size).toBe(10);
  });
});
