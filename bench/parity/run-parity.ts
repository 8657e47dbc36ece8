/**
 * The statistical parity suite (npm run parity): our default `ddnn train` protocol against the
 * PyTorch reference (bench/torch-reference/train_reference.py) on datasets the defaults were not
 * tuned on, several seeds each. Writes docs/results/parity.json after every run (a long run can
 * be stopped and resumed with --resume) and docs/results/parity.md from it.
 *
 *   npm run parity -- [--epochs 100] [--seeds 1,2,3] [--datasets a,b] [--resume] [--out docs/results]
 *   npm run parity -- --render-only
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  initEngineBackend,
  parseDdnnConfig,
  PAPER_MVMC_CONFIG,
  runTrainingProtocol,
} from '../../libs/ddnn/src/index';
import { PARITY_DATASETS } from './parity-datasets';
import { renderParityChart } from './parity-chart';
import { renderParityReport, type ParityResults, type ParityRun } from './parity-report';
import { runTorchReference } from './torch-reference-run';

interface Args {
  epochs: number;
  seeds: number[];
  datasets: string[];
  resume: boolean;
  renderOnly: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    epochs: 100,
    seeds: [1, 2, 3],
    datasets: PARITY_DATASETS.map((d) => d.name),
    resume: false,
    renderOnly: false,
    out: 'docs/results',
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--epochs':
        args.epochs = Number(value());
        if (!Number.isInteger(args.epochs) || args.epochs < 1)
          throw new Error('--epochs must be a positive integer');
        break;
      case '--seeds':
        args.seeds = value().split(',').map(Number);
        if (args.seeds.some((s) => !Number.isInteger(s) || s < 0))
          throw new Error('--seeds: comma-separated integers >= 0');
        break;
      case '--datasets':
        args.datasets = value().split(',');
        for (const d of args.datasets) {
          if (!PARITY_DATASETS.some((p) => p.name === d)) {
            throw new Error(
              `unknown dataset ${d}; one of ${PARITY_DATASETS.map((p) => p.name).join(', ')}`,
            );
          }
        }
        break;
      case '--resume':
        args.resume = true;
        break;
      case '--render-only':
        args.renderOnly = true;
        break;
      case '--out':
        args.out = value();
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return args;
}

const BATCH_SIZE = 32;
const LEARNING_RATE = 1e-3;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const jsonPath = join(args.out, 'parity.json');
  const mdPath = join(args.out, 'parity.md');
  const saved: ParityResults | null =
    (args.resume || args.renderOnly) && existsSync(jsonPath)
      ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as ParityResults)
      : null;
  const results: ParityResults = saved ?? {
    command: `npm run parity -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    batchSize: BATCH_SIZE,
    learningRate: LEARNING_RATE,
    datasets: PARITY_DATASETS.map(({ name, setting }) => ({ name, setting })),
    runs: [],
  };
  const save = () => {
    writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
    writeFileSync(mdPath, renderParityReport(results));
    writeFileSync(join(args.out, 'parity.svg'), renderParityChart(results));
  };
  if (args.renderOnly) {
    save();
    return;
  }
  const backend = await initEngineBackend('wasm');
  const started = Date.now();
  const log = (m: string) =>
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${m}\n`);
  for (const seed of args.seeds) {
    for (const name of args.datasets) {
      if (
        results.runs.some((r) => r.dataset === name && r.seed === seed && r.epochs === args.epochs)
      ) {
        log(`${name} seed ${seed}: already in ${jsonPath}`);
        continue;
      }
      const dataset = PARITY_DATASETS.find((d) => d.name === name)!;
      const { train, test } = dataset.build(seed);
      const config = parseDdnnConfig({
        ...PAPER_MVMC_CONFIG,
        numDevices: train.numViews,
        inputShape: [...train.viewShape],
        numClasses: train.classNames.length,
      });
      const hp = { epochs: args.epochs, batchSize: BATCH_SIZE, learningRate: LEARNING_RATE, seed };
      const load = loadavg()[0];
      const t0 = Date.now();
      const ours = await runTrainingProtocol({
        config,
        train,
        test,
        classNames: train.classNames,
        hyperparameters: hp,
        evaluatePhaseOneOnTest: true,
        evaluation: { skipFaultTolerance: true },
      });
      if (ours.cancelled) throw new Error('not cancelled');
      const oursSeconds = (Date.now() - t0) / 1000;
      ours.model.dispose();
      const report = ours.report!;
      const t1 = Date.now();
      const torch = runTorchReference(config, train, test, hp);
      const run: ParityRun = {
        dataset: name,
        seed,
        epochs: args.epochs,
        trainSamples: train.numSamples,
        testSamples: test.numSamples,
        ours: {
          local: report.exitAccuracy.local,
          cloud: report.exitAccuracy.cloud,
          shipped: report.operatingPoint.overallAccuracy,
          localExitRate: report.operatingPoint.localExitRate,
          threshold: report.operatingPoint.threshold,
          expectedLocalExitRate: ours.selection.evidence.localExitRate,
          validationSamples: ours.selection.validationSamples,
          phaseOne: ours.selection.phaseOneTest!,
          seconds: oursSeconds,
        },
        torch: {
          local: torch.local,
          cloud: torch.cloud,
          seconds: (Date.now() - t1) / 1000,
          version: torch.torch,
        },
        loadAverage: load,
        backend,
      };
      results.runs.push(run);
      save();
      log(
        `${name} seed ${seed}: ours local ${pct(run.ours.local)} cloud ${pct(run.ours.cloud)} shipped ${pct(run.ours.shipped)} ` +
          `(${pct(run.ours.localExitRate)} local, T=${run.ours.threshold.toFixed(3)}) | torch local ${pct(torch.local)} ` +
          `cloud ${pct(torch.cloud)} | ${oursSeconds.toFixed(0)} s + ${run.torch.seconds.toFixed(0)} s, load ${load.toFixed(2)}`,
      );
    }
  }
  results.finishedAt = new Date().toISOString();
  save();
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
