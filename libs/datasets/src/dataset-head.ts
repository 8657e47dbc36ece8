import { DATASET_FORMAT_MAGIC, FIXED_HEADER_BYTES, parseMetadata } from './binary-format';
import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';
import { createMultiViewDataset, MultiViewDataset } from './multi-view-dataset';

/**
 * Reading the first samples of a stored .ddnnds without the rest: its layout puts the header,
 * the metadata and every label before the pixels, and the pixels in sample order, so a prefix of
 * the encoding holds the first k samples whole. A preview (the contact sheet) reads that prefix
 * (a few hundred KB) instead of the whole split (12.5 MB for synthetic-mvmc's). The trailing
 * sha256 is not checked (it covers the whole file, which was checked when it was stored).
 */
export interface DatasetHead {
  numSamples: number;
  /** Bytes of the prefix that holds the first `samples` samples. */
  prefixBytes(samples: number): number;
}

/** Enough to read the header and usual metadata (names of classes and views). */
export const DATASET_HEAD_PROBE_BYTES = 4096;

export function readDatasetHead(probe: Uint8Array): DatasetHead {
  if (
    probe.length < FIXED_HEADER_BYTES ||
    Buffer.from(probe.subarray(0, 8)).toString('ascii') !== DATASET_FORMAT_MAGIC
  ) {
    throw importError(Code.CorruptFile, 'not a stored dataset: bad magic or short header');
  }
  const view = new DataView(probe.buffer, probe.byteOffset, probe.byteLength);
  const bytesPerPixel = view.getUint8(10) === 0 ? 1 : 4;
  const [n, v, h, w, c, metaLength] = [0, 1, 2, 3, 4, 5].map((i) =>
    view.getUint32(12 + 4 * i, true),
  );
  const labelsEnd = FIXED_HEADER_BYTES + metaLength + 4 * n * v + 4 * n;
  return {
    numSamples: n,
    prefixBytes: (samples) => labelsEnd + Math.min(samples, n) * v * h * w * c * bytesPerPixel,
  };
}

/** The first `samples` samples of a dataset, from a prefix of its encoding (see readDatasetHead). */
export function decodeDatasetHead(prefix: Uint8Array, samples: number): MultiViewDataset {
  const head = readDatasetHead(prefix);
  const k = Math.min(samples, head.numSamples);
  if (prefix.length < head.prefixBytes(k)) {
    throw importError(
      Code.CorruptFile,
      `dataset prefix is ${prefix.length} bytes, ${head.prefixBytes(k)} are needed for ${k} samples`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const float = view.getUint8(10) !== 0;
  const [n, v, h, w, c, metaLength] = [0, 1, 2, 3, 4, 5].map((i) =>
    view.getUint32(12 + 4 * i, true),
  );
  const meta = parseMetadata(prefix.subarray(FIXED_HEADER_BYTES, FIXED_HEADER_BYTES + metaLength));
  const viewLabelsAt = FIXED_HEADER_BYTES + metaLength;
  const labelsAt = viewLabelsAt + 4 * n * v;
  const pixelsAt = labelsAt + 4 * n;
  const viewLabels = new Int32Array(k * v);
  for (let i = 0; i < k * v; i++) viewLabels[i] = view.getInt32(viewLabelsAt + 4 * i, true);
  const labels = new Int32Array(k);
  for (let i = 0; i < k; i++) labels[i] = view.getInt32(labelsAt + 4 * i, true);
  const count = k * v * h * w * c;
  let pixels: Uint8Array | Float32Array;
  if (float) {
    pixels = new Float32Array(count);
    for (let i = 0; i < count; i++) pixels[i] = view.getFloat32(pixelsAt + 4 * i, true);
  } else {
    pixels = new Uint8Array(prefix.subarray(pixelsAt, pixelsAt + count));
  }
  return createMultiViewDataset({
    name: meta.name,
    classNames: meta.classNames,
    viewNames: meta.viewNames,
    viewShape: [h, w, c],
    pixels,
    viewLabels,
    labels,
  });
}
