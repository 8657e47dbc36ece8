import { normalNoise, Prng } from './prng';
import { Raster, Rgb } from './raster';

/*
 * One camera's view of one object, for the synthetic-mvmc generator. The object (car, bus or
 * person) has a heading; each camera sees it from its own angle, so a bus seen end-on is a tall box
 * like a van and a car seen end-on loses its wheels. `difficulty` (0 easy .. 1 hopeless) sets how
 * far away the object is (size in the crop and resolution), sensor noise, contrast, occlusion and
 * clutter: the per-camera, per-sample degradations that make single cameras weak.
 */
export const SYNTHETIC_CLASSES = ['car', 'bus', 'person'] as const;
export type SyntheticClass = 0 | 1 | 2;

export interface SceneObject {
  cls: SyntheticClass;
  /** Length (along heading), width and height in metres. */
  dims: readonly [number, number, number];
  heading: number;
  body: Rgb;
  detail: Rgb;
  skin: Rgb;
}

export interface CameraLook {
  /** Camera azimuth around the object, radians. */
  azimuth: number;
  difficulty: number;
  /** Systematic sensor colour cast of this camera. */
  tint: Rgb;
  background: { sky: Rgb; ground: Rgb };
}

const SIZE = 32;
// Colour is a strong but not perfect cue: cars are red, blue, dark or silver; buses yellow or
// orange (some white); people wear any colour but have a skin-toned head and dark trousers.
const CAR_COLOURS: Rgb[] = [
  [0.75, 0.1, 0.1],
  [0.15, 0.25, 0.7],
  [0.7, 0.7, 0.72],
  [0.1, 0.1, 0.12],
  [0.15, 0.4, 0.2],
];
const BUS_COLOURS: Rgb[] = [
  [0.95, 0.8, 0.1],
  [0.95, 0.55, 0.1],
  [0.9, 0.9, 0.85],
  [0.9, 0.7, 0.2],
];
const PANTS_COLOURS: Rgb[] = [
  [0.1, 0.12, 0.3],
  [0.08, 0.08, 0.08],
  [0.4, 0.4, 0.42],
  [0.35, 0.25, 0.15],
];
const SKIN_COLOURS: Rgb[] = [
  [0.95, 0.8, 0.65],
  [0.8, 0.6, 0.45],
  [0.55, 0.38, 0.25],
  [0.35, 0.24, 0.16],
];
const DIMS: Record<SyntheticClass, readonly [number, number, number]> = {
  0: [4.4, 1.8, 1.45],
  1: [11, 2.5, 3.1],
  2: [0.55, 0.45, 1.75],
};

export function randomObject(cls: SyntheticClass, rng: Prng): SceneObject {
  const jitter = () => rng.uniform(0.88, 1.12);
  const [l, w, h] = DIMS[cls];
  const vary = (c: Rgb): Rgb => c.map((v) => clamp01(v + rng.normal() * 0.06)) as unknown as Rgb;
  const randomColour = (): Rgb => [rng.next(), rng.next(), rng.next()];
  return {
    cls,
    dims: [l * jitter(), w * jitter(), h * jitter()],
    heading: rng.uniform(0, 2 * Math.PI),
    body: vary(
      cls === 0 ? rng.pick(CAR_COLOURS) : cls === 1 ? rng.pick(BUS_COLOURS) : randomColour(),
    ),
    detail: vary(cls === 2 ? rng.pick(PANTS_COLOURS) : [0.12, 0.16, 0.22]),
    skin: vary(rng.pick(SKIN_COLOURS)),
  };
}

/** Renders one 32x32 view; returns RGB floats in [0, 1], channels-last. */
export function renderView(obj: SceneObject, cam: CameraLook, rng: Prng): Float32Array {
  const t = clamp01(cam.difficulty);
  const res = Math.max(6, Math.round(lerp(SIZE, 8, t)));
  const canvas = new Raster(res, res);
  canvas.gradient(cam.background.sky, cam.background.ground);
  drawClutter(canvas, Math.round(lerp(0, 4, t) * rng.uniform(0.5, 1.5)), rng);

  const alpha = obj.heading - cam.azimuth;
  const side = Math.abs(Math.cos(alpha));
  const [l, w, h] = obj.dims;
  const projected = l * side + w * Math.abs(Math.sin(alpha));
  const fill = lerp(0.92, 0.3, t) * rng.uniform(0.85, 1.1);
  const scale = (fill * res) / Math.max(projected, h);
  const bw = projected * scale;
  const bh = h * scale;
  const x0 = (res - bw) / 2 + rng.normal() * res * lerp(0.03, 0.15, t);
  const y0 = (res - bh) / 2 + rng.normal() * res * lerp(0.03, 0.12, t);
  drawObject(canvas, obj, side, x0, y0, bw, bh);
  if (rng.chance(lerp(0.05, 0.6, t)))
    drawOccluder(canvas, x0, y0, bw, bh, lerp(0.25, 0.65, t), rng);

  const view = res === SIZE ? canvas : canvas.resized(SIZE, SIZE);
  const contrast = lerp(1, 0.25, t) * rng.uniform(0.85, 1.1);
  const brightness = rng.uniform(-0.1, 0.1);
  const sigma = lerp(0.02, 0.04, t);
  const out = view.data;
  const noise = normalNoise(rng, new Float32Array(out.length));
  const [tr, tg, tb] = cam.tint;
  for (let i = 0; i < out.length; i += 3) {
    out[i] = clamp01(0.5 + (out[i] * tr - 0.5) * contrast + brightness + sigma * noise[i]);
    out[i + 1] = clamp01(
      0.5 + (out[i + 1] * tg - 0.5) * contrast + brightness + sigma * noise[i + 1],
    );
    out[i + 2] = clamp01(
      0.5 + (out[i + 2] * tb - 0.5) * contrast + brightness + sigma * noise[i + 2],
    );
  }
  return out;
}

