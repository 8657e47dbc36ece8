import { z } from 'zod';

export const modelName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'letters, digits, ".", "_" and "-" (1-100 characters)',
  );

export const aliasName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,49}$/,
    'lower-case letters, digits, "_" and "-", starting with a letter',
  );

/** Version numbers are PostgreSQL integers: 1 .. 2^31 - 1. */
export const MAX_VERSION_NUMBER = 2_147_483_647;

export const versionNumber = z
  .number()
  .int()
  .min(1)
  .max(MAX_VERSION_NUMBER, `version numbers are 1..${MAX_VERSION_NUMBER}`);

/** Free text (descriptions, client names): PostgreSQL text cannot hold a NUL character. */
export const plainText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), {
      message: 'must not contain a NUL character (\\u0000)',
    });

export const createModelSchema = z.strictObject({
  name: modelName,
  description: plainText(1000).optional(),
  /** An engine DdnnConfig, whole or partial: missing fields come from the paper's MVMC one. */
  config: z.record(z.string(), z.unknown()).optional(),
});

export const moveAliasSchema = z.strictObject({
  modelName,
  alias: aliasName,
  version: versionNumber,
});

export const versionStatuses = ['READY', 'ARCHIVED'] as const;

export const listVersionsSchema = z.strictObject({
  modelName: modelName.optional(),
  alias: aliasName.optional(),
  status: z.enum(versionStatuses).optional(),
  first: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).default(0),
});
export type ListVersionsInput = z.input<typeof listVersionsSchema>;
