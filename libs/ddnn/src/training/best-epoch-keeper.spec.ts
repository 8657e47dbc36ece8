import { initEngineBackend } from '../backend/engine-backend';
import { DdnnModel } from '../model/ddnn-model';
import { serializeModel } from '../model/model-serialization';
import { TOY_CONFIG, toyData } from '../testing/toy-data';
import { BestEpochKeeper, localPlusCloudAccuracy } from './best-epoch-keeper';
import { trainModel } from './train-model';

beforeAll(async () => {
  await initEngineBackend('wasm');
});

describe('BestEpochKeeper', () => {
  const train = toyData(120, 1);
  const validation = toyData(40, 2);

  it('restores exactly the weights of the epoch that scored best on the validation data', async () => {
    const model = DdnnModel.create(TOY_CONFIG, 3);
    const keeper = new BestEpochKeeper(model, validation);
    const snapshots = new Map<number, Uint8Array>();
    const scores = new Map<number, number>();
    await trainModel(model, train, {
      epochs: 6,
      batchSize: 16,
      learningRate: 0.05,
      seed: 7,
      onEpoch: ({ epoch }) => {
        scores.set(epoch, keeper.observe(epoch).score);
        snapshots.set(epoch, serializeModel(model));
      },
    });
    const best = keeper.best!;
    const top = Math.max(...scores.values());
    expect(best.score).toBe(top);
    // The later epoch wins ties.
    expect(best.epoch).toBe(Math.max(...[...scores].filter(([, s]) => s === top).map(([e]) => e)));
    const last = serializeModel(model);
    expect(keeper.restoreBest()).toEqual(best);
    expect(serializeModel(model)).toEqual(snapshots.get(best.epoch));
    expect(localPlusCloudAccuracy(model, validation)).toBe(best.score);
    // With this seed the last epoch is not the best one (deterministic), so restoring changes
    // the weights: the test would not notice a restore that did nothing otherwise.
    expect(best.epoch).toBeLessThan(6);
    expect(serializeModel(model)).not.toEqual(last);
    model.dispose();
  });

  it('keeps the later of two equal epochs, and refuses to restore before any epoch', () => {
    const model = DdnnModel.create(TOY_CONFIG, 3);
    const keeper = new BestEpochKeeper(model, validation);
    expect(() => keeper.restoreBest()).toThrow(/no epoch was observed/);
    expect(keeper.observe(1).improved).toBe(true);
    expect(keeper.observe(2).improved).toBe(true);
    expect(keeper.best!.epoch).toBe(2);
    model.dispose();
  });

  it('refuses validation data that does not fit the model', () => {
    const model = DdnnModel.create(TOY_CONFIG, 3);
    expect(() => new BestEpochKeeper(model, toyData(10, 1, 2))).toThrow(/2 views/);
    model.dispose();
  });
});
