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
}

export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxBytes: 512 * 1024 * 1024,
  maxSamples: 200_000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxZipEntries: 500_000,
  maxImageSide: 1024,
});

export function resolveLimits(limits?: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_IMPORT_LIMITS, ...limits };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
