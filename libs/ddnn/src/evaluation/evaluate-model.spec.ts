import * as tf from '@tensorflow/tfjs-core';
import { initEngineBackend } from '../backend/engine-backend';
import {
  communicationBytesPerDevice,
  deviceFeatureBytes,
  normalizedEntropy,
  PAPER_MVMC_CONFIG,
} from '@ddnn/model-spec';
import { DdnnModel } from '../model/ddnn-model';
import { inferHierarchy } from '../inference/infer-hierarchy';
import { predictExits } from '../inference/exit-probabilities';
import { TOY_CONFIG, toyData } from '../testing/toy-data';
import { trainModel } from '../training/train-model';
import { evaluateModel } from './evaluate-model';
import {
  calibrateForAccuracy,
  calibrateForLocalExitRate,
  exitOutcomes,
} from './threshold-analysis';

beforeAll(async () => {
  await initEngineBackend('wasm');
});

describe('communication', () => {
  it("follows the reference's formula: 12 + (1 - l) * 128 bytes for the paper's devices", () => {
    const config = DdnnModel.create(PAPER_MVMC_CONFIG, 0);
    expect(deviceFeatureBytes(config.config)).toBe(128);
    expect(communicationBytesPerDevice(config.config, 0)).toBe(140);
    expect(communicationBytesPerDevice(config.config, 1)).toBe(12);
    expect(communicationBytesPerDevice(config.config, 0.5)).toBe(76);
    config.dispose();
  });
});

describe('normalizedEntropy', () => {
  it('is 0 for a certain row and 1 for a uniform one', () => {
    expect(normalizedEntropy([1, 0, 0], 0, 3)).toBe(0);
    expect(normalizedEntropy([1 / 3, 1 / 3, 1 / 3], 0, 3)).toBeCloseTo(1, 6);
    expect(normalizedEntropy([0.5, 0.5, 0, 0], 0, 4)).toBeCloseTo(0.5, 6);
  });
});

describe('evaluateModel', () => {
  const train = toyData(150, 11);
  const test = toyData(60, 12);
  let model: DdnnModel;

  beforeAll(async () => {
    model = DdnnModel.create(TOY_CONFIG, 2);
    await trainModel(model, train, { epochs: 6, batchSize: 16, learningRate: 0.01, seed: 2 });
  });
  afterAll(() => model.dispose());

  it('reports per-exit and per-device accuracy, a monotone sweep and fault tolerance', () => {
    const report = evaluateModel(model, test);
    expect(report.numSamples).toBe(60);
    expect(report.exitAccuracy.local).toBeGreaterThan(0.8);
    expect(report.exitAccuracy.cloud).toBeGreaterThan(0.8);
    expect(report.deviceAccuracy).toHaveLength(3);
    expect(report.sweep.map((r) => r.threshold)).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
    for (let i = 1; i < report.sweep.length; i++) {
      expect(report.sweep[i].localExitRate).toBeGreaterThanOrEqual(
        report.sweep[i - 1].localExitRate,
      );
      expect(report.sweep[i].commBytesPerDevice).toBeLessThanOrEqual(
        report.sweep[i - 1].commBytesPerDevice,
      );
    }
    expect(report.faultTolerance.map((r) => r.missingDevice)).toEqual([0, 1, 2]);
    for (const row of report.faultTolerance) {
      expect(row.overall).toBeGreaterThan(0.5);
    }
    expect(report.operatingPoint.overallAccuracy).toBeGreaterThanOrEqual(
      Math.max(...report.sweep.map((r) => r.overallAccuracy)),
    );
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('calibrates T to a target local-exit rate or a target accuracy', () => {
    const exits = predictExits(model, test);
    const outcomes = exitOutcomes(exits, test.labels);
    const half = calibrateForLocalExitRate(model.config, outcomes, 0.5);
    expect(half.localExitRate).toBeGreaterThanOrEqual(0.5);
    const all = calibrateForLocalExitRate(model.config, outcomes, 1);
    expect(all.localExitRate).toBe(1);
    expect(all.threshold).toBeGreaterThanOrEqual(half.threshold);
    const acc = calibrateForAccuracy(model.config, outcomes, 0.7);
    expect(acc).not.toBeNull();
    expect(acc!.overallAccuracy).toBeGreaterThanOrEqual(0.7);
    expect(() => calibrateForLocalExitRate(model.config, outcomes, 2)).toThrow(/\[0, 1\]/);
  });

  it('exits each sample at the first confident tier and counts its bytes', () => {
    const answers = inferHierarchy(model, test, 0.5);
    const exits = predictExits(model, test);
    answers.forEach((a, i) => {
      const localEntropy = normalizedEntropy(exits.local, i, 3);
      expect(a.exitTier).toBe(localEntropy < 0.5 ? 'local' : 'cloud');
      expect(a.commBytesPerDevice).toBe(a.exitTier === 'local' ? 12 : 12 + 4);
    });
    expect(inferHierarchy(model, test, 0).every((a) => a.exitTier === 'cloud')).toBe(true);
  });

  it('handles missing devices without retraining and leaks no tensors', () => {
    predictExits(model, test, { missingDevices: [0] });
    const before = tf.memory().numTensors;
    const degraded = predictExits(model, test, { missingDevices: [0, 2] });
    expect(degraded.devices[0]).toBeNull();
    expect(degraded.local).toHaveLength(60 * 3);
    evaluateModel(model, test);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => predictExits(model, test, { missingDevices: [0, 1, 2] })).toThrow(
      /every device is missing/,
    );
    expect(() => predictExits(model, test, { missingDevices: [7] })).toThrow(/not a device/);
  });
});
