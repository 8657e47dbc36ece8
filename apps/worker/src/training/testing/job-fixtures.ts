import { createBuiltinDataset, encodeDataset } from '@ddnn/datasets';
import { PAPER_MVMC_CONFIG } from '@ddnn/engine';
import type { PrismaClient } from '@ddnn/persistence';

/** A model and a dataset row for specs whose jobs never read the data (one byte per split). */
export async function insertPlaceholderModel(
  prisma: PrismaClient,
): Promise<{ modelId: string; datasetId: string }> {
  const bytes = new Uint8Array([1]);
  const dataset = await prisma.dataset.create({
    data: {
      name: 'd',
      format: 'x',
      viewCount: 1,
      trainSize: 1,
      testSize: 1,
      sizeBytes: 2,
      sha256: '0'.repeat(64),
      trainData: bytes,
      testData: bytes,
    },
  });
  const model = await prisma.model.create({ data: { name: 'm', config: {} } });
  return { modelId: model.id, datasetId: dataset.id };
}

/** The paper's MVMC model and a tiny synthetic-mvmc dataset (24 train, 12 test samples). */
export async function insertTinyMvmc(prisma: PrismaClient, seed: number) {
  const { train, test } = createBuiltinDataset('synthetic-mvmc', {
    seed,
    trainSize: 24,
    testSize: 12,
  });
  const trainData = encodeDataset(train);
  const testData = encodeDataset(test);
  const dataset = await prisma.dataset.create({
    data: {
      name: 'tiny',
      format: 'builtin:synthetic-mvmc',
      viewCount: 6,
      viewNames: [...train.viewNames],
      classNames: [...train.classNames],
      viewShape: [...train.viewShape],
      trainSize: train.numSamples,
      testSize: test.numSamples,
      sizeBytes: trainData.length + testData.length,
      sha256: '0'.repeat(64),
      trainData: new Uint8Array(trainData),
      testData: new Uint8Array(testData),
    },
  });
  const model = await prisma.model.create({
    data: { name: 'mvmc', config: PAPER_MVMC_CONFIG as object },
  });
  return { modelId: model.id, datasetId: dataset.id, train };
}
