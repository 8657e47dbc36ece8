import type { DatasetFileFormat } from '@ddnn/datasets';
import { z } from 'zod';

export const BUILTIN_DATASETS = ['synthetic-mvmc', 'mnist-6'] as const;
export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number];

export const datasetName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'letters, digits, ".", "_" and "-" (1-100 characters)',
  );

export const createBuiltinDatasetSchema = z.strictObject({
  builtin: z.enum(BUILTIN_DATASETS),
  /** Stored name; defaults to the builtin's name. */
  name: datasetName.optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  trainSize: z.number().int().min(1).max(100_000).optional(),
  testSize: z.number().int().min(1).max(100_000).optional(),
});
export type CreateBuiltinDatasetInput = z.output<typeof createBuiltinDatasetSchema>;

export const UPLOAD_FORMATS = [
  'ddnnds',
  'mvmc-npz',
  'png-zip',
] as const satisfies readonly DatasetFileFormat[];
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

export const uploadFieldsSchema = z.strictObject({
  name: datasetName,
  /** Optional when the file name ends in .ddnnds, .npz or .zip. */
  format: z.enum(UPLOAD_FORMATS).optional(),
  /** Fraction of samples held out as the test split (stratified by class, seeded). */
  testFraction: z.coerce.number().min(0.05).max(0.5).default(0.2),
  splitSeed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export type UploadFields = z.output<typeof uploadFieldsSchema>;
