import { Command } from 'commander';
import { evaluateModel, initEngineBackend } from '@ddnn/engine';
import { backendOption, floatOption, intOption, percent } from './cli-options';
import { DATASET_HELP, loadDataset } from './dataset-source';
import { readModel } from './model-files';

interface EvalFlags {
  model: string;
  dataset: string;
  seed: number;
  testSize?: number;
  testFraction: number;
  threshold?: number;
  json?: boolean;
  backend?: 'wasm' | 'cpu' | 'tensorflow';
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      "evaluate a trained model on a dataset's test split: every exit, device and missing device",
    )
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
    .option(
      '-t, --threshold <T>',
      'local exit threshold (default: best accuracy)',
      floatOption('threshold', 0, 1.01),
    )
    .option('--json', 'print the whole report as JSON')
    .option('--backend <name>', 'tfjs backend', backendOption)
    .action(async (flags: EvalFlags) => {
      await initEngineBackend(flags.backend);
      const model = await readModel(flags.model);
      const { test } = await loadDataset(flags.dataset, {
        seed: flags.seed,
        testSize: flags.testSize,
        testFraction: flags.testFraction,
      });
      const report = evaluateModel(model, test, { threshold: flags.threshold });
      if (flags.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      } else {
        const op = report.operatingPoint;
        const lines = [
          `samples: ${report.numSamples}`,
          `exit accuracy: local ${percent(report.exitAccuracy.local)}` +
            (report.exitAccuracy.edge !== null
              ? `, edge ${percent(report.exitAccuracy.edge)}`
              : '') +
            `, cloud ${percent(report.exitAccuracy.cloud)}`,
          `device accuracy (present views): ${report.deviceAccuracy.map((a, i) => `#${i} ${percent(a)}`).join('  ')}`,
          `T=${op.threshold.toFixed(3)} (${op.chosenBy}): local exit ${percent(op.localExitRate)}, overall ${percent(op.overallAccuracy)}, ${op.commBytesPerDevice.toFixed(1)} B/device`,
          'device missing | local | cloud | overall',
          ...report.faultTolerance.map(
            (r) =>
              `${String(r.missingDevice).padStart(14)} | ${percent(r.local).padStart(5)} | ${percent(r.cloud).padStart(5)} | ${percent(r.overall)}`,
          ),
        ];
        process.stdout.write(lines.join('\n') + '\n');
      }
      model.dispose();
    });
}
