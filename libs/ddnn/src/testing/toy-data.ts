import type { DdnnConfigInput, MultiViewData } from '@ddnn/model-spec';
import { createRandom } from '../random/seeded-random';

/** A tiny model for fast tests: 3 devices of 8x8x1 views, 3 classes. */
export const TOY_CONFIG: DdnnConfigInput = {
  numDevices: 3,
  inputShape: [8, 8, 1],
  numClasses: 3,
  device: { blocks: 1, filters: 2, poolStride: 2, binary: true },
  localAggregator: 'MP',
  cloudAggregator: 'CC',
  cloud: { blocks: 1, filters: 4, poolStride: 1, binary: true },
};

/**
 * Learnable toy views: class c lights up band c of the view, plus noise; each device sees
 * the band at a different brightness and some views are absent (zeros, label -1).
 */
export function toyData(numSamples: number, seed: number, views = 3, size = 8): MultiViewData {
  const random = createRandom(seed);
  const viewSize = size * size;
  const pixels = new Float32Array(numSamples * views * viewSize);
  const viewLabels = new Int32Array(numSamples * views);
  const labels = new Int32Array(numSamples);
  for (let n = 0; n < numSamples; n++) {
    const label = Math.floor(random() * 3);
    labels[n] = label;
    for (let v = 0; v < views; v++) {
      const absent = v > 0 && random() < 0.15;
      viewLabels[n * views + v] = absent ? -1 : label;
      if (absent) continue;
      const base = (n * views + v) * viewSize;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inBand = Math.floor((y * 3) / size) === label;
          pixels[base + y * size + x] = (inBand ? 0.5 + 0.15 * v : 0) + random() * 0.6;
        }
      }
    }
  }
  return { numSamples, numViews: views, viewShape: [size, size, 1], pixels, viewLabels, labels };
}
