import { createRandom, shuffledIndices } from '../random/seeded-random';
import { MultiViewData, viewSize } from '@ddnn/model-spec';

/**
 * Seeded, stratified indices of a held-out share: within each class round(count * fraction)
 * samples (chosen by a seeded shuffle) are held out; both lists ascending.
 */
export function stratifiedHoldout(
  labels: Int32Array,
  fraction: number,
  seed: number,
): { kept: Int32Array; heldOut: Int32Array } {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new Error(`the held-out fraction must be in [0, 1), got ${fraction}`);
  }
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
  const random = createRandom(seed);
  const heldOut: number[] = [];
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(cls)!;
    const order = shuffledIndices(members.length, Math.floor(random() * 2 ** 32));
    const count = Math.round(members.length * fraction);
    for (let i = 0; i < count; i++) heldOut.push(members[order[i]]);
  }
  const held = new Set(heldOut);
  const kept = [...labels.keys()].filter((i) => !held.has(i));
  return {
    kept: Int32Array.from(kept),
    heldOut: Int32Array.from(heldOut.sort((a, b) => a - b)),
  };
}

/** The given samples of a dataset, in the given order (pixels copied). */
export function selectData(data: MultiViewData, indices: ArrayLike<number>): MultiViewData {
  const v = data.numViews;
  const size = viewSize(data);
  const n = indices.length;
  const pixels =
    data.pixels instanceof Uint8Array
      ? new Uint8Array(n * v * size)
      : new Float32Array(n * v * size);
  const viewLabels = new Int32Array(n * v);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = indices[i];
    pixels.set(data.pixels.subarray(s * v * size, (s + 1) * v * size), i * v * size);
    viewLabels.set(data.viewLabels.subarray(s * v, (s + 1) * v), i * v);
    labels[i] = data.labels[s];
  }
  return { numSamples: n, numViews: v, viewShape: data.viewShape, pixels, viewLabels, labels };
}
