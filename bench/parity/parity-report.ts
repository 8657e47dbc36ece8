/** docs/results/parity.md from parity.json: the numbers as measured, nothing edited. */

export interface ParityRun {
  dataset: string;
  seed: number;
  epochs: number;
  trainSamples: number;
  testSamples: number;
  ours: {
    local: number;
    cloud: number;
    /** Overall test accuracy at the shipped T. */
    shipped: number;
    localExitRate: number;
    threshold: number;
    expectedLocalExitRate: { estimate: number; low: number; high: number };
    validationSamples: number;
    /** Phase 1's model (trained on the training set minus the validation split), same T. */
    phaseOne: { local: number; cloud: number; overall: number; localExitRate: number };
    seconds: number;
  };
  torch: { local: number; cloud: number; seconds: number; version: string };
  loadAverage: number;
  backend: string;
}

export interface ParityResults {
  command: string;
  startedAt: string;
  finishedAt?: string;
  batchSize: number;
  learningRate: number;
  datasets: { name: string; setting: string }[];
  runs: ParityRun[];
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

const p = (x: number) => (100 * x).toFixed(1);
const ms = (xs: number[]) => `${p(mean(xs))} ± ${p(sd(xs))}`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

export function renderParityReport(results: ParityResults): string {
  const lines: string[] = [];
  const epochs = [...new Set(results.runs.map((r) => r.epochs))];
  lines.push(
    '# Parity with PyTorch: our default `ddnn train` against the same DDNN in plain PyTorch',
    '',
    'Written by `npm run parity` (bench/parity/run-parity.ts) from parity.json; numbers as measured.',
    '',
    `- Command: \`${results.command}\`, started ${results.startedAt}` +
      (results.finishedAt
        ? `, finished ${results.finishedAt}`
        : ' (still running or stopped: partial)'),
    `- Epochs: ${epochs.join(', ')} (a reduced run when below 100: the machine has 2 cores shared by 8 jobs), batch ${results.batchSize}, Adam ${results.learningRate}, the paper's MP-CC model (PAPER_MVMC_CONFIG) sized to each dataset.`,
    '- **Ours** = `runTrainingProtocol` (what `ddnn train`, the worker and the experiments run): a stratified 15 % validation split chooses T (95 % lower bound on accuracy minus cloud accuracy >= -0.5 point), then the shipped model is trained on the whole training set for all epochs (last epoch) and evaluated on the test set at that T. "phase 1" is the model trained without the validation split (the old protocol, last epoch), shown for the protocol comparison.',
    '- **PyTorch** = bench/torch-reference/train_reference.py: the same architecture with PyTorch defaults (Kaiming-uniform init, BatchNorm eps 1e-5, torch.optim.Adam), all training samples, last epoch.',
    '- Accuracy in %, mean ± sample standard deviation over seeds (each seed draws its own data, weights and order).',
    '',
    '## Datasets (none is the one the defaults were tuned on)',
    '',
    ...results.datasets.map((d) => `- **${d.name}**: ${d.setting}`),
    '',
    '## Exit accuracy on the test set',
    '',
    '| dataset | seeds | ours local | PyTorch local | Δ local | ours cloud | PyTorch cloud | Δ cloud | phase-1 local | phase-1 cloud |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  const groups = results.datasets
    .map((d) => ({ d, runs: results.runs.filter((r) => r.dataset === d.name) }))
    .filter((g) => g.runs.length > 0);
  const deltas: { local: number; cloud: number }[] = [];
  for (const { d, runs } of groups) {
    const oursL = runs.map((r) => r.ours.local);
    const oursC = runs.map((r) => r.ours.cloud);
    const tL = runs.map((r) => r.torch.local);
    const tC = runs.map((r) => r.torch.cloud);
    const dl = mean(oursL) - mean(tL);
    const dc = mean(oursC) - mean(tC);
    deltas.push({ local: dl, cloud: dc });
    lines.push(
      `| ${d.name} | ${runs.map((r) => r.seed).join(',')} | ${ms(oursL)} | ${ms(tL)} | ${signed(dl)} | ${ms(oursC)} | ${ms(tC)} | ${signed(dc)} | ` +
        `${ms(runs.map((r) => r.ours.phaseOne.local))} | ${ms(runs.map((r) => r.ours.phaseOne.cloud))} |`,
    );
  }
  if (deltas.length) {
    lines.push(
      `| **mean over datasets** | | | | **${signed(mean(deltas.map((x) => x.local)))}** | | | **${signed(mean(deltas.map((x) => x.cloud)))}** | | |`,
    );
  }
  lines.push(
    '',
    '## The shipped operating point against the cloud exit, every run',
    '',
    'Target: shipped ≥ cloud − 1 point in every run. "expected" is the local-exit rate the version records (validation split, 95 % Wilson interval); "test" is what the test set showed.',
    '',
    '| dataset | seed | T | shipped overall | cloud | shipped − cloud | local exits (test) | expected local exits | phase-1 overall at T |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  let worst = Infinity;
  let inside = 0;
  for (const { runs } of groups) {
    for (const r of runs) {
      const gap = r.ours.shipped - r.ours.cloud;
      worst = Math.min(worst, gap);
      const e = r.ours.expectedLocalExitRate;
      if (r.ours.localExitRate >= e.low && r.ours.localExitRate <= e.high) inside++;
      lines.push(
        `| ${r.dataset} | ${r.seed} | ${r.ours.threshold.toFixed(3)} | ${p(r.ours.shipped)} | ${p(r.ours.cloud)} | ${signed(gap)} | ${p(r.ours.localExitRate)} | ${p(e.estimate)} [${p(e.low)}, ${p(e.high)}] (${r.ours.validationSamples} samples) | ${p(r.ours.phaseOne.overall)} |`,
      );
    }
  }
  const all = results.runs.length;
  if (all) {
    lines.push(
      '',
      `Worst shipped − cloud over ${all} runs: ${signed(worst)} points; the test local-exit rate fell inside the recorded interval in ${inside} of ${all} runs.`,
    );
  }
  lines.push(
    '',
    '## Time and load',
    '',
    '| dataset | seed | ours (s, both phases) | PyTorch (s, 1 thread) | load average at start |',
    '|---|---|---|---|---|',
  );
  for (const r of results.runs) {
    lines.push(
      `| ${r.dataset} | ${r.seed} | ${r.ours.seconds.toFixed(0)} | ${r.torch.seconds.toFixed(0)} | ${r.loadAverage.toFixed(2)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
