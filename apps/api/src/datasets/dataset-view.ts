import type { Dataset } from '@ddnn/persistence';

/** A dataset row without its encoded bytes: what clients see. */
export type DatasetRecord = Omit<Dataset, 'trainData' | 'testData'>;

export const DATASET_BYTES_OMITTED = { trainData: true, testData: true } as const;
