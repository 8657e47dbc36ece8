import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { renderContactSheet } from '@ddnn/datasets';
import { intOption } from './cli-options';
import { DATASET_HELP, loadDataset } from './dataset-source';

export function registerDatasetCommands(program: Command): void {
  const dataset = program.command('dataset').description('look at datasets');
  dataset
    .command('preview')
    .description("render a few samples' views as one PNG contact sheet (one row per sample)")
    .option('-d, --dataset <name|file>', DATASET_HELP, 'synthetic-mvmc')
    .option('-n, --samples <n>', 'how many samples', intOption('samples', 1, 64), 8)
    .option('-s, --seed <n>', 'dataset seed', intOption('seed', 0, 2 ** 32 - 1), 1)
    .option('-o, --out <file>', 'PNG file to write', 'dataset-preview.png')
    .action(async (flags: { dataset: string; samples: number; seed: number; out: string }) => {
      const { train } = await loadDataset(flags.dataset, { seed: flags.seed, testFraction: 0.2 });
      const png = renderContactSheet(train, { count: flags.samples });
      await writeFile(flags.out, png);
      process.stdout.write(
        `wrote ${flags.out} (${flags.samples} samples x ${train.numViews} views)\n`,
      );
    });
}
