import { initEngineBackend } from '../backend/engine-backend';
import { predictExits } from '../inference/exit-probabilities';
import { DdnnModel } from '../model/ddnn-model';
import { TOY_CONFIG, toyData } from '../testing/toy-data';
import { trainModel } from '../training/train-model';
import {
  bestAccuracyThreshold,
  calibrateForLocalExitRate,
  exitOutcomes,
} from './threshold-analysis';
import { chooseThresholdOnValidation } from './validation-threshold';

beforeAll(async () => {
  await initEngineBackend('wasm');
});

describe('chooseThresholdOnValidation', () => {
  const validation = toyData(40, 2);
  let model: DdnnModel;

  beforeAll(async () => {
    model = DdnnModel.create(TOY_CONFIG, 3);
    await trainModel(model, toyData(120, 1), {
      epochs: 2,
      batchSize: 16,
      learningRate: 0.01,
      seed: 7,
    });
  });
  afterAll(() => model.dispose());

  it('chooses T on the data it is given, by best accuracy or by a target local-exit rate', () => {
    const outcomes = exitOutcomes(predictExits(model, validation), validation.labels);
    const best = chooseThresholdOnValidation(model, validation);
    expect(best.threshold).toBe(bestAccuracyThreshold(model.config, outcomes).threshold);
    expect(best.chosenBy).toBe(
      'best overall accuracy, then most local exits on the validation split (40 samples)',
    );
    const target = chooseThresholdOnValidation(model, validation, { targetLocalExitRate: 0.5 });
    expect(target.threshold).toBe(calibrateForLocalExitRate(model.config, outcomes, 0.5).threshold);
    expect(target.chosenBy).toBe('local-exit rate >= 0.5 on the validation split (40 samples)');
  });

  it('refuses an empty validation split instead of choosing T on nothing', () => {
    expect(() => chooseThresholdOnValidation(model, toyData(0, 1))).toThrow(
      /validation data has no samples/,
    );
  });
});
