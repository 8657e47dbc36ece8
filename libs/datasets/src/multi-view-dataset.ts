import { ABSENT_VIEW_LABEL, type MultiViewData, viewSize } from '@ddnn/model-spec';

export { ABSENT_VIEW_LABEL, viewSize };
export type { MultiViewData };

/** How pixels are stored: 8-bit sources stay uint8 (the engine scales by 1/255), others float32. */
export type PixelFormat = 'uint8' | 'float32';

/**
 * The platform's one in-memory multi-view dataset (train, eval, upload, API).
 * Layout: pixels[n][v][h][w][c], channels-last; viewLabels[n * V + v] is -1 where the view is
 * absent (its pixels are zeros); labels[n] is the sample's global label.
 */
export interface MultiViewDataset extends MultiViewData {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly viewNames: readonly string[];
  readonly pixelFormat: PixelFormat;
}

/** The fields needed to build a dataset; pixelFormat follows from the pixel array's type. */
export interface MultiViewDatasetInit {
  name: string;
  classNames: readonly string[];
  viewNames: readonly string[];
  viewShape: readonly [number, number, number];
  pixels: Uint8Array | Float32Array;
  viewLabels: Int32Array;
  labels: Int32Array;
}

export function pixelFormatOf(pixels: Uint8Array | Float32Array): PixelFormat {
  return pixels instanceof Uint8Array ? 'uint8' : 'float32';
}

/**
 * Builds a dataset and checks that every field agrees with the others; throws a plain Error on a
 * programming mistake (importers report user errors through DatasetImportError before this).
 */
export function createMultiViewDataset(init: MultiViewDatasetInit): MultiViewDataset {
  const numSamples = init.labels.length;
  const numViews = init.viewNames.length;
  const problem = findDatasetProblem({ ...init, numSamples, numViews });
  if (problem) throw new Error(`invalid multi-view dataset "${init.name}": ${problem.message}`);
  return {
    name: init.name,
    classNames: [...init.classNames],
    viewNames: [...init.viewNames],
    numSamples,
    numViews,
    viewShape: [init.viewShape[0], init.viewShape[1], init.viewShape[2]],
    pixelFormat: pixelFormatOf(init.pixels),
    pixels: init.pixels,
    viewLabels: init.viewLabels,
    labels: init.labels,
  };
}

export interface DatasetProblem {
  kind: 'shape' | 'label' | 'non-finite';
  message: string;
}

/** Returns the first inconsistency, or null when the dataset is consistent. */
export function findDatasetProblem(
  ds: MultiViewDatasetInit & { numSamples: number; numViews: number },
): DatasetProblem | null {
  const problem = findProblemMessage(ds);
  return problem && { kind: problem[0], message: problem[1] };
}

function findProblemMessage(
  ds: MultiViewDatasetInit & { numSamples: number; numViews: number },
): [DatasetProblem['kind'], string] | null {
  const { numSamples: n, numViews: v } = ds;
  const [h, w, c] = ds.viewShape;
  const numClasses = ds.classNames.length;
  if (numClasses < 1) return ['shape', 'classNames is empty'];
  if (v < 1) return ['shape', 'viewNames is empty'];
  if (![h, w, c].every((d) => Number.isInteger(d) && d > 0)) {
    return ['shape', `viewShape must be 3 positive integers, got [${ds.viewShape.join(', ')}]`];
  }
  if (ds.labels.length !== n)
    return ['shape', `labels has ${ds.labels.length} entries, expected ${n}`];
  if (ds.viewLabels.length !== n * v) {
    return [
      'shape',
      `viewLabels has ${ds.viewLabels.length} entries, expected ${n * v} (${n} x ${v})`,
    ];
  }
  if (ds.pixels.length !== n * v * h * w * c) {
    return [
      'shape',
      `pixels has ${ds.pixels.length} values, expected ${n * v * h * w * c} (${n} x ${v} x ${h} x ${w} x ${c})`,
    ];
  }
  for (let i = 0; i < n; i++) {
    const label = ds.labels[i];
    if (label < 0 || label >= numClasses) {
      return ['label', `sample ${i} has global label ${label}, expected 0..${numClasses - 1}`];
    }
  }
  for (let i = 0; i < n * v; i++) {
    const label = ds.viewLabels[i];
    if (label !== ABSENT_VIEW_LABEL && (label < 0 || label >= numClasses)) {
      return [
        'label',
        `sample ${Math.floor(i / v)} view ${i % v} has label ${label}, expected -1 (absent) or 0..${numClasses - 1}`,
      ];
    }
  }
  if (ds.pixels instanceof Float32Array) {
    for (let i = 0; i < ds.pixels.length; i++) {
      if (!Number.isFinite(ds.pixels[i]))
        return ['non-finite', `pixel ${i} is ${ds.pixels[i]}, expected a finite number`];
    }
  }
  return null;
}
