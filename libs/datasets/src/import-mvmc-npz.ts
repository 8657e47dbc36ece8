import { ByteSource } from './byte-source';
import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';
import { checkPixelCount, ImportLimits, resolveLimits } from './import-limits';
import { ABSENT_VIEW_LABEL, createMultiViewDataset, MultiViewDataset } from './multi-view-dataset';
import { NpyArray, parseNpy } from './npy';
import { readZipEntries } from './zip-reader';

export const MVMC_CLASS_NAMES = ['car', 'bus', 'person'] as const;

export interface MvmcNpzOptions {
  name?: string;
  /** Class names; the "absent" label in y is classNames.length (3 for the authors' file). */
  classNames?: readonly string[];
  viewNames?: readonly string[];
  limits?: Partial<ImportLimits>;
}

/**
 * Imports the authors' MVMC.npz layout: X float32 (N, V, C, H, W) channels-first (V = 6, C = 3,
 * H = W = 32 in their file), y int32 (N, V) with label |C| (3) meaning the camera does not see the
 * object. The global label is the max over the cameras that see the object; absent views become
 * label -1 and must be all-zero images.
 */
export async function importMvmcNpz(
  source: ByteSource,
  options: MvmcNpzOptions = {},
): Promise<MultiViewDataset> {
  const limits = resolveLimits(options.limits);
  const classNames = options.classNames ?? MVMC_CLASS_NAMES;
  const entries = await readZipEntries(
    source,
    limits,
    (name) => name === 'X.npy' || name === 'y.npy',
  );
  for (const name of ['X.npy', 'y.npy']) {
    if (!entries.has(name)) {
      throw importError(
        Code.MissingEntry,
        `npz archive has no ${name}, expected X.npy (images) and y.npy (labels)`,
      );
    }
  }
  const x = parseNpy(entries.get('X.npy') as Buffer, 'X.npy');
  const y = parseNpy(entries.get('y.npy') as Buffer, 'y.npy');
  const [n, v, c, h, w] = checkShapes(x, y, limits.maxSamples);
  checkPixelCount('X.npy', [n, v, h, w, c], limits.maxPixels);
  const viewNames = options.viewNames ?? Array.from({ length: v }, (_, i) => `camera-${i}`);
  if (viewNames.length !== v) {
    throw importError(
      Code.InconsistentViews,
      `${viewNames.length} view names given for ${v} cameras in X.npy`,
    );
  }
  const absent = classNames.length;
  const { viewLabels, labels } = convertLabels(y, n, v, absent);
  const pixels = toChannelsLast(x.data as Float32Array, n, v, c, h, w, viewLabels);
  return createMultiViewDataset({
    name: options.name ?? 'mvmc',
    classNames,
    viewNames,
    viewShape: [h, w, c],
    pixels,
    viewLabels,
    labels,
  });
}

function checkShapes(x: NpyArray, y: NpyArray, maxSamples: number): number[] {
  if (x.dtype !== 'float32') {
    throw importError(Code.WrongDtype, `X.npy has dtype ${x.dtype}, expected float32`);
  }
  if (y.dtype !== 'int32' && y.dtype !== 'int64') {
    throw importError(Code.WrongDtype, `y.npy has dtype ${y.dtype}, expected int32`);
  }
  if (x.shape.length !== 5 || x.shape.slice(1).some((d) => d === 0)) {
    throw importError(
      Code.WrongShape,
      `X.npy has shape (${x.shape.join(', ')}), expected (N, cameras, channels, height, width) such as (N, 6, 3, 32, 32)`,
    );
  }
  if (x.shape[2] !== 1 && x.shape[2] !== 3) {
    throw importError(
      Code.WrongShape,
      `X.npy has ${x.shape[2]} channels in axis 2 (shape (${x.shape.join(', ')})), expected 1 or 3: channels-first (N, 6, 3, 32, 32)`,
    );
  }
  if (y.shape.length !== 2) {
    throw importError(
      Code.WrongShape,
      `y.npy has shape (${y.shape.join(', ')}), expected (N, cameras) such as (N, 6)`,
    );
  }
  if (y.shape[0] !== x.shape[0]) {
    throw importError(
      Code.WrongShape,
      `X.npy has ${x.shape[0]} samples but y.npy has ${y.shape[0]}, expected the same N`,
    );
  }
  if (y.shape[1] !== x.shape[1]) {
    throw importError(
      Code.InconsistentViews,
      `X.npy has ${x.shape[1]} cameras per sample but y.npy has ${y.shape[1]} labels per sample, expected the same`,
    );
  }
  if (x.shape[0] > maxSamples) {
    throw importError(
      Code.TooManySamples,
      `npz has ${x.shape[0]} samples, the limit is ${maxSamples}`,
    );
  }
  return x.shape;
}

function convertLabels(y: NpyArray, n: number, v: number, absent: number) {
  const viewLabels = new Int32Array(n * v);
  const labels = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let global = -1;
    for (let cam = 0; cam < v; cam++) {
      const raw = Number(y.data[s * v + cam]);
      if (!Number.isInteger(raw) || raw < 0 || raw > absent) {
        throw importError(
          Code.LabelOutOfRange,
          `y.npy sample ${s} camera ${cam} has label ${raw}, expected 0..${absent - 1} or ${absent} (absent)`,
        );
      }
      const label = raw === absent ? ABSENT_VIEW_LABEL : raw;
      viewLabels[s * v + cam] = label;
      global = Math.max(global, label);
    }
    if (global < 0) {
      throw importError(
        Code.NoPresentView,
        `y.npy sample ${s} has label ${absent} (absent) in every camera, expected at least one camera to see the object`,
      );
    }
    labels[s] = global;
  }
  return { viewLabels, labels };
}

function toChannelsLast(
  x: Float32Array,
  n: number,
  v: number,
  c: number,
  h: number,
  w: number,
  viewLabels: Int32Array,
): Float32Array {
  const plane = h * w;
  const size = c * plane;
  const out = new Float32Array(n * v * size);
  for (let view = 0; view < n * v; view++) {
    const base = view * size;
    const absent = viewLabels[view] === ABSENT_VIEW_LABEL;
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < plane; p++) {
        const value = x[base + ch * plane + p];
        if (!Number.isFinite(value)) {
          throw importError(
            Code.NonFiniteValue,
            `X.npy sample ${Math.floor(view / v)} camera ${view % v} has ${value} at channel ${ch} pixel ${p}, expected finite values`,
          );
        }
        if (absent && value !== 0) {
          throw importError(
            Code.AbsentViewNotEmpty,
            `X.npy sample ${Math.floor(view / v)} camera ${view % v} is labelled absent but its image is not all zeros`,
          );
        }
        out[base + p * c + ch] = value;
      }
    }
  }
  return out;
}
