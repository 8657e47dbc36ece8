import { Command } from 'commander';
import { evaluateModel } from '@ddnn/engine';
import { floatOption, percent } from './cli-options';
import {
  addEvaluationSourceOptions,
  EvaluationSourceFlags,
  loadEvaluationSource,
} from './evaluation-source';

interface EvalFlags extends EvaluationSourceFlags {
  threshold?: number;
  json?: boolean;
}

export function registerEvalCommand(program: Command): void {
  addEvaluationSourceOptions(
    program
      .command('eval')
      .description(
        "evaluate a trained model on a dataset's test split: every exit, device and missing device",
      ),
  )
    .option(
      '-t, --threshold <T>',
      'local exit threshold (default: best accuracy)',
      floatOption('threshold', 0, 1.01),
    )
    .option('--json', 'print the whole report as JSON')
    .action(async (flags: EvalFlags) => {
      const { model, test } = await loadEvaluationSource(flags);
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
