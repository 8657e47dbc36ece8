import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../backend/engine-backend';
import { PreparedData } from '../data/prepared-data';
import { DdnnModel } from '../model/ddnn-model';
import { TOY_CONFIG, toyData } from '../testing/toy-data';
import { DataParallelSteps, shardSizes } from './data-parallel-steps';
import { acquireShardThreads, releaseShardThreads } from './shard-threads';
import { labelledCounts, stepGradients, trainableEntries } from './step-gradients';
import { trainingHyperparametersSchema } from './training-options';
import { ensureBuiltFor } from '../../../../test/support/ensure-built';

// threads > 1 start dist/libs/ddnn/src/training/shard-worker.js: compile it when stale
beforeAll(() => {
  ensureBuiltFor(['libs'], 'dist/libs/ddnn/src/training/shard-worker.js');
}, 300_000);

beforeAll(async () => {
  await initEngineBackend('wasm');
});

describe('shardSizes', () => {
  it('splits evenly, larger shards first, never below 2 rows', () => {
    expect(shardSizes(32, 2)).toEqual([16, 16]);
    expect(shardSizes(33, 2)).toEqual([17, 16]);
    expect(shardSizes(10, 3)).toEqual([4, 3, 3]);
    expect(shardSizes(3, 2)).toEqual([3]);
    expect(shardSizes(5, 4)).toEqual([3, 2]);
    expect(shardSizes(2, 1)).toEqual([2]);
  });
});

describe('DataParallelSteps', () => {
  const hp = trainingHyperparametersSchema.parse({
    epochs: 1,
    batchSize: 24,
    learningRate: 0.01,
    seed: 1,
  });
  const data = new PreparedData(toyData(60, 5), 3);
  const indices = Int32Array.from({ length: 24 }, (_, i) => (i * 7) % 60);

  it.each([null, 1])(
    'sums the shards gradients exactly as this thread computes them, in shard order (dropped device %p)',
    async (dropped) => {
      const model = DdnnModel.create(TOY_CONFIG, 3);
      const parallel = await DataParallelSteps.start(model, data, hp, 3, 'wasm');
      try {
        const got = await parallel.gradients(indices, dropped);
        // the same three shards computed here, one after the other, summed in order
        const denominators = labelledCounts(model, data, indices);
        const sizes = shardSizes(indices.length, 3);
        expect(sizes).toEqual([8, 8, 8]);
        const shards = [0, 8, 16].map((s, i) =>
          stepGradients(model, data, indices.subarray(s, s + sizes[i]), hp, dropped, denominators),
        );
        const variables = trainableEntries(model);
        let compared = 0;
        for (const [name, v] of variables) {
          const parts = shards.map((s) => s.grads[v.name]);
          if (!parts[0]) {
            expect(got.grads[v.name]).toBeUndefined();
            expect(name.startsWith(`device${dropped}/`)).toBe(true);
            continue;
          }
          const expected = Float32Array.from(parts[0].dataSync() as Float32Array);
          for (const p of parts.slice(1)) {
            const g = p.dataSync() as Float32Array;
            for (let j = 0; j < expected.length; j++) expected[j] += g[j];
          }
          expect(Array.from(got.grads[v.name].dataSync())).toEqual(Array.from(expected));
          compared++;
        }
        expect(compared).toBe(Object.keys(got.grads).length);
        // losses: each shard divides by the whole batch's counts, so they add up to its mean
        got.losses.forEach((l, k) => {
          expect(l).toBeCloseTo(
            shards.reduce((s, x) => s + x.losses[k], 0),
            5,
          );
        });
        expect(got.counted).toEqual(
          got.counted.map((_, k) => shards.reduce((s, x) => s + x.counted[k], 0)),
        );
        // the first BatchNorm's input (device 0's conv of the raw views) does not depend on the
        // split: its combined statistics are the whole batch's
        const whole = stepGradients(model, data, indices, hp, dropped);
        const first = dropped === 0 ? 2 : 0;
        expect(got.bnUpdates[first].count).toBe(whole.bnUpdates[first].count);
        const wm = whole.bnUpdates[first].mean.dataSync();
        const wv = whole.bnUpdates[first].variance.dataSync();
        got.bnUpdates[first].mean.dataSync().forEach((m, c) => expect(m).toBeCloseTo(wm[c], 5));
        got.bnUpdates[first].variance.dataSync().forEach((v, c) => expect(v).toBeCloseTo(wv[c], 5));
        for (const s of [got, whole, ...shards]) {
          tf.dispose(s.grads);
          for (const u of s.bnUpdates) tf.dispose([u.mean, u.variance]);
        }
      } finally {
        await parallel.close();
        model.dispose();
      }
    },
  );

  it('reports a training thread failure as an error, not a hang', async () => {
    const [thread] = acquireShardThreads(1);
    try {
      await expect(
        thread.call({
          type: 'step',
          weights: [],
          indices: Int32Array.from([0, 1]),
          droppedDevice: null,
          denominators: [],
        }),
      ).rejects.toThrow(/training thread: the training thread got a step before its init/);
    } finally {
      await releaseShardThreads([thread]);
    }
  });
});
