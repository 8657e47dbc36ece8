import { ddnnConfigSchema } from '@ddnn/model-spec';
import { z } from 'zod';

export const PARTITION_FORMAT_VERSION = 1;
export const PARTITION_TIERS = ['device', 'local', 'edge', 'cloud'] as const;
export type PartitionTier = (typeof PARTITION_TIERS)[number];

const tensorSpec = z.object({
  /** Stable parameter name, e.g. "device2/block0/conv/kernel". */
  name: z.string().min(1),
  shape: z.array(z.number().int().min(1)),
  /** sign-bits: binary weights packed 8 per byte (MSB first, 1 = +1); float32: little-endian. */
  encoding: z.enum(['float32', 'sign-bits']),
  offset: z.number().int().min(0),
  byteLength: z.number().int().min(0),
});

const ioSpec = z.object({
  name: z.string(),
  datatype: z.enum(['FP32', 'BYTES', 'UINT8']),
  shape: z.array(z.number().int()),
  description: z.string(),
});

export const partitionManifestSchema = z.object({
  format: z.literal('ddnn-partition'),
  formatVersion: z.literal(PARTITION_FORMAT_VERSION),
  tier: z.enum(PARTITION_TIERS),
  /** Which end device (camera/sensor) this partition runs on; null for the other tiers. */
  deviceIndex: z.number().int().min(0).nullable(),
  /**
   * The whole model's config (scheme, binary flags, shapes) so a partition loads on its own;
   * validated as the engine validates a config, so every runtime can read it as a DdnnConfig.
   */
  modelConfig: ddnnConfigSchema,
  scheme: z.object({
    local: z.enum(['MP', 'AP', 'CC']),
    edge: z.enum(['MP', 'AP', 'CC']).nullable(),
    cloud: z.enum(['MP', 'AP', 'CC']),
  }),
  binary: z.boolean(),
  classNames: z.array(z.string()),
  thresholds: z.object({ local: z.number(), edge: z.number().nullable() }),
  inputs: z.array(ioSpec),
  outputs: z.array(ioSpec),
  tensors: z.array(tensorSpec),
  weightsByteLength: z.number().int().min(0),
  /** sha256 (hex) of the weights section. */
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type PartitionManifest = z.infer<typeof partitionManifestSchema>;
export type PartitionTensorSpec = z.infer<typeof tensorSpec>;
export type PartitionIoSpec = z.infer<typeof ioSpec>;
