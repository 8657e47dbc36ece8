import { PAPER_MVMC_CONFIG } from '../libs/model-spec/src/config/presets';
import type { MultiViewData } from '../libs/model-spec/src/data/multi-view-data';
import { createRandom } from '../libs/ddnn/src/random/seeded-random';

/** Random data of the paper's shapes: 6 views of 32x32x3, 3 classes, about 1 view in 7 absent. */
export function randomMvmcData(n: number, seed: number): MultiViewData {
  const { numDevices: V, numClasses: C } = PAPER_MVMC_CONFIG;
  const [h, w, c] = PAPER_MVMC_CONFIG.inputShape;
  const random = createRandom(seed);
  const pixels = new Uint8Array(n * V * h * w * c);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(random() * 256);
  const labels = new Int32Array(n).map(() => Math.floor(random() * C));
  const viewLabels = new Int32Array(n * V).map((_, i) =>
    random() < 1 / 7 ? -1 : labels[Math.floor(i / V)],
  );
  return { numSamples: n, numViews: V, viewShape: [h, w, c], pixels, viewLabels, labels };
}
