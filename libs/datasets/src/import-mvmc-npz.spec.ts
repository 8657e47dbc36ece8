import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetImportError, DatasetImportErrorCode as Code } from './dataset-import-error';
import { importMvmcNpz } from './import-mvmc-npz';
import {
  forgeDeclaredSizes,
  makeMvmcArrays,
  mvmcNpz,
  writeNpy,
  writeZip,
} from './testing/npz-writer';

async function expectImportError(promise: Promise<unknown>, code: Code, message: RegExp) {
  const error = await promise.then(
    () => new Error('import succeeded but should have failed'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetImportError);
  expect((error as DatasetImportError).code).toBe(code);
  expect((error as DatasetImportError).message).toMatch(message);
}

const VIEW = 3 * 32 * 32;

describe('importMvmcNpz', () => {
  it('imports the authors layout: transposes to channels-last, maps absent and the global label', async () => {
    const arrays = makeMvmcArrays(12);
    const ds = await importMvmcNpz(mvmcNpz(arrays));
    expect(ds.numSamples).toBe(12);
    expect(ds.numViews).toBe(6);
    expect(ds.viewShape).toEqual([32, 32, 3]);
    expect(ds.pixelFormat).toBe('float32');
    expect(ds.classNames).toEqual(['car', 'bus', 'person']);
    for (let s = 0; s < 12; s++) {
      for (let cam = 0; cam < 6; cam++) {
        const raw = arrays.y[s * 6 + cam];
        expect(ds.viewLabels[s * 6 + cam]).toBe(raw === 3 ? -1 : raw);
      }
      expect(ds.labels[s]).toBe(s % 3);
    }
    // X[s][cam][ch][h][w] lands at pixels[s][cam][h][w][ch]
    const [s, cam, ch, h, w] = [0, 0, 2, 5, 7];
    const src = arrays.x[(s * 6 + cam) * VIEW + ch * 1024 + h * 32 + w];
    expect(ds.pixels[(s * 6 + cam) * VIEW + (h * 32 + w) * 3 + ch]).toBe(src);
  });

  it('takes the global label as the max over present cameras only (absent = 3 is not a class)', async () => {
    const x = new Float32Array(2 * 6 * VIEW);
    const y = new Int32Array([3, 1, 0, 3, 1, 3, 3, 3, 3, 0, 3, 3]);
    const npz = writeZip({
      'X.npy': writeNpy('<f4', [2, 6, 3, 32, 32], x),
      'y.npy': writeNpy('<i4', [2, 6], y),
    });
    const ds = await importMvmcNpz(npz);
    expect(Array.from(ds.labels)).toEqual([1, 0]);
  });

  it('reads an npz written by numpy itself (np.savez_compressed), streamed from a file path', async () => {
    const ds = await importMvmcNpz(join(__dirname, 'testing/fixtures/mvmc-numpy-tiny.npz'));
    expect(ds.viewShape).toEqual([4, 4, 3]);
    expect(Array.from(ds.labels)).toEqual([0, 2]);
    expect(Array.from(ds.viewLabels)).toEqual([0, -1, 0, 0, -1, 0, -1, 2, 2, -1, -1, 2]);
    const base = (1 * 6 + 1) * 48 + (2 * 4 + 3) * 3;
    expect(Array.from(ds.pixels.subarray(base, base + 3))).toEqual([
      Math.fround(0.18431372940540314),
      Math.fround(0.8039215803146362),
      Math.fround(0.24705882370471954),
    ]);
  });

  it('reads stored (np.savez) and deflated archives from a path alike', async () => {
    const arrays = makeMvmcArrays(4, 9);
    const dir = mkdtempSync(join(tmpdir(), 'mvmc-'));
    writeFileSync(join(dir, 'stored.npz'), mvmcNpz(arrays, 0));
    const fromPath = await importMvmcNpz(join(dir, 'stored.npz'));
    const fromBuffer = await importMvmcNpz(mvmcNpz(arrays, 6));
    expect(fromPath.pixels).toEqual(fromBuffer.pixels);
  });

  it("accepts int64 labels (numpy's default integer type)", async () => {
    const y = new BigInt64Array([0n, 3n, 2n, 2n, 3n, 2n]);
    const bytes = writeZip({
      'X.npy': writeNpy('<f4', [1, 6, 3, 32, 32], new Float32Array(6 * VIEW)),
      'y.npy': writeNpy('<i8', [1, 6], y),
    });
    const ds = await importMvmcNpz(bytes);
    expect(Array.from(ds.viewLabels)).toEqual([0, -1, 2, 2, -1, 2]);
    expect(ds.labels[0]).toBe(2);
  });

  describe('rejects', () => {
    const y1 = new Int32Array([0, 0, 0, 0, 0, 0]);
    const x1 = new Float32Array(6 * VIEW);
    const npz = (xShape: number[], x: Float32Array, yShape: number[], y: Int32Array) =>
      writeZip({ 'X.npy': writeNpy('<f4', xShape, x), 'y.npy': writeNpy('<i4', yShape, y) });

    it('a missing array', async () => {
      const bytes = writeZip({ 'X.npy': writeNpy('<f4', [1, 6, 3, 32, 32], x1) });
      await expectImportError(
        importMvmcNpz(bytes),
        Code.MissingEntry,
        /no y\.npy, expected X\.npy .* and y\.npy/,
      );
    });

    it('X with the wrong rank', async () => {
      const bytes = npz([6, 3, 32, 32], x1, [1, 6], y1);
      await expectImportError(
        importMvmcNpz(bytes),
        Code.WrongShape,
        /X\.npy has shape \(6, 3, 32, 32\), expected \(N, cameras/,
      );
    });

    it('channels-last X (wrong channel axis)', async () => {
      const bytes = npz([1, 6, 32, 32, 3], x1, [1, 6], y1);
      await expectImportError(
        importMvmcNpz(bytes),
        Code.WrongShape,
        /32 channels in axis 2.*expected 1 or 3/,
      );
    });

    it('X and y with different sample counts', async () => {
      const bytes = npz([1, 6, 3, 32, 32], x1, [2, 3], new Int32Array(6));
      await expectImportError(
        importMvmcNpz(bytes),
        Code.WrongShape,
        /X\.npy has 1 samples but y\.npy has 2/,
      );
    });

    it('inconsistent view counts between X and y', async () => {
      const bytes = npz([1, 6, 3, 32, 32], x1, [1, 5], new Int32Array(5));
      await expectImportError(
        importMvmcNpz(bytes),
        Code.InconsistentViews,
        /6 cameras per sample but y\.npy has 5/,
      );
    });

    it('a label out of range', async () => {
      const bytes = npz([1, 6, 3, 32, 32], x1, [1, 6], new Int32Array([0, 0, 4, 0, 0, 0]));
      await expectImportError(
        importMvmcNpz(bytes),
        Code.LabelOutOfRange,
        /sample 0 camera 2 has label 4, expected 0\.\.2 or 3 \(absent\)/,
      );
    });

    it('a negative label', async () => {
      const bytes = npz([1, 6, 3, 32, 32], x1, [1, 6], new Int32Array([0, -1, 0, 0, 0, 0]));
      await expectImportError(importMvmcNpz(bytes), Code.LabelOutOfRange, /camera 1 has label -1/);
    });

    it('a sample no camera sees', async () => {
      const bytes = npz([1, 6, 3, 32, 32], x1, [1, 6], new Int32Array([3, 3, 3, 3, 3, 3]));
      await expectImportError(
        importMvmcNpz(bytes),
        Code.NoPresentView,
        /sample 0 has label 3 \(absent\) in every camera/,
      );
    });

    it.each([
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ])('a %s pixel', async (value, text) => {
      const x = new Float32Array(6 * VIEW);
      x[4 * VIEW + 2 * 1024 + 17] = value;
      const bytes = npz([1, 6, 3, 32, 32], x, [1, 6], y1);
      await expectImportError(
        importMvmcNpz(bytes),
        Code.NonFiniteValue,
        new RegExp(`sample 0 camera 4 has ${text} at channel 2 pixel 17, expected finite`),
      );
    });

    it('an absent camera whose image is not zero', async () => {
      const x = new Float32Array(6 * VIEW);
      x[VIEW + 5] = 0.5;
      const bytes = npz([1, 6, 3, 32, 32], x, [1, 6], new Int32Array([0, 3, 0, 0, 0, 0]));
      await expectImportError(
        importMvmcNpz(bytes),
        Code.AbsentViewNotEmpty,
        /camera 1 is labelled absent but its image is not all zeros/,
      );
    });

    it('the wrong dtype', async () => {
      const bytes = writeZip({
        'X.npy': writeNpy('<f8', [1, 6, 3, 32, 32], new Float64Array(6 * VIEW)),
        'y.npy': writeNpy('<i4', [1, 6], y1),
      });
      await expectImportError(
        importMvmcNpz(bytes),
        Code.WrongDtype,
        /X\.npy has dtype float64, expected float32/,
      );
    });

    it('a big-endian array', async () => {
      const bytes = writeZip({
        'X.npy': writeNpy('>f4', [1, 6, 3, 32, 32], x1),
        'y.npy': writeNpy('<i4', [1, 6], y1),
      });
      await expectImportError(
        importMvmcNpz(bytes),
        Code.WrongDtype,
        /dtype '>f4', expected one of/,
      );
    });

    it('a Fortran-ordered array', async () => {
      const npy = Buffer.from(writeNpy('<f4', [1, 6, 3, 32, 32], x1));
      const header = npy
        .toString('latin1', 0, 128)
        .replace("'fortran_order': False", "'fortran_order': True ");
      npy.write(header, 0, 'latin1');
      const bytes = writeZip({ 'X.npy': npy, 'y.npy': writeNpy('<i4', [1, 6], y1) });
      await expectImportError(
        importMvmcNpz(bytes),
        Code.WrongShape,
        /X\.npy is stored in Fortran order, expected C order/,
      );
    });

    it('a truncated array', async () => {
      const full = writeNpy('<f4', [1, 6, 3, 32, 32], x1);
      const bytes = writeZip({
        'X.npy': full.subarray(0, full.length - 8),
        'y.npy': writeNpy('<i4', [1, 6], y1),
      });
      await expectImportError(
        importMvmcNpz(bytes),
        Code.CorruptFile,
        /X\.npy holds 73720 data bytes, expected 73728/,
      );
    });

    it('an entry that is not .npy', async () => {
      const bytes = writeZip({
        'X.npy': Buffer.from('hello world'),
        'y.npy': writeNpy('<i4', [1, 6], y1),
      });
      await expectImportError(
        importMvmcNpz(bytes),
        Code.CorruptFile,
        /X\.npy is not a valid \.npy file: missing the \\x93NUMPY magic/,
      );
    });

    it('a file that is not a zip', async () => {
      await expectImportError(
        importMvmcNpz(Buffer.from('not a zip at all, just text')),
        Code.CorruptFile,
        /zip archive is corrupt or not a zip file/,
      );
    });

    it('a corrupt deflate stream', async () => {
      const bytes = mvmcNpz(makeMvmcArrays(2), 6);
      const broken = bytes.slice();
      for (let i = 200; i < 400; i++) broken[i] ^= 0x5a;
      await expectImportError(
        importMvmcNpz(broken),
        Code.CorruptFile,
        /zip entry "X\.npy" is corrupt/,
      );
    });

    it('a file larger than maxBytes', async () => {
      const bytes = mvmcNpz(makeMvmcArrays(2));
      await expectImportError(
        importMvmcNpz(bytes, { limits: { maxBytes: 1000 } }),
        Code.FileTooLarge,
        new RegExp(
          `zip archive is .* \\(${bytes.length} bytes\\), larger than the limit of .* \\(1000 bytes\\)`,
        ),
      );
    });

    it('more samples than maxSamples', async () => {
      await expectImportError(
        importMvmcNpz(mvmcNpz(makeMvmcArrays(5)), { limits: { maxSamples: 4 } }),
        Code.TooManySamples,
        /npz has 5 samples, the limit is 4/,
      );
    });

    it('entries that inflate past the uncompressed cap (zip bomb)', async () => {
      const bytes = mvmcNpz(makeMvmcArrays(3));
      await expectImportError(
        importMvmcNpz(bytes, { limits: { maxUncompressedBytes: 100_000 } }),
        Code.ZipBomb,
        /would inflate to more than 97\.7 KiB .*uncompressed size limit/,
      );
    });

    it('an entry that inflates to more than it declares (zip bomb)', async () => {
      const x = new Float32Array(6 * VIEW); // zeros: compresses ~1000x, like a bomb
      const bytes = forgeDeclaredSizes(npz([1, 6, 3, 32, 32], x, [1, 6], y1), 100);
      await expectImportError(
        importMvmcNpz(bytes),
        Code.ZipBomb,
        /inflates to more bytes than its declared uncompressed size.*zip bomb/,
      );
    });

    it.each(['../X.npy', '/etc/X.npy', 'a/../../X.npy', '..\\X.npy', 'C:/X.npy'])(
      'an entry whose name escapes the archive: %s',
      async (name) => {
        const bytes = writeZip({
          [name]: writeNpy('<i4', [1, 6], y1),
          'y.npy': writeNpy('<i4', [1, 6], y1),
        });
        await expectImportError(
          importMvmcNpz(bytes),
          Code.ZipEntryEscapes,
          /zip entry name escapes the archive .*expected relative paths/,
        );
      },
    );
  });

  it('refuses more pixel values than maxPixels before converting them', async () => {
    const arrays = makeMvmcArrays(4);
    await expectImportError(
      importMvmcNpz(mvmcNpz(arrays), { limits: { maxPixels: 4 * 6 * VIEW - 1 } }),
      Code.TooManyPixels,
      /4 samples x 6 views x 32x32x3 = 73728 pixel values, more than the limit of 73727/,
    );
    const ds = await importMvmcNpz(mvmcNpz(arrays), { limits: { maxPixels: 4 * 6 * VIEW } });
    expect(ds.numSamples).toBe(4);
  });
});
