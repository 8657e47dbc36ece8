import { Inject, Injectable } from '@nestjs/common';
import {
  createBuiltinDataset,
  DatasetImportError,
  DatasetImportErrorCode,
  datasetFormatOfPath,
  encodeDataset,
  importDatasetFile,
  MultiViewDataset,
  splitDataset,
} from '@ddnn/datasets';
import type { PlatformConfig } from '@ddnn/contracts';
import { DatasetsRepository } from '@ddnn/persistence';
import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { parseInput } from '../common/zod-validation';
import {
  CreateBuiltinDatasetInput,
  createBuiltinDatasetSchema,
  UPLOAD_FORMATS,
  UploadFormat,
  uploadFieldsSchema,
} from './dataset-inputs';
import { DatasetRecord } from './dataset-view';
import type { ReceivedUpload } from './multipart-upload';

@Injectable()
export class DatasetsService {
  constructor(
    private readonly repository: DatasetsRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  list(): Promise<DatasetRecord[]> {
    return this.repository.list();
  }

  /** By id or by name. */
  async get(idOrName: string): Promise<DatasetRecord> {
    const found = await this.repository.findByIdOrName(idOrName);
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
    const existing = await this.repository.findByName(parsed.name ?? parsed.builtin);
    return existing ?? this.createBuiltin(input);
  }

  /**
   * A received multipart upload (its file already on disk): validated and imported completely
   * before anything is stored. The caller removes the file afterwards.
   */
  async upload(upload: Omit<ReceivedUpload, 'cleanup'>): Promise<DatasetRecord> {
    const fields = parseInput(uploadFieldsSchema, upload.fields, 'upload fields');
    const format = fields.format ?? formatOfFileName(upload.fileName);
    await this.assertNameFree(fields.name);
    const limits = {
      maxBytes: this.config.UPLOAD_MAX_BYTES,
      maxPixels: this.config.UPLOAD_MAX_PIXELS,
      maxSamples: this.config.UPLOAD_MAX_SAMPLES,
    };
    const dataset = await importDatasetFile(upload.path, {
      format,
      name: fields.name,
      limits,
    }).catch((error: unknown) => {
      throw uploadLimitError(error) ?? error;
    });
    const { train, test } = splitDataset(dataset, {
      testFraction: fields.testFraction,
      seed: fields.splitSeed,
    });
    return this.store(fields.name, format, train, test);
  }

  private async assertNameFree(name: string): Promise<void> {
    const existing = await this.repository.findByName(name);
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
    return this.repository.create({
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
    });
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

/** The importers' own detection (by extension); a name it cannot place asks for the field. */
function formatOfFileName(fileName: string): UploadFormat {
  try {
    return datasetFormatOfPath(fileName);
  } catch (error) {
    throw new DomainError(
      ErrorCode.ValidationFailed,
      `${(error as Error).message}; or send a "format" field (${UPLOAD_FORMATS.join(' | ')})`,
    );
  }
}
