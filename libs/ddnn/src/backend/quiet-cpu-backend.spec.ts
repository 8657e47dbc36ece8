import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { initEngineBackend } from './engine-backend';

const HINT = /running TensorFlow\.js in Node\.js/;

describe('the CPU backend without the tfjs-node hint', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('computes on the CPU backend without printing the install-tfjs-node hint', async () => {
    await expect(initEngineBackend('cpu')).resolves.toBe('cpu');
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])));
    expect(Array.from(await sum.data())).toEqual([4, 6]);
    sum.dispose();
    expect(warn.mock.calls.filter((args) => HINT.test(String(args[0])))).toEqual([]);
  });

  it('a plain MathBackendCPU still prints it (the check above can fail), other warnings stay', () => {
    const plain = new MathBackendCPU();
    plain.write(new Float32Array([1]), [1], 'float32');
    expect(warn.mock.calls.some((args) => HINT.test(String(args[0])))).toBe(true);
    plain.dispose();
  });
});
