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

export const createModelSchema = z.strictObject({
  name: modelName,
  description: z.string().max(1000).optional(),
  /** An engine DdnnConfig, whole or partial: missing fields come from the paper's MVMC one. */
  config: z.record(z.string(), z.unknown()).optional(),
});

export const moveAliasSchema = z.strictObject({
  modelName,
  alias: aliasName,
  version: z.number().int().min(1),
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
