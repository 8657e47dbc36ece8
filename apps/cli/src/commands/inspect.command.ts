import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { decodePartition } from '@ddnn/partition-format';

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description("print a partition's manifest and sizes (verifies its sha256)")
    .argument('<partition>', 'a .ddnnp partition file')
    .option('--json', 'print the manifest as JSON only')
    .action(async (file: string, flags: { json?: boolean }) => {
      const bytes = new Uint8Array(await readFile(file));
      const { manifest, weights } = decodePartition(bytes);
      if (flags.json) {
        process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
        return;
      }
      const lines = [
        `${file}: ${manifest.tier}${manifest.deviceIndex !== null ? ` #${manifest.deviceIndex}` : ''} partition, format v${manifest.formatVersion}`,
        `size: ${bytes.length} B (weights ${weights.length} B, manifest ${bytes.length - weights.length - 12} B)`,
        `scheme: local ${manifest.scheme.local}, ${manifest.scheme.edge ? `edge ${manifest.scheme.edge}, ` : ''}cloud ${manifest.scheme.cloud}; ${manifest.binary ? 'binary' : 'float'}`,
        `classes: ${manifest.classNames.join(', ')}`,
        `thresholds: local ${manifest.thresholds.local}${manifest.thresholds.edge !== null ? `, edge ${manifest.thresholds.edge}` : ''}`,
        `weights sha256: ${manifest.weightsSha256} (verified)`,
        'inputs:',
        ...manifest.inputs.map(
          (i) => `  ${i.name} ${i.datatype} [${i.shape.join(', ')}]: ${i.description}`,
        ),
        'outputs:',
        ...manifest.outputs.map(
          (o) => `  ${o.name} ${o.datatype} [${o.shape.join(', ')}]: ${o.description}`,
        ),
        'tensors:',
        ...manifest.tensors.map(
          (t) => `  ${t.name} [${t.shape.join(', ')}] ${t.encoding} ${t.byteLength} B`,
        ),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
