/**
 * A small seeded PRNG: sfc32 (Chris Doty-Humphrey's small fast counting generator, 128-bit state,
 * passes PractRand), seeded from one 32-bit number. Every built-in dataset and split is a pure
 * function of its seed. It uses only adds, shifts and xors on purpose: calls to Math builtins such
 * as Math.imul are ~50x slower inside Jest's vm context than in plain Node, which made per-pixel
 * generation crawl in tests.
 */
export class Prng {
  private a: number;
  private b = 0x9e3779b9;
  private c = 0x243f6a88;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
    this.a = Math.floor(seed) | 0;
    this.d = (this.a ^ 0xb7e15162) | 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return (this.next() * n) | 0;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** An independent generator derived from this one (for per-sample streams). */
  fork(): Prng {
    return new Prng((this.next() * 4294967296) | 0);
  }
}

const NOISE_TABLE_SIZE = 1 << 16;
let noiseTable: Float32Array | undefined;

/**
 * Fills `out` with standard-normal noise cheaply: a fixed table of 65,536 normals read at a random
 * offset with a random odd stride (2 PRNG draws per call instead of 2 per value).
 */
export function normalNoise(rng: Prng, out: Float32Array): Float32Array {
  if (!noiseTable) {
    const tableRng = new Prng(0x5eed);
    noiseTable = new Float32Array(NOISE_TABLE_SIZE);
    for (let i = 0; i < NOISE_TABLE_SIZE; i++) noiseTable[i] = tableRng.normal();
  }
  const table = noiseTable;
  const mask = NOISE_TABLE_SIZE - 1;
  const offset = rng.int(NOISE_TABLE_SIZE);
  const stride = (rng.int(NOISE_TABLE_SIZE / 2) << 1) | 1;
  for (let i = 0; i < out.length; i++) out[i] = table[(offset + i * stride) & mask];
  return out;
}
