import { Command } from 'commander';
import { DdnnModel, EngineBackendName, initEngineBackend } from '@ddnn/engine';
import type { MultiViewDataset } from '@ddnn/datasets';
import { backendOption, floatOption, intOption } from './cli-options';
import { DATASET_HELP, loadDataset } from './dataset-source';
import { readModel } from './model-files';

/** Flags shared by the commands that run a trained model on a dataset's test split. */
export interface EvaluationSourceFlags {
  model: string;
  dataset: string;
  seed: number;
  testSize?: number;
  testFraction: number;
  backend?: EngineBackendName;
}

export function addEvaluationSourceOptions(command: Command): Command {
  return command
    .requiredOption('-m, --model <file|dir>', 'model.ddnn, or the directory `ddnn train` wrote')
    .option('-d, --dataset <name|file>', DATASET_HELP, 'synthetic-mvmc')
    .option(
      '-s, --seed <n>',
      'dataset seed (use the training seed)',
      intOption('seed', 0, 2 ** 32 - 1),
      1,
    )
    .option('--test-size <n>', 'built-in datasets: test samples', intOption('test-size', 1, 1e6))
    .option(
      '--test-fraction <f>',
      'dataset files: fraction held out for test',
      floatOption('test-fraction', 0.01, 0.9),
      0.2,
    )
    .option('--backend <name>', 'tfjs backend: wasm (default), cpu, tensorflow', backendOption);
}

export async function loadEvaluationSource(
  flags: EvaluationSourceFlags,
): Promise<{ model: DdnnModel; test: MultiViewDataset }> {
  await initEngineBackend(flags.backend);
  const model = await readModel(flags.model);
  try {
    const { test } = await loadDataset(flags.dataset, {
      seed: flags.seed,
      testSize: flags.testSize,
      testFraction: flags.testFraction,
    });
    return { model, test };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
