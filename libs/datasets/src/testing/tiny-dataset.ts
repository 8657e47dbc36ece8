import { createHash } from 'node:crypto';
import { createMultiViewDataset, MultiViewDataset } from '../multi-view-dataset';

/** Test helper: a small dataset (n <= 256) with varied pixels, one absent view, uint8 or float32. */
export function tinyDataset(format: 'uint8' | 'float32' = 'uint8', n = 3): MultiViewDataset {
  const v = 2;
  const size = 4 * 5 * 3;
  const pixels = format === 'uint8' ? new Uint8Array(n * v * size) : new Float32Array(n * v * size);
  for (let i = 0; i < pixels.length; i++)
    pixels[i] = format === 'uint8' ? (i * 37) % 256 : Math.sin(i) * 3.5;
  const viewLabels = new Int32Array(n * v);
  const labels = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    labels[s] = s % 2;
    viewLabels[s * v] = s % 2;
    viewLabels[s * v + 1] = s === 1 ? -1 : s % 2;
  }
  pixels.fill(0, (1 * v + 1) * size, (1 * v + 2) * size);
  // Each sample's first pixel is its index, so samples are distinguishable (n <= 256).
  for (let s = 0; s < n; s++) pixels[s * v * size] = s;
  return createMultiViewDataset({
    name: `tiny-${format}`,
    classNames: ['a', 'b'],
    viewNames: ['left', 'right'],
    viewShape: [4, 5, 3],
    pixels,
    viewLabels,
    labels,
  });
}

/** Test helper: recomputes the trailing sha256 of an encoded dataset after a test edits it. */
export function rehash(bytes: Uint8Array): Uint8Array {
  const body = bytes.subarray(0, bytes.length - 32);
  bytes.set(createHash('sha256').update(body).digest(), bytes.length - 32);
  return bytes;
}
