import { createHash } from 'node:crypto';
import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';
import { checkPixelCount, DEFAULT_IMPORT_LIMITS } from './import-limits';
import {
  createMultiViewDataset,
  DatasetProblem,
  findDatasetProblem,
  MultiViewDataset,
  PixelFormat,
} from './multi-view-dataset';

/*
 * The platform's own dataset encoding (export, re-import, storage), little-endian:
 *   magic "DDNNMVDS" | u16 version | u8 pixel format (0 uint8, 1 float32) | u8 reserved (0)
 *   | u32 N | u32 V | u32 H | u32 W | u32 C | u32 metadata length M | M bytes JSON
 *     {name, classNames, viewNames}
 *   | N*V i32 view labels | N i32 global labels | N*V*H*W*C pixels (u8 or f32)
 *   | 32 bytes sha256 of everything before it.
 * The encoding is canonical, so the sha256 identifies the content.
 */
export const DATASET_FORMAT_MAGIC = 'DDNNMVDS';
export const DATASET_FORMAT_VERSION = 1;
export const DATASET_FILE_EXTENSION = '.ddnnds';
export const FIXED_HEADER_BYTES = 8 + 2 + 1 + 1 + 4 * 6;
const HASH_BYTES = 32;
const PIXEL_FORMAT_CODES: Record<PixelFormat, number> = { uint8: 0, float32: 1 };

export interface EncodedDatasetInfo {
  sha256: string;
}

export function encodeDataset(ds: MultiViewDataset): Uint8Array<ArrayBuffer> {
  const meta = Buffer.from(
    JSON.stringify({ name: ds.name, classNames: ds.classNames, viewNames: ds.viewNames }),
    'utf8',
  );
  const pixelBytes = ds.pixels.length * (ds.pixels instanceof Uint8Array ? 1 : 4);
  const bodyBytes =
    FIXED_HEADER_BYTES + meta.length + 4 * ds.viewLabels.length + 4 * ds.labels.length + pixelBytes;
  const out = new Uint8Array(bodyBytes + HASH_BYTES);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(DATASET_FORMAT_MAGIC, 'ascii'), 0);
  view.setUint16(8, DATASET_FORMAT_VERSION, true);
  view.setUint8(10, PIXEL_FORMAT_CODES[ds.pixels instanceof Uint8Array ? 'uint8' : 'float32']);
  const dims = [ds.numSamples, ds.numViews, ...ds.viewShape, meta.length];
  dims.forEach((d, i) => view.setUint32(12 + 4 * i, d, true));
  let offset = FIXED_HEADER_BYTES;
  out.set(meta, offset);
  offset += meta.length;
  for (const labels of [ds.viewLabels, ds.labels]) {
    for (let i = 0; i < labels.length; i++, offset += 4) view.setInt32(offset, labels[i], true);
  }
  if (ds.pixels instanceof Uint8Array) {
    out.set(ds.pixels, offset);
  } else {
    for (let i = 0; i < ds.pixels.length; i++, offset += 4) {
      view.setFloat32(offset, ds.pixels[i], true);
    }
  }
  out.set(sha256(out.subarray(0, bodyBytes)), bodyBytes);
  return out;
}

/** sha256 (hex) of a dataset's content: the hash stored at the end of its encoding. */
export function datasetSha256(ds: MultiViewDataset): string {
  const bytes = encodeDataset(ds);
  return Buffer.from(bytes.subarray(bytes.length - HASH_BYTES)).toString('hex');
}

/** sha256 (hex) stored in an encoded dataset (checked by decodeDataset). */
export function encodedDatasetSha256(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(bytes.length - HASH_BYTES)).toString('hex');
}

export interface DecodeOptions {
  maxSamples?: number;
  /** Most pixel values (n x v x h x w x c); unchecked when left out. */
  maxPixels?: number;
}

