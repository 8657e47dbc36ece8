/**
 * The parity suite's datasets: none is the one the defaults were tuned on. Three synthetic-mvmc
 * generator settings (through the generator's own options; the generator is unchanged), mnist-6
 * and partial-views (a generator unlike synthetic-mvmc).
 */
import {
  createMnist6,
  generateSyntheticMvmc,
  SYNTHETIC_MVMC_CAMERAS,
  type MultiViewDataset,
  type SyntheticCameraProfile,
} from '../../libs/datasets/src/index';
import { generatePartialViews } from './partial-views-dataset';

export interface ParityDataset {
  name: string;
  /** What differs from the built-in dataset the defaults were tuned on. */
  setting: string;
  build(seed: number): { train: MultiViewDataset; test: MultiViewDataset };
}

function mvmc(
  cameras: readonly SyntheticCameraProfile[],
  wellSeenViews: number,
): ParityDataset['build'] {
  return (seed) => ({
    train: generateSyntheticMvmc({ seed, numSamples: 680, cameras, wellSeenViews }),
    test: generateSyntheticMvmc({
      seed: seed ^ 0x7e57da7a,
      numSamples: 171,
      cameras,
      wellSeenViews,
    }),
  });
}

const SPREAD: [number, number][] = [
  [0.02, 0.45],
  [0.1, 0.6],
  [0.3, 0.8],
  [0.45, 0.9],
  [0.6, 1],
  [0.7, 1],
];

export const PARITY_DATASETS: ParityDataset[] = [
  {
    name: 'mvmc-quality-spread',
    setting:
      'synthetic-mvmc, camera quality spread widened (difficulty ranges 0.02-0.45 for cam-0 down to 0.7-1 for cam-5), 1 well-seen view instead of 3',
    build: mvmc(
      SYNTHETIC_MVMC_CAMERAS.map((c, i) => ({ ...c, difficulty: SPREAD[i] })),
      1,
    ),
  },
  {
    name: 'mvmc-absent',
    setting: 'synthetic-mvmc, every camera absent 40 % of the time (was 10-20 %), 1 well-seen view',
    build: mvmc(
      SYNTHETIC_MVMC_CAMERAS.map((c) => ({ ...c, absent: 0.4 })),
      1,
    ),
  },
  {
    name: 'mvmc-hard',
    setting:
      'synthetic-mvmc, every camera harder (difficulty ranges shifted up by 0.2, capped at 1: more distance, clutter, occlusion, noise), no guaranteed well-seen view',
    build: mvmc(
      SYNTHETIC_MVMC_CAMERAS.map((c) => ({
        ...c,
        difficulty: [Math.min(0.95, c.difficulty[0] + 0.2), Math.min(1, c.difficulty[1] + 0.2)],
      })),
      0,
    ),
  },
  {
    name: 'mnist-6',
    setting: 'real MNIST digits in 6 tiles, 10 classes; 1,500 training / 500 test samples',
    build: (seed) => createMnist6({ seed, trainSize: 1500, testSize: 500 }),
  },
  {
    name: 'partial-views',
    setting:
      'new generator: 4 sensors, 6 classes, no view holds the whole class (orientation on 2 sensors, frequency on 2), 20 % absent; 900 training / 300 test samples',
    build: (seed) => ({
      train: generatePartialViews(seed, 900),
      test: generatePartialViews(seed ^ 0x7e57da7a, 300),
    }),
  },
];
