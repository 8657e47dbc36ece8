import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuiltFor } from '../../../test/support/ensure-built';
import { runCli } from '../../../test/support/run-cli';

const run = runCli;

// threads > 1 start dist/libs/ddnn/src/training/shard-worker.js: compile it when stale
beforeAll(() => {
  ensureBuiltFor(['libs'], 'dist/libs/ddnn/src/training/shard-worker.js');
}, 300_000);

describe('ddnn CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ddnn-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains on a built-in dataset and writes the model, partitions and metrics', async () => {
    const out = await run([
      'train',
      '--dataset',
      'synthetic-mvmc',
      '--train-size',
      '80',
      '--test-size',
      '12',
      '--epochs',
      '2',
      '--batch-size',
      '20',
      '--out',
      dir,
    ]);
    expect(out).toMatch(/training on synthetic-mvmc/);
    expect(out).toMatch(/: 80 train \/ 12 test samples/);
    expect(out).toMatch(/test accuracy: local/);
    // 15 % is held out to choose T on; the model that ships is the one T was chosen on
    expect(out).toMatch(/shipped: the last epoch of 2 on 68 of the 80 training samples/);
    expect(out).toMatch(
      /operating point T=[\d.]+ \(most local exits while the 95 % lower bound .* on phase 1's validation split \(12 samples\)\)/,
    );
    expect(out).toMatch(/exit locally \(expected [\d.]+%-[\d.]+%\)/);
    const partitions = (await readdir(join(dir, 'partitions'))).sort();
    expect(partitions).toEqual([
      'cloud.ddnnp',
      'device0.ddnnp',
      'device1.ddnnp',
      'device2.ddnnp',
      'device3.ddnnp',
      'device4.ddnnp',
      'device5.ddnnp',
      'local.ddnnp',
    ]);
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2]);
    expect(metrics.protocol.selectHistory).toHaveLength(2);
    expect(metrics.hyperparameters.refit).toBe(false);
    expect(metrics.protocol).toMatchObject({ fitSamples: 68, validationSamples: 12 });
    expect(metrics.datasetSource).toEqual({
      dataset: 'synthetic-mvmc',
      seed: 1,
      testFraction: 0.2,
      trainSize: 80,
      testSize: 12,
    });
    expect(metrics.hyperparameters).toMatchObject({ validationFraction: 0.15, deviceDropout: 0 });
    expect(metrics.evaluation.sweep).toHaveLength(10);
    expect(metrics.partitions[0]).toMatchObject({ tier: 'device', deviceIndex: 0 });
    expect((await stat(join(dir, 'model.ddnn'))).size).toBeGreaterThan(1000);
  });

  it('inspects a partition, sweeps thresholds and evaluates the trained model', async () => {
    const inspect = await run(['inspect', join(dir, 'partitions', 'device0.ddnnp')]);
    expect(inspect).toMatch(/device #0 partition, format v1/);
    expect(inspect).toMatch(/device0\/exit\/fc\/kernel \[1024, 3\] sign-bits 384 B/);
    const sweep = await run(['sweep', '--model', dir, '--test-size', '12', '--step', '0.25']);
    expect(sweep.trim().split('\n')).toHaveLength(2 + 4);
    expect(sweep).toMatch(/\| 1\.00 \| +100\.0% \|/);
    const evaluation = JSON.parse(await run(['eval', '--model', dir, '--json']));
    expect(evaluation.faultTolerance).toHaveLength(6);
    // the recorded dataset (same seed and sizes) and the T the partitions ship with
    expect(evaluation.dataset).toBe('synthetic-mvmc (built-in, seed 1)');
    expect(evaluation.numSamples).toBe(12);
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
    expect(evaluation.operatingPoint.threshold).toBe(metrics.protocol.threshold);
    expect(evaluation.operatingPoint.chosenBy).toBe('shipped in the partitions');
    expect(evaluation.operatingPoint).toEqual({
      ...metrics.evaluation.operatingPoint,
      chosenBy: 'shipped in the partitions',
      expected: undefined,
    });
    expect(evaluation.oracle.chosenBy).toMatch(/^oracle: best T chosen on this test set/);
    const text = await run(['eval', '--model', dir]);
    expect(text).toMatch(/T=[\d.]+ \(shipped in the partitions\)/);
    expect(text).toMatch(
      /\[oracle: best T chosen on this test set \(optimistic, not what ships\)\]/,
    );
  });

  it('evaluates on the dataset the model was trained on (mnist-6), not the default', async () => {
    const m6 = join(dir, 'm6');
    await run([
      'train',
      '--dataset',
      'mnist-6',
      '--train-size',
      '30',
      '--test-size',
      '10',
      '--epochs',
      '1',
      '--batch-size',
      '10',
      '--out',
      m6,
    ]);
    const evaluation = JSON.parse(await run(['eval', '--model', m6, '--json']));
    expect(evaluation.dataset).toBe('mnist-6 (built-in, seed 1)');
    expect(evaluation.numSamples).toBe(10);
    expect(evaluation.deviceAccuracy).toHaveLength(6);
    // 15 % of 30 is too small to choose T on: the partitions ship T = 0 (all to the cloud)
    expect(evaluation.operatingPoint).toMatchObject({ threshold: 0, localExitRate: 0 });
  });

  it('trains data-parallel with --threads 2, the same model for the same seed', async () => {
    const args = (out: string) => [
      'train',
      '--train-size',
      '24',
      '--test-size',
      '6',
      '--epochs',
      '1',
      '--batch-size',
      '12',
      '--threads',
      '2',
      '--out',
      out,
    ];
    await run(args(join(dir, 'threads-a')));
    await run(args(join(dir, 'threads-b')));
    const a = await readFile(join(dir, 'threads-a', 'model.ddnn'));
    const b = await readFile(join(dir, 'threads-b', 'model.ddnn'));
    expect(a.length).toBeGreaterThan(1000);
    expect(a.equals(b)).toBe(true);
  });

  it('explains bad input', async () => {
    await expect(run(['train', '--epochs', 'many'])).rejects.toThrow(/epochs must be an integer/);
    await expect(run(['train', '--threads', '0'])).rejects.toThrow(
      /threads must be an integer in 1\.\.64, got "0"/,
    );
    await expect(run(['train', '--dataset', 'imagenet', '--out', dir])).rejects.toThrow(
      /unknown dataset "imagenet"/,
    );
    await expect(run(['train', '--validation-fraction', '0.7'])).rejects.toThrow(
      /validation-fraction must be a number in 0\.\.0\.5, got "0\.7"/,
    );
    await expect(run(['inspect', join(dir, 'metrics.json')])).rejects.toThrow(/bad magic/);
    await expect(run(['eval', '--model', join(dir, 'nope')])).rejects.toThrow(/cannot read model/);
  });

  it('has --help on every command', async () => {
    for (const command of ['train', 'eval', 'sweep', 'inspect']) {
      await expect(run([command, '--help'])).rejects.toThrow(/\(outputHelp\)/);
    }
  });
});
