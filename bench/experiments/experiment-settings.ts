import type { ExperimentSettings } from './experiment-results';

/**
 * Quick mode proves the pipeline in ~5 minutes. Full mode trains 34.5 six-device-equivalent models
 * (9 schemes + 1..5 devices, x 3 seeds): one epoch of the paper model on 680 samples takes ~2.2 s
 * on WASM on an idle machine and ~3.8 s with other jobs on the 2 cores, so 10 epochs keep the run
 * under 30 minutes even on a busy machine (the paper trained 100).
 */
export const QUICK_SETTINGS: ExperimentSettings = {
  seeds: [1],
  datasetSeed: 1,
  epochs: 5,
  batchSize: 32,
  learningRate: 1e-3,
  trainSize: 680,
  testSize: 171,
  mnist: { seeds: [1], epochs: 3, trainSize: 2000, testSize: 500 },
};

export const FULL_SETTINGS: ExperimentSettings = {
  seeds: [1, 2, 3],
  datasetSeed: 1,
  epochs: 10,
  batchSize: 32,
  learningRate: 1e-3,
  trainSize: 680,
  testSize: 171,
  mnist: { seeds: [1, 2, 3], epochs: 5, trainSize: 8000, testSize: 2000 },
};

export interface RunnerOptions {
  mode: 'quick' | 'full';
  settings: ExperimentSettings;
  outDir: string;
  /** Re-render the report from a results.json instead of running the experiments. */
  renderFrom: string | null;
}

/** `--quick`, `--epochs n`, `--seeds 1,2,3`, `--out dir`, `--render-from file`; else an error. */
export function parseRunnerOptions(argv: readonly string[]): RunnerOptions {
  let mode: RunnerOptions['mode'] = 'full';
  let epochs: number | undefined;
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
    else if (flag === '--seeds')
      seeds = value()
        .split(',')
        .map((s) => positiveInteger(flag, s));
    else if (flag === '--out') outDir = value();
    else if (flag === '--render-from') renderFrom = value();
    else
      throw new Error(
        `unknown option ${flag} (use --quick, --epochs n, --seeds a,b,c, --out dir, --render-from results.json)`,
      );
  }
  const base = mode === 'quick' ? QUICK_SETTINGS : FULL_SETTINGS;
  return {
    mode,
    outDir,
    renderFrom,
    settings: { ...base, epochs: epochs ?? base.epochs, seeds: seeds ?? base.seeds },
  };
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} expects positive integers, got "${text}"`);
  return n;
}
