import { Inject, Injectable } from '@nestjs/common';
import {
  createBuiltinDataset,
  DatasetImportError,
  DatasetImportErrorCode,
  encodeDataset,
  type ImportLimits,
  importMvmcNpz,
  importPlatformDataset,
  importPngZip,
  MultiViewDataset,
  splitDataset,
} from '@ddnn/datasets';
import type { PlatformConfig } from '@ddnn/contracts';
import { PrismaService } from '@ddnn/persistence';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { parseInput } from '../common/zod-validation';
import {
  CreateBuiltinDatasetInput,
  createBuiltinDatasetSchema,
  UploadFormat,
  uploadFieldsSchema,
} from './dataset-inputs';
import { DATASET_BYTES_OMITTED, DatasetRecord } from './dataset-view';
import { receiveUpload } from './multipart-upload';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class DatasetsService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  list(): Promise<DatasetRecord[]> {
    return this.prisma.client.dataset.findMany({
      omit: DATASET_BYTES_OMITTED,
      orderBy: { createdAt: 'asc' },
    });
  }

  /** By id or by name. */
  async get(idOrName: string): Promise<DatasetRecord> {
    const found = await this.prisma.client.dataset.findFirst({
      where: UUID.test(idOrName)
        ? { OR: [{ id: idOrName }, { name: idOrName }] }
        : { name: idOrName },
      omit: DATASET_BYTES_OMITTED,
    });
    if (!found) throw new DomainError(ErrorCode.DatasetNotFound, `no dataset "${idOrName}"`);
    return found;
  }

  async createBuiltin(input: unknown): Promise<DatasetRecord> {
    const parsed: CreateBuiltinDatasetInput = parseInput(
      createBuiltinDatasetSchema,
      input,
      'built-in dataset request',
    );
    const name = parsed.name ?? parsed.builtin;
    await this.assertNameFree(name);
    let splits: { train: MultiViewDataset; test: MultiViewDataset };
    try {
      splits = createBuiltinDataset(parsed.builtin, {
        seed: parsed.seed,
        trainSize: parsed.trainSize,
        testSize: parsed.testSize,
      });
    } catch (error) {
      // The generator refuses sizes it cannot serve (e.g. more MNIST digits than it ships).
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `cannot create "${parsed.builtin}": ${(error as Error).message}`,
      );
    }
    const { train, test } = splits;
    return this.store(name, `builtin:${parsed.builtin}`, train, test);
  }

  /** Creates the built-in dataset unless one of that name exists (start-up seeding). */
  async ensureBuiltin(input: unknown): Promise<DatasetRecord> {
    const parsed = parseInput(createBuiltinDatasetSchema, input, 'built-in dataset request');
    const existing = await this.prisma.client.dataset.findUnique({
      where: { name: parsed.name ?? parsed.builtin },
      omit: DATASET_BYTES_OMITTED,
    });
    return existing ?? this.createBuiltin(input);
  }

  /** Multipart upload: validated and imported completely before anything is stored. */
  async upload(request: FastifyRequest): Promise<DatasetRecord> {
    const upload = await receiveUpload(request);
    try {
      const fields = parseInput(uploadFieldsSchema, upload.fields, 'upload fields');
      const format = fields.format ?? formatFromFileName(upload.fileName);
      await this.assertNameFree(fields.name);
      const limits = {
        maxBytes: this.config.UPLOAD_MAX_BYTES,
        maxPixels: this.config.UPLOAD_MAX_PIXELS,
        maxSamples: this.config.UPLOAD_MAX_SAMPLES,
      };
      const dataset = await importUpload(format, upload.path, fields.name, limits).catch(
        (error: unknown) => {
          throw uploadLimitError(error) ?? error;
        },
      );
      const { train, test } = splitDataset(dataset, {
        testFraction: fields.testFraction,
        seed: fields.splitSeed,
      });
      return await this.store(fields.name, format, train, test);
    } finally {
      await upload.cleanup();
    }
  }

  private async assertNameFree(name: string): Promise<void> {
    const existing = await this.prisma.client.dataset.findUnique({
      where: { name },
      select: { id: true },
    });
    if (existing)
      throw new DomainError(ErrorCode.AlreadyExists, `a dataset named "${name}" exists`);
  }

  private async store(
    name: string,
    format: string,
    train: MultiViewDataset,
    test: MultiViewDataset,
  ): Promise<DatasetRecord> {
    const trainData = encodeDataset(train);
    const testData = encodeDataset(test);
    const sha256 = createHash('sha256').update(trainData).update(testData).digest('hex');
    return this.prisma.client.dataset.create({
      data: {
        name,
        format,
        viewCount: train.numViews,
        viewNames: [...train.viewNames],
        classNames: [...train.classNames],
        viewShape: [...train.viewShape],
        trainSize: train.numSamples,
        testSize: test.numSamples,
        sizeBytes: trainData.byteLength + testData.byteLength,
        sha256,
        trainData,
        testData,
      },
      omit: DATASET_BYTES_OMITTED,
    });
  }
}

function importUpload(
  format: UploadFormat,
  path: string,
  name: string,
  limits: Partial<ImportLimits>,
): Promise<MultiViewDataset> {
  switch (format) {
    case 'ddnnds':
      return importPlatformDataset(path, limits);
    case 'mvmc-npz':
      return importMvmcNpz(path, { name, limits });
    case 'png-zip':
      return importPngZip(path, { name, limits });
  }
}

/** An import refused by a configured bound becomes a 413 naming the variable that sets it. */
function uploadLimitError(error: unknown): DomainError | undefined {
  if (!(error instanceof DatasetImportError)) return undefined;
  let variable: string;
  if (error.code === DatasetImportErrorCode.TooManyPixels) variable = 'UPLOAD_MAX_PIXELS';
  else if (error.code === DatasetImportErrorCode.TooManySamples) variable = 'UPLOAD_MAX_SAMPLES';
  else return undefined;
  return new DomainError(ErrorCode.PayloadTooLarge, `${error.message} (${variable})`, {
    reason: error.code,
    limit: variable,
  });
}

function formatFromFileName(fileName: string): UploadFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.ddnnds')) return 'ddnnds';
  if (lower.endsWith('.npz')) return 'mvmc-npz';
  if (lower.endsWith('.zip')) return 'png-zip';
  throw new DomainError(
    ErrorCode.ValidationFailed,
    `cannot tell the format of "${fileName}": name the file *.ddnnds (platform format), *.npz (MVMC layout) ` +
      'or *.zip (PNG views + manifest), or send a "format" field (ddnnds | mvmc-npz | png-zip)',
  );
}
