import { decodeDataset } from './binary-format';
import { ByteSource, readSource } from './byte-source';
import { ImportLimits, resolveLimits } from './import-limits';
import { MultiViewDataset } from './multi-view-dataset';

/** Imports the platform's own export format (see binary-format.ts); exact round trip. */
export async function importPlatformDataset(
  source: ByteSource,
  limits?: Partial<ImportLimits>,
): Promise<MultiViewDataset> {
  const resolved = resolveLimits(limits);
  const bytes = await readSource(source, resolved.maxBytes);
  return decodeDataset(bytes, { maxSamples: resolved.maxSamples, maxPixels: resolved.maxPixels });
}
