import { decodeDataset, MultiViewDataset } from '@ddnn/datasets';
import type { PrismaClient } from '@ddnn/persistence';

/** Reads a dataset's encoded splits from PostgreSQL: a worker needs no shared disk. */
export async function loadDatasetSplits(
  prisma: PrismaClient,
  datasetId: string,
): Promise<{ train: MultiViewDataset; test: MultiViewDataset; classNames: string[] }> {
  const row = await prisma.dataset.findUniqueOrThrow({
    where: { id: datasetId },
    select: { trainData: true, testData: true, classNames: true },
  });
  return {
    train: decodeDataset(row.trainData),
    test: decodeDataset(row.testData),
    classNames: row.classNames,
  };
}
