export * from './backend/engine-backend';
export * from './config/ddnn-config';
export * from './config/presets';
export * from './data/multi-view-data';
export { DdnnModel } from './model/ddnn-model';
export type { ExitName, ForwardOutput } from './model/ddnn-model';
export { serializeModel, deserializeModel } from './model/model-serialization';
export * from './training/training-options';
export { trainModel } from './training/train-model';
