import { MultiViewDataset } from '../multi-view-dataset';
import { Prng } from '../prng';

/*
 * Test helper: a cheap learnability baseline with no engine. Each view is average-pooled to
 * (H/4)x(W/4)xC features, standardised, and a softmax regression is fitted by SGD. Used to guard
 * the synthetic generator's properties: single cameras weak and different, cameras together strong.
 */
const POOL = 4;

export function viewFeatures(ds: MultiViewDataset, sample: number, view: number): Float32Array {
  const [h, w, c] = ds.viewShape;
  const ph = (h / POOL) | 0;
  const pw = (w / POOL) | 0;
  const out = new Float32Array(ph * pw * c);
  const base = (sample * ds.numViews + view) * h * w * c;
  const scale = ds.pixelFormat === 'uint8' ? 1 / (255 * POOL * POOL) : 1 / (POOL * POOL);
  for (let y = 0; y < ph * POOL; y++) {
    for (let x = 0; x < pw * POOL; x++) {
      const o = (((y / POOL) | 0) * pw + ((x / POOL) | 0)) * c;
      const p = base + (y * w + x) * c;
      for (let k = 0; k < c; k++) out[o + k] += ds.pixels[p + k] * scale;
    }
  }
  return out;
}

export interface Example {
  x: Float32Array;
  y: number;
}

/** Fits softmax regression on `train` and returns accuracy on `test`. */
export function softmaxAccuracy(
  train: Example[],
  test: Example[],
  numClasses: number,
  seed = 1,
): number {
  const d = train[0].x.length;
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (const e of train) for (let i = 0; i < d; i++) mean[i] += e.x[i] / train.length;
  for (const e of train)
    for (let i = 0; i < d; i++) std[i] += (e.x[i] - mean[i]) ** 2 / train.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]) + 1e-3;
  const norm = (x: Float32Array) => x.map((v, i) => (v - mean[i]) / std[i]);
  const tr = train.map((e) => ({ x: norm(e.x), y: e.y }));
  const te = test.map((e) => ({ x: norm(e.x), y: e.y }));
  const weights = new Float32Array(numClasses * (d + 1));
  const scores = new Float64Array(numClasses);
  const forward = (x: Float32Array) => {
    for (let k = 0; k < numClasses; k++) {
      let s = weights[k * (d + 1) + d];
      for (let i = 0; i < d; i++) s += weights[k * (d + 1) + i] * x[i];
      scores[k] = s;
    }
  };
  const rng = new Prng(seed);
  const order = tr.map((_, i) => i);
  const lr = 0.01;
  const l2 = 1e-3;
  for (let epoch = 0; epoch < 30; epoch++) {
    rng.shuffle(order);
    for (const idx of order) {
      const { x, y } = tr[idx];
      forward(x);
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) if (scores[k] > max) max = scores[k];
      let sum = 0;
      for (let k = 0; k < numClasses; k++) sum += scores[k] = Math.exp(scores[k] - max);
      for (let k = 0; k < numClasses; k++) {
        const g = scores[k] / sum - (k === y ? 1 : 0);
        const row = k * (d + 1);
        for (let i = 0; i < d; i++) weights[row + i] -= lr * (g * x[i] + l2 * weights[row + i]);
        weights[row + d] -= lr * g;
      }
    }
  }
  let correct = 0;
  for (const { x, y } of te) {
    forward(x);
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (scores[k] > scores[best]) best = k;
    if (best === y) correct++;
  }
  return correct / te.length;
}

/** Per-camera accuracy (present views, own labels) and all-cameras accuracy (concatenated features). */
export function baselineAccuracies(train: MultiViewDataset, test: MultiViewDataset) {
  const classes = train.classNames.length;
  const perCamera = train.viewNames.map((_, v) => {
    const examples = (ds: MultiViewDataset) =>
      Array.from({ length: ds.numSamples }, (_, s) => s)
        .filter((s) => ds.viewLabels[s * ds.numViews + v] >= 0)
        .map((s) => ({ x: viewFeatures(ds, s, v), y: ds.viewLabels[s * ds.numViews + v] }));
    return softmaxAccuracy(examples(train), examples(test), classes);
  });
  const concatenated = (ds: MultiViewDataset) =>
    Array.from({ length: ds.numSamples }, (_, s) => {
      const parts = ds.viewNames.map((_, v) => viewFeatures(ds, s, v));
      const x = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        x.set(p, at);
        at += p.length;
      }
      return { x, y: ds.labels[s] };
    });
  const allCameras = softmaxAccuracy(concatenated(train), concatenated(test), classes);
  return { perCamera, allCameras };
}
