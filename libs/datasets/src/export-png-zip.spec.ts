import { datasetSha256 } from './binary-format';
import { concatDatasets } from './concat-datasets';
import { selectSamples } from './dataset-subset';
import { encodeDatasetAs, exportFormatOfPath } from './export-dataset-file';
import { exportPngZip, PngZipExportError } from './export-png-zip';
import { importPngZip } from './import-png-zip';
import { createMnist6 } from './mnist-6';
import { tinyDataset } from './testing/tiny-dataset';

describe('exportPngZip', () => {
  it('round-trips an RGB dataset with an absent view exactly through importPngZip', async () => {
    const ds = tinyDataset('uint8', 5);
    const back = await importPngZip(Buffer.from(exportPngZip(ds)));
    expect(back.viewShape).toEqual([4, 5, 3]);
    expect(back.name).toBe(ds.name);
    expect(datasetSha256(back)).toBe(datasetSha256(ds));
    expect(back.viewLabels[1 * 2 + 1]).toBe(-1);
  });

  it('round-trips a grey (1-channel) dataset exactly', async () => {
    const { test } = createMnist6({ trainSize: 4, testSize: 6, seed: 3 });
    const back = await importPngZip(Buffer.from(exportPngZip(test)));
    expect(back.viewShape[2]).toBe(1);
    expect(Buffer.from(back.pixels)).toEqual(Buffer.from(test.pixels));
    expect(datasetSha256(back)).toBe(datasetSha256(test));
  });

  it('refuses float32 pixels, pointing to .ddnnds', () => {
    expect(() => exportPngZip(tinyDataset('float32'))).toThrow(PngZipExportError);
    expect(() => exportPngZip(tinyDataset('float32'))).toThrow(/export it as \.ddnnds/);
  });

  it('chooses the format from the file name and refuses others with the accepted ones', () => {
    expect(exportFormatOfPath('a/b.DDNNDS')).toBe('ddnnds');
    expect(exportFormatOfPath('b.zip')).toBe('png-zip');
    expect(() => exportFormatOfPath('b.npz')).toThrow(/\.ddnnds .* or \.zip/);
    expect(encodeDatasetAs(tinyDataset(), 'png-zip')[0]).toBe(0x50); // "PK"
  });
});

describe('concatDatasets', () => {
  it('appends samples in order and refuses datasets that do not match', () => {
    const ds = tinyDataset('uint8', 4);
    const joined = concatDatasets([selectSamples(ds, [0, 1]), selectSamples(ds, [2, 3])]);
    expect(datasetSha256(joined)).toBe(datasetSha256(ds));
    expect(() => concatDatasets([ds, tinyDataset('float32')])).toThrow(/must match/);
  });
});
