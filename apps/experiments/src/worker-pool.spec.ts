import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { PAPER_MVMC_CONFIG } from '@ddnn/engine';
import type { ExperimentSettings } from './experiment-results';
import { planJobs } from './experiment-runs';
import { FULL_SETTINGS, QUICK_SETTINGS } from './experiment-settings';
import { jobSplits, type TrainingJob } from './training-job';
import type * as WorkerPool from './worker-pool';

const ROOT = path.join(__dirname, '../../..');
const BUILD = path.join(ROOT, 'dist/experiments-build/apps/experiments/src');

/** Tiny settings: a real training in a real worker process takes a few seconds. */
const TINY: ExperimentSettings = { ...QUICK_SETTINGS, trainSize: 80, testSize: 30 };

function job(label: string, views: number, seed: number, devices = views): TrainingJob {
  return {
    label,
    dataset: 'synthetic-mvmc',
    views,
    config: { ...PAPER_MVMC_CONFIG, numDevices: devices },
    seed,
    epochs: 1,
    faultTolerance: false,
  };
}

describe('experiments worker pool (compiled, real child processes)', () => {
  let pool: typeof WorkerPool;

  beforeAll(() => {
    // The pool forks the compiled worker, as `npm run experiments` does.
    const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);
    execFileSync(bin('tsc'), ['-p', 'apps/experiments/tsconfig.json'], { cwd: ROOT });
    execFileSync(bin('tsc-alias'), ['-p', 'apps/experiments/tsconfig.json'], { cwd: ROOT });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pool = require(path.join(BUILD, 'worker-pool.js')) as typeof WorkerPool;
  });

  it('trains jobs in two worker processes and returns the results in job order', async () => {
    const jobs = [job('one device', 1, 1), job('two devices', 2, 1), job('three devices', 3, 2)];
    const finished: string[] = [];
    const results = await pool.runJobs(jobs, TINY, 2, (j) => finished.push(j.label));
    expect(results.map((r) => r.report.deviceAccuracy.length)).toEqual([1, 2, 3]);
    expect([...finished].sort()).toEqual(['one device', 'three devices', 'two devices']);
    expect(new Set(results.map((r) => r.pid)).size).toBe(2);
    expect(results.every((r) => r.pid !== process.pid)).toBe(true);
    // The engine's protocol: T from the 15 % validation split of the 80 training samples, never
    // from the test set.
    for (const r of results) {
      expect(r.validation.samples).toBe(12);
      expect(r.report.numSamples).toBe(30);
      expect(r.report.operatingPoint.chosenBy).toMatch(
        /lower bound .* on phase 1's validation split \(12 samples\)/,
      );
      expect(r.report.operatingPoint.threshold).toBe(r.validation.threshold);
      expect(r.report.operatingPoint.expected!.samples).toBe(12);
    }
  });

  it("fails the run with the job's label and the worker's error", async () => {
    await expect(
      pool.runJobs([job('mismatched job', 2, 1, 3)], TINY, 1, () => undefined),
    ).rejects.toThrow(
      /mismatched job failed in worker \d+: (Error: )?the dataset has 2 views .* expects 3 views/,
    );
  });
});

describe('experiment plan and splits', () => {
  it('plans the paper model at its epochs and every comparison at the comparison epochs', () => {
    const plan = planJobs(FULL_SETTINGS);
    const seeds = FULL_SETTINGS.seeds.length;
    const count = (prefix: string) => plan.filter((p) => p.group.startsWith(prefix)).length;
    expect(count('paper')).toBe(seeds);
    expect(count('scheme')).toBe(9 * seeds);
    expect(count('devices')).toBe(5 * seeds);
    expect(count('mnist float')).toBe(FULL_SETTINGS.mnist.seeds.length);
    expect(count('mnist')).toBe(2 * FULL_SETTINGS.mnist.seeds.length); // binary and float
    for (const { group, job: j } of plan) {
      if (group === 'paper') {
        expect(j).toMatchObject({ epochs: FULL_SETTINGS.paperEpochs, faultTolerance: true });
        expect(j.config).toMatchObject({ localAggregator: 'MP', cloudAggregator: 'CC' });
      } else if (group === 'mnist') {
        expect(j).toMatchObject({ epochs: FULL_SETTINGS.mnist.epochs, dataset: 'mnist-6' });
        expect(j.config.device.binary).toBe(true);
      } else if (group === 'mnist float') {
        expect(j).toMatchObject({ epochs: FULL_SETTINGS.mnist.floatEpochs, dataset: 'mnist-6' });
        expect([j.config.device.binary, j.config.cloud.binary]).toEqual([false, false]);
        expect(j.config.device.filters).toBe(FULL_SETTINGS.mnist.floatDeviceFilters);
      } else {
        expect(j).toMatchObject({ epochs: FULL_SETTINGS.epochs, faultTolerance: false });
      }
    }
  });

  it('gives the protocol the whole training set and a test set with no sample in both', () => {
    const { train, test } = jobSplits(TINY, 'synthetic-mvmc', 6);
    expect([train.numSamples, test.numSamples]).toEqual([80, 30]);
    expect(train.numViews).toBe(6);
    const keys = (ds: typeof train) =>
      Array.from({ length: ds.numSamples }, (_, s) =>
        Buffer.from(ds.pixels.subarray(s * 6 * 3072, (s + 1) * 6 * 3072)).toString('base64'),
      );
    const all = [...keys(train), ...keys(test)];
    expect(new Set(all).size).toBe(all.length);
    const two = jobSplits(TINY, 'synthetic-mvmc', 2);
    expect([two.train.numViews, two.test.numViews]).toEqual([2, 2]);
  });
});
