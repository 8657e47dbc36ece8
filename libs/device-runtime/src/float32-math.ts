/**
 * Float32 arithmetic as the tfjs WASM backend does it. A JS double operation on two float32
 * values followed by Math.fround is exactly the float32 operation (double has more than twice
 * float32's precision), so these helpers reproduce the engine's results bit for bit.
 */
export const fround = Math.fround;

/** The engine's BatchNorm epsilon (libs/ddnn tier-forward BN_EPSILON), as the float32 it becomes. */
export const BN_EPSILON_F32 = fround(2e-5);

/** Inference-mode BatchNorm parameters of one channel. */
export interface BatchNormChannel {
  mean: number;
  gamma: number;
  beta: number;
  /** sqrt(variance + epsilon), rounded to float32 once, as the WASM kernel precomputes it. */
  norm: number;
}

export function batchNormChannel(
  mean: number,
  variance: number,
  gamma: number,
  beta: number,
): BatchNormChannel {
  return { mean, gamma, beta, norm: fround(Math.sqrt(fround(variance + BN_EPSILON_F32))) };
}

/**
 * tfjs-backend-wasm 4.22 FusedBatchNorm, `offset + (x - mean) * scale / norm`: the subtraction
 * and product are float32, the quotient and the final sum are evaluated in double and rounded
 * once. Established against the WASM kernel (0 differences in 20,000 random cases; a float32
 * quotient differs in ~25% of them); the device-runtime spec checks it on every test sample.
 */
export function batchNormF32(x: number, bn: BatchNormChannel): number {
  return fround(bn.beta + fround(fround(x - bn.mean) * bn.gamma) / bn.norm);
}

const bitsView = new Int32Array(1);
const floatView = new Float32Array(bitsView.buffer);

/** Float32 values mapped to integers in the same order (-0 and +0 both map to 0). */
function floatToKey(value: number): number {
  floatView[0] = value;
  const bits = bitsView[0];
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}

function keyToFloat(key: number): number {
  bitsView[0] = key >= 0 ? key : -key | 0x80000000;
  return floatView[0];
}

const MAX_F32 = 3.4028234663852886e38;

/**
 * A monotone predicate over float32 values, reduced to one comparison: `pred(v)` equals
 * `(v >= threshold) !== invert` for every finite float32 v. A constant predicate gets an
 * infinite threshold. Found by bisection over the ordered float32 values, so it is exact.
 */
export interface FloatThreshold {
  threshold: number;
  invert: boolean;
}

export function monotoneThreshold(pred: (v: number) => boolean): FloatThreshold {
  const atMin = pred(-MAX_F32);
  const atMax = pred(MAX_F32);
  if (atMin === atMax) return { threshold: atMin ? -Infinity : Infinity, invert: false };
  // rising: the first value where pred(v) !== atMin
  let lo = floatToKey(-MAX_F32); // pred === atMin here
  let hi = floatToKey(MAX_F32); // pred !== atMin here
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (pred(keyToFloat(mid)) === atMin) lo = mid;
    else hi = mid;
  }
  return { threshold: keyToFloat(hi), invert: atMin };
}

/** Pixels given as bytes, scaled like the engine's PreparedData: fround(u * (1 / 255)). */
export const BYTE_TO_FLOAT = Float32Array.from({ length: 256 }, (_, u) => u * (1 / 255));
