import * as tf from '@tensorflow/tfjs-core';
import { heapPointer, simdTrainingKernels, withScratch } from './simd-kernels';
import type { WasmKernelFunc, KernelReplacement } from './wasm-kernel-registry';

/**
 * BatchMatMul with one small dimension on WASM: the exits' FC layers and their gradients
 * ([32, 1024] x [1024, 3] and back). XNNPACK spends 0.4-0.7 ms on the gradients' products of
 * 100 k multiply-adds (dy x W^T with K = 3, x^T x dy with N = 3); the engine's SIMD kernel
 * (matMulRows in assembly/training-kernels.ts) vectorizes over the long dimension instead.
 * Every other product (batched, large, or no operand layout the kernel can stream) goes to
 * the original kernel.
 */

/** A product goes to the SIMD kernel when its smallest dimension is at most this. */
export const SMALL_MAT_MUL_DIM = 8;

/** Fewest columns of the vectorized dimension worth a SIMD pass (one f32x4). */
const MIN_VECTOR_DIM = 4;

interface MatMulShape {
  rows: number;
  depth: number;
  cols: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * How the kernel computes c = op(a) x op(b), [rows, cols]. The kernel streams its right operand
 * as contiguous rows of the output's vectorized dimension, so:
 * - 'direct': b is [depth, cols] row-major (not transposed), vectorized over cols;
 * - 'swapped': c^T = op(b)^T x op(a)^T with a stored [depth, rows] (transposed), over rows;
 * - 'transposeB': b stored [cols, depth] is first transposed into scratch, then 'direct'.
 */
export type MatMulPlan = 'direct' | 'swapped' | 'transposeB' | null;

export function planSmallMatMul(s: MatMulShape): MatMulPlan {
  if (Math.min(s.rows, s.depth, s.cols) > SMALL_MAT_MUL_DIM) return null;
  if (!s.transposeB && s.cols >= MIN_VECTOR_DIM && (!s.transposeA || s.cols >= s.rows)) {
    return 'direct';
  }
  if (s.transposeA && s.rows >= MIN_VECTOR_DIM) return 'swapped';
  if (s.transposeB && s.cols >= MIN_VECTOR_DIM) return 'transposeB';
  return null;
}

export const fastBatchMatMul: KernelReplacement =
  (original: WasmKernelFunc): WasmKernelFunc =>
  (args) => {
    const { backend } = args;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
    };
    const ar = a.shape.length;
    const br = b.shape.length;
    const single =
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      tf.util.sizeFromShape(a.shape.slice(0, -2)) === 1 &&
      tf.util.sizeFromShape(b.shape.slice(0, -2)) === 1;
    const simd = single ? simdTrainingKernels(backend) : null;
    if (!simd) return original(args);
    const shape: MatMulShape = {
      rows: transposeA ? a.shape[ar - 1] : a.shape[ar - 2],
      depth: transposeA ? a.shape[ar - 2] : a.shape[ar - 1],
      cols: transposeB ? b.shape[br - 2] : b.shape[br - 1],
      transposeA,
      transposeB,
    };
    const plan = planSmallMatMul(shape);
    if (!plan || shape.depth !== (transposeB ? b.shape[br - 1] : b.shape[br - 2])) {
      return original(args);
    }
    const { rows, depth, cols } = shape;
    const outerDims = tf.backend_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
    const out = backend.makeOutput([...outerDims, rows, cols], 'float32');
    const pa = heapPointer(backend, a);
    const pb = heapPointer(backend, b);
    const pc = heapPointer(backend, out);
    // a's element (m, k) is at a + m * aRow + k * aCol
    const aRow = transposeA ? 1 : depth;
    const aCol = transposeA ? rows : 1;
    if (plan === 'direct') {
      simd.matMulRows(pa, aRow, aCol, pb, pc, cols, 1, rows, depth, cols);
    } else if (plan === 'swapped') {
      // c^T[n, m] = sum_k b(k, n) * a(k, m): b plays the left operand, a (stored [depth, rows])
      // the streamed right one, and the output is written transposed
      const bRow = transposeB ? depth : 1;
      const bCol = transposeB ? 1 : cols;
      simd.matMulRows(pb, bRow, bCol, pa, pc, 1, cols, cols, depth, rows);
    } else {
      withScratch(backend, depth * cols * 4, (scratch) => {
        simd.transpose2d(pb, scratch, cols, depth);
        simd.matMulRows(pa, aRow, aCol, scratch, pc, cols, 1, rows, depth, cols);
      });
    }
    return out;
  };
