import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { expectWasmMatchesCpu, memoryAcrossCalls } from './backend-test-utils';
import { initEngineBackend } from './engine-backend';

/** Identity shares the input's data on WASM (no copy), safely. */
describe('Identity on WASM (shared data)', () => {
  beforeAll(async () => {
    await initEngineBackend('wasm');
  });

  it('shares the data: no copy on the heap', () => {
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    const backend = tf.backend() as BackendWasm;
    expect(backend.getMemoryOffset(y.dataId)).toBe(backend.getMemoryOffset(x.dataId));
    tf.dispose([x, y]);
  });

  it('outlives its input, and a variable assigned later keeps the clone unchanged', () => {
    const x = tf.tensor([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(tf.tensor([5, 6]));
    const saved = tf.clone(v);
    v.assign(tf.tensor([7, 8]));
    expect(Array.from(saved.dataSync())).toEqual([5, 6]);
    expect(Array.from(v.dataSync())).toEqual([7, 8]);
    tf.dispose([y, v, saved]);
  });

  it('gradients through saved tensors match the CPU backend', async () => {
    await expectWasmMatchesCpu(() => {
      const x = tf.tensor([
        [0.5, -1.5, 2],
        [3, -0.25, 1],
      ]);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.exp(a), tf.square(a))))(x);
    }, 1e-6);
  });

  it('frees the data once input and clones are disposed', async () => {
    const { numTensors, numBytes } = await memoryAcrossCalls(() => {
      const x = tf.randomUniform([64, 64]);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(a), a)))(x);
    });
    expect(new Set(numTensors).size).toBe(1);
    expect(new Set(numBytes).size).toBe(1);
    const backend = tf.backend() as BackendWasm;
    const before = backend.numDataIds();
    const x = tf.ones([8]);
    const clones = [tf.clone(x), tf.clone(x)];
    tf.dispose([x, ...clones]);
    expect(backend.numDataIds()).toBe(before);
  });
});
