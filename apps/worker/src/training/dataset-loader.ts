import { decodeDataset, MultiViewDataset } from '@ddnn/datasets';
import type { DatasetsRepository } from '@ddnn/persistence';

/** Reads a dataset's encoded splits from PostgreSQL: a worker needs no shared disk. */
export async function loadDatasetSplits(
  datasets: DatasetsRepository,
  datasetId: string,
): Promise<{ train: MultiViewDataset; test: MultiViewDataset; classNames: string[] }> {
  const row = await datasets.readSplits(datasetId);
  return {
    train: decodeDataset(row.trainData),
    test: decodeDataset(row.testData),
    classNames: row.classNames,
  };
}
