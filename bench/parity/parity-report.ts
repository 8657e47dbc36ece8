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
    '- **Ours** = `runTrainingProtocol` (what `ddnn train`, the worker and the experiments run), measured both ways in every run. Phase 1 trains on the training set minus a stratified 15 % validation split (all epochs, last epoch) and chooses T on that split (the most local exits while the 95 % lower bound of accuracy minus cloud accuracy stays above −0.5 point). **holdout** (`refit: false`, the default since this suite) ships the phase-1 model itself; **refit** (`refit: true`, `ddnn train --refit`) trains the shipped model again on the whole training set and ships it with that T. Both were measured in every run (the table was written while refit was still the default: "ours" in parity.json is refit, "phaseOne" is holdout).',
    '- **PyTorch** = bench/torch-reference/train_reference.py: the same architecture with PyTorch defaults (Kaiming-uniform init, BatchNorm eps 1e-5, torch.optim.Adam), all training samples, last epoch.',
    '- Accuracy in %, mean ± sample standard deviation over seeds (each seed draws its own data, weights and order); Δ = ours − PyTorch.',
    '',
    '## Datasets (none is the one the defaults were tuned on)',
    '',
    ...results.datasets.map((d) => `- **${d.name}**: ${d.setting}`),
    '',
    '## Exit accuracy on the test set',
    '',
    '![Local and cloud test accuracy per dataset: PyTorch, holdout, refit](parity.svg)',
    '',
    '| dataset | seeds | PyTorch local | refit local | holdout local | PyTorch cloud | refit cloud | holdout cloud |',
    '|---|---|---|---|---|---|---|---|',
  );
  const groups = results.datasets
    .map((d) => ({ d, runs: results.runs.filter((r) => r.dataset === d.name) }))
    .filter((g) => g.runs.length > 0);
  const deltas: { name: string; refit: number[]; holdout: number[]; spread: number[] }[] = [];
  for (const { d, runs } of groups) {
    const col = (f: (r: ParityRun) => number) => runs.map(f);
    const tL = col((r) => r.torch.local);
    const tC = col((r) => r.torch.cloud);
    const rL = col((r) => r.ours.local);
    const rC = col((r) => r.ours.cloud);
    const hL = col((r) => r.ours.phaseOne.local);
    const hC = col((r) => r.ours.phaseOne.cloud);
    deltas.push({
      name: d.name,
      refit: [mean(rL) - mean(tL), mean(rC) - mean(tC)],
      holdout: [mean(hL) - mean(tL), mean(hC) - mean(tC)],
      spread: [Math.max(sd(tL), sd(rL), sd(hL)), Math.max(sd(tC), sd(rC), sd(hC))],
    });
    lines.push(
      `| ${d.name} | ${runs.map((r) => r.seed).join(',')} | ${ms(tL)} | ${ms(rL)} (${signed(mean(rL) - mean(tL))}) | ${ms(hL)} (${signed(mean(hL) - mean(tL))}) | ` +
        `${ms(tC)} | ${ms(rC)} (${signed(mean(rC) - mean(tC))}) | ${ms(hC)} (${signed(mean(hC) - mean(tC))}) |`,
    );
  }
  if (deltas.length) {
    const avg = (k: 'refit' | 'holdout', i: number) => signed(mean(deltas.map((x) => x[k][i])));
    lines.push(
      `| **Δ averaged over datasets** | | | **${avg('refit', 0)}** | **${avg('holdout', 0)}** | | **${avg('refit', 1)}** | **${avg('holdout', 1)}** |`,
      '',
      'Target (issue 12): Δ ≥ −1 point on local and cloud averaged over the datasets, and no dataset worse by more than its seed spread (the largest of the three standard deviations). Datasets below PyTorch by more than their spread: ' +
        (['refit', 'holdout'] as const)
          .map((k) => {
            const bad = deltas.filter((x) => x[k].some((dv, i) => dv < -Math.max(x.spread[i], 0)));
            return `${k}: ${bad.length ? bad.map((x) => x.name).join(', ') : 'none'}`;
          })
          .join('; ') +
        (groups.some((g) => g.runs.length < 2) ? ' (with one seed the spread is 0).' : '.'),
    );
  }
  lines.push(
    '',
    '## The shipped operating point against the cloud exit, every run',
    '',
    'Target: shipped ≥ cloud − 1 point in every run. T is chosen on phase 1\'s validation split; "expected" is the local-exit rate the version records (95 % Wilson interval); refit ships that T with another model, holdout with the model it was chosen on.',
    '',
    '| dataset | seed | T | refit: overall − cloud | refit local exits | holdout: overall − cloud | holdout local exits | expected local exits |',
    '|---|---|---|---|---|---|---|---|',
  );
  let worst = Infinity;
  let worstHoldout = Infinity;
  let inside = 0;
  let insideHoldout = 0;
  for (const { runs } of groups) {
    for (const r of runs) {
      const gap = r.ours.shipped - r.ours.cloud;
      const gapHoldout = r.ours.phaseOne.overall - r.ours.phaseOne.cloud;
      worst = Math.min(worst, gap);
      worstHoldout = Math.min(worstHoldout, gapHoldout);
      const e = r.ours.expectedLocalExitRate;
      const within = (x: number) => x >= e.low && x <= e.high;
      if (within(r.ours.localExitRate)) inside++;
      if (within(r.ours.phaseOne.localExitRate)) insideHoldout++;
      lines.push(
        `| ${r.dataset} | ${r.seed} | ${r.ours.threshold.toFixed(3)} | ${signed(gap)} (${p(r.ours.shipped)} vs ${p(r.ours.cloud)}) | ${p(r.ours.localExitRate)} | ` +
          `${signed(gapHoldout)} (${p(r.ours.phaseOne.overall)} vs ${p(r.ours.phaseOne.cloud)}) | ${p(r.ours.phaseOne.localExitRate)} | ` +
          `${p(e.estimate)} [${p(e.low)}, ${p(e.high)}] (${r.ours.validationSamples} samples) |`,
      );
    }
  }
  const all = results.runs.length;
  if (all) {
    lines.push(
      '',
      `Worst shipped − cloud over ${all} runs: refit ${signed(worst)} points, holdout ${signed(worstHoldout)} points. The test local-exit rate fell inside the recorded interval in ${inside} of ${all} runs (refit) and ${insideHoldout} of ${all} (holdout).`,
    );
  }
  lines.push('', NUMERICAL_PARITY);
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

