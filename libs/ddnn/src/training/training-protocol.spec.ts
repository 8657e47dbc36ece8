import { initEngineBackend } from '../backend/engine-backend';
import { selectData, stratifiedHoldout } from '../data/holdout-split';
import { serializeModel } from '../model/model-serialization';
import { DdnnModel } from '../model/ddnn-model';
import { TOY_CONFIG, toyData } from '../testing/toy-data';
import { trainModel } from './train-model';
import {
  MIN_VALIDATION_SAMPLES,
  type ProtocolProgress,
  type ProtocolSelection,
  runTrainingProtocol,
  type TrainingProtocolOptions,
} from './training-protocol';

const hyperparameters = { epochs: 3, batchSize: 16, learningRate: 0.01, seed: 7 };
const train = toyData(120, 1);
const test = toyData(60, 2);

function options(extra: Partial<TrainingProtocolOptions> = {}): TrainingProtocolOptions {
  return {
    config: TOY_CONFIG,
    train,
    test,
    classNames: ['a', 'b', 'c'],
    hyperparameters,
    evaluation: { skipFaultTolerance: true },
    ...extra,
  };
}

beforeAll(async () => {
  await initEngineBackend('wasm');
});

describe('runTrainingProtocol', () => {
  it('with refit, chooses T on a held-out split, then ships a model trained on the whole training set', async () => {
    const seen: ProtocolProgress[] = [];
    const result = await runTrainingProtocol(
      options({ refit: true, onEpoch: (p) => void seen.push(p) }),
    );
    if (result.cancelled) throw new Error('not cancelled');
    // phase 1 epochs 1..3 on the fit split, phase 2 epochs 4..6 on everything
    expect(seen.map((p) => `${p.phase}${p.epoch}/${p.epochs}`)).toEqual([
      'select1/6',
      'select2/6',
      'select3/6',
      'refit4/6',
      'refit5/6',
      'refit6/6',
    ]);
    const { selection, report, partitions, model } = result;
    expect(selection.validationSamples).toBe(18); // 15 % of 120, stratified per class
    expect(selection.fitSamples).toBe(102);
    expect(selection.evidence.samples).toBe(18);
    expect(selection.chosenBy).toMatch(/lower bound .* validation split \(18 samples\)/);
    const rate = selection.evidence.localExitRate;
    expect(rate.low).toBeLessThanOrEqual(rate.estimate);
    expect(rate.high).toBeGreaterThanOrEqual(rate.estimate);
    expect(rate.high - rate.low).toBeGreaterThan(0.1); // 18 samples: a wide interval, said so
    // the shipped threshold is the one in the report and in every partition
    expect(report!.operatingPoint.threshold).toBe(selection.threshold);
    expect(report!.operatingPoint.expected).toEqual(selection.evidence);
    expect(report!.numSamples).toBe(60);
    for (const p of partitions) expect(p.manifest.thresholds.local).toBe(selection.threshold);
    // nothing thrown away: the shipped weights are those of a plain run on all 120 samples
    const plain = DdnnModel.create(TOY_CONFIG, hyperparameters.seed);
    await trainModel(plain, train, hyperparameters);
    expect(serializeModel(model)).toEqual(serializeModel(plain));
    plain.dispose();
    model.dispose();
  });

  it('by default ships the phase-1 model, whose T was chosen on its own outputs', async () => {
    const seen: ProtocolProgress[] = [];
    const result = await runTrainingProtocol(options({ onEpoch: (p) => void seen.push(p) }));
    if (result.cancelled) throw new Error('not cancelled');
    expect(seen.map((p) => `${p.phase}${p.epoch}/${p.epochs}`)).toEqual([
      'select1/3',
      'select2/3',
      'select3/3',
    ]);
    const { kept } = stratifiedHoldout(train.labels, 0.15, hyperparameters.seed);
    const plain = DdnnModel.create(TOY_CONFIG, hyperparameters.seed);
    await trainModel(plain, selectData(train, kept), hyperparameters);
    expect(serializeModel(result.model)).toEqual(serializeModel(plain));
    expect(result.report!.operatingPoint.threshold).toBe(result.selection.threshold);
    plain.dispose();
    result.model.dispose();
  });

  it('holds nothing out when the split would be too small, and then ships T = 0 (the cloud)', async () => {
    const small = toyData(40, 3); // 15 % of 40 is 6 < MIN_VALIDATION_SAMPLES
    expect(Math.round(40 * 0.15)).toBeLessThan(MIN_VALIDATION_SAMPLES);
    const seen: ProtocolProgress[] = [];
    const result = await runTrainingProtocol(
      options({ train: small, onEpoch: (p) => void seen.push(p) }),
    );
    if (result.cancelled) throw new Error('not cancelled');
    expect(seen.map((p) => p.phase)).toEqual(['refit', 'refit', 'refit']);
    expect(result.selection.threshold).toBe(0);
    expect(result.selection.chosenBy).toMatch(/no validation split .*fewer than 10.* T = 0/);
    expect(result.report!.operatingPoint.localExitRate).toBe(0);
    expect(result.report!.operatingPoint.overallAccuracy).toBe(result.report!.exitAccuracy.cloud);
    result.model.dispose();
  });

  it.each([
    [2, false],
    [2, true],
    [5, true],
  ])(
    'resumes from the checkpoint of epoch %i (refit %p) to exactly the uninterrupted result',
    async (stopAfter, refit) => {
      const full = await runTrainingProtocol(options({ refit }));
      if (full.cancelled) throw new Error('not cancelled');
      const checkpoints = new Map<number, Uint8Array>();
      const abort = new AbortController();
      const first = await runTrainingProtocol(
        options({
          refit,
          signal: abort.signal,
          onCheckpoint: (bytes, epoch) => void checkpoints.set(epoch, bytes),
          onEpoch: (p) => {
            if (p.epoch === stopAfter) abort.abort();
          },
        }),
      );
      expect(first).toMatchObject({ cancelled: true, epoch: stopAfter });
      const resumed = await runTrainingProtocol(
        options({ refit, resumeFrom: checkpoints.get(stopAfter)! }),
      );
      if (resumed.cancelled) throw new Error('not cancelled');
      expect(serializeModel(resumed.model)).toEqual(serializeModel(full.model));
      expect(withoutTimes(resumed.selection)).toEqual(withoutTimes(full.selection));
      expect(resumed.report).toEqual(full.report);
      full.model.dispose();
      resumed.model.dispose();
    },
  );

  it('refuses parameters the engine cannot train with before training anything', async () => {
    await expect(
      runTrainingProtocol(options({ hyperparameters: { ...hyperparameters, batchSize: 1 } })),
    ).rejects.toThrow(/batchSize/);
    await expect(
      runTrainingProtocol(options({ config: { ...TOY_CONFIG, numDevices: 4 } })),
    ).rejects.toThrow(/3 views .* expects 4 views/);
  });
});

/** A selection without its wall-clock fields (elapsed and ETA differ between runs). */
function withoutTimes(selection: ProtocolSelection) {
  return {
    ...selection,
    selectHistory: selection.selectHistory.map(({ epoch, losses, accuracies }) => ({
      epoch,
      losses,
      accuracies,
    })),
  };
}
