import { Injectable } from '@nestjs/common';
import {
  DATASET_HEAD_PROBE_BYTES,
  decodeDatasetHead,
  readDatasetHead,
  renderContactSheet,
} from '@ddnn/datasets';
import { DatasetsRepository, type DatasetSplit } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { z } from 'zod';
import { parseInput } from '../common/zod-validation';

export const contactSheetQuerySchema = z.strictObject({
  samples: z.coerce.number().int().min(1).max(32).default(8),
  split: z.enum(['train', 'test']).default('train'),
});

/** The contact sheet of a stored dataset (the CLI's `dataset preview`), as PNG bytes. */
@Injectable()
export class DatasetPreviewService {
  constructor(private readonly datasets: DatasetsRepository) {}

  async contactSheet(idOrName: string, query: unknown): Promise<Buffer> {
    const { samples, split } = parseInput(contactSheetQuerySchema, query, 'contact sheet request');
    const row = await this.datasets.findByIdOrName(idOrName);
    if (!row) throw new DomainError(ErrorCode.DatasetNotFound, `no dataset "${idOrName}"`);
    // Only the prefix holding the first samples is read (dataset-head.ts): a few hundred KB
    // rather than the whole split, which made a preview take seconds.
    const probe = await this.prefix(row.id, split, DATASET_HEAD_PROBE_BYTES);
    const length = readDatasetHead(probe).prefixBytes(samples);
    const prefix = length <= probe.length ? probe : await this.prefix(row.id, split, length);
    const dataset = decodeDatasetHead(prefix, samples);
    return renderContactSheet(dataset, { count: dataset.numSamples });
  }

  private async prefix(id: string, split: DatasetSplit, length: number): Promise<Uint8Array> {
    const head = await this.datasets.readSplitPrefix(id, split, length);
    if (!head) throw new DomainError(ErrorCode.DatasetNotFound, `no dataset ${id}`);
    return head;
  }
}
