import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '../random/seeded-random';
import { initEngineBackend } from './engine-backend';

/** Helpers for the kernel tests: run one computation on two backends and compare the numbers. */

export type Backend = 'wasm' | 'cpu';

export function randomValues(size: number, seed: number, integers = false): Float32Array {
  const random = createRandom(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // integers in [-3, 3] give many ties and all-negative windows; floats give none
    out[i] = integers ? Math.floor(random() * 7) - 3 : random() * 4 - 2;
  }
  return out;
}

/** Runs `fn` on `backend`; returns the values of every tensor it returns (no tensor is kept). */
export async function runOn(
  backend: Backend,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await initEngineBackend(backend);
  const results = tf.tidy(() => {
    const out = fn();
    return Array.isArray(out) ? out : [out];
  });
  try {
    return results.map((t) => Float32Array.from(t.dataSync()));
  } finally {
    tf.dispose(results);
  }
}

/** Element-wise |a - b| <= tol * (|b| + mean |b|): relative, and robust to cancellation. */
export function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-4): void {
  if (actual.length !== expected.length) {
    throw new Error(`got ${actual.length} values, expected ${expected.length}`);
  }
  let scale = 0;
  for (const v of expected) scale += Math.abs(v);
  scale = expected.length ? scale / expected.length : 0;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - tol * (Math.abs(expected[i]) + scale);
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      worstAt = i;
    }
  }
  if (worstAt >= 0) {
    throw new Error(
      `element ${worstAt}: got ${actual[worstAt]}, expected ${expected[worstAt]} (tolerance ${tol} relative)`,
    );
  }
}

/** Runs on WASM and on the CPU backend and expects every output to match. */
export async function expectWasmMatchesCpu(
  fn: () => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
): Promise<void> {
  const wasm = await runOn('wasm', fn);
  const cpu = await runOn('cpu', fn);
  if (wasm.length !== cpu.length) throw new Error(`${wasm.length} outputs vs ${cpu.length}`);
  wasm.forEach((values, i) => expectClose(values, cpu[i], tol));
}

/** Tensors and bytes alive after each of several calls of `fn` on the WASM backend. */
export async function memoryAcrossCalls(
  fn: () => tf.Tensor | tf.Tensor[],
  calls = 3,
): Promise<{ numTensors: number[]; numBytes: number[] }> {
  await initEngineBackend('wasm');
  const numTensors: number[] = [];
  const numBytes: number[] = [];
  for (let i = 0; i < calls; i++) {
    tf.dispose(tf.tidy(fn));
    numTensors.push(tf.memory().numTensors);
    numBytes.push(tf.memory().numBytes);
  }
  return { numTensors, numBytes };
}
