import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuiltinDataset } from '@ddnn/datasets';
import { packSigns } from '@ddnn/partition-format';
import {
  createModel,
  cutPartitions,
  initEngineBackend,
  PAPER_MVMC_CONFIG,
  PartitionedModel,
  PreparedData,
  trainModel,
  type DdnnConfigInput,
  type MultiViewData,
} from '@ddnn/engine';
import { TOY_CONFIG, toyData } from '../../../ddnn/src/testing/toy-data';
import { exportPartitionToC } from './c-export';
import { AVR_CLOCK_HZ, simulateOnAvr } from './avr-simulation';
import { requireTool, run, STRICT_C99, writeFiles } from './c-toolchain';
import { deviceHostHarness } from './testing/host-harness';

/**
 * The same generated source on an ATmega2560 (avr-gcc, simavr): a handful of views per model,
 * results bit for bit the engine's, with cycles, flash and RAM printed. The views include ones
 * whose windows needed the exact float32 sums (the int64 path), found by the host build.
 */
beforeAll(async () => {
  for (const tool of ['gcc', 'avr-gcc', 'avr-size', 'simavr']) requireTool(tool);
  await initEngineBackend('wasm');
});

function toyBytes(n: number, seed: number): MultiViewData {
  const data = toyData(n, seed);
  const pixels = Uint8Array.from(data.pixels as Float32Array, (v) =>
    Math.min(255, Math.round(v * 255)),
  );
  return { ...data, pixels };
}

const mvmc = createBuiltinDataset('synthetic-mvmc', { seed: 3, trainSize: 96, testSize: 171 });

const CASES: {
  name: string;
  config: DdnnConfigInput;
  train: MultiViewData;
  test: MultiViewData;
}[] = [
  {
    name: 'paper MVMC device partition (32x32x3 view, 4 filters, FC 1024 -> 3)',
    config: PAPER_MVMC_CONFIG,
    train: mvmc.train,
    test: mvmc.test,
  },
  {
    name: 'toy device partition with 2 binary blocks of 3 filters',
    config: { ...TOY_CONFIG, device: { blocks: 2, filters: 3, poolStride: 2, binary: true } },
    train: toyBytes(64, 3),
    test: toyBytes(100, 4),
  },
];

describe.each(CASES)('C export on an ATmega2560 in simavr: $name', (c) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ddnn-avr-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bit-exact scores and features on a handful of views, with cycles, flash and RAM', async () => {
    const model = createModel(c.config, 1);
    await trainModel(model, c.train, { epochs: 2, batchSize: 16, learningRate: 0.01, seed: 2 });
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    model.dispose();
    const devices = parts.filter((p) => p.manifest.tier === 'device');

    // the host build finds the device and views whose windows need the exact sums (the int64
    // path), so the AVR runs it too
    const n = c.test.numSamples;
    const V = c.test.numViews;
    const raw = c.test.pixels as Uint8Array;
    const viewSize = raw.length / (n * V);
    const viewsOf = (d: number) => {
      const all = new Uint8Array(n * viewSize);
      for (let i = 0; i < n; i++) {
        all.set(raw.subarray((i * V + d) * viewSize, (i * V + d + 1) * viewSize), i * viewSize);
      }
      return all;
    };
    const hostExactCounts = (d: number) => {
      const exported = exportPartitionToC(devices[d].bytes);
      const sym = exported.symbol;
      writeFiles(dir, exported.files);
      writeFileSync(join(dir, `${sym}_main.c`), deviceHostHarness(sym));
      const exe = join(dir, `${sym}_host`);
      run('gcc', [
        ...STRICT_C99,
        '-O2',
        '-o',
        exe,
        join(dir, `${sym}.c`),
        join(dir, `${sym}_main.c`),
      ]);
      const out = run(exe, [String(n)], viewsOf(d)).stdout;
      const record = out.length / n;
      return Array.from({ length: n }, (_, i) => out.readUInt16LE((i + 1) * record - 2));
    };
    const counts = devices.map((_, d) => hostExactCounts(d));
    const total = (k: number[]) => k.reduce((a, b) => a + b, 0);
    const d = counts.reduce((best, k, i) => (total(k) > total(counts[best]) ? i : best), 0);
    const exactCounts = counts[d];
    const exported = exportPartitionToC(devices[d].bytes, { modelVersion: 'avr test' });
    const withExact = exactCounts.flatMap((k, i) => (k > 0 ? [i] : [])).slice(0, 3);
    const picked = [
      ...withExact,
      ...[0, 1, 2, 3, 4, 5].filter((i) => !withExact.includes(i)),
    ].slice(0, 6);
    const all = viewsOf(d);
    const views = picked.map((i) => all.slice(i * viewSize, (i + 1) * viewSize));

    const sim = simulateOnAvr(exported, views, dir);

    const engine = PartitionedModel.load(parts.filter((p) => p.manifest.tier !== 'cloud'));
    try {
      const prepared = new PreparedData(
        {
          ...c.test,
          numSamples: picked.length,
          labels: new Int32Array(picked.length),
          viewLabels: new Int32Array(picked.length * V),
          pixels: Uint8Array.from(
            picked.flatMap((i) =>
              Array.from(raw.subarray(i * V * viewSize, (i + 1) * V * viewSize)),
            ),
          ),
        },
        model.config.numClasses,
      );
      const expected = engine.runDevice(d, prepared.perDevice[d], picked.length);
      const C = model.config.numClasses;
      const perSample = expected.features.length / picked.length;
      sim.results.forEach((r, i) => {
        expect(r.scores).toEqual(
          Array.from(new Uint32Array(expected.scores.slice(i * C, (i + 1) * C).buffer)),
        );
        expect(Array.from(r.features)).toEqual(
          Array.from(packSigns(expected.features.subarray(i * perSample, (i + 1) * perSample))),
        );
        expect(r.exactWindows).toBe(exactCounts[picked[i]]);
      });
    } finally {
      engine.dispose();
    }
    const cycles = sim.results.map((r) => r.cycles);
    const ms = (k: number) => ((k / AVR_CLOCK_HZ) * 1000).toFixed(1);
    process.stdout.write(
      [
        `${c.name}, device ${d}, on atmega2560 (${sim.optimization}):`,
        `  cycles per view: ${cycles.join(', ')} (${cycles.map(ms).join(', ')} ms at 16 MHz); exact windows: ${sim.results.map((r) => r.exactWindows).join(', ')}`,
        `  firmware: flash ${sim.flashBytes} B, static RAM ${sim.staticRamBytes} B (of which the view buffer ${sim.viewBufferBytes} B), peak stack ${sim.stackBytes} B`,
        `  generated code alone: flash ${sim.exportFlashBytes} B, static RAM ${sim.exportRamBytes} B`,
        '',
      ].join('\n'),
    );
    expect(sim.results.length).toBe(views.length);
    // what `ddnn inspect` computes from the geometry is what avr-size measures
    expect(sim.exportRamBytes).toBe(exported.staticRamBytes);
    expect(sim.exportFlashBytes).toBeGreaterThan(exported.tableBytes);
  });
});
