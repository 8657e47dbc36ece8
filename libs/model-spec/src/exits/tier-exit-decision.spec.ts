import { decideExit } from './exit-decision';
import { normalizedEntropy, softmaxRows } from './entropy';
import { decideTierExit } from './tier-exit-decision';

describe('exit decisions', () => {
  it('normalized entropy is 0 for a certain row and 1 for a uniform one', () => {
    expect(normalizedEntropy([0, 1, 0], 0, 3)).toBe(0);
    expect(normalizedEntropy([0.25, 0.25, 0.25, 0.25], 0, 4)).toBeCloseTo(1, 12);
  });

  it("one tier's decision on one sample equals the batch decision bit for bit", () => {
    const C = 3;
    const N = 200;
    let state = 7;
    const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 8 - 4;
    const scores = Float32Array.from({ length: N * C }, next);
    const local = softmaxRows(scores, C);
    const exits = { numSamples: N, numClasses: C, devices: [], local, edge: null, cloud: local };
    let exited = 0;
    for (let i = 0; i < N; i++) {
      const one = decideTierExit(scores.subarray(i * C, (i + 1) * C), 0.6);
      const batch = decideExit(exits, i, { local: 0.6 });
      expect(one.entropy).toBe(batch.entropy);
      expect(one.predictedClass).toBe(batch.predictedClass);
      expect(Array.from(one.probabilities)).toEqual(batch.probabilities);
      expect(one.exit).toBe(batch.exitTier === 'local');
      if (one.exit) exited++;
    }
    // the threshold splits the samples: both branches were compared
    expect(exited).toBeGreaterThan(10);
    expect(exited).toBeLessThan(N - 10);
  });
});
