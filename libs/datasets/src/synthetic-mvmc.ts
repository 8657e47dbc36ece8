import { selectSamples as selectSamplesInto } from './dataset-subset';
import { createMultiViewDataset, MultiViewDataset, ABSENT_VIEW_LABEL } from './multi-view-dataset';
import { Prng } from './prng';
import { Rgb } from './raster';
import {
  CameraLook,
  randomObject,
  renderView,
  SYNTHETIC_CLASSES,
  SyntheticClass,
} from './synthetic-scene';

/**
 * Six cameras placed every 60 degrees around the object. For every sample, each camera draws its
 * own difficulty (distance, resolution, contrast, noise, clutter, occlusion) from its range, and
 * may not see the object at all (absent). The ranges overlap and shift a little from cam-0 (best)
 * to cam-5 (worst), with absence rates of 10-20 %: single cameras are weak, differ from sample to
 * sample, and no camera dominates the others (so losing any one costs little). Because their
 * degradations are drawn independently, they fail on different samples and aggregating them beats
 * any single camera by far. Every object is seen well (difficulty < GOOD_VIEW_DIFFICULTY) by
 * WELL_SEEN_VIEWS cameras, as matched detections in a real multi-camera set are.
 */
export interface SyntheticCameraProfile {
  name: string;
  /** Range of this camera's per-sample difficulty, 0 (close, clean) .. 1 (far, noisy, occluded). */
  difficulty: readonly [number, number];
  /** Probability that the camera does not see the object (absent view). */
  absent: number;
  tint: Rgb;
  sky: Rgb;
  ground: Rgb;
}

export const SYNTHETIC_MVMC_CAMERAS: readonly SyntheticCameraProfile[] = [
  {
    name: 'cam-0',
    difficulty: [0.2, 0.9],
    absent: 0.1,
    tint: [1, 1, 1],
    sky: [0.6, 0.7, 0.85],
    ground: [0.35, 0.35, 0.33],
  },
  {
    name: 'cam-1',
    difficulty: [0.25, 0.9],
    absent: 0.1,
    tint: [1.05, 1, 0.9],
    sky: [0.7, 0.7, 0.7],
    ground: [0.4, 0.38, 0.3],
  },
  {
    name: 'cam-2',
    difficulty: [0.25, 0.95],
    absent: 0.15,
    tint: [0.9, 1, 1.05],
    sky: [0.5, 0.6, 0.7],
    ground: [0.3, 0.4, 0.3],
  },
  {
    name: 'cam-3',
    difficulty: [0.3, 0.95],
    absent: 0.1,
    tint: [1, 0.95, 1],
    sky: [0.8, 0.75, 0.7],
    ground: [0.45, 0.42, 0.4],
  },
  {
    name: 'cam-4',
    difficulty: [0.3, 1],
    absent: 0.15,
    tint: [0.8, 0.85, 1],
    sky: [0.3, 0.35, 0.45],
    ground: [0.2, 0.2, 0.22],
  },
  {
    name: 'cam-5',
    difficulty: [0.35, 1],
    absent: 0.2,
    tint: [1.1, 1.05, 0.95],
    sky: [0.65, 0.65, 0.6],
    ground: [0.38, 0.36, 0.34],
  },
];

/** A view this easy is classified well even by a tiny device network. */
const GOOD_VIEW_DIFFICULTY = 0.2;

/** Cameras that see each object well (difficulty < GOOD_VIEW_DIFFICULTY), by default. */
export const WELL_SEEN_VIEWS = 3;

export interface SyntheticMvmcOptions {
  seed: number;
  numSamples: number;
  name?: string;
  /** Camera profiles (default SYNTHETIC_MVMC_CAMERAS), e.g. to make the task harder or easier. */
  cameras?: readonly SyntheticCameraProfile[];
  /** How many cameras see each object well (default WELL_SEEN_VIEWS). */
  wellSeenViews?: number;
}

export function generateSyntheticMvmc(options: SyntheticMvmcOptions): MultiViewDataset {
  const { seed, numSamples } = options;
  if (!Number.isInteger(numSamples) || numSamples < 1) {
    throw new Error(`numSamples must be a positive integer, got ${numSamples}`);
  }
  const cameras = options.cameras ?? SYNTHETIC_MVMC_CAMERAS;
  const wellSeenViews = options.wellSeenViews ?? WELL_SEEN_VIEWS;
  if (!Number.isInteger(wellSeenViews) || wellSeenViews < 0) {
    throw new Error(`wellSeenViews must be a non-negative integer, got ${wellSeenViews}`);
  }
  const v = cameras.length;
  const viewSize = 32 * 32 * 3;
  const pixels = new Uint8Array(numSamples * v * viewSize);
  const viewLabels = new Int32Array(numSamples * v);
  const labels = new Int32Array(numSamples);
  const rng = new Prng(seed);
  for (let s = 0; s < numSamples; s++) {
    const sampleRng = rng.fork();
    const cls = (s % SYNTHETIC_CLASSES.length) as SyntheticClass;
    const obj = randomObject(cls, sampleRng);
    labels[s] = cls;
    const present = cameras.map((cam) => !sampleRng.chance(cam.absent));
    const wellSeen = Math.min(wellSeenViews, v);
    while (present.filter(Boolean).length < Math.max(1, wellSeen)) {
      present[sampleRng.pick(indicesWhere(present, (p) => !p))] = true;
    }
    const difficulty = cameras.map((cam) => sampleRng.uniform(...cam.difficulty));
    // Every object is seen well by `wellSeen` cameras (as matched detections in a real set are),
    // so no single camera is the only one that sees it well.
    const isGood = (c: number) => present[c] && difficulty[c] < GOOD_VIEW_DIFFICULTY;
    while (cameras.filter((_, c) => isGood(c)).length < wellSeen) {
      const choices = indicesWhere(present, (p, c) => p && !isGood(c));
      difficulty[sampleRng.pick(choices)] = sampleRng.uniform(0.02, GOOD_VIEW_DIFFICULTY);
    }
    const offset = sampleRng.uniform(-0.3, 0.3);
    cameras.forEach((cam, c) => {
      viewLabels[s * v + c] = present[c] ? cls : ABSENT_VIEW_LABEL;
      if (!present[c]) return;
      const look: CameraLook = {
        azimuth: (c * Math.PI) / 3 + offset,
        difficulty: difficulty[c],
        tint: cam.tint,
        background: { sky: cam.sky, ground: cam.ground },
      };
      const view = renderView(obj, look, sampleRng);
      const base = (s * v + c) * viewSize;
      for (let i = 0; i < viewSize; i++) pixels[base + i] = (view[i] * 255 + 0.5) | 0;
    });
  }
  // Classes are assigned round-robin for balance; shuffle sample order so batches are mixed.
  return shuffleSamples(
    createMultiViewDataset({
      name: options.name ?? 'synthetic-mvmc',
      classNames: SYNTHETIC_CLASSES,
      viewNames: cameras.map((c) => c.name),
      viewShape: [32, 32, 3],
      pixels,
      viewLabels,
      labels,
    }),
    new Prng(seed ^ 0x5bd1e995),
  );
}

function shuffleSamples(ds: MultiViewDataset, rng: Prng): MultiViewDataset {
  const order = rng.shuffle(Array.from({ length: ds.numSamples }, (_, i) => i));
  return selectSamplesInto(ds, order);
}

function indicesWhere(
  flags: readonly boolean[],
  keep: (flag: boolean, i: number) => boolean,
): number[] {
  return flags.map((_, i) => i).filter((i) => keep(flags[i], i));
}
