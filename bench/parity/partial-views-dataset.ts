/**
 * "partial-views": a multi-view generator unlike synthetic-mvmc, for the parity suite. In
 * synthetic-mvmc every view shows the whole object (views differ in quality); here no view holds
 * the whole class. 6 classes = 3 stripe orientations x 2 stripe frequencies: sensors 0 and 1 see
 * only the orientation, sensors 2 and 3 only the frequency (the other attribute is random noise
 * in their view). A device exit can therefore reach at most about 1/2 or 1/3; the local
 * aggregator and the cloud must combine sensors. Each sensor has its own noise level and is
 * absent 20 % of the time (at least one of each kind is present). 16x16 grey views.
 */
import {
  ABSENT_VIEW_LABEL,
  createMultiViewDataset,
  Prng,
  type MultiViewDataset,
} from '../../libs/datasets/src/index';

const SIZE = 16;
const ORIENTATIONS = [0, Math.PI / 3, (2 * Math.PI) / 3];
const FREQUENCIES = [0.35, 0.8];
const NOISE = [0.35, 0.55, 0.4, 0.6];
const ABSENT = 0.2;

function stripes(angle: number, frequency: number, phase: number, out: Float32Array, at: number) {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      out[at + y * SIZE + x] = 0.5 + 0.5 * Math.sin(frequency * (x * c + y * s) * Math.PI + phase);
    }
  }
}

export function generatePartialViews(seed: number, numSamples: number): MultiViewDataset {
  const rng = new Prng(seed);
  const views = 4;
  const viewSize = SIZE * SIZE;
  const pixels = new Float32Array(numSamples * views * viewSize);
  const viewLabels = new Int32Array(numSamples * views);
  const labels = new Int32Array(numSamples);
  for (let n = 0; n < numSamples; n++) {
    const label = n % 6;
    labels[n] = label;
    const orientation = label % 3;
    const frequency = Math.floor(label / 3);
    const present = [0, 1, 2, 3].map(() => !rng.chance(ABSENT));
    if (!present[0] && !present[1]) present[rng.int(2)] = true;
    if (!present[2] && !present[3]) present[2 + rng.int(2)] = true;
    for (let v = 0; v < views; v++) {
      viewLabels[n * views + v] = present[v] ? label : ABSENT_VIEW_LABEL;
      if (!present[v]) continue;
      const at = (n * views + v) * viewSize;
      // orientation sensors draw a random frequency, frequency sensors a random orientation
      const angle = v < 2 ? ORIENTATIONS[orientation] : ORIENTATIONS[rng.int(3)];
      const freq = v < 2 ? FREQUENCIES[rng.int(2)] : FREQUENCIES[frequency];
      stripes(angle + rng.uniform(-0.2, 0.2), freq, rng.uniform(0, 2 * Math.PI), pixels, at);
      for (let i = 0; i < viewSize; i++) {
        pixels[at + i] = Math.min(1, Math.max(0, pixels[at + i] + NOISE[v] * rng.normal()));
      }
    }
  }
  // classes were dealt round-robin: shuffle so batches are mixed
  const order = rng.shuffle(Array.from({ length: numSamples }, (_, i) => i));
  const shuffled = new Float32Array(pixels.length);
  const shuffledViewLabels = new Int32Array(viewLabels.length);
  const shuffledLabels = new Int32Array(numSamples);
  order.forEach((from, to) => {
    shuffled.set(
      pixels.subarray(from * views * viewSize, (from + 1) * views * viewSize),
      to * views * viewSize,
    );
    shuffledViewLabels.set(viewLabels.subarray(from * views, (from + 1) * views), to * views);
    shuffledLabels[to] = labels[from];
  });
  return createMultiViewDataset({
    name: 'partial-views',
    classNames: ['o0-f0', 'o1-f0', 'o2-f0', 'o0-f1', 'o1-f1', 'o2-f1'],
    viewNames: ['orientation-a', 'orientation-b', 'frequency-a', 'frequency-b'],
    viewShape: [SIZE, SIZE, 1],
    pixels: shuffled,
    viewLabels: shuffledViewLabels,
    labels: shuffledLabels,
  });
}
