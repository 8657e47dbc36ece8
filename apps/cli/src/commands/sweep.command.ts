import { Command } from 'commander';
import { evaluateModel, initEngineBackend } from '@ddnn/engine';
import { backendOption, floatOption, intOption, percent } from './cli-options';
import { DATASET_HELP, loadDataset } from './dataset-source';
import { readModel } from './model-files';

interface SweepFlags {
  model: string;
  dataset: string;
  seed: number;
  testSize?: number;
  testFraction: number;
  step: number;
  backend?: 'wasm' | 'cpu' | 'tensorflow';
}

export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description('print the threshold table: T -> local-exit %, overall accuracy, bytes per device')
    .requiredOption('-m, --model <file|dir>', 'model.ddnn, or the directory `ddnn train` wrote')
    .option('-d, --dataset <name|file>', DATASET_HELP, 'synthetic-mvmc')
    .option(
      '-s, --seed <n>',
      'dataset seed (use the training seed)',
      intOption('seed', 0, 2 ** 32 - 1),
      1,
    )
    .option('--test-size <n>', 'built-in datasets: test samples', intOption('test-size', 1, 1e6))
    .option(
      '--test-fraction <f>',
      'dataset files: fraction held out for test',
      floatOption('test-fraction', 0.01, 0.9),
      0.2,
    )
    .option('--step <dT>', 'threshold step', floatOption('step', 0.01, 0.5), 0.1)
    .option('--backend <name>', 'tfjs backend', backendOption)
    .action(async (flags: SweepFlags) => {
      await initEngineBackend(flags.backend);
      const model = await readModel(flags.model);
      const { test } = await loadDataset(flags.dataset, {
        seed: flags.seed,
        testSize: flags.testSize,
        testFraction: flags.testFraction,
      });
      const thresholds: number[] = [];
      for (let t = flags.step; t <= 1 + 1e-9; t += flags.step)
        thresholds.push(Number(t.toFixed(4)));
      const report = evaluateModel(model, test, { sweep: thresholds, skipFaultTolerance: true });
      const rows = [
        '|    T | local exit % | overall acc % | comm B/device |',
        '|------|--------------|---------------|---------------|',
        ...report.sweep.map(
          (r) =>
            `| ${r.threshold.toFixed(2)} | ${percent(r.localExitRate).padStart(12)} | ${percent(r.overallAccuracy).padStart(13)} | ${r.commBytesPerDevice.toFixed(1).padStart(13)} |`,
        ),
      ];
      process.stdout.write(rows.join('\n') + '\n');
      model.dispose();
    });
}
