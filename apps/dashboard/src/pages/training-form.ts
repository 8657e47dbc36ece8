import type { Dataset } from '../api/types';
// The training-parameters contract's bounds (plain data, no zod or Node in the browser bundle).
import { TRAINING_PARAMETER_BOUNDS as B } from '../../../../libs/contracts/src/training/training-parameter-bounds';

/** What the start-training form holds (strings, as typed). */
export interface TrainingFormValues {
  /** An existing model's name, or NEW_MODEL to create one from the architecture fields. */
  model: string;
  newModelName: string;
  preset: PresetName;
  localAggregator: Scheme;
  cloudAggregator: Scheme;
  deviceFilters: string;
  cloudBlocks: string;
  cloudFilters: string;
  binary: boolean;
  dataset: string;
  epochs: string;
  batchSize: string;
  learningRate: string;
  seed: string;
}

export const NEW_MODEL = '__new__';
export const SCHEMES = ['MP', 'AP', 'CC'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** Architecture presets; numDevices, view shape and classes always come from the dataset. */
export const PRESETS = {
  paper: {
    label: "Paper's MVMC DDNN (4-filter binary devices, 2x16-filter cloud)",
    deviceFilters: 4,
    cloudBlocks: 2,
    cloudFilters: 16,
    binary: true,
    localAggregator: 'MP',
    cloudAggregator: 'CC',
  },
  small: {
    label: 'Small and quick (2-filter devices, 1x8-filter cloud)',
    deviceFilters: 2,
    cloudBlocks: 1,
    cloudFilters: 8,
    binary: true,
    localAggregator: 'MP',
    cloudAggregator: 'CC',
  },
} as const;
export type PresetName = keyof typeof PRESETS;

export function presetValues(name: PresetName): Partial<TrainingFormValues> {
  const p = PRESETS[name];
  return {
    preset: name,
    deviceFilters: String(p.deviceFilters),
    cloudBlocks: String(p.cloudBlocks),
    cloudFilters: String(p.cloudFilters),
    binary: p.binary,
    localAggregator: p.localAggregator,
    cloudAggregator: p.cloudAggregator,
  };
}

export const INITIAL_FORM: TrainingFormValues = {
  model: NEW_MODEL,
  newModelName: '',
  preset: 'paper',
  localAggregator: 'MP',
  cloudAggregator: 'CC',
  deviceFilters: '4',
  cloudBlocks: '2',
  cloudFilters: '16',
  binary: true,
  dataset: '',
  epochs: String(B.epochs.default),
  batchSize: String(B.batchSize.default),
  learningRate: String(B.learningRate.default),
  seed: String(B.seed.default),
};

export type FormErrors = Partial<Record<keyof TrainingFormValues, string>>;

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** The same limits the API enforces (the training-parameters contract, model-inputs.ts, the engine's config). */
export function validateTrainingForm(
  values: TrainingFormValues,
  existingModels: string[],
): FormErrors {
  const errors: FormErrors = {};
  if (!values.dataset) errors.dataset = 'Choose a dataset.';
  if (values.model === NEW_MODEL) {
    if (!MODEL_NAME.test(values.newModelName)) {
      errors.newModelName =
        'Model name: 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit.';
    } else if (existingModels.includes(values.newModelName)) {
      errors.newModelName = `A model named "${values.newModelName}" exists: choose it above, or pick another name.`;
    }
    if (wholeNumber(values.deviceFilters, 1, 256) === undefined)
      errors.deviceFilters = 'Device filters must be a whole number from 1 to 256.';
    if (wholeNumber(values.cloudBlocks, 1, 3) === undefined)
      errors.cloudBlocks = 'Cloud blocks must be 1, 2 or 3.';
    if (wholeNumber(values.cloudFilters, 1, 256) === undefined)
      errors.cloudFilters = 'Cloud filters must be a whole number from 1 to 256.';
  }
  if (wholeNumber(values.epochs, B.epochs.min, B.epochs.max) === undefined)
    errors.epochs = `Epochs must be a whole number from ${B.epochs.min} to ${B.epochs.max}.`;
  if (wholeNumber(values.batchSize, B.batchSize.min, B.batchSize.max) === undefined)
    errors.batchSize = `Batch size must be a whole number from ${B.batchSize.min} to ${B.batchSize.max}.`;
  const lr = Number(values.learningRate);
  if (
    values.learningRate.trim() === '' ||
    !Number.isFinite(lr) ||
    lr <= B.learningRate.above ||
    lr > B.learningRate.max
  )
    errors.learningRate = `Learning rate must be a number above ${B.learningRate.above} and at most ${B.learningRate.max} (e.g. ${B.learningRate.default}).`;
  if (wholeNumber(values.seed, B.seed.min, B.seed.max) === undefined)
    errors.seed = `Seed must be a whole number from ${B.seed.min} to ${B.seed.max}.`;
  return errors;
}

/** The engine DdnnConfig for a new model, shaped by the dataset it will train on. */
export function modelConfigFor(
  values: TrainingFormValues,
  dataset: Dataset,
): Record<string, unknown> {
  return {
    numDevices: dataset.viewCount,
    inputShape: dataset.viewShape,
    numClasses: dataset.classNames.length,
    device: {
      blocks: 1,
      filters: Number(values.deviceFilters),
      poolStride: 2,
      binary: values.binary,
    },
    localAggregator: values.localAggregator,
    edge: null,
    cloudAggregator: values.cloudAggregator,
    cloud: {
      blocks: Number(values.cloudBlocks),
      filters: Number(values.cloudFilters),
      poolStride: 1,
      binary: values.binary,
    },
  };
}

export function trainingInput(values: TrainingFormValues, modelName: string, dataset: string) {
  return {
    modelName,
    dataset,
    epochs: Number(values.epochs),
    batchSize: Number(values.batchSize),
    learningRate: Number(values.learningRate),
    seed: Number(values.seed),
  };
}