/** The numerical parity test's findings (test/parity/torch-parity.spec.ts, part of npm test). */
const NUMERICAL_PARITY = `## Numerical parity

\`test/parity/torch-parity.spec.ts\` (in \`npm test\`) exports the engine's initial weights and
batch order to bench/torch-reference/parity_check.py, which runs the same DDNN in PyTorch float32
and float64 over the same 24 Adam steps (4 devices, 8x8 views, 3 classes, absent views): MP-CC,
CC local with AP cloud, and MP-CC with a float cloud. Before training every exit agrees within
1e-4 (measured: bit-identical) and every binary feature map sign for sign; each exit's per-epoch
loss agrees within 1e-4 (measured: 1e-7 for the binary cases); at least 90 % of the weights agree
within 1e-5 after every epoch, and the weights that do not are no more, and no further apart, than
2x what PyTorch float32 and float64 show against each other on the same steps.

Differences examined, one by one:

| item | engine | PyTorch | outcome |
|---|---|---|---|
| initialisation | was Glorot-uniform, now uniform ±1/sqrt(fan_in) | Kaiming-uniform (a=√5) = ±1/sqrt(fan_in) | **fixed**: the larger Glorot bound made binary layers flip sign ~2x slower per Adam step (a 15-epoch run: our cloud exit 74.9 % vs PyTorch's 90.1 % on mvmc-quality-spread); biases stay 0 (a bias before BatchNorm has no effect on the output) |
| BatchNorm momentum | keeps 0.9 of the old moving average, adds 0.1 of the batch's unbiased variance | momentum 0.1, unbiased variance | identical (the test compares moving statistics after every epoch; a momentum of 0.2 fails it) |
| BatchNorm epsilon | 2e-5 (Chainer's default, which the paper's code used) | 1e-5 | kept and documented: the parity test runs PyTorch with 2e-5; the effect (< 1e-5 relative on unit-variance inputs) is below the 1e-4 tolerance anyway; the PyTorch reference of \`npm run parity\` uses its own 1e-5 |
| BatchNorm in eval | moving averages | moving averages (eval mode) | identical (eval outputs bit-identical) |
| Adam | β 0.9/0.999, ε 1e-8 added after the bias-corrected square root | same (torch.optim.Adam) | identical |
| straight-through estimator | activation gradient passed where |x| <= 1; weights: identity | same (custom autograd function) | identical |
| max-pool padding | 3x3, pad 1, padding never wins | max_pool2d pads with -inf | identical |
| loss over absent views | mean cross-entropy over the rows with a label; 0 when none | ignore_index would give NaN with no labelled row | identical where both are defined; the engine's 0 is documented |
| exit weights | device, local, edge, cloud weights, 1 each | same sum | identical |
| weights with zero true gradient (a bias before BatchNorm; a fully-connected row over a feature constant in the batch) | rounding noise as gradient, which Adam scales to steps of ~lr | the same | not a difference: their values are decided by rounding in any implementation (PyTorch float32 vs float64 differ as much); the test bounds them by PyTorch's own spread |
`;
