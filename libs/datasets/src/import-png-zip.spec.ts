import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DatasetImportError, DatasetImportErrorCode as Code } from './dataset-import-error';
import { importPngZip } from './import-png-zip';
import { forgeDeclaredSizes, writeZip } from './testing/npz-writer';
import { pixelBombZip } from './testing/pixel-bomb';

function png(
  width: number,
  height: number,
  colour: (x: number, y: number) => [number, number, number],
) {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      image.data.set([...colour(x, y), 255], i);
    }
  }
  return PNG.sync.write(image);
}

const red = png(4, 3, (x, y) => [200, x * 10, y * 20]);
const grey = (v: number) => png(4, 3, () => [v, v, v]);
const text = (s: string) => Buffer.from(s, 'utf8');

const manifest = {
  name: 'two-cams',
  classNames: ['car', 'bus'],
  viewNames: ['left', 'right'],
  samples: [
    { label: 'bus', views: [{ file: 's0/left.png' }, { file: 's0/right.png', label: 1 }] },
    { label: 0, views: [null, { file: 's1/right.png', label: 'car' }] },
  ],
};

const validFiles = () => ({
  'manifest.json': text(JSON.stringify(manifest)),
  's0/left.png': red,
  's0/right.png': png(4, 3, () => [0, 0, 255]),
  's1/right.png': png(4, 3, (x) => [x * 60, 100, 0]),
});

