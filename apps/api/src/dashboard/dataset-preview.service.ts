import { Injectable } from '@nestjs/common';
import { decodeDataset, renderContactSheet } from '@ddnn/datasets';
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
      select: { trainData: split === 'train', testData: split === 'test' },
    });
    if (!row) throw new DomainError(ErrorCode.DatasetNotFound, `no dataset "${idOrName}"`);
    const bytes = split === 'train' ? row.trainData : row.testData;
    const dataset = decodeDataset(bytes);
    return renderContactSheet(dataset, { count: Math.min(samples, dataset.numSamples) });
  }
}
