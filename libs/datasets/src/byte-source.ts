import { promises as fs } from 'node:fs';
import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';
import { formatBytes } from './import-limits';

/** What importers read: bytes already in memory, or a path read from disk. */
export type ByteSource = Uint8Array | string;

/** Reads a whole source, refusing it (before reading) when larger than maxBytes. */
export async function readSource(source: ByteSource, maxBytes: number): Promise<Uint8Array> {
  if (typeof source !== 'string') {
    assertSize(source.length, maxBytes, 'input');
    return source;
  }
  const size = await fileSize(source);
  assertSize(size, maxBytes, source);
  try {
    return await fs.readFile(source);
  } catch (cause) {
    throw importError(
      Code.CorruptFile,
      `cannot read ${source}: ${(cause as Error).message}`,
      cause,
    );
  }
}

export async function fileSize(path: string): Promise<number> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) throw new Error('not a regular file');
    return stat.size;
  } catch (cause) {
    throw importError(Code.CorruptFile, `cannot read ${path}: ${(cause as Error).message}`, cause);
  }
}

export function assertSize(size: number, maxBytes: number, what: string): void {
  if (size > maxBytes) {
    throw importError(
      Code.FileTooLarge,
      `${what} is ${formatBytes(size)} (${size} bytes), larger than the limit of ${formatBytes(maxBytes)} (${maxBytes} bytes)`,
    );
  }
}
