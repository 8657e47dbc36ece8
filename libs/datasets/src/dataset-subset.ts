import { createMultiViewDataset, MultiViewDataset, viewSize } from './multi-view-dataset';

/** A new dataset holding the given samples, in the given order (pixels copied). */
export function selectSamples(
  ds: MultiViewDataset,
  indices: readonly number[],
  name = ds.name,
): MultiViewDataset {
  const v = ds.numViews;
  const sampleSize = v * viewSize(ds);
  const pixels =
    ds.pixels instanceof Uint8Array
      ? new Uint8Array(indices.length * sampleSize)
      : new Float32Array(indices.length * sampleSize);
  const viewLabels = new Int32Array(indices.length * v);
  const labels = new Int32Array(indices.length);
  indices.forEach((src, dst) => {
    if (!Number.isInteger(src) || src < 0 || src >= ds.numSamples) {
      throw new Error(`sample index ${src} is out of range 0..${ds.numSamples - 1}`);
    }
    pixels.set(ds.pixels.subarray(src * sampleSize, (src + 1) * sampleSize), dst * sampleSize);
    viewLabels.set(ds.viewLabels.subarray(src * v, (src + 1) * v), dst * v);
    labels[dst] = ds.labels[src];
  });
  return createMultiViewDataset({
    name,
    classNames: ds.classNames,
    viewNames: ds.viewNames,
    viewShape: ds.viewShape,
    pixels,
    viewLabels,
    labels,
  });
}
