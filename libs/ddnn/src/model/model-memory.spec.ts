import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../backend/engine-backend';
import { PAPER_MVMC_CONFIG } from '@ddnn/model-spec';
import { DdnnModel } from './ddnn-model';
import { deserializeModel, serializeModel } from './model-serialization';

beforeAll(async () => {
  await initEngineBackend('cpu');
});

describe('model memory', () => {
  it('a created or loaded model holds one tensor per variable, and none after dispose', () => {
    const before = tf.memory().numTensors;
    const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
    expect(tf.memory().numTensors - before).toBe(model.variables.size);
    const loaded = deserializeModel(serializeModel(model));
    model.dispose();
    expect(tf.memory().numTensors - before).toBe(loaded.variables.size);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
