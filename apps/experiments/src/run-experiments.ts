/**
 * The paper's experiments on our engine (npm run experiments): aggregation schemes, threshold
 * sweep, accuracy against the number of devices, fault tolerance and communication on
 * synthetic-mvmc, and the paper model on mnist-6. Writes docs/results/README.md, SVG charts and
 * results.json.
 *
 *   npm run experiments -- [--quick] [--epochs n] [--paper-epochs n] [--seeds 1,2,3] [--workers n]
 *                          [--out docs/results]
 *   npm run experiments -- --render-from docs/results/results.json   (report only, no training)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { initEngineBackend } from '@ddnn/engine';
import type { ExperimentResults } from './experiment-results';
import { runExperiments } from './experiment-runs';
import { parseRunnerOptions } from './experiment-settings';
import { renderCharts } from './report-charts';
import { renderReport } from './report-markdown';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseRunnerOptions(argv);
  const { settings } = options;
  if (options.renderFrom) {
    const saved = JSON.parse(readFileSync(options.renderFrom, 'utf8')) as ExperimentResults;
    await writeReport(saved, options.outDir);
    return;
  }
  const backend = await initEngineBackend('wasm');
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const log = (message: string) =>
    process.stderr.write(
      `[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}\n`,
    );
  log(`${options.mode} mode on ${backend}: ${JSON.stringify(settings)}`);

  const { schemes, paperModel, devices, mnist, mnistFloat } = await runExperiments(settings, log);

  const results: ExperimentResults = {
    mode: options.mode,
    command: commandLine(argv),
    startedAt,
    elapsedSeconds: (Date.now() - started) / 1000,
    host: { cpus: cpus().length, node: process.versions.node, backend },
    settings,
    schemes,
    paperModel,
    devices,
    mnist,
    mnistFloat,
  };

  await writeReport(results, options.outDir);
  log(`wrote ${options.outDir}/README.md, results.json and charts`);
}

async function writeReport(results: ExperimentResults, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  for (const [file, svg] of await renderCharts(results)) {
    writeFileSync(path.join(outDir, file), svg);
  }
  writeFileSync(path.join(outDir, 'README.md'), renderReport(results));
}

/** The command as a reader would rerun it; --out only says where this copy was written. */
function commandLine(argv: readonly string[]): string {
  const kept = argv.filter((arg, i) => arg !== '--out' && argv[i - 1] !== '--out');
  return ['npm run experiments', ...(kept.length ? ['--', ...kept] : [])].join(' ');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
