import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, cutPartitions, initEngineBackend, PAPER_MVMC_CONFIG } from '@ddnn/engine';
import { sha256Hex } from '@ddnn/partition-format';
import { runCli } from '../../../../test/support/run-cli';

const run = runCli;

describe('ddnn export --target c and inspect of a device partition', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  beforeAll(async () => {
    await initEngineBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'ddnn-cli-export-'));
    const model = createModel(PAPER_MVMC_CONFIG, 1);
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    model.dispose();
    for (const p of parts) {
      const name =
        p.manifest.tier === 'device' ? `device${p.manifest.deviceIndex}` : p.manifest.tier;
      await writeFile(file(`${name}.ddnnp`), p.bytes);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a C99 header and source that embed the version and sha256 and compile cleanly', async () => {
    const out = await run([
      'export',
      '--target',
      'c',
      '--partition',
      file('device0.ddnnp'),
      '--out',
      file('c'),
      '--model-version',
      'paper-mvmc v3',
    ]);
    const sha = sha256Hex(new Uint8Array(await readFile(file('device0.ddnnp'))));
    expect(out).toMatch(`device 0 (partition sha256 ${sha}): wrote`);
    expect(out).toMatch(/static RAM \d+ B beyond the view, const tables \d+ B/);
    const header = await readFile(file('c/ddnn_device0.h'), 'utf8');
    expect(header).toContain(`#define DDNN_DEVICE0_PARTITION_SHA256 "${sha}"`);
    expect(header).toContain('#define DDNN_DEVICE0_MODEL_VERSION "paper-mvmc v3"');
    expect(header).toContain('#define DDNN_DEVICE0_VIEW_BYTES 3072');
    expect(header).toContain('#define DDNN_DEVICE0_FEATURE_BYTES 128');
    const source = await readFile(file('c/ddnn_device0.c'), 'utf8');
    // no heap, no floating-point type in the device code (comments aside)
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code).not.toMatch(/\b(malloc|calloc|float|double)\b/);
    expect(code).toMatch(/\bint64_t\b/);
    const gcc = spawnSync(
      'gcc',
      [
        '-std=c99',
        '-pedantic',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-c',
        '-o',
        file('d.o'),
        file('c/ddnn_device0.c'),
      ],
      { encoding: 'utf8' },
    );
    expect(gcc.stderr).toBe('');
    expect(gcc.status).toBe(0);

    await run(['export', '--target', 'c', '--partition', file('local.ddnnp'), '--out', file('c')]);
    expect(await readFile(file('c/ddnn_local.h'), 'utf8')).toContain(
      '#define DDNN_LOCAL_DEVICES 6',
    );
  });

  it('refuses other targets and tiers with a clear message', async () => {
    await expect(
      run(['export', '--target', 'wasm', '--partition', file('device0.ddnnp'), '--out', dir]),
    ).rejects.toThrow(/the only export target is c, got "wasm"/);
    await expect(
      run(['export', '--target', 'c', '--partition', file('cloud.ddnnp'), '--out', dir]),
    ).rejects.toThrow(
      /covers device partitions and the local aggregator; this partition is the cloud tier/,
    );
    await expect(run(['export', '--target', 'c', '--out', dir])).rejects.toThrow(
      /required option '--partition <file>'/,
    );
  });

  it('inspect shows the microcontroller footprint, and measures it in simavr with --avr', async () => {
    const plain = await run(['inspect', file('device0.ddnnp')]);
    expect(plain).toMatch(
      /view 3072 B in the caller's RAM; static RAM of the generated code \d+ B; const tables \d+ B/,
    );
    expect(await run(['inspect', file('local.ddnnp')])).not.toMatch(/microcontroller/);
    const measured = await run(['inspect', '--avr', file('device0.ddnnp')]);
    expect(measured).toMatch(/measured on an atmega2560 in simavr/);
    expect(measured).toMatch(/one view \(random bytes\): \d+ cycles = [\d.]+ ms at 16 MHz/);
  });
});
