import { type DdnnConfig, parseDdnnConfig } from '@ddnn/model-spec';
import { TOY_CONFIG } from '../testing/toy-data';
import { safeThreshold, wilsonInterval } from './safe-threshold';
import type { ExitOutcomes } from './threshold-analysis';

const config: DdnnConfig = parseDdnnConfig(TOY_CONFIG);

/** Samples with local entropies 0.01, 0.02, ...; local right unless listed, cloud always right. */
function outcomes(n: number, localWrong: number[]): ExitOutcomes {
  const localEntropy = Float32Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
  const localCorrect = Uint8Array.from({ length: n }, (_, i) => (localWrong.includes(i) ? 0 : 1));
  return {
    localEntropy,
    edgeEntropy: null,
    localCorrect,
    edgeCorrect: null,
    cloudCorrect: new Uint8Array(n).fill(1),
  };
}

describe('safeThreshold', () => {
  it('lets every sample exit locally when the local exit is never worse than the cloud', () => {
    const { point, evidence } = safeThreshold(config, outcomes(100, []));
    expect(point.localExitRate).toBe(1);
    expect(evidence.accuracyVsCloud).toEqual({ estimate: 0, lowerBound: 0 });
    expect(evidence.localExitRate.low).toBeGreaterThan(0.96);
  });

  it('stops before the first T whose lower bound says the local exit costs more than 0.5 point', () => {
    // 400 samples, local wrong on sample 300 onwards (the least confident ones)
    const wrong = Array.from({ length: 100 }, (_, i) => 300 + i);
    const { point, evidence } = safeThreshold(config, outcomes(400, wrong));
    // one local error among 400 samples already has a lower bound of -0.66 point: T stops before it
    expect(point.localExitRate).toBeGreaterThanOrEqual(0.75);
    expect(point.localExitRate).toBeLessThan(0.77);
    expect(evidence.accuracyVsCloud.lowerBound).toBeGreaterThanOrEqual(-0.005);
    expect(point.overallAccuracy).toBeGreaterThan(0.995);
  });

  it('falls back towards the cloud when the validation data is too small to decide', () => {
    // one local error in 20 samples: the bound is far below -0.5 point at once
    const { point, evidence } = safeThreshold(config, outcomes(20, [5]));
    expect(point.localExitRate).toBe(0.25);
    expect(evidence.samples).toBe(20);
    const none = safeThreshold(config, outcomes(20, [0]));
    expect(none.point.threshold).toBe(0);
    expect(none.point.localExitRate).toBe(0);
    expect(none.point.overallAccuracy).toBe(1);
  });

  it('refuses empty validation data', () => {
    expect(() => safeThreshold(config, outcomes(0, []))).toThrow(/no samples/);
  });
});

describe('wilsonInterval', () => {
  it('matches the textbook values', () => {
    const { low, high } = wilsonInterval(50, 100);
    expect(low).toBeCloseTo(0.4038, 3);
    expect(high).toBeCloseTo(0.5962, 3);
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});
