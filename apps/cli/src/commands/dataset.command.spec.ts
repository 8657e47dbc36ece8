import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBuiltinDataset,
  datasetSha256,
  decodeDataset,
  importDatasetFile,
  importMvmcNpz,
} from '@ddnn/datasets';
import { makeMvmcArrays, mvmcNpz } from '../../../../libs/datasets/src/testing/npz-writer';
import { runCli } from '../../../../test/support/run-cli';

const run = runCli;

describe('ddnn dataset export / convert', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ddnn-dataset-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exports a built-in dataset (train then test) as .ddnnds, exactly', async () => {
    const out = join(dir, 'mine.ddnnds');
    const text = await run(['dataset', 'export', '--dataset', 'synthetic-mvmc', '--out', out]);
    expect(text).toMatch(
      /wrote .*mine\.ddnnds \(ddnnds, \d+ bytes\): "synthetic-mvmc", 851 samples x 6 views of 32x32x3, 3 classes/,
    );
    const ds = decodeDataset(await readFile(out));
    const { train, test } = createBuiltinDataset('synthetic-mvmc', { seed: 1 });
    expect(ds.numSamples).toBe(train.numSamples + test.numSamples);
    expect(
      Buffer.from(ds.pixels.subarray(0, train.pixels.length)).equals(Buffer.from(train.pixels)),
    ).toBe(true);
    expect(
      Buffer.from(ds.pixels.subarray(train.pixels.length)).equals(Buffer.from(test.pixels)),
    ).toBe(true);
  });

  it('exports a PNG zip and converts it back to the same .ddnnds', async () => {
    const zip = join(dir, 'views.zip');
    const back = join(dir, 'back.ddnnds');
    await run(['dataset', 'export', '-d', 'mnist-6', '--split', 'test', '-n', '20', '-o', zip]);
    expect(await run(['dataset', 'convert', zip, back])).toMatch(/20 samples x 6 views of 10x14x1/);
    const { test } = createBuiltinDataset('mnist-6', { seed: 1 });
    const fromZip = await importDatasetFile(back);
    expect(
      Buffer.from(fromZip.pixels).equals(Buffer.from(test.pixels.subarray(0, 20 * 6 * 140))),
    ).toBe(true);
    expect(Array.from(fromZip.labels)).toEqual(Array.from(test.labels.subarray(0, 20)));
  });

  it('converts an MVMC-layout .npz to .ddnnds with a new name', async () => {
    const npz = join(dir, 'mvmc.npz');
    const bytes = mvmcNpz(makeMvmcArrays(7));
    await writeFile(npz, bytes);
    const out = join(dir, 'mvmc.ddnnds');
    await run(['dataset', 'convert', npz, out, '--name', 'cams']);
    const converted = decodeDataset(await readFile(out));
    expect(converted.name).toBe('cams');
    const direct = await importMvmcNpz(Buffer.from(bytes), { name: 'cams' });
    expect(datasetSha256(converted)).toBe(datasetSha256(direct));
  });

  it('explains what it cannot write', async () => {
    await expect(run(['dataset', 'export', '--out', join(dir, 'x.npz')])).rejects.toThrow(
      /expected a file name ending in \.ddnnds .* or \.zip/,
    );
    const npz = join(dir, 'f.npz');
    await writeFile(npz, mvmcNpz(makeMvmcArrays(2)));
    await expect(run(['dataset', 'convert', npz, join(dir, 'f.zip')])).rejects.toThrow(
      /float32 pixels; PNG holds 8-bit pixels only: export it as \.ddnnds/,
    );
    await expect(run(['dataset', 'export', '--split', 'dev', '-o', 'a.zip'])).rejects.toThrow(
      /split must be one of all, train, test/,
    );
  });
});