async function expectImportError(
  input: Uint8Array | string,
  code: Code,
  message: RegExp,
  options = {},
) {
  const error = await importPngZip(input, options).then(
    () => new Error('import succeeded but should have failed'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetImportError);
  expect((error as DatasetImportError).code).toBe(code);
  expect((error as DatasetImportError).message).toMatch(message);
}

describe('importPngZip', () => {
  it('imports views, labels (by name or index) and absent views from a JSON manifest', async () => {
    const ds = await importPngZip(writeZip(validFiles()));
    expect(ds.name).toBe('two-cams');
    expect(ds.viewShape).toEqual([3, 4, 3]);
    expect(ds.pixelFormat).toBe('uint8');
    expect(Array.from(ds.labels)).toEqual([1, 0]);
    expect(Array.from(ds.viewLabels)).toEqual([1, 1, -1, 0]);
    // s0/left.png pixel (x=2, y=1) = [200, 20, 20]
    expect(Array.from(ds.pixels.subarray((1 * 4 + 2) * 3, (1 * 4 + 2) * 3 + 3))).toEqual([
      200, 20, 20,
    ]);
    // the absent view is all zeros
    expect(ds.pixels.subarray(2 * 36, 3 * 36).every((p) => p === 0)).toBe(true);
  });

  it('makes a 1-channel dataset when every image is grey, streamed from a path', async () => {
    const files = {
      ...validFiles(),
      's0/left.png': grey(10),
      's0/right.png': grey(20),
      's1/right.png': grey(30),
    };
    const path = join(mkdtempSync(join(tmpdir(), 'pngzip-')), 'grey.zip');
    writeFileSync(path, writeZip(files));
    const ds = await importPngZip(path);
    expect(ds.viewShape).toEqual([3, 4, 1]);
    expect(ds.pixels[0]).toBe(10);
    expect(ds.pixels[12]).toBe(20);
  });

  it('imports a CSV manifest (one row per view, empty file = absent)', async () => {
    const csv = [
      'sample,label,view,file,view_label',
      'a,person,cam-0,a0.png,',
      'a,person,cam-1,,',
      'b,car,cam-0,b0.png,car',
      'b,car,cam-1,b1.png,car',
    ].join('\n');
    const ds = await importPngZip(
      writeZip({ 'manifest.csv': text(csv), 'a0.png': red, 'b0.png': red, 'b1.png': red }),
    );
    expect(ds.classNames).toEqual(['car', 'person']);
    expect(ds.viewNames).toEqual(['cam-0', 'cam-1']);
    expect(Array.from(ds.labels)).toEqual([1, 0]);
    expect(Array.from(ds.viewLabels)).toEqual([1, -1, 0, 0]);
  });

  describe('rejects', () => {
    it('an archive without a manifest', async () => {
      await expectImportError(
        writeZip({ 'a.png': red }),
        Code.MissingEntry,
        /no manifest\.json or manifest\.csv at its root/,
      );
    });

    it('a manifest that is not JSON', async () => {
      await expectImportError(
        writeZip({ 'manifest.json': text('{nope') }),
        Code.InvalidManifest,
        /manifest\.json is not valid JSON/,
      );
    });

    it('a view file missing from the archive', async () => {
      const files: Record<string, Uint8Array> = validFiles();
      delete files['s0/right.png'];
      await expectImportError(
        writeZip(files),
        Code.MissingEntry,
        /refers to s0\/right\.png, which is not in the zip/,
      );
    });

    it('a label that is not a class', async () => {
      const bad = {
        ...manifest,
        samples: [{ label: 'train', views: [{ file: 's0/left.png' }, null] }],
      };
      await expectImportError(
        writeZip({ ...validFiles(), 'manifest.json': text(JSON.stringify(bad)) }),
        Code.LabelOutOfRange,
        /samples\[0\]\.label is "train", expected one of "car", "bus" or an index 0\.\.1/,
      );
    });

    it('a label index out of range', async () => {
      const bad = {
        ...manifest,
        samples: [{ label: 0, views: [{ file: 's0/left.png', label: 2 }, null] }],
      };
      await expectImportError(
        writeZip({ ...validFiles(), 'manifest.json': text(JSON.stringify(bad)) }),
        Code.LabelOutOfRange,
        /samples\[0\]\.views\[0\]\.label is 2, expected/,
      );
    });

    it('a sample with the wrong number of views', async () => {
      const bad = { ...manifest, samples: [{ label: 0, views: [{ file: 's0/left.png' }] }] };
      await expectImportError(
        writeZip({ ...validFiles(), 'manifest.json': text(JSON.stringify(bad)) }),
        Code.InconsistentViews,
        /samples\[0\]\.views has 1 entries, expected 2/,
      );
    });

    it('a CSV sample missing a view', async () => {
      const csv =
        'sample,label,view,file,view_label\na,car,cam-0,a.png,\nb,car,cam-0,a.png,\nb,car,cam-1,a.png,';
      await expectImportError(
        writeZip({ 'manifest.csv': text(csv), 'a.png': red }),
        Code.InconsistentViews,
        /sample "a" has 0 rows for view "cam-1", expected exactly 1/,
      );
    });

    it('a CSV with the wrong header', async () => {
      await expectImportError(
        writeZip({ 'manifest.csv': text('id,label\na,car') }),
        Code.InvalidManifest,
        /header is "id,label", expected "sample,label,view,file,view_label"/,
      );
    });

    it('views of different sizes', async () => {
      const files = { ...validFiles(), 's1/right.png': png(5, 3, () => [1, 2, 3]) };
      await expectImportError(
        writeZip(files),
        Code.WrongShape,
        /s1\/right\.png is 5x3, expected 4x3/,
      );
    });

    it('a file that is not a PNG', async () => {
      await expectImportError(
        writeZip({ ...validFiles(), 's0/left.png': text('GIF89a not a png file at all') }),
        Code.InvalidImage,
        /s0\/left\.png is not a PNG image/,
      );
    });

    it('a corrupt PNG', async () => {
      const broken = Buffer.from(red);
      for (let i = 40; i < broken.length - 12; i++) broken[i] ^= 0x33;
      await expectImportError(
        writeZip({ ...validFiles(), 's0/left.png': broken }),
        Code.InvalidImage,
        /s0\/left\.png is a corrupt PNG/,
      );
    });

    it('a PNG that declares a huge image (decompression bomb)', async () => {
      const huge = Buffer.from(red);
      huge.writeUInt32BE(60000, 16);
      await expectImportError(
        writeZip({ ...validFiles(), 's0/left.png': huge }),
        Code.FileTooLarge,
        /s0\/left\.png is 60000x3, larger than the 1024x1024 limit/,
      );
    });

    it('more samples than maxSamples', async () => {
      await expectImportError(
        writeZip(validFiles()),
        Code.TooManySamples,
        /manifest lists 2 samples, the limit is 1/,
        {
          limits: { maxSamples: 1 },
        },
      );
    });

    it('an archive larger than maxBytes', async () => {
      await expectImportError(
        writeZip(validFiles()),
        Code.FileTooLarge,
        /zip archive is .* larger than the limit of 64 B/,
        {
          limits: { maxBytes: 64 },
        },
      );
    });

    it('entries inflating past the uncompressed cap (zip bomb)', async () => {
      const files = { ...validFiles(), 'padding.png': new Uint8Array(2_000_000) };
      await expectImportError(
        writeZip(files),
        Code.ZipBomb,
        /would inflate to more than 1\.0 MiB/,
        {
          limits: { maxUncompressedBytes: 1024 * 1024 },
        },
      );
    });

    it('an entry inflating past its declared size (zip bomb)', async () => {
      const padded = text(JSON.stringify(manifest) + ' '.repeat(5000));
      const bomb = forgeDeclaredSizes(writeZip({ 'manifest.json': padded }), 50);
      await expectImportError(
        bomb,
        Code.ZipBomb,
        /"manifest\.json" inflates to more bytes than its declared uncompressed size/,
      );
    });

    it.each(['../escape.png', '/abs/escape.png', 'x/../../escape.png'])(
      'an entry escaping the archive: %s',
      async (name) => {
        await expectImportError(
          writeZip({ ...validFiles(), [name]: red }),
          Code.ZipEntryEscapes,
          /zip entry name escapes the archive/,
        );
      },
    );

    it('a truncated archive', async () => {
      const bytes = writeZip(validFiles());
      await expectImportError(
        bytes.subarray(0, bytes.length - 30),
        Code.CorruptFile,
        /zip archive is corrupt or not a zip file/,
      );
    });
  });

  it('refuses the pixel bomb (one 1024x1024 PNG referenced by 120 samples) before decoding it', async () => {
    const bomb = pixelBombZip();
    expect(bomb.length).toBeLessThan(2000);
    await expectImportError(
      bomb,
      Code.TooManyPixels,
      /120 samples x 1 views x 1024x1024x1 = 125829120 pixel values, more than the limit of 67108864/,
    );
    // The same zip with 60 samples is 63 M values: under the default limit, over a lower one.
    const smaller = pixelBombZip(60);
    await expectImportError(smaller, Code.TooManyPixels, /more than the limit of 1000000/, {
      limits: { maxPixels: 1_000_000 },
    });
  });

  it('bounds the distinct images it decodes as well as the dataset', async () => {
    const files: Record<string, Uint8Array> = {
      'manifest.json': text(
        JSON.stringify({
          classNames: ['car'],
          viewNames: ['a', 'b', 'c'],
          samples: [{ label: 0, views: [{ file: '1.png' }, { file: '2.png' }, { file: '3.png' }] }],
        }),
      ),
      '1.png': grey(1),
      '2.png': grey(2),
      '3.png': grey(3),
    };
    // 3 images of 4x3 = 36 pixels; the dataset is 1 x 3 x 3x4x1 = 36 values too.
    await expectImportError(writeZip(files), Code.TooManyPixels, /limit of 35/, {
      limits: { maxPixels: 35 },
    });
    const ds = await importPngZip(writeZip(files), { limits: { maxPixels: 36 } });
    expect(ds.pixels.length).toBe(36);
  });

  it('counts 3 channels for colour images against the limit', async () => {
    // validFiles: 2 samples x 2 views x 3x4 x 3 channels = 144 values (48 at one channel).
    await expectImportError(writeZip(validFiles()), Code.TooManyPixels, /x3 = 144 pixel values/, {
      limits: { maxPixels: 143 },
    });
    expect(
      (await importPngZip(writeZip(validFiles()), { limits: { maxPixels: 144 } })).numSamples,
    ).toBe(2);
  });
});