/** Decodes and validates everything; throws DatasetImportError naming the first problem. */
export function decodeDataset(bytes: Uint8Array, options: DecodeOptions = {}): MultiViewDataset {
  const maxSamples = options.maxSamples ?? DEFAULT_IMPORT_LIMITS.maxSamples;
  if (bytes.length < FIXED_HEADER_BYTES + HASH_BYTES) {
    throw importError(
      Code.CorruptFile,
      `dataset file is ${bytes.length} bytes, shorter than the ${FIXED_HEADER_BYTES + HASH_BYTES}-byte minimum of the ${DATASET_FILE_EXTENSION} format`,
    );
  }
  const magic = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (magic !== DATASET_FORMAT_MAGIC) {
    throw importError(
      Code.CorruptFile,
      `not a ${DATASET_FILE_EXTENSION} dataset: magic is ${JSON.stringify(magic)}, expected "${DATASET_FORMAT_MAGIC}"`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version !== DATASET_FORMAT_VERSION) {
    throw importError(
      Code.UnsupportedVersion,
      `dataset format version ${version} is not supported, expected ${DATASET_FORMAT_VERSION}`,
    );
  }
  const formatCode = view.getUint8(10);
  if (formatCode > 1 || view.getUint8(11) !== 0) {
    throw importError(
      Code.CorruptFile,
      `pixel format code ${formatCode} is unknown, expected 0 (uint8) or 1 (float32)`,
    );
  }
  const [n, v, h, w, c, metaLength] = [0, 1, 2, 3, 4, 5].map((i) =>
    view.getUint32(12 + 4 * i, true),
  );
  if (n > maxSamples) {
    throw importError(Code.TooManySamples, `dataset has ${n} samples, the limit is ${maxSamples}`);
  }
  // Imports bound pixels; a stored dataset (bounded when it was imported) is read as it is.
  if (options.maxPixels !== undefined)
    checkPixelCount('the dataset', [n, v, h, w, c], options.maxPixels);
  const bytesPerPixel = formatCode === 0 ? 1 : 4;
  const pixelCount = n * v * h * w * c;
  const expected =
    FIXED_HEADER_BYTES + metaLength + 4 * n * v + 4 * n + bytesPerPixel * pixelCount + HASH_BYTES;
  if (bytes.length !== expected) {
    throw importError(
      Code.CorruptFile,
      `dataset file is ${bytes.length} bytes, expected ${expected} for ${n} samples x ${v} views of ${h}x${w}x${c} (truncated or padded file)`,
    );
  }
  const bodyBytes = expected - HASH_BYTES;
  const storedHash = Buffer.from(bytes.subarray(bodyBytes)).toString('hex');
  const actualHash = Buffer.from(sha256(bytes.subarray(0, bodyBytes))).toString('hex');
  if (storedHash !== actualHash) {
    throw importError(
      Code.ChecksumMismatch,
      `dataset content sha256 is ${actualHash}, but the file says ${storedHash}: the file is corrupt`,
    );
  }
  const meta = parseMetadata(bytes.subarray(FIXED_HEADER_BYTES, FIXED_HEADER_BYTES + metaLength));
  let offset = FIXED_HEADER_BYTES + metaLength;
  const viewLabels = new Int32Array(n * v);
  for (let i = 0; i < viewLabels.length; i++, offset += 4)
    viewLabels[i] = view.getInt32(offset, true);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++, offset += 4) labels[i] = view.getInt32(offset, true);
  let pixels: Uint8Array | Float32Array;
  if (formatCode === 0) {
    pixels = new Uint8Array(bytes.subarray(offset, offset + pixelCount));
  } else {
    pixels = new Float32Array(pixelCount);
    for (let i = 0; i < pixelCount; i++, offset += 4) pixels[i] = view.getFloat32(offset, true);
  }
  const init = {
    ...meta,
    viewShape: [h, w, c] as [number, number, number],
    pixels,
    viewLabels,
    labels,
  };
  if (meta.viewNames.length !== v) {
    throw importError(
      Code.InconsistentViews,
      `dataset header says ${v} views but metadata names ${meta.viewNames.length} views`,
    );
  }
  const problem = findDatasetProblem({ ...init, numSamples: n, numViews: v });
  if (problem)
    throw importError(PROBLEM_CODES[problem.kind], `invalid dataset: ${problem.message}`);
  return createMultiViewDataset(init);
}

const PROBLEM_CODES: Record<DatasetProblem['kind'], Code> = {
  shape: Code.WrongShape,
  label: Code.LabelOutOfRange,
  'non-finite': Code.NonFiniteValue,
};

export function parseMetadata(bytes: Uint8Array): {
  name: string;
  classNames: string[];
  viewNames: string[];
} {
  let meta: unknown;
  try {
    meta = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw importError(Code.CorruptFile, 'dataset metadata is not valid JSON', cause);
  }
  const isStrings = (x: unknown): x is string[] =>
    Array.isArray(x) && x.every((s) => typeof s === 'string');
  const m = meta as Record<string, unknown> | null;
  if (!m || typeof m.name !== 'string' || !isStrings(m.classNames) || !isStrings(m.viewNames)) {
    throw importError(
      Code.CorruptFile,
      'dataset metadata must be {name: string, classNames: string[], viewNames: string[]}',
    );
  }
  return { name: m.name, classNames: m.classNames, viewNames: m.viewNames };
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}
