import { PreparedData } from './prepared-data';
import type { MultiViewData } from '@ddnn/model-spec';

/** Two samples of two 1x2x1 views, in the sample-major layout. */
function data(pixels: Float32Array | Uint8Array): MultiViewData {
  return {
    numSamples: 2,
    numViews: 2,
    viewShape: [1, 2, 1],
    pixels,
    viewLabels: new Int32Array([0, -1, 1, 1]),
    labels: new Int32Array([0, 1]),
  };
}

describe('PreparedData', () => {
  it('splits the views per device and scales bytes by 1/255', () => {
    const prepared = new PreparedData(data(new Uint8Array([0, 255, 51, 102, 1, 2, 3, 4])), 2);
    expect(Array.from(prepared.perDevice[0])).toEqual(
      [0, 255, 1, 2].map((p) => Math.fround(p * (1 / 255))),
    );
    expect(Array.from(prepared.perDevice[1])).toEqual(
      [51, 102, 3, 4].map((p) => Math.fround(p * (1 / 255))),
    );
  });

  it('keeps float pixels as they are', () => {
    const pixels = new Float32Array([0.5, -1, 2, 3, -0, 1e-30, 7, 8]);
    const prepared = new PreparedData(data(pixels), 2);
    expect(Array.from(prepared.perDevice[0])).toEqual([0.5, -1, -0, Math.fround(1e-30)]);
    expect(Array.from(prepared.perDevice[1])).toEqual([2, 3, 7, 8]);
  });

  it('keeps the class count it validated against, also through shared memory', () => {
    const prepared = new PreparedData(data(new Uint8Array(8)), 3);
    expect(prepared.numClasses).toBe(3);
    const parts = prepared.shared();
    expect(parts.perDevice[0].buffer).toBeInstanceOf(SharedArrayBuffer);
    const copy = PreparedData.fromParts(parts);
    expect(copy).toBeInstanceOf(PreparedData);
    expect(copy.numClasses).toBe(3);
    expect(Array.from(copy.perDevice[1])).toEqual(Array.from(prepared.perDevice[1]));
    // already shared: the same arrays, not another copy
    expect(copy.shared().perDevice[0]).toBe(parts.perDevice[0]);
  });

  test.each([NaN, Infinity, -Infinity])('rejects a pixel of %s, naming it', (bad) => {
    const pixels = new Float32Array(8);
    pixels[6] = bad; // sample 1, view 1
    expect(() => new PreparedData(data(pixels), 2)).toThrow(
      'pixel of sample 1, view 1 is not a finite number',
    );
  });
});
