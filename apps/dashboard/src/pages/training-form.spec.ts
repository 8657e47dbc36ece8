import { PAPER_MVMC_CONFIG } from '../../../../libs/model-spec/src/config/presets';
import type { Dataset } from '../api/types';
import {
  INITIAL_FORM,
  modelConfigFor,
  NEW_MODEL,
  presetValues,
  type TrainingFormValues,
  validateTrainingForm,
} from './training-form';

const valid: TrainingFormValues = {
  ...INITIAL_FORM,
  model: NEW_MODEL,
  newModelName: 'mvmc-small',
  dataset: 'dataset-id',
};

describe('start-training form validation', () => {
  it('accepts the defaults with a dataset and a new model name', () => {
    expect(validateTrainingForm(valid, [])).toEqual({});
  });

  it('names every bad field with a message a person can act on', () => {
    const errors = validateTrainingForm(
      {
        ...valid,
        dataset: '',
        newModelName: 'bad name!',
        epochs: '0',
        batchSize: '1.5',
        learningRate: '2',
        seed: '-1',
        deviceFilters: '0',
        cloudBlocks: '4',
        cloudFilters: 'many',
      },
      [],
    );
    expect(errors).toEqual({
      dataset: 'Choose a dataset.',
      newModelName: expect.stringContaining('Model name: 1-100 letters'),
      epochs: 'Epochs must be a whole number from 1 to 1000.',
      batchSize: 'Batch size must be a whole number from 2 to 4096.',
      learningRate: expect.stringContaining('Learning rate must be a number above 0'),
      seed: 'Seed must be a whole number from 0 to 2147483647.',
      deviceFilters: 'Device filters must be a whole number from 1 to 256.',
      cloudBlocks: 'Cloud blocks must be a whole number from 1 to 3.',
      cloudFilters: 'Cloud filters must be a whole number from 1 to 256.',
    });
  });

  it('refuses a new model name that is taken, and skips architecture checks for an existing model', () => {
    expect(validateTrainingForm(valid, ['mvmc-small']).newModelName).toContain('exists');
    const existing = { ...valid, model: 'mvmc-small', deviceFilters: 'x' };
    expect(validateTrainingForm(existing, ['mvmc-small'])).toEqual({});
  });
});

describe('model config from the form', () => {
  /** Six 32x32x3 views of three classes, as the paper's MVMC data. */
  const dataset = {
    viewCount: 6,
    viewShape: [32, 32, 3],
    classNames: ['car', 'bus', 'person'],
  } as Dataset;

  it('takes devices, view shape and classes from the dataset and the rest from the preset', () => {
    const config = modelConfigFor({ ...valid, ...presetValues('small') }, dataset);
    expect(config).toEqual({
      numDevices: 6,
      inputShape: [32, 32, 3],
      numClasses: 3,
      device: { blocks: 1, filters: 2, poolStride: 2, binary: true },
      localAggregator: 'MP',
      edge: null,
      cloudAggregator: 'CC',
      cloud: { blocks: 1, filters: 8, poolStride: 1, binary: true },
    });
  });

  it("the paper preset on the paper's data is the engine's PAPER_MVMC_CONFIG", () => {
    expect(modelConfigFor({ ...valid, ...presetValues('paper') }, dataset)).toEqual(
      PAPER_MVMC_CONFIG,
    );
  });
});
