import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../backend/engine-backend';
import { PreparedData } from '../data/prepared-data';
import { DdnnModel } from '../model/ddnn-model';
import { serializeModel } from '../model/model-serialization';
import { TOY_CONFIG, toyData } from '../testing/toy-data';
import { localPlusCloudAccuracy } from './best-epoch-keeper';
import { trainModel } from './train-model';
import type { EpochProgress } from './training-options';
import { ensureBuiltFor } from '../../../../test/support/ensure-built';

const hp = { batchSize: 16, learningRate: 0.01, seed: 7 };

function weightsOf(model: DdnnModel): Float32Array[] {
  return [...model.variables.values()].map((v) => v.dataSync() as Float32Array);
}

// threads > 1 start dist/libs/ddnn/src/training/shard-worker.js: compile it when stale
beforeAll(() => {
  ensureBuiltFor(['libs'], 'dist/libs/ddnn/src/training/shard-worker.js');
}, 300_000);

beforeAll(async () => {
  await initEngineBackend('wasm');
});

describe('trainModel', () => {
  const data = toyData(120, 1);

  it('learns the toy task at every exit and reports progress per epoch', async () => {
    const model = DdnnModel.create(TOY_CONFIG, 3);
    const seen: EpochProgress[] = [];
    const summary = await trainModel(model, data, {
      ...hp,
      epochs: 8,
      onEpoch: (p) => {
        seen.push(p);
      },
    });
    expect(summary.cancelled).toBe(false);
    expect(seen.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const last = seen[seen.length - 1];
    expect(Object.keys(last.losses).sort()).toEqual(
      ['cloud', 'device0', 'device1', 'device2', 'local', 'total'].sort(),
    );
    expect(last.losses.total).toBeLessThan(seen[0].losses.total);
    expect(last.accuracies.local).toBeGreaterThan(0.85);
    expect(last.accuracies.cloud).toBeGreaterThan(0.85);
    expect(last.etaMs).toBe(0);
    model.dispose();
  });

  it('is deterministic: same seed and data give the same weights', async () => {
    const a = DdnnModel.create(TOY_CONFIG, 3);
    const b = DdnnModel.create(TOY_CONFIG, 3);
    await trainModel(a, data, { ...hp, epochs: 2 });
    await trainModel(b, data, { ...hp, epochs: 2 });
    expect(serializeModel(a)).toEqual(serializeModel(b));
    const c = DdnnModel.create(TOY_CONFIG, 4);
    await trainModel(c, data, { ...hp, epochs: 2 });
    expect(serializeModel(c)).not.toEqual(serializeModel(a));
    [a, b, c].forEach((m) => m.dispose());
  });

  it.each([0, 0.5])(
    'resumes from an epoch-k checkpoint to exactly the weights of an uninterrupted run (device dropout %p)',
    async (deviceDropout) => {
      await resumesExactly({ ...hp, deviceDropout });
    },
  );

  it.each([1, 2])(
    'trains on data prepared beforehand exactly as on the raw data (%p threads)',
    async (threads) => {
      const raw = DdnnModel.create(TOY_CONFIG, 3);
      const ready = DdnnModel.create(TOY_CONFIG, 3);
      await trainModel(raw, data, { ...hp, epochs: 2, threads });
      const prepared = new PreparedData(data, TOY_CONFIG.numClasses);
      await trainModel(ready, prepared, { ...hp, epochs: 2, threads });
      expect(serializeModel(ready)).toEqual(serializeModel(raw));
      // the prepared arrays are the caller's, untouched by training (reusable for another run)
      expect(Array.from(prepared.perDevice[0])).toEqual(
        Array.from(new PreparedData(data, TOY_CONFIG.numClasses).perDevice[0]),
      );
      [raw, ready].forEach((m) => m.dispose());
    },
  );

  describe('data-parallel over 2 threads', () => {
    const two = { ...hp, threads: 2 };

    it('is deterministic for a given seed and thread count, and learns', async () => {
      const a = DdnnModel.create(TOY_CONFIG, 3);
      const b = DdnnModel.create(TOY_CONFIG, 3);
      const one = DdnnModel.create(TOY_CONFIG, 3);
      const seen: EpochProgress[] = [];
      await trainModel(a, data, {
        ...two,
        epochs: 8,
        onEpoch: (p) => {
          seen.push(p);
        },
      });
      await trainModel(b, data, { ...two, epochs: 8 });
      await trainModel(one, data, { ...hp, epochs: 8 });
      expect(serializeModel(a)).toEqual(serializeModel(b));
      // per-shard BatchNorm statistics: not the single-thread run's weights (documented)
      expect(serializeModel(a)).not.toEqual(serializeModel(one));
      const last = seen[seen.length - 1];
      expect(last.losses.total).toBeLessThan(seen[0].losses.total);
      expect(last.accuracies.local).toBeGreaterThan(0.85);
      expect(last.accuracies.cloud).toBeGreaterThan(0.85);
      [a, b, one].forEach((m) => m.dispose());
    });

    it.each([0, 0.5])(
      'resumes from an epoch-k checkpoint to exactly the weights of an uninterrupted run (device dropout %p)',
      async (deviceDropout) => {
        await resumesExactly({ ...two, deviceDropout });
      },
    );

    it('rejects a thread count outside 1..64 with a clear message', async () => {
      const model = DdnnModel.create(TOY_CONFIG, 3);
      for (const threads of [0, 1.5, 65]) {
        await expect(trainModel(model, data, { ...hp, epochs: 1, threads })).rejects.toThrow(
          /threads must be an integer from 1 to 64/,
        );
      }
      model.dispose();
    });
  });

  it('device dropout leaves a dropped device out of the step: no loss, no update', async () => {
    // One batch per epoch and dropout 1: each epoch drops exactly one device.
    const model = DdnnModel.create(TOY_CONFIG, 3);
    const before = new Map([...model.variables].map(([name, v]) => [name, v.dataSync().slice()]));
    const seen: EpochProgress[] = [];
    await trainModel(model, data, {
      ...hp,
      batchSize: data.labels.length,
      epochs: 1,
      deviceDropout: 1,
      onEpoch: (p) => {
        seen.push(p);
      },
    });
    const untouched = [0, 1, 2].filter((v) =>
      [...model.variables]
        .filter(([name, variable]) => name.startsWith(`device${v}/`) && variable.trainable)
        .every(([name, variable]) =>
          (variable.dataSync() as Float32Array).every((x, i) => x === before.get(name)![i]),
        ),
    );
    expect(untouched).toHaveLength(1);
    const dropped = untouched[0];
    expect(seen[0].losses[`device${dropped}`]).toBe(0);
    for (const v of [0, 1, 2].filter((d) => d !== dropped)) {
      expect(seen[0].losses[`device${v}`]).toBeGreaterThan(0);
    }
    // The tiers above still learned from the others.
    const cloud = [...model.variables].filter(([name]) => name.startsWith('cloud/'));
    expect(cloud.length).toBeGreaterThan(0);
    expect(
      cloud.some(([name, v]) =>
        (v.dataSync() as Float32Array).some((x, i) => x !== before.get(name)![i]),
      ),
    ).toBe(true);
    model.dispose();
  });

  describe('keepBest', () => {
    const validation = toyData(40, 2);
    // With these settings the best validation epoch of 6 is 5 (checked below), not the last.
    const run = { batchSize: 16, learningRate: 0.05, seed: 7, epochs: 6 };

    it('ends with the weights of the epoch that scored best on the validation data', async () => {
      const model = DdnnModel.create(TOY_CONFIG, 3);
      const snapshots: Uint8Array[] = [];
      const scores: number[] = [];
      const summary = await trainModel(model, data, {
        ...run,
        keepBest: { validation },
        onEpoch: () => {
          snapshots.push(serializeModel(model));
          scores.push(localPlusCloudAccuracy(model, validation));
        },
      });
      const top = Math.max(...scores);
      const bestEpoch = scores.lastIndexOf(top) + 1;
      expect(bestEpoch).toBeLessThan(6);
      expect(summary.keptEpoch).toEqual({ epoch: bestEpoch, score: top });
      expect(serializeModel(model)).toEqual(snapshots[bestEpoch - 1]);
      model.dispose();
    });

    it('carries the kept epoch through a checkpoint: a resumed run keeps what an uninterrupted one does', async () => {
      const straight = DdnnModel.create(TOY_CONFIG, 3);
      const whole = await trainModel(straight, data, { ...run, keepBest: { validation } });

      const first = DdnnModel.create(TOY_CONFIG, 3);
      const controller = new AbortController();
      let checkpoint: Uint8Array | undefined;
      await trainModel(first, data, {
        ...run,
        keepBest: { validation },
        signal: controller.signal,
        onCheckpoint: (bytes, epoch) => {
          checkpoint = bytes;
          // Stop after the best epoch: only the checkpoint knows it was the best.
          if (epoch === whole.keptEpoch!.epoch) controller.abort();
        },
      });
      first.dispose();
      const resumed = DdnnModel.create(TOY_CONFIG, 99);
      const rest = await trainModel(resumed, data, {
        ...run,
        keepBest: { validation },
        resumeFrom: checkpoint,
      });
      expect(rest.epochsRun).toBe(6 - whole.keptEpoch!.epoch);
      expect(rest.keptEpoch).toEqual(whole.keptEpoch);
      expect(serializeModel(resumed)).toEqual(serializeModel(straight));
      straight.dispose();
      resumed.dispose();
    });

    it('resumes across keepBest changes: an older checkpoint without a kept epoch, and a kept one without keepBest', async () => {
      const checkpoints = new Map<string, Uint8Array>();
      const capture = (key: string) => (bytes: Uint8Array, epoch: number) => {
        if (epoch === 3) checkpoints.set(key, bytes);
      };
      const plain = DdnnModel.create(TOY_CONFIG, 3);
      await trainModel(plain, data, { ...run, epochs: 3, onCheckpoint: capture('plain') });
      const kept = DdnnModel.create(TOY_CONFIG, 3);
      await trainModel(kept, data, {
        ...run,
        epochs: 3,
        keepBest: { validation },
        onCheckpoint: capture('kept'),
      });
      // Same seed and data: keepBest only reads the weights, so both reach the same epoch 3.
      expect(serializeModel(kept)).toEqual(serializeModel(plain));

      // A checkpoint written before keepBest existed (or without it): the kept epoch is chosen
      // among the epochs trained after the resume.
      const fromPlain = DdnnModel.create(TOY_CONFIG, 99);
      const a = await trainModel(fromPlain, data, {
        ...run,
        keepBest: { validation },
        resumeFrom: checkpoints.get('plain'),
      });
      expect(a.keptEpoch!.epoch).toBeGreaterThan(3);
      expect(localPlusCloudAccuracy(fromPlain, validation)).toBe(a.keptEpoch!.score);

      // A checkpoint carrying kept weights, resumed without keepBest: they are ignored (not
      // mistaken for model weights) and the run ends on its last epoch like any other.
      const fromKept = DdnnModel.create(TOY_CONFIG, 99);
      const b = await trainModel(fromKept, data, { ...run, resumeFrom: checkpoints.get('kept') });
      expect(b.keptEpoch).toBeNull();
      const last = DdnnModel.create(TOY_CONFIG, 99);
      await trainModel(last, data, { ...run, resumeFrom: checkpoints.get('plain') });
      expect(serializeModel(fromKept)).toEqual(serializeModel(last));
      for (const m of [plain, kept, fromPlain, fromKept, last]) m.dispose();
    });
  });

  it('rejects a device dropout outside 0..1, or on a model with one device', async () => {
    const single = DdnnModel.create({ ...TOY_CONFIG, numDevices: 1 }, 3);
    await expect(
      trainModel(single, toyData(20, 1, 1), { ...hp, epochs: 1, deviceDropout: 0.5 }),
    ).rejects.toThrow(/needs at least 2 devices/);
    single.dispose();
    const model = DdnnModel.create(TOY_CONFIG, 3);
    await expect(trainModel(model, data, { ...hp, epochs: 1, deviceDropout: 1.5 })).rejects.toThrow(
      /deviceDropout/,
    );
    model.dispose();
  });

  async function resumesExactly(hp: {
    batchSize: number;
    learningRate: number;
    seed: number;
    deviceDropout: number;
    threads?: number;
  }) {
    const straight = DdnnModel.create(TOY_CONFIG, 5);
    await trainModel(straight, data, { ...hp, epochs: 4 });

    const checkpoints = new Map<number, Uint8Array>();
    const first = DdnnModel.create(TOY_CONFIG, 5);
    const controller = new AbortController();
    const partial = await trainModel(first, data, {
      ...hp,
      epochs: 4,
      signal: controller.signal,
      onCheckpoint: (bytes, epoch) => {
        checkpoints.set(epoch, bytes);
        if (epoch === 2) controller.abort();
      },
    });
    expect(partial.cancelled).toBe(true);
    expect(partial.epochsRun).toBe(2);
    first.dispose();

    // a fresh process would build the model from scratch (another seed even) and resume
    const resumed = DdnnModel.create(TOY_CONFIG, 99);
    const summary = await trainModel(resumed, data, {
      ...hp,
      epochs: 4,
      resumeFrom: checkpoints.get(2),
    });
    expect(summary.epochsRun).toBe(2);
    expect(summary.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const w1 = weightsOf(straight);
    const w2 = weightsOf(resumed);
    w1.forEach((w, i) => expect(Array.from(w2[i])).toEqual(Array.from(w)));
    straight.dispose();
    resumed.dispose();
  }

  it('does not leak tensors across training steps', async () => {
    const model = DdnnModel.create(TOY_CONFIG, 3);
    await trainModel(model, data, { ...hp, epochs: 1 });
    const before = tf.memory().numTensors;
    await trainModel(model, data, { ...hp, epochs: 2, onCheckpoint: () => undefined });
    await trainModel(model, data, { ...hp, epochs: 1, deviceDropout: 1 });
    await trainModel(model, data, { ...hp, epochs: 1, deviceDropout: 0.5, threads: 2 });
    expect(tf.memory().numTensors).toBe(before);
    // keepBest scores every epoch and restores the kept weights at the end; resuming loads them.
    let checkpoint: Uint8Array | undefined;
    await trainModel(model, data, {
      ...hp,
      epochs: 3,
      keepBest: { validation: toyData(20, 4) },
      onCheckpoint: (bytes, epoch) => {
        if (epoch === 2) checkpoint = bytes;
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    await trainModel(model, data, {
      ...hp,
      epochs: 3,
      keepBest: { validation: toyData(20, 4) },
      resumeFrom: checkpoint,
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects data that does not fit the model with a clear message', async () => {
    const model = DdnnModel.create(TOY_CONFIG, 3);
    await expect(trainModel(model, toyData(10, 1, 2), { ...hp, epochs: 1 })).rejects.toThrow(
      /2 views but the model has 3 devices/,
    );
    const bad = { ...toyData(10, 1), labels: new Int32Array(10).fill(5) };
    await expect(trainModel(model, bad, { ...hp, epochs: 1 })).rejects.toThrow(
      /global label 5 is outside 0..2/,
    );
    const nan = toyData(10, 1);
    (nan.pixels as Float32Array)[3] = NaN;
    await expect(trainModel(model, nan, { ...hp, epochs: 1 })).rejects.toThrow(/not a finite/);
    await expect(trainModel(model, data, { ...hp, epochs: 0 })).rejects.toThrow(/epochs/);
    // prepared data carries the class count its labels were checked against
    await expect(
      trainModel(model, new PreparedData(data, TOY_CONFIG.numClasses + 1), { ...hp, epochs: 1 }),
    ).rejects.toThrow(/prepared for 4 classes but the model has 3/);
    const twoViews = new PreparedData(toyData(10, 1, 2), TOY_CONFIG.numClasses);
    await expect(trainModel(model, twoViews, { ...hp, epochs: 1 })).rejects.toThrow(
      /2 views but the model has 3 devices/,
    );
    model.dispose();
  });
});
