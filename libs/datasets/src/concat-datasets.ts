import { createMultiViewDataset, MultiViewDataset } from './multi-view-dataset';

/**
 * One dataset holding the samples of `parts` in order (e.g. a built-in's train and test splits,
 * to export them as one file). Every part must have the same classes, views, shape and pixel type.
 */
export function concatDatasets(
  parts: readonly MultiViewDataset[],
  name?: string,
): MultiViewDataset {
  if (parts.length === 0) throw new Error('concatDatasets needs at least one dataset');
  const first = parts[0];
  for (const part of parts.slice(1)) {
    const same =
      part.classNames.join('\n') === first.classNames.join('\n') &&
      part.viewNames.join('\n') === first.viewNames.join('\n') &&
      part.viewShape.join('x') === first.viewShape.join('x') &&
      part.pixelFormat === first.pixelFormat;
    if (!same) {
      throw new Error(
        `cannot concatenate "${part.name}" to "${first.name}": classes, views, view shape and pixel format must match`,
      );
    }
  }
  const total = (pick: (d: MultiViewDataset) => ArrayLike<number>) =>
    parts.reduce((sum, d) => sum + pick(d).length, 0);
  const pixels =
    first.pixels instanceof Uint8Array
      ? new Uint8Array(total((d) => d.pixels))
      : new Float32Array(total((d) => d.pixels));
  const viewLabels = new Int32Array(total((d) => d.viewLabels));
  const labels = new Int32Array(total((d) => d.labels));
  let p = 0;
  let v = 0;
  let l = 0;
  for (const part of parts) {
    pixels.set(part.pixels, p);
    viewLabels.set(part.viewLabels, v);
    labels.set(part.labels, l);
    p += part.pixels.length;
    v += part.viewLabels.length;
    l += part.labels.length;
  }
  return createMultiViewDataset({
    name: name ?? first.name,
    classNames: first.classNames,
    viewNames: first.viewNames,
    viewShape: first.viewShape,
    pixels,
    viewLabels,
    labels,
  });
}
