import yauzl from 'yauzl';
import { ByteSource, assertSize, fileSize } from './byte-source';
import {
  DatasetImportError,
  DatasetImportErrorCode as Code,
  importError,
} from './dataset-import-error';
import { formatBytes, ImportLimits } from './import-limits';

export type ZipLimits = Pick<ImportLimits, 'maxBytes' | 'maxUncompressedBytes' | 'maxZipEntries'>;

/**
 * Reads the selected entries of a zip archive into memory, streaming it from disk when given a
 * path. Refuses archives that are too large, entries whose names escape the archive (absolute or
 * `..` paths; yauzl validates names), entries that inflate beyond their declared size (yauzl
 * checks actual against declared size) and archives whose selected entries add up to more than
 * maxUncompressedBytes. Any failure rejects the whole archive.
 */
export async function readZipEntries(
  source: ByteSource,
  limits: ZipLimits,
  select: (name: string) => boolean,
): Promise<Map<string, Buffer>> {
  const size = typeof source === 'string' ? await fileSize(source) : source.length;
  assertSize(size, limits.maxBytes, typeof source === 'string' ? source : 'zip archive');
  const zip = await openZip(source);
  try {
    return await collectEntries(zip, limits, select);
  } finally {
    zip.close();
  }
}

function openZip(source: ByteSource): Promise<yauzl.ZipFile> {
  const options: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzl.ZipFile) =>
      err || !zip ? reject(translateZipError(err ?? new Error('no archive'))) : resolve(zip);
    if (typeof source === 'string') yauzl.open(source, options, done);
    else
      yauzl.fromBuffer(Buffer.from(source.buffer, source.byteOffset, source.length), options, done);
  });
}

function collectEntries(
  zip: yauzl.ZipFile,
  limits: ZipLimits,
  select: (name: string) => boolean,
): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  let entryCount = 0;
  let declaredTotal = 0;
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      reject(err instanceof DatasetImportError ? err : translateZipError(err as Error));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (!failed) resolve(entries);
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      if (failed) return;
      entryCount++;
      if (entryCount > limits.maxZipEntries) {
        return fail(
          importError(
            Code.ZipBomb,
            `zip archive has more than ${limits.maxZipEntries} entries, the limit`,
          ),
        );
      }
      const name = entry.fileName;
      if (name.endsWith('/') || !select(name)) return zip.readEntry();
      if (entries.has(name)) {
        return fail(importError(Code.CorruptFile, `zip archive has the entry "${name}" twice`));
      }
      if (entry.isEncrypted()) {
        return fail(
          importError(Code.CorruptFile, `zip entry "${name}" is encrypted, expected plain entries`),
        );
      }
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > limits.maxUncompressedBytes) {
        return fail(
          importError(
            Code.ZipBomb,
            `zip entries would inflate to more than ${formatBytes(limits.maxUncompressedBytes)} (at "${name}", declared total ${formatBytes(declaredTotal)}), the uncompressed size limit`,
          ),
        );
      }
      readEntry(zip, entry).then((data) => {
        entries.set(name, data);
        zip.readEntry();
      }, fail);
    });
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream)
        return reject(translateZipError(err ?? new Error('no stream'), entry.fileName));
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (e: Error) => reject(translateZipError(e, entry.fileName)));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Maps yauzl's and zlib's errors to DatasetImportErrors with a message a person can act on. */
function translateZipError(err: Error, entryName?: string): DatasetImportError {
  const msg = err.message;
  const where = entryName ? `zip entry "${entryName}"` : 'zip archive';
  if (/^(absolute path|invalid relative path|invalid characters in fileName)/.test(msg)) {
    return importError(
      Code.ZipEntryEscapes,
      `zip entry name escapes the archive (${msg}); expected relative paths without ".." inside the archive`,
      err,
    );
  }
  if (msg.startsWith('too many bytes in the stream')) {
    return importError(
      Code.ZipBomb,
      `${where} inflates to more bytes than its declared uncompressed size (${msg}); refusing a possible zip bomb`,
      err,
    );
  }
  return importError(Code.CorruptFile, `${where} is corrupt or not a zip file: ${msg}`, err);
}
