import { PNG } from 'pngjs';
import { renderContactSheet } from './contact-sheet';
import { tinyDataset } from './testing/tiny-dataset';

describe('renderContactSheet', () => {
  it('draws one row per sample and one column per view, upscaled, as a PNG', () => {
    const ds = tinyDataset('uint8', 5); // views 4 high x 5 wide -> scale 13
    const png = PNG.sync.read(renderContactSheet(ds, { samples: [0, 2, 4] }));
    const scale = 13;
    expect(png.width).toBe(4 + 4 + 4 + 2 * (5 * scale + 4));
    expect(png.height).toBe(4 + 3 * (4 * scale + 4 + 4));
    // sample 0, view 0, source pixel (0, 0) appears upscaled at the cell's top-left (below the bar)
    const left = 12;
    const top = 4 + 4;
    const at = (x: number, y: number) =>
      Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    const source = Array.from(ds.pixels.subarray(0, 3));
    expect(at(left, top)).toEqual(source);
    expect(at(left + scale - 1, top + scale - 1)).toEqual(source);
  });

  it('marks absent views with a dark cell and a red cross', () => {
    const ds = tinyDataset('uint8', 3); // sample 1, view 1 is absent
    const png = PNG.sync.read(renderContactSheet(ds, { count: 2, scale: 4 }));
    const cellLeft = 12 + (5 * 4 + 4);
    const rowTop = 4 + (4 * 4 + 4 + 4);
    const at = (x: number, y: number) =>
      Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    expect(at(cellLeft, rowTop)).toEqual([230, 40, 40]); // cross starts at the corner
    expect(at(cellLeft + 10, rowTop + 2)).toEqual([60, 60, 60]); // dark fill off the diagonals
  });

  it('renders float32 datasets and rejects out-of-range samples', () => {
    const ds = tinyDataset('float32', 2);
    expect(PNG.sync.read(renderContactSheet(ds)).height).toBeGreaterThan(0);
    expect(() => renderContactSheet(ds, { samples: [5] })).toThrow(
      /sample 5 is out of range 0\.\.1/,
    );
  });
});