function drawObject(
  c: Raster,
  obj: SceneObject,
  side: number,
  x: number,
  y: number,
  w: number,
  h: number,
) {
  const sideView = side > 0.4;
  if (obj.cls === 0) {
    c.rect(x, y + 0.45 * h, x + w, y + 0.85 * h, obj.body);
    const cabinInset = sideView ? 0.22 : 0.1;
    c.rect(x + cabinInset * w, y, x + (1 - cabinInset) * w, y + 0.47 * h, obj.body);
    c.rect(
      x + (cabinInset + 0.05) * w,
      y + 0.08 * h,
      x + (1 - cabinInset - 0.05) * w,
      y + 0.42 * h,
      obj.detail,
    );
    if (sideView) {
      for (const fx of [0.2, 0.8])
        c.ellipse(x + fx * w, y + 0.85 * h, 0.16 * h, 0.16 * h, [0.05, 0.05, 0.05]);
    } else {
      for (const fx of [0.18, 0.82])
        c.ellipse(x + fx * w, y + 0.62 * h, 0.07 * w, 0.07 * h, [1, 0.95, 0.7]);
      c.rect(x + 0.05 * w, y + 0.85 * h, x + 0.2 * w, y + h, [0.05, 0.05, 0.05]);
      c.rect(x + 0.8 * w, y + 0.85 * h, x + 0.95 * w, y + h, [0.05, 0.05, 0.05]);
    }
  } else if (obj.cls === 1) {
    c.rect(x, y, x + w, y + 0.9 * h, obj.body);
    if (sideView) {
      const windows = Math.max(2, Math.round((w / h) * 2));
      const pitch = w / windows;
      for (let i = 0; i < windows; i++) {
        c.rect(
          x + i * pitch + 0.15 * pitch,
          y + 0.15 * h,
          x + (i + 0.85) * pitch,
          y + 0.45 * h,
          obj.detail,
        );
      }
      for (const fx of [0.15, 0.8])
        c.ellipse(x + fx * w, y + 0.9 * h, 0.1 * h, 0.1 * h, [0.05, 0.05, 0.05]);
    } else {
      c.rect(x + 0.08 * w, y + 0.1 * h, x + 0.92 * w, y + 0.5 * h, obj.detail);
      c.rect(x + 0.1 * w, y + 0.9 * h, x + 0.25 * w, y + h, [0.05, 0.05, 0.05]);
      c.rect(x + 0.75 * w, y + 0.9 * h, x + 0.9 * w, y + h, [0.05, 0.05, 0.05]);
    }
  } else {
    const cx = x + w / 2;
    c.ellipse(cx, y + 0.09 * h, 0.09 * h, 0.09 * h, obj.skin);
    c.rect(x, y + 0.18 * h, x + w, y + 0.58 * h, obj.body);
    c.rect(x + 0.05 * w, y + 0.58 * h, cx - 0.05 * w, y + h, obj.detail);
    c.rect(cx + 0.05 * w, y + 0.58 * h, x + 0.95 * w, y + h, obj.detail);
  }
}

function drawClutter(c: Raster, count: number, rng: Prng) {
  const r = c.width;
  for (let i = 0; i < count; i++) {
    const colour: Rgb = [rng.next(), rng.next(), rng.next()];
    const x = rng.uniform(-0.1, 1) * r;
    const y = rng.uniform(-0.1, 1) * r;
    if (rng.chance(0.5))
      c.rect(x, y, x + rng.uniform(0.05, 0.4) * r, y + rng.uniform(0.05, 0.4) * r, colour, 0.8);
    else c.ellipse(x, y, rng.uniform(0.03, 0.15) * r, rng.uniform(0.03, 0.15) * r, colour, 0.8);
  }
}

function drawOccluder(
  c: Raster,
  x: number,
  y: number,
  w: number,
  h: number,
  coverage: number,
  rng: Prng,
) {
  const colour: Rgb = [rng.uniform(0.1, 0.6), rng.uniform(0.1, 0.6), rng.uniform(0.1, 0.5)];
  if (rng.chance(0.5)) {
    const pw = coverage * w;
    const px = x + rng.uniform(-0.2, 1) * (w - pw * 0.5);
    c.rect(px, 0, px + pw, c.height, colour);
  } else {
    c.rect(0, y + (1 - coverage) * h, c.width, c.height, colour);
  }
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
