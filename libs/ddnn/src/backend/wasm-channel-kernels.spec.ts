import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { expectWasmMatchesCpu, memoryAcrossCalls, randomValues, runOn } from './backend-test-utils';
import { initEngineBackend } from './engine-backend';
import { originalWasmKernel } from './wasm-kernel-registry';

const SHAPES = [
  [64, 16, 16, 16], // cloud ConvP blocks at batch 64
  [64, 16, 16, 4], // device ConvP blocks
  [64, 3], // exits
  [2, 5, 5, 7],
];

/** Values of several magnitudes: BatchNorm inputs, statistics and parameters. */
function channelTensors(shape: number[], seed: number) {
  const channels = shape[shape.length - 1];
  const x = randomValues(tf.util.sizeFromShape(shape), seed).map((v, i) => v * 10 ** ((i % 5) - 2));
  const variance = randomValues(channels, seed + 2).map((v) => Math.abs(v) * 3 + 1e-4);
  return {
    x: tf.tensor(x, shape),
    mean: tf.tensor1d(randomValues(channels, seed + 1)),
    variance: tf.tensor1d(variance),
    offset: tf.tensor1d(randomValues(channels, seed + 3)),
    scale: tf.tensor1d(randomValues(channels, seed + 4)),
  };
}

/** Number of elements whose bits differ (a failing toEqual on 262k values prints for minutes). */
function bitDifferences(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) n++;
  return n;
}

/** Runs the backend's own (replaced) kernel on WASM; returns its values. */
async function runOriginal(
  kernelName: string,
  inputs: () => Record<string, tf.Tensor>,
  attrs: tf.NamedAttrMap,
): Promise<Float32Array> {
  await initEngineBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const tensors = inputs();
  const out = originalWasmKernel(kernelName)!({ inputs: tensors, backend, attrs });
  const info = Array.isArray(out) ? out[0] : out;
  try {
    return Float32Array.from(backend.readSync(info.dataId) as Float32Array);
  } finally {
    backend.disposeData(info.dataId);
    tf.dispose(Object.values(tensors));
  }
}

describe('WASM inference BatchNorm', () => {
  test.each(SHAPES.map((s) => [s]))(
    '%j: bit for bit the backend kernel, and the CPU backend within 1e-4',
    async (shape) => {
      const seed = shape.reduce((s, d) => s * 31 + d, 3);
      const bn = () => {
        const t = channelTensors(shape, seed);
        return tf.batchNorm(t.x, t.mean, t.variance, t.offset, t.scale, 2e-5);
      };
      const [ours] = await runOn('wasm', bn);
      const original = await runOriginal('FusedBatchNorm', () => channelTensors(shape, seed), {
        varianceEpsilon: 2e-5,
      });
      expect(bitDifferences(ours, original)).toBe(0);
      await expectWasmMatchesCpu(bn);
    },
  );
});

describe('WASM bias add', () => {
  test.each(SHAPES.map((s) => [s]))(
    '%j: bit for bit the backend kernel; gradients match the CPU backend',
    async (shape) => {
      const seed = shape.reduce((s, d) => s * 17 + d, 5);
      const tensors = () => {
        const t = channelTensors(shape, seed);
        return { a: t.x, b: t.offset };
      };
      const [ours] = await runOn('wasm', () => {
        const { a, b } = tensors();
        return tf.add(a, b);
      });
      expect(bitDifferences(ours, await runOriginal('Add', tensors, {}))).toBe(0);
      await expectWasmMatchesCpu(() => {
        const { a, b } = tensors();
        const dy = tf.tensor(randomValues(a.size, seed + 9), a.shape);
        const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.mul(tf.add(y, x), dy))([a, b]);
        return [tf.add(b, a), da, db];
      });
    },
  );

  test('other adds (same shapes, scalars, int32) are unchanged', async () => {
    await expectWasmMatchesCpu(() => [
      tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])),
      tf.add(tf.tensor1d([1.5, 2.5]), 3),
      tf.cast(
        tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor1d([1, 2], 'int32')),
        'float32',
      ),
      tf.add(tf.tensor1d([1, 2]), tf.tensor2d([1, 2, 3, 4], [2, 2])),
    ]);
  });

  test('no tensor or heap byte is left behind', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(() => {
      const t = channelTensors([4, 3, 3, 5], 1);
      return [tf.add(t.x, t.offset), tf.batchNorm(t.x, t.mean, t.variance, t.offset, t.scale)];
    });
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
  });
});
