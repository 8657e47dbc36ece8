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

const DATATYPES: ReadonlySet<string> = new Set(OIP_DATATYPES);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

const optionalRecord = (v: unknown) => v === undefined || isPlainObject(v);

function isWellFormedInput(input: unknown): boolean {
  if (!isPlainObject(input)) return false;
  const { name, shape, datatype, parameters, data } = input;
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    Array.isArray(shape) &&
    shape.length > 0 &&
    shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0) &&
    typeof datatype === 'string' &&
    DATATYPES.has(datatype) &&
    optionalRecord(parameters) &&
    (Array.isArray(data) || data instanceof Uint8Array || data instanceof Float32Array)
  );
}

/**
 * The hot path's check of a request: true only for a request inferRequestSchema accepts, which
 * is then used as it is (zod's parse builds a copy of every object, several microseconds per
 * request). Anything else goes through the schema, whose 400 lists every problem.
 */
export function isWellFormedInferRequest(json: unknown): json is InferRequest {
  if (!isPlainObject(json)) return false;
  const { id, parameters, inputs, outputs } = json;
  return (
    (id === undefined || (typeof id === 'string' && id.length <= 256)) &&
    optionalRecord(parameters) &&
    Array.isArray(inputs) &&
    inputs.length > 0 &&
    inputs.every(isWellFormedInput) &&
    (outputs === undefined ||
      (Array.isArray(outputs) &&
        outputs.every((o) => isPlainObject(o) && typeof o.name === 'string')))
  );
}

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
