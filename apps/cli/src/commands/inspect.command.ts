import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { decodePartition, PartitionManifest } from '@ddnn/partition-format';
import { CExportError, measureOnAvr, mcuFootprint } from '@ddnn/device-runtime';

/** The C export's needs for a binary device partition: computed, and measured with --avr. */
function microcontrollerLines(
  bytes: Uint8Array,
  manifest: PartitionManifest,
  avr: boolean,
): string[] {
  if (manifest.tier !== 'device' || !manifest.binary) return [];
  let footprint;
  try {
    footprint = mcuFootprint(bytes);
  } catch (error) {
    if (!(error instanceof CExportError)) throw error;
    return [`microcontroller: no C export (${error.message})`];
  }
  const lines = [
    'microcontroller (ddnn export --target c), from the geometry:',
    `  view ${footprint.viewBytes} B in the caller's RAM; static RAM of the generated code ${footprint.staticRamBytes} B; const tables ${footprint.tableBytes} B (flash on AVR)`,
  ];
  if (!avr) {
    lines.push('  (--avr measures flash, RAM and cycles on an ATmega2560 in simavr)');
    return lines;
  }
  const m = measureOnAvr(bytes);
  const ms = (cycles: number) => ((cycles / m.clockHz) * 1000).toFixed(1);
  lines.push(
    `measured on an ${m.mcu} in simavr (avr-gcc -O2, ${m.clockHz / 1e6} MHz):`,
    `  generated code: flash ${m.flashBytes} B, static RAM ${m.ramBytes} B; peak stack of a caller ${m.stackBytes} B`,
    ...m.cycles.map(
      (c, i) => `  one view (${m.probes[i]}): ${c} cycles = ${ms(c)} ms at ${m.clockHz / 1e6} MHz`,
    ),
  );
  return lines;
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description("print a partition's manifest and sizes (verifies its sha256)")
    .argument('<partition>', 'a .ddnnp partition file')
    .option('--json', 'print the manifest as JSON only')
    .option(
      '--avr',
      'for a binary device partition, measure its C export on an ATmega2560 in simavr (needs gcc-avr, avr-libc, simavr)',
    )
    .action(async (file: string, flags: { json?: boolean; avr?: boolean }) => {
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
        ...microcontrollerLines(bytes, manifest, flags.avr ?? false),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
