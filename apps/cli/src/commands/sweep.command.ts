import { Command } from 'commander';
import { evaluateModel } from '@ddnn/engine';
import { floatOption, percent } from './cli-options';
import {
  addEvaluationSourceOptions,
  EvaluationSourceFlags,
  loadEvaluationSource,
} from './evaluation-source';

interface SweepFlags extends EvaluationSourceFlags {
  step: number;
}

export function registerSweepCommand(program: Command): void {
  addEvaluationSourceOptions(
    program
      .command('sweep')
      .description(
        'print the threshold table: T -> local-exit %, overall accuracy, bytes per device',
      ),
  )
    .option('--step <dT>', 'threshold step', floatOption('step', 0.01, 0.5), 0.1)
    .action(async (flags: SweepFlags) => {
      const { model, test } = await loadEvaluationSource(flags);
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
