import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';

/** Size limits every importer enforces before it allocates or inflates anything. */
export interface ImportLimits {
  /** Largest input file or buffer accepted, in bytes. */
  maxBytes: number;
  /** Most samples accepted. */
  maxSamples: number;
  /** Largest total uncompressed size of all zip entries read, in bytes. */
  maxUncompressedBytes: number;
  /** Most entries in a zip archive. */
  maxZipEntries: number;
  /** Largest width or height of one PNG view, in pixels. */
  maxImageSide: number;
  /**
   * Most decoded pixel values (samples x views x height x width x channels) in the dataset, and
   * in the distinct images decoded on the way: a few hundred compressed bytes may describe a
   * huge image referenced by many samples.
   */
  maxPixels: number;
}

export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxBytes: 512 * 1024 * 1024,
  maxSamples: 200_000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxZipEntries: 500_000,
  maxImageSide: 1024,
  maxPixels: 64 * 1024 * 1024,
});

export function resolveLimits(limits?: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_IMPORT_LIMITS, ...limits };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Refuses a dataset of n samples x v views x h x w x c values over `maxPixels`, before allocating it. */
export function checkPixelCount(
  what: string,
  [n, v, h, w, c]: readonly number[],
  maxPixels: number,
): void {
  const pixels = n * v * h * w * c;
  if (pixels > maxPixels) {
    throw importError(
      Code.TooManyPixels,
      `${what} decodes to ${n} samples x ${v} views x ${h}x${w}x${c} = ${pixels} pixel values, more than the limit of ${maxPixels}`,
    );
  }
}
