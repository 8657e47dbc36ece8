import { z } from 'zod';
import { aliasName, modelName, plainText, versionNumber } from '../models/model-inputs';

export const createEnrollmentTokenSchema = z.strictObject({
  description: plainText(500).optional(),
  /** Lifetime; defaults to EDGE_ENROLLMENT_TTL_SECONDS (24 h). */
  expiresInSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600)
    .optional(),
});

export const registerClientSchema = z
  .strictObject({
    enrollmentToken: z.string().min(1).max(200),
    name: plainText(100).min(1),
    modelName,
    /** Follow this alias (e.g. production): the client gets whatever version it points at. */
    alias: aliasName.optional(),
    /** Or stay on this version number. */
    version: versionNumber.optional(),
    /** The end device (camera/sensor) this client plays, 0-based; < the model's numDevices. */
    deviceIndex: z.number().int().min(0).optional(),
    /** Runs the local aggregator of the device group (and answers or forwards to the cloud). */
    gateway: z.boolean().default(false),
  })
  .superRefine((input, ctx) => {
    if ((input.alias === undefined) === (input.version === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['alias'],
        message: 'give either an alias to follow or a version to pin, not both',
      });
    }
    if (input.deviceIndex === undefined && !input.gateway) {
      ctx.addIssue({
        code: 'custom',
        path: ['deviceIndex'],
        message: 'required unless the client is a gateway ("gateway": true)',
      });
    }
  });
export type RegisterClientInput = z.output<typeof registerClientSchema>;

const counter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const heartbeatSchema = z.strictObject({
  /** The version number the client is running now; null before its first download. */
  installedVersion: versionNumber.nullable().optional(),
  /** Totals since the client started; left out, the last reported ones stay. */
  counters: z
    .strictObject({
      samples: counter.default(0),
      localExits: counter.default(0),
      bytesSent: counter.default(0),
    })
    .optional(),
});
export type HeartbeatInput = z.output<typeof heartbeatSchema>;

export const edgeClientStatuses = ['ACTIVE', 'REVOKED'] as const;

export const listClientsSchema = z.strictObject({
  modelName: modelName.optional(),
  status: z.enum(edgeClientStatuses).optional(),
});

const nonNegativeInt = z
  .string()
  .regex(/^[0-9]{1,6}$/, 'a non-negative integer')
  .transform(Number);

/** Query of GET /edge/partition; everything optional, checked against the client's registration. */
export const partitionQuerySchema = z.strictObject({
  tier: z.enum(['device', 'local', 'edge', 'cloud']).optional(),
  deviceIndex: nonNegativeInt.optional(),
  model: z.string().max(200).optional(),
});
export type PartitionQuery = z.output<typeof partitionQuerySchema>;
