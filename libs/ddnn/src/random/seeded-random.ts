/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same stream everywhere. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent seed for a sub-stream (e.g. one epoch's shuffle). */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

export function shuffledIndices(n: number, seed: number): Int32Array {
  const random = createRandom(seed);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

/**
 * Kernel initial values uniform in +-1/sqrt(fanIn), deterministic from the PRNG: PyTorch's
 * default for Conv2d and Linear (Kaiming-uniform with a = sqrt(5)). A binary layer's sign flips
 * after an Adam step moves a weight across 0, so the init bound sets how fast binary layers learn;
 * Glorot-uniform's bound (used before, sqrt(6 / (fanIn + fanOut))) is 1.7-2.4x larger on the paper
 * model's layers and trained its binary exits visibly slower than PyTorch (docs/results/parity.md).
 */
export function fanInUniform(random: () => number, size: number, fanIn: number) {
  const limit = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (random() * 2 - 1) * limit;
  return out;
}
