import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AVR_CLOCK_HZ, AVR_MCU, simulateOnAvr } from './avr-simulation';
import { exportPartitionToC, type CExport } from './c-export';

/** What the C export of a device partition needs, from its geometry (no compiler involved). */
export interface McuFootprint {
  export: CExport;
  /** Bytes of one view, which the caller holds in RAM. */
  viewBytes: number;
  /** Static RAM the generated code reserves beyond the view. */
  staticRamBytes: number;
  /** Const tables (flash on AVR): weights, thresholds, the pixel table, exit scores. */
  tableBytes: number;
}

export interface AvrMeasurement {
  mcu: string;
  clockHz: number;
  /** The generated code alone (its object file): flash and static RAM. */
  flashBytes: number;
  ramBytes: number;
  /** Peak stack of the harness calling the run function (includes its output arrays). */
  stackBytes: number;
  /** Cycles of one view, per probe view. */
  cycles: number[];
  probes: string[];
}

export function mcuFootprint(partition: Uint8Array): McuFootprint {
  const exported = exportPartitionToC(partition);
  const header = exported.files[0].content;
  const viewBytes = Number(/_VIEW_BYTES (\d+)/.exec(header)?.[1] ?? 0);
  return {
    export: exported,
    viewBytes,
    staticRamBytes: exported.staticRamBytes,
    tableBytes: exported.tableBytes,
  };
}

/** Deterministic probe views: black, mid grey and pseudo-random bytes. */
function probeViews(size: number): { name: string; view: Uint8Array }[] {
  let state = 12345;
  const random = new Uint8Array(size).map(() => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  });
  return [
    { name: 'black', view: new Uint8Array(size) },
    { name: 'grey', view: new Uint8Array(size).fill(128) },
    { name: 'random bytes', view: random },
  ];
}

/**
 * Measures the exported device on an ATmega2560 in simavr (needs gcc-avr, avr-libc, simavr):
 * flash and RAM from avr-size, cycles per view from Timer1 on three probe views.
 */
export function measureOnAvr(partition: Uint8Array): AvrMeasurement {
  const footprint = mcuFootprint(partition);
  const probes = probeViews(footprint.viewBytes);
  const dir = mkdtempSync(join(tmpdir(), 'ddnn-avr-'));
  try {
    const sim = simulateOnAvr(
      footprint.export,
      probes.map((p) => p.view),
      dir,
    );
    return {
      mcu: AVR_MCU,
      clockHz: AVR_CLOCK_HZ,
      flashBytes: sim.exportFlashBytes,
      ramBytes: sim.exportRamBytes,
      stackBytes: sim.stackBytes,
      cycles: sim.results.map((r) => r.cycles),
      probes: probes.map((p) => p.name),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
