import type { ExperimentSettings } from './experiment-results';

/**
 * Quick mode proves the pipeline in a few minutes. Full mode gives the paper model (MP-CC, 6
 * devices) the paper's 100 epochs, and the 9-scheme comparison and the device-count sweep what
 * fits the 30-minute budget on 2 cores; trainings run two at a time in worker processes (one per
 * core: the WASM backend is single-threaded). Budget and measured times: docs/results/README.md.
 */
export const QUICK_SETTINGS: ExperimentSettings = {
  seeds: [1],
  datasetSeed: 1,
  paperEpochs: 10,
  epochs: 5,
  batchSize: 32,
  learningRate: 1e-3,
  trainSize: 680,
  testSize: 171,
  validationFraction: 0.15,
  workers: 2,
  mnist: {
    seeds: [1],
    epochs: 2,
    floatEpochs: 2,
    floatDeviceFilters: 8,
    trainSize: 2000,
    testSize: 500,
  },
};

/** Full mode: what differs from quick mode (the shared settings stay in one place). */
export const FULL_SETTINGS: ExperimentSettings = {
  ...QUICK_SETTINGS,
  seeds: [1, 2, 3],
  paperEpochs: 100,
  epochs: 15,
  mnist: {
    ...QUICK_SETTINGS.mnist,
    seeds: [1, 2, 3],
    epochs: 20,
    floatEpochs: 20,
    trainSize: 8000,
    testSize: 2000,
  },
};

export interface RunnerOptions {
  mode: 'quick' | 'full';
  settings: ExperimentSettings;
  outDir: string;
  /** Re-render the report from a results.json instead of running the experiments. */
  renderFrom: string | null;
}

/**
 * `--quick`, `--epochs n` (comparisons), `--paper-epochs n`, `--seeds 1,2,3`, `--workers n`,
 * `--out dir`, `--render-from file`; else an error.
 */
export function parseRunnerOptions(argv: readonly string[]): RunnerOptions {
  let mode: RunnerOptions['mode'] = 'full';
  let epochs: number | undefined;
  let paperEpochs: number | undefined;
  let workers: number | undefined;
  let seeds: number[] | undefined;
  let outDir = 'docs/results';
  let renderFrom: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--quick') mode = 'quick';
    else if (flag === '--epochs') epochs = positiveInteger(flag, value());
    else if (flag === '--paper-epochs') paperEpochs = positiveInteger(flag, value());
    else if (flag === '--workers') workers = positiveInteger(flag, value());
    else if (flag === '--seeds')
      seeds = value()
        .split(',')
        .map((s) => positiveInteger(flag, s));
    else if (flag === '--out') outDir = value();
    else if (flag === '--render-from') renderFrom = value();
    else
      throw new Error(
        `unknown option ${flag} (use --quick, --epochs n, --paper-epochs n, --seeds a,b,c, --workers n, --out dir, --render-from results.json)`,
      );
  }
  const base = mode === 'quick' ? QUICK_SETTINGS : FULL_SETTINGS;
  return {
    mode,
    outDir,
    renderFrom,
    settings: {
      ...base,
      epochs: epochs ?? base.epochs,
      paperEpochs: paperEpochs ?? base.paperEpochs,
      seeds: seeds ?? base.seeds,
      workers: workers ?? base.workers,
    },
  };
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} expects positive integers, got "${text}"`);
  return n;
}
