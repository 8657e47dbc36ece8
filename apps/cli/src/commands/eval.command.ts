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
        "evaluate a trained model on a dataset's test split at its shipped T: every exit, device and missing device",
      ),
  )
    .option(
      '-t, --threshold <T>',
      'local exit threshold (default: the one the partitions ship with)',
      floatOption('threshold', 0, 1.01),
    )
    .option('--json', 'print the whole report (and the oracle operating point) as JSON')
    .action(async (flags: EvalFlags) => {
      const { model, test, description, shippedThreshold } = await loadEvaluationSource(flags);
      // The best T on this very test set: optimistic by construction, never what ships.
      const oracle = evaluateModel(model, test, {
        skipFaultTolerance: true,
        sweep: [],
      }).operatingPoint;
      const oracleLabel = 'oracle: best T chosen on this test set (optimistic, not what ships)';
      const threshold = flags.threshold ?? shippedThreshold;
      const report = evaluateModel(model, test, {
        threshold: threshold ?? oracle.threshold,
        thresholdChosenBy:
          flags.threshold !== undefined
            ? 'given with --threshold'
            : threshold !== null
              ? 'shipped in the partitions'
              : `${oracleLabel}; a bare model file has no shipped T`,
      });
      if (flags.json) {
        process.stdout.write(
          JSON.stringify(
            { dataset: description, ...report, oracle: { ...oracle, chosenBy: oracleLabel } },
            null,
            2,
          ) + '\n',
        );
      } else {
        const op = report.operatingPoint;
        const lines = [
          `dataset: ${description}, ${report.numSamples} test samples`,
          `exit accuracy: local ${percent(report.exitAccuracy.local)}` +
            (report.exitAccuracy.edge !== null
              ? `, edge ${percent(report.exitAccuracy.edge)}`
              : '') +
            `, cloud ${percent(report.exitAccuracy.cloud)}`,
          `device accuracy (present views): ${report.deviceAccuracy.map((a, i) => `#${i} ${percent(a)}`).join('  ')}`,
          `T=${op.threshold.toFixed(3)} (${op.chosenBy}): local exit ${percent(op.localExitRate)}, overall ${percent(op.overallAccuracy)}, ${op.commBytesPerDevice.toFixed(1)} B/device`,
          `[${oracleLabel}] T=${oracle.threshold.toFixed(3)}: local exit ${percent(oracle.localExitRate)}, overall ${percent(oracle.overallAccuracy)}`,
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
