import { PNG } from 'pngjs';
import { writeZip } from './npz-writer';

/**
 * The "pixel bomb" of issue 10: a zip of a few hundred bytes holding one grey PNG of
 * `side` x `side` that a manifest references from `samples` samples, so that it decodes to
 * samples x side x side pixel values (120 x 1024 x 1024 = 126 M by default).
 */
export function pixelBombZip(samples = 120, side = 1024): Uint8Array {
  const image = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0 });
  image.data.fill(128);
  const png = PNG.sync.write(image, { colorType: 0, inputColorType: 0 });
  const manifest = {
    classNames: ['a'],
    viewNames: ['v'],
    samples: Array.from({ length: samples }, () => ({ label: 0, views: [{ file: 'p.png' }] })),
  };
  return writeZip({
    'manifest.json': Buffer.from(JSON.stringify(manifest), 'utf8'),
    'p.png': png,
  });
}
