import { Injectable } from '@nestjs/common';
import {
  DATASET_HEAD_PROBE_BYTES,
  decodeDatasetHead,
  readDatasetHead,
  renderContactSheet,
} from '@ddnn/datasets';
import { PrismaService } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { z } from 'zod';
import { parseInput } from '../common/zod-validation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const contactSheetQuerySchema = z.strictObject({
  samples: z.coerce.number().int().min(1).max(32).default(8),
  split: z.enum(['train', 'test']).default('train'),
});

/** The contact sheet of a stored dataset (the CLI's `dataset preview`), as PNG bytes. */
@Injectable()
export class DatasetPreviewService {
  constructor(private readonly prisma: PrismaService) {}

  async contactSheet(idOrName: string, query: unknown): Promise<Buffer> {
    const { samples, split } = parseInput(contactSheetQuerySchema, query, 'contact sheet request');
    const row = await this.prisma.client.dataset.findFirst({
      where: UUID.test(idOrName)
        ? { OR: [{ id: idOrName }, { name: idOrName }] }
        : { name: idOrName },
      select: { id: true },
    });
    if (!row) throw new DomainError(ErrorCode.DatasetNotFound, `no dataset "${idOrName}"`);
    // Only the prefix holding the first samples is read (dataset-head.ts): a few hundred KB
    // rather than the whole split, which made a preview take seconds.
    const probe = await this.prefix(row.id, split, DATASET_HEAD_PROBE_BYTES);
    const length = readDatasetHead(probe).prefixBytes(samples);
    const prefix = length <= probe.length ? probe : await this.prefix(row.id, split, length);
    const dataset = decodeDatasetHead(prefix, samples);
    return renderContactSheet(dataset, { count: dataset.numSamples });
  }

  private async prefix(id: string, split: 'train' | 'test', length: number): Promise<Uint8Array> {
    const rows =
      split === 'train'
        ? await this.prisma.client.$queryRaw<{ head: Uint8Array }[]>`
            SELECT substring("trainData" FROM 1 FOR ${length}) AS head FROM datasets WHERE id = ${id}::uuid`
        : await this.prisma.client.$queryRaw<{ head: Uint8Array }[]>`
            SELECT substring("testData" FROM 1 FOR ${length}) AS head FROM datasets WHERE id = ${id}::uuid`;
    if (rows.length === 0) throw new DomainError(ErrorCode.DatasetNotFound, `no dataset ${id}`);
    return rows[0].head;
  }
}
