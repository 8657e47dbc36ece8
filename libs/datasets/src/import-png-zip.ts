import { PNG } from 'pngjs';
import { ByteSource } from './byte-source';
import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';
import { checkPixelCount, ImportLimits, resolveLimits } from './import-limits';
import { ABSENT_VIEW_LABEL, createMultiViewDataset, MultiViewDataset } from './multi-view-dataset';
import { parseCsvManifest, parseJsonManifest, PngZipManifest } from './png-zip-manifest';
import { readZipEntries } from './zip-reader';

export interface PngZipOptions {
  name?: string;
  /** Class names for manifest.csv (default: its sorted distinct labels). */
  classNames?: readonly string[];
  limits?: Partial<ImportLimits>;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Imports a zip of per-view PNG images plus manifest.json or manifest.csv at the archive root
 * (layout in docs/datasets.md). All views must have the same size; the dataset has 1 channel when
 * every image is grey (R = G = B), else 3 (RGB; alpha is dropped). Pixels stay uint8.
 */
export async function importPngZip(
  source: ByteSource,
  options: PngZipOptions = {},
): Promise<MultiViewDataset> {
  const limits = resolveLimits(options.limits);
  const entries = await readZipEntries(
    source,
    limits,
    (name) =>
      name === 'manifest.json' || name === 'manifest.csv' || name.toLowerCase().endsWith('.png'),
  );
  const manifest = readManifest(entries, limits.maxSamples, options.classNames);
  // Sizes from the PNG headers first: the dataset's pixel count (at least one channel) and the
  // distinct images' (decoded as RGBA) are bounded before a single image is inflated.
  const sizes = new Map<string, { width: number; height: number }>();
  for (const sample of manifest.samples) {
    for (const view of sample.views) {
      if (view && !sizes.has(view.file))
        sizes.set(view.file, pngSize(entries, view.file, limits.maxImageSide));
    }
  }
  const first = sizes.values().next().value;
  if (!first)
    throw importError(
      Code.InvalidManifest,
      'manifest has no present view in any sample, expected at least one image',
    );
  for (const [file, size] of sizes) {
    if (size.width !== first.width || size.height !== first.height) {
      throw importError(
        Code.WrongShape,
        `${file} is ${size.width}x${size.height}, expected ${first.width}x${first.height} like the other views`,
      );
    }
  }
  const n = manifest.samples.length;
  const v = manifest.viewNames.length;
  checkPixelCount('the zip', [n, v, first.height, first.width, 1], limits.maxPixels);
  const distinctPixels = sizes.size * first.height * first.width;
  if (distinctPixels > limits.maxPixels) {
    throw importError(
      Code.TooManyPixels,
      `the zip's ${sizes.size} distinct images of ${first.width}x${first.height} hold ${distinctPixels} pixels, more than the limit of ${limits.maxPixels}`,
    );
  }
  const images = new Map<string, { width: number; height: number; rgba: Buffer }>();
  for (const file of sizes.keys()) images.set(file, decodePng(entries, file));
  return buildDataset(manifest, images, first.width, first.height, limits.maxPixels, options.name);
}

function readManifest(
  entries: Map<string, Buffer>,
  maxSamples: number,
  classNames?: readonly string[],
): PngZipManifest {
  const json = entries.get('manifest.json');
  const csv = entries.get('manifest.csv');
  if (json && csv)
    throw importError(
      Code.InvalidManifest,
      'zip has both manifest.json and manifest.csv, expected one',
    );
  if (json) return parseJsonManifest(json.toString('utf8'), maxSamples);
  if (csv) return parseCsvManifest(csv.toString('utf8'), maxSamples, classNames);
  throw importError(
    Code.MissingEntry,
    'zip has no manifest.json or manifest.csv at its root, expected one listing the views and labels',
  );
}

/** The size a PNG declares in its header, checked before decoding: a tiny file may claim a huge image. */
function pngSize(entries: Map<string, Buffer>, file: string, maxSide: number) {
  const bytes = entries.get(file);
  if (!bytes)
    throw importError(Code.MissingEntry, `manifest refers to ${file}, which is not in the zip`);
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw importError(Code.InvalidImage, `${file} is not a PNG image (bad signature)`);
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width > maxSide || height > maxSide) {
    throw importError(
      Code.FileTooLarge,
      `${file} is ${width}x${height}, larger than the ${maxSide}x${maxSide} limit per view`,
    );
  }
  return { width, height };
}

function decodePng(entries: Map<string, Buffer>, file: string) {
  const bytes = entries.get(file) as Buffer;
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, rgba: png.data };
  } catch (cause) {
    throw importError(
      Code.InvalidImage,
      `${file} is a corrupt PNG: ${(cause as Error).message}`,
      cause,
    );
  }
}

function buildDataset(
  manifest: PngZipManifest,
  images: Map<string, { rgba: Buffer }>,
  width: number,
  height: number,
  maxPixels: number,
  name?: string,
): MultiViewDataset {
  const grey = [...images.values()].every(({ rgba }) => {
    for (let i = 0; i < rgba.length; i += 4)
      if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
    return true;
  });
  const c = grey ? 1 : 3;
  const n = manifest.samples.length;
  const v = manifest.viewNames.length;
  checkPixelCount('the zip', [n, v, height, width, c], maxPixels);
  const size = width * height * c;
  const pixels = new Uint8Array(n * v * size);
  const viewLabels = new Int32Array(n * v).fill(ABSENT_VIEW_LABEL);
  const labels = new Int32Array(n);
  manifest.samples.forEach((sample, s) => {
    labels[s] = sample.label;
    sample.views.forEach((view, j) => {
      if (!view) return;
      viewLabels[s * v + j] = view.label;
      const rgba = (images.get(view.file) as { rgba: Buffer }).rgba;
      const base = (s * v + j) * size;
      for (let p = 0; p < width * height; p++) {
        for (let k = 0; k < c; k++) pixels[base + p * c + k] = rgba[p * 4 + k];
      }
    });
  });
  return createMultiViewDataset({
    name: name ?? manifest.name ?? 'png-zip',
    classNames: manifest.classNames,
    viewNames: manifest.viewNames,
    viewShape: [height, width, c],
    pixels,
    viewLabels,
    labels,
  });
}
