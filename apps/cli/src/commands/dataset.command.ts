import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import {
  concatDatasets,
  encodeDatasetAs,
  exportFormatOfPath,
  importDatasetFile,
  MultiViewDataset,
  renderContactSheet,
  selectSamples,
} from '@ddnn/datasets';
import { intOption } from './cli-options';
import { DATASET_HELP, loadDataset } from './dataset-source';

const SPLITS = ['all', 'train', 'test'] as const;
type Split = (typeof SPLITS)[number];

function splitOption(value: string): Split {
  if ((SPLITS as readonly string[]).includes(value)) return value as Split;
  throw new InvalidArgumentError(`split must be one of ${SPLITS.join(', ')}, got "${value}"`);
}

export function registerDatasetCommands(program: Command): void {
  const dataset = program.command('dataset').description('look at, convert and export datasets');
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
  dataset
    .command('export')
    .description(
      'write a built-in dataset or a dataset file as .ddnnds (exact, what POST /datasets takes) or .zip (PNG views + manifest.json)',
    )
    .option('-d, --dataset <name|file>', DATASET_HELP, 'synthetic-mvmc')
    .option(
      '--split <split>',
      'all (train then test), train or test; a file is split with --seed and a 20 % test fraction',
      splitOption,
      'all',
    )
    .option(
      '-n, --samples <n>',
      'keep only the first n samples (default: all)',
      intOption('samples', 1, 200_000),
    )
    .option('-s, --seed <n>', 'dataset seed', intOption('seed', 0, 2 ** 32 - 1), 1)
    .option('--name <name>', 'dataset name stored in the file (default: the source name)')
    .requiredOption('-o, --out <file>', 'file to write: .ddnnds or .zip')
    .action(
      async (flags: {
        dataset: string;
        split: Split;
        samples?: number;
        seed: number;
        name?: string;
        out: string;
      }) => {
        const format = exportFormatOfPath(flags.out);
        const { train, test } = await loadDataset(flags.dataset, {
          seed: flags.seed,
          testFraction: 0.2,
        });
        const picked =
          flags.split === 'all'
            ? concatDatasets([train, test], train.name.replace(/\/train$/, ''))
            : flags.split === 'train'
              ? train
              : test;
        await writeDataset(limitSamples(picked, flags.samples, flags.name), format, flags.out);
      },
    );
  dataset
    .command('convert')
    .description(
      'convert a dataset file (.npz MVMC layout, .zip of PNG views, .ddnnds) to .ddnnds or .zip',
    )
    .argument('<input>', 'dataset file to read (.ddnnds, .npz or .zip)')
    .argument('<output>', 'file to write: .ddnnds or .zip')
    .option('--name <name>', 'dataset name stored in the file (default: the input name)')
    .action(async (input: string, output: string, flags: { name?: string }) => {
      const format = exportFormatOfPath(output);
      const ds = await importDatasetFile(input);
      await writeDataset(limitSamples(ds, undefined, flags.name), format, output);
    });
}

function limitSamples(ds: MultiViewDataset, samples: number | undefined, name?: string) {
  const n = Math.min(samples ?? ds.numSamples, ds.numSamples);
  const indices = Array.from({ length: n }, (_, i) => i);
  return n === ds.numSamples && !name ? ds : selectSamples(ds, indices, name ?? ds.name);
}

async function writeDataset(
  ds: MultiViewDataset,
  format: ReturnType<typeof exportFormatOfPath>,
  out: string,
): Promise<void> {
  const bytes = encodeDatasetAs(ds, format);
  await writeFile(out, bytes);
  const [h, w, c] = ds.viewShape;
  process.stdout.write(
    `wrote ${out} (${format}, ${bytes.length} bytes): "${ds.name}", ${ds.numSamples} samples x ${ds.numViews} views of ${h}x${w}x${c}, ${ds.classNames.length} classes\n`,
  );
}
