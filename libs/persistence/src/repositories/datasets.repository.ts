import type { Dataset, Prisma } from '../generated/client';
import type { DatabaseClient } from './database-client';

/** A dataset row without its encoded bytes: what clients see. */
export type DatasetRecord = Omit<Dataset, 'trainData' | 'testData'>;

const BYTES_OMITTED = { trainData: true, testData: true } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type DatasetSplit = 'train' | 'test';

/** Datasets: metadata rows and their encoded splits (libs/datasets' binary format). */
export class DatasetsRepository {
  constructor(private readonly db: DatabaseClient) {}

  list(): Promise<DatasetRecord[]> {
    return this.db.dataset.findMany({ omit: BYTES_OMITTED, orderBy: { createdAt: 'asc' } });
  }

  /** By id or by name (a name may look like a UUID: both are tried then). */
  findByIdOrName(idOrName: string): Promise<DatasetRecord | null> {
    return this.db.dataset.findFirst({
      where: UUID.test(idOrName)
        ? { OR: [{ id: idOrName }, { name: idOrName }] }
        : { name: idOrName },
      omit: BYTES_OMITTED,
    });
  }

  findByName(name: string): Promise<DatasetRecord | null> {
    return this.db.dataset.findUnique({ where: { name }, omit: BYTES_OMITTED });
  }

  create(data: Prisma.DatasetCreateInput): Promise<DatasetRecord> {
    return this.db.dataset.create({ data, omit: BYTES_OMITTED });
  }

  /** Both encoded splits: what a worker trains on (it needs no shared disk). */
  readSplits(
    id: string,
  ): Promise<{ trainData: Uint8Array; testData: Uint8Array; classNames: string[] }> {
    return this.db.dataset.findUniqueOrThrow({
      where: { id },
      select: { trainData: true, testData: true, classNames: true },
    });
  }

  /** The first `length` bytes of one encoded split, read in the database; null: no such row. */
  async readSplitPrefix(
    id: string,
    split: DatasetSplit,
    length: number,
  ): Promise<Uint8Array | null> {
    const rows =
      split === 'train'
        ? await this.db.$queryRaw<{ head: Uint8Array }[]>`
            SELECT substring("trainData" FROM 1 FOR ${length}) AS head FROM datasets WHERE id = ${id}::uuid`
        : await this.db.$queryRaw<{ head: Uint8Array }[]>`
            SELECT substring("testData" FROM 1 FOR ${length}) AS head FROM datasets WHERE id = ${id}::uuid`;
    return rows[0]?.head ?? null;
  }
}
