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

/** Fits softmax regression by SGD; returns a function giving log-probabilities of an input. */
export function fitSoftmax(
  train: Example[],
  numClasses: number,
  seed = 1,
): (x: Float32Array) => Float64Array {
  const d = train[0].x.length;
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (const e of train) for (let i = 0; i < d; i++) mean[i] += e.x[i] / train.length;
  for (const e of train)
    for (let i = 0; i < d; i++) std[i] += (e.x[i] - mean[i]) ** 2 / train.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]) + 1e-3;
  const norm = (x: Float32Array) => x.map((v, i) => (v - mean[i]) / std[i]);
  const tr = train.map((e) => ({ x: norm(e.x), y: e.y }));
  const weights = new Float32Array(numClasses * (d + 1));
  const logProbs = (x: Float32Array) => {
    const scores = new Float64Array(numClasses);
    let max = -Infinity;
    for (let k = 0; k < numClasses; k++) {
      let s = weights[k * (d + 1) + d];
      for (let i = 0; i < d; i++) s += weights[k * (d + 1) + i] * x[i];
      scores[k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let k = 0; k < numClasses; k++) sum += Math.exp(scores[k] - max);
    const logSum = max + Math.log(sum);
    for (let k = 0; k < numClasses; k++) scores[k] -= logSum;
    return scores;
  };
  const rng = new Prng(seed);
  const order = tr.map((_, i) => i);
  const lr = 0.01;
  const l2 = 1e-3;
  for (let epoch = 0; epoch < 30; epoch++) {
    rng.shuffle(order);
    for (const idx of order) {
      const { x, y } = tr[idx];
      const lp = logProbs(x);
      for (let k = 0; k < numClasses; k++) {
        const g = Math.exp(lp[k]) - (k === y ? 1 : 0);
        const row = k * (d + 1);
        for (let i = 0; i < d; i++) weights[row + i] -= lr * (g * x[i] + l2 * weights[row + i]);
        weights[row + d] -= lr * g;
      }
    }
  }
  return (x) => logProbs(norm(x));
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/**
 * Per-camera accuracy (present views, own labels) and all-cameras accuracy: the per-camera models'
 * log-probabilities summed over the cameras that see the object (a product of experts).
 */
export function baselineAccuracies(train: MultiViewDataset, test: MultiViewDataset) {
  const classes = train.classNames.length;
  const v = train.numViews;
  const present = (ds: MultiViewDataset, cam: number) =>
    Array.from({ length: ds.numSamples }, (_, s) => s).filter(
      (s) => ds.viewLabels[s * v + cam] >= 0,
    );
  const models = train.viewNames.map((_, cam) =>
    fitSoftmax(
      present(train, cam).map((s) => ({
        x: viewFeatures(train, s, cam),
        y: train.viewLabels[s * v + cam],
      })),
      classes,
    ),
  );
  const perCamera = models.map((model, cam) => {
    const samples = present(test, cam);
    const correct = samples.filter(
      (s) => argmax(model(viewFeatures(test, s, cam))) === test.viewLabels[s * v + cam],
    );
    return correct.length / samples.length;
  });
  let correct = 0;
  for (let s = 0; s < test.numSamples; s++) {
    const total = new Float64Array(classes);
    models.forEach((model, cam) => {
      if (test.viewLabels[s * v + cam] < 0) return;
      model(viewFeatures(test, s, cam)).forEach((lp, k) => (total[k] += lp));
    });
    if (argmax(total) === test.labels[s]) correct++;
  }
  return { perCamera, allCameras: correct / test.numSamples };
}
