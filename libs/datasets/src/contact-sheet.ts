import { PNG } from 'pngjs';
import { ABSENT_VIEW_LABEL, MultiViewDataset, viewSize } from './multi-view-dataset';

export interface ContactSheetOptions {
  /** Which samples, one row each (default: the first `count`). */
  samples?: readonly number[];
  count?: number;
  /** Upscaling factor (default: views become at least 64 px on their longer side). */
  scale?: number;
}

const GAP = 4;
const LABEL_BAR = 4;
const BACKGROUND = [255, 255, 255];
const ABSENT_FILL = [60, 60, 60];
const ABSENT_CROSS = [230, 40, 40];
/** Distinct colours for class indices (bars above each view and at the left of each row). */
const CLASS_COLOURS = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/**
 * A PNG contact sheet: one row per sample, one column per view, upscaled with nearest-neighbour.
 * A coloured bar above each view shows its label's class colour and a bar at the row's left the
 * global label's; an absent view is a dark cell with a red cross.
 */
export function renderContactSheet(
  ds: MultiViewDataset,
  options: ContactSheetOptions = {},
): Buffer {
  const rows =
    options.samples ??
    Array.from({ length: Math.min(options.count ?? 8, ds.numSamples) }, (_, i) => i);
  for (const s of rows) {
    if (!Number.isInteger(s) || s < 0 || s >= ds.numSamples) {
      throw new Error(`sample ${s} is out of range 0..${ds.numSamples - 1}`);
    }
  }
  if (rows.length === 0) throw new Error('contact sheet needs at least one sample');
  const [h, w, c] = ds.viewShape;
  const scale = options.scale ?? Math.max(1, Math.ceil(64 / Math.max(h, w)));
  const cellW = w * scale;
  const cellH = h * scale + LABEL_BAR;
  const width = GAP + LABEL_BAR + GAP + ds.numViews * (cellW + GAP);
  const height = GAP + rows.length * (cellH + GAP);
  const png = new PNG({ width, height });
  const put = (x: number, y: number, rgb: readonly number[]) => {
    const i = (y * width + x) * 4;
    png.data[i] = rgb[0];
    png.data[i + 1] = rgb[1];
    png.data[i + 2] = rgb[2];
    png.data[i + 3] = 255;
  };
  const box = (x0: number, y0: number, bw: number, bh: number, rgb: readonly number[]) => {
    for (let y = y0; y < y0 + bh; y++) for (let x = x0; x < x0 + bw; x++) put(x, y, rgb);
  };
  box(0, 0, width, height, BACKGROUND);
  const toByte = pixelScaler(ds);
  const size = viewSize(ds);
  rows.forEach((sample, r) => {
    const top = GAP + r * (cellH + GAP);
    box(GAP, top, LABEL_BAR, cellH, classColour(ds.labels[sample]));
    for (let v = 0; v < ds.numViews; v++) {
      const left = GAP + LABEL_BAR + GAP + v * (cellW + GAP);
      const label = ds.viewLabels[sample * ds.numViews + v];
      if (label === ABSENT_VIEW_LABEL) {
        box(left, top, cellW, cellH, ABSENT_FILL);
        for (let t = 0; t < cellW; t++) {
          const y = top + Math.floor((t * (cellH - 1)) / Math.max(1, cellW - 1));
          for (const dx of [0, 1]) {
            put(Math.min(left + t + dx, left + cellW - 1), y, ABSENT_CROSS);
            put(Math.max(left + cellW - 1 - t - dx, left), y, ABSENT_CROSS);
          }
        }
        continue;
      }
      box(left, top, cellW, LABEL_BAR, classColour(label));
      const base = (sample * ds.numViews + v) * size;
      for (let y = 0; y < h * scale; y++) {
        for (let x = 0; x < cellW; x++) {
          const p = base + (Math.floor(y / scale) * w + Math.floor(x / scale)) * c;
          const rgb =
            c >= 3 ? [toByte(p), toByte(p + 1), toByte(p + 2)] : [toByte(p), toByte(p), toByte(p)];
          put(left + x, top + LABEL_BAR + y, rgb);
        }
      }
    }
  });
  return PNG.sync.write(png);
}

function classColour(label: number): readonly number[] {
  return CLASS_COLOURS[label % CLASS_COLOURS.length];
}

/** uint8 pixels as they are; float32 pixels taken as 0..1 (or 0..255 when any exceeds 1.5). */
function pixelScaler(ds: MultiViewDataset): (i: number) => number {
  const px = ds.pixels;
  if (px instanceof Uint8Array) return (i) => px[i];
  let max = 0;
  for (let i = 0; i < px.length; i++) if (px[i] > max) max = px[i];
  const factor = max > 1.5 ? 1 : 255;
  return (i) => Math.max(0, Math.min(255, Math.round(px[i] * factor)));
}
