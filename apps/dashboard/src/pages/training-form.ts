import type { Dataset } from '../api/types';
// The training-parameters contract's bounds (plain data, no zod or Node in the browser bundle).
import { TRAINING_PARAMETER_BOUNDS as B } from '../../../../libs/contracts/src/training/training-parameter-bounds';
// The DDNN config's bounds and the paper's preset (plain data, no zod in the browser bundle).
import { DDNN_CONFIG_BOUNDS as CB } from '../../../../libs/model-spec/src/config/config-bounds';
import type { DdnnConfig } from '../../../../libs/model-spec/src/config/ddnn-config';
import { PAPER_MVMC_CONFIG as PAPER } from '../../../../libs/model-spec/src/config/presets';

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
    label: `Paper's MVMC DDNN (${PAPER.device.filters}-filter binary devices, ${PAPER.cloud.blocks}x${PAPER.cloud.filters}-filter cloud)`,
    deviceFilters: PAPER.device.filters,
    cloudBlocks: PAPER.cloud.blocks,
    cloudFilters: PAPER.cloud.filters,
    binary: PAPER.device.binary,
    localAggregator: PAPER.localAggregator,
    cloudAggregator: PAPER.cloudAggregator,
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
  localAggregator: PAPER.localAggregator,
  cloudAggregator: PAPER.cloudAggregator,
  deviceFilters: String(PAPER.device.filters),
  cloudBlocks: String(PAPER.cloud.blocks),
  cloudFilters: String(PAPER.cloud.filters),
  binary: PAPER.device.binary,
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
    const { filters, blocks } = CB;
    if (wholeNumber(values.deviceFilters, filters.min, filters.max) === undefined)
      errors.deviceFilters = `Device filters must be a whole number from ${filters.min} to ${filters.max}.`;
    if (wholeNumber(values.cloudBlocks, blocks.min, blocks.max) === undefined)
      errors.cloudBlocks = `Cloud blocks must be a whole number from ${blocks.min} to ${blocks.max}.`;
    if (wholeNumber(values.cloudFilters, filters.min, filters.max) === undefined)
      errors.cloudFilters = `Cloud filters must be a whole number from ${filters.min} to ${filters.max}.`;
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
export function modelConfigFor(values: TrainingFormValues, dataset: Dataset): DdnnConfig {
  return {
    ...PAPER,
    numDevices: dataset.viewCount,
    inputShape: dataset.viewShape as DdnnConfig['inputShape'],
    numClasses: dataset.classNames.length,
    device: { ...PAPER.device, filters: Number(values.deviceFilters), binary: values.binary },
    localAggregator: values.localAggregator,
    cloudAggregator: values.cloudAggregator,
    cloud: {
      ...PAPER.cloud,
      blocks: Number(values.cloudBlocks),
      filters: Number(values.cloudFilters),
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
