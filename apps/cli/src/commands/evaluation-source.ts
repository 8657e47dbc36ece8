import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { DdnnModel, EngineBackendName, initEngineBackend } from '@ddnn/engine';
import type { MultiViewDataset } from '@ddnn/datasets';
import { decodePartition } from '@ddnn/partition-format';
import { backendOption, floatOption, intOption } from './cli-options';
import { DATASET_HELP, loadDataset } from './dataset-source';
import { readModel, runPaths, type DatasetSource } from './model-files';

/** Flags shared by the commands that run a trained model on a dataset's test split. */
export interface EvaluationSourceFlags {
  model: string;
  dataset?: string;
  seed?: number;
  testSize?: number;
  testFraction?: number;
  backend?: EngineBackendName;
}

const DEFAULT_SOURCE: DatasetSource = { dataset: 'synthetic-mvmc', seed: 1, testFraction: 0.2 };

export function addEvaluationSourceOptions(command: Command): Command {
  return command
    .requiredOption('-m, --model <file|dir>', 'model.ddnn, or the directory `ddnn train` wrote')
    .option(
      '-d, --dataset <name|file>',
      `${DATASET_HELP} (default: the one the model was trained on, from the run's metrics.json; else synthetic-mvmc)`,
    )
    .option(
      '-s, --seed <n>',
      'dataset seed (default: the training seed from metrics.json; else 1)',
      intOption('seed', 0, 2 ** 32 - 1),
    )
    .option('--test-size <n>', 'built-in datasets: test samples', intOption('test-size', 1, 1e6))
    .option(
      '--test-fraction <f>',
      'dataset files: fraction held out for test (default: as trained; else 0.2)',
      floatOption('test-fraction', 0.01, 0.9),
    )
    .option('--backend <name>', 'tfjs backend: wasm (default), cpu, tensorflow', backendOption);
}

/** What `ddnn train` recorded about its run directory (null for a bare model file). */
async function readRunMetrics(
  path: string,
): Promise<{ datasetSource?: DatasetSource; threshold?: number } | null> {
  if (path.endsWith('.ddnn')) return null;
  try {
    return JSON.parse(await readFile(runPaths(path).metrics, 'utf8')) as {
      datasetSource?: DatasetSource;
    };
  } catch {
    return null;
  }
}

/** The local exit threshold the run's partitions ship with (null without partitions). */
export async function shippedThreshold(path: string): Promise<number | null> {
  if (path.endsWith('.ddnn')) return null;
  const dir = runPaths(path).partitions;
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.ddnnp')).sort();
  } catch {
    return null;
  }
  if (!files.length) return null;
  const { manifest } = decodePartition(new Uint8Array(await readFile(join(dir, files[0]))));
  return manifest.thresholds.local;
}

export async function loadEvaluationSource(flags: EvaluationSourceFlags): Promise<{
  model: DdnnModel;
  test: MultiViewDataset;
  description: string;
  shippedThreshold: number | null;
}> {
  await initEngineBackend(flags.backend);
  const model = await readModel(flags.model);
  try {
    const recorded = (await readRunMetrics(flags.model))?.datasetSource ?? DEFAULT_SOURCE;
    const source: DatasetSource = {
      dataset: flags.dataset ?? recorded.dataset,
      seed: flags.seed ?? recorded.seed,
      testFraction: flags.testFraction ?? recorded.testFraction,
      ...((flags.testSize ?? recorded.testSize) !== undefined
        ? { testSize: flags.testSize ?? recorded.testSize }
        : {}),
      ...(recorded.trainSize !== undefined ? { trainSize: recorded.trainSize } : {}),
    };
    const { test, description } = await loadDataset(source.dataset, source);
    return { model, test, description, shippedThreshold: await shippedThreshold(flags.model) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
