import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  DdnnConfigInput,
  DEFAULT_VALIDATION_FRACTION,
  initEngineBackend,
  MAX_TRAINING_THREADS,
  PAPER_MVMC_CONFIG,
  parseDdnnConfig,
  runTrainingProtocol,
} from '@ddnn/engine';
import { backendOption, floatOption, intOption, percent } from './cli-options';
import { DATASET_HELP, loadDataset } from './dataset-source';
import { type DatasetSource, writeRun } from './model-files';

interface TrainFlags {
  dataset: string;
  config?: string;
  local?: 'MP' | 'AP' | 'CC';
  cloudAggregator?: 'MP' | 'AP' | 'CC';
  deviceFilters?: number;
  floatCloud?: boolean;
  epochs: number;
  batchSize: number;
  lr: number;
  deviceDropout: number;
  seed: number;
  trainSize?: number;
  testSize?: number;
  testFraction: number;
  validationFraction: number;
  refit?: boolean;
  targetLocalExit?: number;
  out: string;
  backend?: 'wasm' | 'cpu' | 'tensorflow';
  threads: number;
}

function scheme(value: string): 'MP' | 'AP' | 'CC' {
  const v = value.toUpperCase();
  if (v === 'MP' || v === 'AP' || v === 'CC') return v;
  throw new Error(`aggregation scheme must be MP, AP or CC, got "${value}"`);
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('jointly train a multi-exit DDNN, evaluate it, and write its partitions + metrics')
    .option('-d, --dataset <name|file>', DATASET_HELP, 'synthetic-mvmc')
    .option('-c, --config <file>', 'model config JSON (default: the paper MVMC model, MP-CC)')
    .option('--local <scheme>', 'local aggregator: MP, AP or CC', scheme)
    .option('--cloud-aggregator <scheme>', 'cloud aggregator: MP, AP or CC', scheme)
    .option('--device-filters <n>', 'filters per device', intOption('device-filters', 1, 256))
    .option('--float-cloud', 'float (ReLU) cloud tier instead of binary')
    .option('-e, --epochs <n>', 'epochs', intOption('epochs', 1, 10000), 100)
    .option('-b, --batch-size <n>', 'batch size', intOption('batch-size', 2, 100000), 32)
    .option('--lr <rate>', 'Adam learning rate', floatOption('lr', 1e-7, 1), 1e-3)
    .option(
      '--device-dropout <p>',
      'per batch, probability that one random device is left out as if failed (fault tolerance)',
      floatOption('device-dropout', 0, 1),
      0,
    )
    .option(
      '-s, --seed <n>',
      'seed for data, weights and order',
      intOption('seed', 0, 2 ** 32 - 1),
      1,
    )
    .option(
      '--train-size <n>',
      'built-in datasets: training samples',
      intOption('train-size', 2, 1e6),
    )
    .option('--test-size <n>', 'built-in datasets: test samples', intOption('test-size', 1, 1e6))
    .option(
      '--test-fraction <f>',
      'dataset files: fraction held out for test',
      floatOption('test-fraction', 0.01, 0.9),
      0.2,
    )
    .option(
      '--validation-fraction <f>',
      'share of the training set held out to choose T on (0: nothing held out, T = 0: every sample to the cloud)',
      floatOption('validation-fraction', 0, 0.5),
      DEFAULT_VALIDATION_FRACTION,
    )
    .option(
      '--refit',
      'after choosing T, train the shipped model again on the whole training set (twice the time; less accurate and less safe on the parity suite, docs/results/parity.md)',
    )
    .option(
      '--target-local-exit <rate>',
      'choose T for this local-exit rate (default: best accuracy)',
      floatOption('target-local-exit', 0, 1),
    )
    .option('-o, --out <dir>', 'output directory', 'ddnn-run')
    .option('--backend <name>', 'tfjs backend: wasm (default), cpu, tensorflow', backendOption)
    .option(
      '--threads <n>',
      'data-parallel training threads (results are reproducible per seed and thread count)',
      intOption('threads', 1, MAX_TRAINING_THREADS),
      1,
    )
    .action(async (flags: TrainFlags) => {
      const backend = await initEngineBackend(flags.backend);
      const data = await loadDataset(flags.dataset, {
        seed: flags.seed,
        trainSize: flags.trainSize,
        testSize: flags.testSize,
        testFraction: flags.testFraction,
      });
      const base: DdnnConfigInput = flags.config
        ? (JSON.parse(await readFile(flags.config, 'utf8')) as DdnnConfigInput)
        : { ...PAPER_MVMC_CONFIG };
      const config: DdnnConfigInput = {
        ...base,
        numDevices: data.train.numViews,
        inputShape: [...data.train.viewShape] as [number, number, number],
        numClasses: data.train.classNames.length,
        ...(flags.local ? { localAggregator: flags.local } : {}),
        ...(flags.cloudAggregator ? { cloudAggregator: flags.cloudAggregator } : {}),
        ...(flags.deviceFilters
          ? { device: { ...base.device, filters: flags.deviceFilters } }
          : {}),
        ...(flags.floatCloud ? { cloud: { ...base.cloud, binary: false } } : {}),
      };
      const parsed = parseDdnnConfig(config);
      process.stdout.write(
        `training on ${data.description}: ${data.train.numSamples} train / ${data.test.numSamples} test samples, ` +
          `${parsed.numDevices} devices, ${parsed.localAggregator}-${parsed.cloudAggregator}, backend ${backend}\n` +
          `the model trains without a ${percent(flags.validationFraction)} validation split and chooses T there` +
          (flags.refit ? '; then the shipped model trains on the whole training set\n' : '\n'),
      );
      const bar = new SingleBar({
        format:
          'epoch {value}/{total} {phase} |{bar}| loss {loss} | train acc local {local} cloud {cloud} | {elapsed} elapsed, ETA {etaText}',
        barsize: 24,
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 5000,
      });
      bar.start(flags.epochs, 0, {
        phase: '',
        loss: '-',
        local: '-',
        cloud: '-',
        elapsed: '0s',
        etaText: '-',
      });
      const result = await runTrainingProtocol({
        config: parsed,
        train: data.train,
        test: data.test,
        classNames: data.train.classNames,
        validationFraction: flags.validationFraction,
        refit: flags.refit ?? false,
        threads: flags.threads,
        targetLocalExitRate: flags.targetLocalExit,
        hyperparameters: {
          epochs: flags.epochs,
          batchSize: flags.batchSize,
          learningRate: flags.lr,
          deviceDropout: flags.deviceDropout,
          seed: flags.seed,
        },
        onEpoch: (p) => {
          bar.setTotal(p.epochs);
          bar.update(p.epoch, {
            phase: p.phase === 'select' ? '(without the validation split)' : '(all data)',
            loss: p.losses.total.toFixed(3),
            local: percent(p.accuracies.local),
            cloud: percent(p.accuracies.cloud),
            elapsed: formatMs(p.elapsedMs),
            etaText: formatMs(p.etaMs),
          });
        },
      });
      bar.stop();
      if (result.cancelled) throw new Error('training was cancelled');
      const { model, partitions, selection } = result;
      const report = result.report!;
      const written = await writeRun(flags.out, model, partitions, {
        dataset: data.description,
        datasetSource: {
          dataset: flags.dataset,
          seed: flags.seed,
          testFraction: flags.testFraction,
          ...(flags.trainSize !== undefined ? { trainSize: flags.trainSize } : {}),
          ...(flags.testSize !== undefined ? { testSize: flags.testSize } : {}),
        } satisfies DatasetSource,
        config: model.config,
        hyperparameters: {
          epochs: flags.epochs,
          batchSize: flags.batchSize,
          learningRate: flags.lr,
          deviceDropout: flags.deviceDropout,
          seed: flags.seed,
          validationFraction: flags.validationFraction,
          refit: flags.refit ?? false,
        },
        protocol: selection,
        backend,
        trainingMs: result.elapsedMs,
        history: result.history,
        evaluation: report,
        partitions: partitions.map((p) => ({
          tier: p.manifest.tier,
          deviceIndex: p.manifest.deviceIndex,
          bytes: p.bytes.length,
          weightsBytes: p.weights.length,
          sha256: p.manifest.weightsSha256,
        })),
      });
      const op = report.operatingPoint;
      process.stdout.write(
        [
          `shipped: the last epoch of ${flags.epochs} on ${
            result.history.at(-1)?.phase === 'refit'
              ? `all ${data.train.numSamples}`
              : `${selection.fitSamples} of the ${data.train.numSamples}`
          } training samples`,
          `test accuracy: local ${percent(report.exitAccuracy.local)}, cloud ${percent(report.exitAccuracy.cloud)}, ` +
            `devices ${report.deviceAccuracy.map((a) => percent(a)).join(' ')}`,
          `operating point T=${op.threshold.toFixed(3)} (${op.chosenBy}): ${percent(op.localExitRate)} exit locally ` +
            `(expected ${percent(selection.evidence.localExitRate.low)}-${percent(selection.evidence.localExitRate.high)}), ` +
            `overall ${percent(op.overallAccuracy)}, ${op.commBytesPerDevice.toFixed(1)} B per device ` +
            `(${report.communication.reductionVsRaw.toFixed(1)}x less than raw views)`,
          `partitions: ${partitions.map((p) => `${p.manifest.tier}${p.manifest.deviceIndex ?? ''} ${p.bytes.length} B`).join(', ')}`,
          `wrote ${written.length} files to ${flags.out}/`,
          '',
        ].join('\n'),
      );
      model.dispose();
    });
}
