import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetSha256, decodeDataset, encodeDataset, encodedDatasetSha256 } from './binary-format';
import { DatasetImportError, DatasetImportErrorCode as Code } from './dataset-import-error';
import { importPlatformDataset } from './import-platform-dataset';
import { rehash, tinyDataset } from './testing/tiny-dataset';

function expectDecodeError(bytes: Uint8Array, code: Code, message: RegExp) {
  let error: unknown;
  try {
    decodeDataset(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DatasetImportError);
  expect((error as DatasetImportError).code).toBe(code);
  expect((error as DatasetImportError).message).toMatch(message);
}

/** Offset of the first view label: fixed header (36 bytes) + metadata. */
function labelsOffset(bytes: Uint8Array): number {
  return 36 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(32, true);
}

describe('binary dataset format', () => {
  it.each(['uint8', 'float32'] as const)('round-trips a %s dataset exactly', (format) => {
    const ds = tinyDataset(format);
    const bytes = encodeDataset(ds);
    const back = decodeDataset(bytes);
    expect(back).toEqual(ds);
    expect(back.pixels).toBeInstanceOf(format === 'uint8' ? Uint8Array : Float32Array);
    expect(encodeDataset(back)).toEqual(bytes);
  });

  it('stores uint8 pixels as one byte each and float32 as four', () => {
    const u8 = encodeDataset(tinyDataset('uint8'));
    const f32 = encodeDataset(tinyDataset('float32'));
    const pixels = tinyDataset().pixels.length;
    // 'tiny-float32' is 2 characters longer than 'tiny-uint8' in the metadata
    expect(f32.length - u8.length).toBe(3 * pixels + 2);
  });

  it('has a content sha256 that changes with any pixel and is stored in the encoding', () => {
    const ds = tinyDataset();
    const hash = datasetSha256(ds);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(encodedDatasetSha256(encodeDataset(ds))).toBe(hash);
    (ds.pixels as Uint8Array)[5] ^= 1;
    expect(datasetSha256(ds)).not.toBe(hash);
  });

  it('exports to a file and re-imports it exactly (the platform format)', async () => {
    const ds = tinyDataset('float32');
    const path = join(mkdtempSync(join(tmpdir(), 'ddnnds-')), 'tiny.ddnnds');
    writeFileSync(path, encodeDataset(ds));
    expect(await importPlatformDataset(path)).toEqual(ds);
  });

  describe('rejects', () => {
    it('a wrong magic', () => {
      const bytes = encodeDataset(tinyDataset());
      bytes[0] = 0x50;
      expectDecodeError(bytes, Code.CorruptFile, /magic is "PDNNMVDS", expected "DDNNMVDS"/);
    });

    it('an unknown version', () => {
      const bytes = encodeDataset(tinyDataset());
      bytes[8] = 9;
      expectDecodeError(bytes, Code.UnsupportedVersion, /version 9 is not supported, expected 1/);
    });

    it('a truncated file', () => {
      const bytes = encodeDataset(tinyDataset());
      expectDecodeError(
        bytes.subarray(0, bytes.length - 10),
        Code.CorruptFile,
        /expected \d+ for 3 samples x 2 views of 4x5x3 \(truncated or padded file\)/,
      );
    });

    it('a file too short to hold a header', () => {
      expectDecodeError(new Uint8Array(12), Code.CorruptFile, /shorter than the 68-byte minimum/);
    });

    it('content that does not match its sha256', () => {
      const bytes = encodeDataset(tinyDataset());
      bytes[bytes.length - 40] ^= 0xff;
      expectDecodeError(
        bytes,
        Code.ChecksumMismatch,
        /sha256 is [0-9a-f]{64}, but the file says [0-9a-f]{64}/,
      );
    });

    it('a view label out of range', () => {
      const bytes = encodeDataset(tinyDataset());
      new DataView(bytes.buffer).setInt32(labelsOffset(bytes) + 4, 7, true);
      expectDecodeError(
        rehash(bytes),
        Code.LabelOutOfRange,
        /sample 0 view 1 has label 7, expected -1 \(absent\) or 0\.\.1/,
      );
    });

    it('a global label out of range', () => {
      const bytes = encodeDataset(tinyDataset());
      new DataView(bytes.buffer).setInt32(labelsOffset(bytes) + 6 * 4 + 8, -1, true);
      expectDecodeError(
        rehash(bytes),
        Code.LabelOutOfRange,
        /sample 2 has global label -1, expected 0\.\.1/,
      );
    });

    it.each([NaN, Infinity])('a %s pixel', (value) => {
      const bytes = encodeDataset(tinyDataset('float32'));
      new DataView(bytes.buffer).setFloat32(labelsOffset(bytes) + 9 * 4 + 4 * 10, value, true);
      expectDecodeError(
        rehash(bytes),
        Code.NonFiniteValue,
        new RegExp(`pixel 10 is ${value}, expected a finite number`),
      );
    });

    it('a header whose counts do not match the data length', () => {
      const bytes = encodeDataset(tinyDataset());
      new DataView(bytes.buffer).setUint32(16, 3, true); // header V = 3, metadata names 2
      expectDecodeError(rehash(bytes), Code.CorruptFile, /expected \d+ for 3 samples x 3 views/);
    });

    it('more samples than maxSamples', () => {
      expect(() => decodeDataset(encodeDataset(tinyDataset()), { maxSamples: 2 })).toThrow(
        /dataset has 3 samples, the limit is 2/,
      );
    });

    it('a file larger than maxBytes, before reading it', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'ddnnds-')), 'big.ddnnds');
      writeFileSync(path, encodeDataset(tinyDataset()));
      await expect(importPlatformDataset(path, { maxBytes: 100 })).rejects.toMatchObject({
        code: Code.FileTooLarge,
        message: expect.stringMatching(
          /big\.ddnnds is .* larger than the limit of 100 B \(100 bytes\)/,
        ),
      });
    });
  });

  it('bounds pixel values on import, not when reading a stored dataset', async () => {
    const ds = tinyDataset('uint8');
    const bytes = encodeDataset(ds);
    const values = ds.pixels.length;
    const error = await importPlatformDataset(bytes, { maxPixels: values - 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetImportError);
    expect((error as DatasetImportError).code).toBe(Code.TooManyPixels);
    expect((error as DatasetImportError).message).toContain(`= ${values} pixel values`);
    expect((await importPlatformDataset(bytes, { maxPixels: values })).numSamples).toBe(
      ds.numSamples,
    );
    expect(decodeDataset(bytes).numSamples).toBe(ds.numSamples);
  });
});
