import { z } from 'zod';

/** Open Inference Protocol v2 (KServe / Triton) request and response bodies, REST/JSON. */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

// Checked as an array only: its values are checked once, by decodeRequest, against the model
// (element-wise zod parsing of 18k-value tensors costs more than the inference itself). Binary
// tensor data arrives as typed arrays over the body (UINT8, FP32): no copy, no per-value boxing.
export type TensorData = unknown[] | Uint8Array | Float32Array;
const tensorData = z.custom<TensorData>(
  (value) => Array.isArray(value) || value instanceof Uint8Array || value instanceof Float32Array,
  'must be an array (flat or nested)',
);

export const inferRequestSchema = z.object({
  id: z.string().max(256).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  inputs: z
    .array(
      z.object({
        name: z.string().min(1),
        shape: z.array(z.number().int().min(0)).min(1),
        datatype: z.enum(OIP_DATATYPES),
        parameters: z.record(z.string(), z.unknown()).optional(),
        data: tensorData,
      }),
    )
    .min(1, 'at least one input is required'),
  outputs: z.array(z.object({ name: z.string() })).optional(),
});
export type InferRequest = z.output<typeof inferRequestSchema>;
export type InferInput = InferRequest['inputs'][number];

export interface OutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

export interface InferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: OutputTensor[];
}

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
}

/** Server metadata (GET /v2, gRPC ServerMetadata): the extensions are those actually served. */
export const OIP_SERVER = {
  name: 'ddnn-platform',
  version: '0.1.0',
  extensions: ['binary_tensor_data', 'statistics'],
} as const;
