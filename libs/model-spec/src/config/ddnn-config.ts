import { z } from 'zod';
import { DDNN_CONFIG_BOUNDS as B } from './config-bounds';

export const AGGREGATION_SCHEMES = ['MP', 'AP', 'CC'] as const;
export type AggregationScheme = (typeof AGGREGATION_SCHEMES)[number];

const convStack = z.object({
  /** ConvP blocks: conv 3x3 -> max-pool 3x3 (pad 1, stride poolStride) -> BatchNorm -> activation. */
  blocks: z.number().int().min(B.blocks.min).max(B.blocks.max),
  filters: z.number().int().min(B.filters.min).max(B.filters.max),
  poolStride: z.number().int().min(B.poolStride.min).max(B.poolStride.max),
  /** sign weights and sign activations (straight-through estimator) or float with ReLU. */
  binary: z.boolean(),
});

export const ddnnConfigSchema = z
  .object({
    numDevices: z.number().int().min(B.numDevices.min).max(B.numDevices.max),
    /** [height, width, channels] of one device's view. */
    inputShape: z
      .tuple([
        z.number().int().min(B.inputSide.min).max(B.inputSide.max),
        z.number().int().min(B.inputSide.min).max(B.inputSide.max),
        z.number().int().min(B.inputChannels.min).max(B.inputChannels.max),
      ])
      .default([32, 32, 3]),
    numClasses: z.number().int().min(B.numClasses.min).max(B.numClasses.max),
    device: convStack,
    localAggregator: z.enum(AGGREGATION_SCHEMES),
    /** Optional edge tier between devices and cloud: aggregates the devices' feature maps. */
    edge: convStack
      .extend({ aggregator: z.enum(AGGREGATION_SCHEMES) })
      .nullable()
      .default(null),
    /** How the cloud combines the devices' feature maps (ignored when an edge tier feeds it). */
    cloudAggregator: z.enum(AGGREGATION_SCHEMES),
    cloud: convStack,
  })
  .strict();

export type ConvStackConfig = z.infer<typeof convStack>;
export type DdnnConfig = z.infer<typeof ddnnConfigSchema>;
export type DdnnConfigInput = z.input<typeof ddnnConfigSchema>;

export class DdnnConfigError extends Error {
  constructor(
    /** Dotted path of the first offending field, e.g. "device.filters". */
    readonly field: string,
    message: string,
    readonly issues: { field: string; message: string }[],
  ) {
    super(message);
    this.name = 'DdnnConfigError';
  }
}

/** Validates a config object; every problem is reported, each naming its field. */
export function parseDdnnConfig(input: unknown): DdnnConfig {
  const result = ddnnConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    const text = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw new DdnnConfigError(issues[0].field, `invalid DDNN config: ${text}`, issues);
  }
  return result.data;
}
