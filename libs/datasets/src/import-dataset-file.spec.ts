import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeDataset } from './binary-format';
import { DatasetImportErrorCode as Code } from './dataset-import-error';
import { importDatasetFile } from './import-dataset-file';
import { makeMvmcArrays, mvmcNpz } from './testing/npz-writer';
import { tinyDataset } from './testing/tiny-dataset';

describe('importDatasetFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dataset-file-'));

  it('chooses the importer from the extension', async () => {
    writeFileSync(join(dir, 'a.ddnnds'), encodeDataset(tinyDataset()));
    writeFileSync(join(dir, 'b.npz'), mvmcNpz(makeMvmcArrays(3)));
    expect((await importDatasetFile(join(dir, 'a.ddnnds'))).name).toBe('tiny-uint8');
    expect((await importDatasetFile(join(dir, 'b.npz'))).viewShape).toEqual([32, 32, 3]);
  });

  it('refuses an unknown extension and a .zip that is really an npz', async () => {
    await expect(importDatasetFile(join(dir, 'c.h5'))).rejects.toMatchObject({
      code: Code.CorruptFile,
      message: expect.stringMatching(
        /cannot tell the format of .*c\.h5: expected \.ddnnds .*, \.npz .* or \.zip/,
      ),
    });
    writeFileSync(join(dir, 'd.zip'), mvmcNpz(makeMvmcArrays(2)));
    await expect(importDatasetFile(join(dir, 'd.zip'))).rejects.toMatchObject({
      code: Code.MissingEntry,
    });
  });

  it('refuses a path that does not exist', async () => {
    await expect(importDatasetFile(join(dir, 'missing.ddnnds'))).rejects.toMatchObject({
      code: Code.CorruptFile,
      message: expect.stringMatching(/cannot read .*missing\.ddnnds/),
    });
  });
});
