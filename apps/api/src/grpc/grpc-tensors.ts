import { decodeBinaryInput } from '@ddnn/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';

/** InferParameter as proto-loader decodes it (oneofs: true names the field that is set). */
export interface GrpcParameter {
  parameter_choice?: string;
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
}

interface GrpcContents {
  bool_contents: boolean[];
  int_contents: number[];
  int64_contents: number[];
  uint_contents: number[];
  uint64_contents: number[];
  fp32_contents: number[];
  fp64_contents: number[];
  bytes_contents: Buffer[];
}

export interface GrpcInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, GrpcParameter>;
  inputs: {
    name: string;
    datatype: string;
    shape: number[];
    parameters: Record<string, GrpcParameter>;
    contents?: GrpcContents | null;
  }[];
  outputs: { name: string; parameters: Record<string, GrpcParameter> }[];
  raw_input_contents: Buffer[];
}

/** Which InferTensorContents field carries each datatype (open_inference_grpc.proto). */
const CONTENTS_FIELD: Record<string, keyof GrpcContents> = {
  BOOL: 'bool_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

function plain(parameters: Record<string, GrpcParameter>): Record<string, unknown> | undefined {
  const entries = Object.entries(parameters ?? {});
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([key, p]) => [
      key,
      p.parameter_choice ? p[p.parameter_choice as keyof GrpcParameter] : undefined,
    ]),
  );
}

/** Plain values as InferParameters (strings, booleans, integers, doubles; others as JSON). */
export function grpcParameters(
  parameters: Record<string, unknown> | undefined,
): Record<string, GrpcParameter> {
  return Object.fromEntries(
    Object.entries(parameters ?? {}).map(([key, value]) => {
      if (typeof value === 'boolean') return [key, { bool_param: value }];
      if (typeof value === 'number')
        return [key, Number.isInteger(value) ? { int64_param: value } : { double_param: value }];
      return [key, { string_param: typeof value === 'string' ? value : JSON.stringify(value) }];
    }),
  );
}

function bad(message: string): DomainError {
  return new DomainError(ErrorCode.InvalidInferenceRequest, message);
}

/**
 * A ModelInferRequest as the REST request InferenceService reads: with raw_input_contents (what
 * Triton's clients send) what a binary tensor data body decodes to (one raw buffer per input in
 * order, checked and read as decodeBinaryBody does: UINT8 a view on the buffer); else the typed
 * `contents` of each input as JSON data.
 */
export function toOipRequest(request: GrpcInferRequest): { json: unknown } {
  const common = {
    ...(request.id ? { id: request.id } : {}),
    ...(plain(request.parameters) ? { parameters: plain(request.parameters) } : {}),
    ...(request.outputs.length > 0
      ? { outputs: request.outputs.map((o) => ({ name: o.name })) }
      : {}),
  };
  const raw = request.raw_input_contents;
  if (raw.length > 0) {
    if (raw.length !== request.inputs.length) {
      throw bad(
        `raw_input_contents has ${raw.length} entries for ${request.inputs.length} inputs: send one raw buffer per input, in input order`,
      );
    }
    // what decodeBinaryBody makes of the same request sent over REST, without the JSON round trip
    return {
      json: {
        ...common,
        inputs: request.inputs.map((input, i) => ({
          name: input.name,
          datatype: input.datatype,
          shape: input.shape,
          parameters: { binary_data_size: raw[i].length },
          data: decodeBinaryInput(input, raw[i]),
        })),
      },
    };
  }
  return {
    json: {
      ...common,
      inputs: request.inputs.map((input) => {
        const field = CONTENTS_FIELD[input.datatype];
        if (!field) throw bad(`input "${input.name}": unknown datatype ${input.datatype}`);
        const values = input.contents?.[field] ?? [];
        return {
          name: input.name,
          datatype: input.datatype,
          shape: input.shape,
          data: field === 'bytes_contents' ? values.map(String) : values,
        };
      }),
    },
  };
}
