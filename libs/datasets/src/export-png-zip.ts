import { zipSync, Zippable } from 'fflate';
import { PNG } from 'pngjs';
import { ABSENT_VIEW_LABEL, MultiViewDataset, viewSize } from './multi-view-dataset';

export class PngZipExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngZipExportError';
  }
}

/** Where a sample's view goes in the archive (zero-padded so the files sort in sample order). */
export function pngZipViewFile(sample: number, viewName: string): string {
  return `views/${String(sample).padStart(6, '0')}-${viewName.replace(/[^A-Za-z0-9._-]/g, '_')}.png`;
}

/**
 * Writes a dataset as a zip of per-view PNG images plus manifest.json (the layout importPngZip
 * reads, docs/datasets.md), so that importPngZip(exportPngZip(ds)) equals ds for 8-bit datasets
 * with 1 (grey) or 3 (RGB) channels. An absent view is null in the manifest and has no image.
 * PNG holds 8-bit pixels: a float32 dataset, or another channel count, is refused with a message
 * pointing to .ddnnds, which keeps every dataset exactly.
 */
export function exportPngZip(ds: MultiViewDataset): Uint8Array {
  const [h, w, c] = ds.viewShape;
  if (!(ds.pixels instanceof Uint8Array)) {
    throw new PngZipExportError(
      `"${ds.name}" has float32 pixels; PNG holds 8-bit pixels only: export it as .ddnnds instead`,
    );
  }
  if (c !== 1 && c !== 3) {
    throw new PngZipExportError(
      `"${ds.name}" has ${c} channels per view; PNG views hold 1 (grey) or 3 (RGB): export it as .ddnnds instead`,
    );
  }
  const size = viewSize(ds);
  const files: Zippable = {};
  const samples = [];
  for (let s = 0; s < ds.numSamples; s++) {
    const views = ds.viewNames.map((viewName, v) => {
      const label = ds.viewLabels[s * ds.numViews + v];
      if (label === ABSENT_VIEW_LABEL) return null;
      const file = pngZipViewFile(s, viewName);
      const png = new PNG({ width: w, height: h });
      const base = (s * ds.numViews + v) * size;
      for (let p = 0; p < w * h; p++) {
        for (let k = 0; k < 3; k++)
          png.data[p * 4 + k] = ds.pixels[base + p * c + (c === 1 ? 0 : k)];
        png.data[p * 4 + 3] = 255;
      }
      // PNG data is already deflated: store it in the zip rather than deflate it again.
      files[file] = [PNG.sync.write(png), { level: 0 }];
      return { file, label };
    });
    samples.push({ label: ds.labels[s], views });
  }
  const manifest = {
    name: ds.name,
    classNames: ds.classNames,
    viewNames: ds.viewNames,
    samples,
  };
  files['manifest.json'] = [Buffer.from(JSON.stringify(manifest), 'utf8'), { level: 6 }];
  return zipSync(files);
}
