/**
 * Contract: every training request the API accepts (REST and GraphQL both parse with
 * startTrainingSchema) is one the engine trains with, and what the engine refuses the API
 * refuses with a 4xx-worthy message, before any job is queued.
 */
import {
  EXIT_WEIGHT_KEYS,
  parseTrainingParameters,
  TRAINING_PARAMETER_BOUNDS as B,
} from '@ddnn/contracts';
import { trainingHyperparametersSchema } from '@ddnn/engine';
import { startTrainingSchema } from './training-inputs';

const base = { modelName: 'm', dataset: 'd' };

/** Accepted by the API, then handed to the engine the way the worker does. */
function engineAccepts(request: Record<string, unknown>): void {
  const {
    modelName: _m,
    dataset: _d,
    ...params
  } = startTrainingSchema.parse({ ...base, ...request });
  // the worker re-parses the stored JSON and passes it on unchanged
  const stored = parseTrainingParameters(JSON.parse(JSON.stringify(params)));
  expect(() => trainingHyperparametersSchema.parse(stored)).not.toThrow();
}

describe('training-parameters contract', () => {
  const edges: [string, Record<string, unknown>][] = [
    ['defaults', {}],
    ['fewest epochs', { epochs: B.epochs.min }],
    ['most epochs', { epochs: B.epochs.max }],
    ['smallest batch', { batchSize: B.batchSize.min }],
    ['largest batch', { batchSize: B.batchSize.max }],
    ['smallest learning rate', { learningRate: Number.MIN_VALUE }],
    ['largest learning rate', { learningRate: B.learningRate.max }],
    ['seed 0', { seed: B.seed.min }],
    ['largest seed', { seed: B.seed.max }],
    ['no exit weights given', { exitWeights: {} }],
    ...EXIT_WEIGHT_KEYS.flatMap((k): [string, Record<string, unknown>][] => [
      [`exit weight ${k} at its minimum`, { exitWeights: { [k]: B.exitWeight.min } }],
      [`exit weight ${k} at its maximum`, { exitWeights: { [k]: B.exitWeight.max } }],
    ]),
    ['every exit weight', { exitWeights: { device: 0.5, local: 1, edge: 2, cloud: 3 } }],
  ];
  it.each(edges)('what the API accepts the engine accepts: %s', (_, request) => {
    engineAccepts(request);
  });

  it.each([
    ['batchSize 1 (BatchNorm needs 2)', { batchSize: 1 }, /batchSize must be at least 2/],
    ['a per-device exit weight key', { exitWeights: { device0: 1 } }, /device0/],
    ['an unknown parameter', { momentum: 0.9 }, /momentum/],
    ['epochs above the bound', { epochs: B.epochs.max + 1 }, /epochs/],
    ['a learning rate of 0', { learningRate: 0 }, /learningRate/],
    ['a negative exit weight', { exitWeights: { cloud: -1 } }, /exitWeights/],
  ])('refuses what the engine would refuse: %s', (_, request, message) => {
    const result = startTrainingSchema.safeParse({ ...base, ...request });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toMatch(message);
  });

  it('parses stored parameters instead of casting them, naming each bad field', () => {
    expect(
      parseTrainingParameters({ epochs: 2, batchSize: 12, learningRate: 0.001, seed: 5 }),
    ).toEqual({
      epochs: 2,
      batchSize: 12,
      learningRate: 0.001,
      seed: 5,
    });
    expect(() =>
      parseTrainingParameters({ epochs: 2, batchSize: 1, exitWeights: { device0: 1 } }),
    ).toThrow(
      /invalid training parameters: batchSize: batchSize must be at least 2.*; exitWeights: .*device0/,
    );
  });
});
