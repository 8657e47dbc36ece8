import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { exportPartitionToC } from '@ddnn/device-runtime';

interface ExportFlags {
  target: 'c';
  partition: string;
  out: string;
  modelVersion?: string;
  symbol?: string;
}

function targetOption(value: string): 'c' {
  if (value === 'c') return value;
  throw new InvalidArgumentError(`the only export target is c, got "${value}"`);
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'turn a device partition (binary) or the local aggregator into dependency-free C99 (.c + .h), bit-exact with the engine',
    )
    .requiredOption('--target <target>', 'what to generate: c', targetOption)
    .requiredOption('--partition <file>', 'a .ddnnp partition file (device or local tier)')
    .requiredOption('--out <dir>', 'directory for the sources (created if missing)')
    .option('--model-version <label>', 'the model version to embed, e.g. "paper-mvmc v3"')
    .option('--symbol <name>', 'C identifier prefix (default ddnn_device<N> or ddnn_local)')
    .action(async (flags: ExportFlags) => {
      const bytes = new Uint8Array(await readFile(flags.partition));
      const exported = exportPartitionToC(bytes, {
        modelVersion: flags.modelVersion,
        symbol: flags.symbol,
      });
      await mkdir(flags.out, { recursive: true });
      const paths: string[] = [];
      for (const file of exported.files) {
        const path = join(flags.out, file.name);
        await writeFile(path, file.content);
        paths.push(path);
      }
      const what =
        exported.tier === 'device' ? `device ${exported.deviceIndex}` : 'local aggregator';
      const sizes =
        exported.tier === 'device'
          ? `; static RAM ${exported.staticRamBytes} B beyond the view, const tables ${exported.tableBytes} B (flash on AVR)`
          : '';
      process.stdout.write(
        `${what} (partition sha256 ${exported.partitionSha256}): wrote ${paths.join(', ')}${sizes}\n`,
      );
    });
}
