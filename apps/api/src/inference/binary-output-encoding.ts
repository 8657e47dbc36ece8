import { DomainError, ErrorCode } from '../common/domain-error';
import type { InferResponse, OutputTensor } from './oip-protocol';

/** What a request says about binary outputs (binary tensor data extension). */
export interface OutputEncodingRequest {
  parameters?: Record<string, unknown>;
  outputs?: { name?: unknown; parameters?: Record<string, unknown> }[];
}

function flag(value: unknown, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw new DomainError(
      ErrorCode.InvalidInferenceRequest,
      `${what} must be true or false, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * The outputs to send as binary: an output's own `parameters.binary_data` decides, else the
 * request's `parameters.binary_data_output` (what tritonclient sets when it names no outputs).
 */
export function binaryOutputNames(request: OutputEncodingRequest, outputs: string[]): Set<string> {
  const all = flag(request.parameters?.binary_data_output, 'parameters.binary_data_output');
  const binary = new Set<string>();
  for (const name of outputs) {
    const asked = request.outputs?.find((o) => o.name === name);
    const own = flag(asked?.parameters?.binary_data, `output "${name}": parameters.binary_data`);
    if (own ?? all ?? false) binary.add(name);
  }
  return binary;
}

/** Raw little-endian bytes of an output; BYTES elements are each a 4-byte length + the bytes. */
export function outputBytes(output: OutputTensor): Buffer {
  const n = output.data.length;
  switch (output.datatype) {
    case 'INT32': {
      const out = Buffer.alloc(4 * n);
      output.data.forEach((v, i) => out.writeInt32LE(Number(v), 4 * i));
      return out;
    }
    case 'FP32': {
      const out = Buffer.alloc(4 * n);
      output.data.forEach((v, i) => out.writeFloatLE(Number(v), 4 * i));
      return out;
    }
    case 'BOOL':
      return Buffer.from(output.data.map((v) => (v ? 1 : 0)));
    case 'BYTES': {
      const parts = output.data.map((v) => Buffer.from(String(v), 'utf8'));
      const out = Buffer.alloc(parts.reduce((sum, p) => sum + 4 + p.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.writeUInt32LE(part.length, offset);
        part.copy(out, offset + 4);
        offset += 4 + part.length;
      }
      return out;
    }
    default:
      throw new Error(`no binary encoding for output datatype ${output.datatype}`);
  }
}

/**
 * The response body: plain JSON when no output is binary; else the JSON header (binary outputs
 * carry `parameters.binary_data_size` and no `data`) followed by their bytes in output order,
 * with the header's length for the Inference-Header-Content-Length response header.
 */
export function encodeInferResponse(
  response: InferResponse,
  binary: Set<string>,
): { body: Buffer; headerLength?: number } {
  if (binary.size === 0) return { body: Buffer.from(JSON.stringify(response)) };
  const chunks: Buffer[] = [];
  const outputs = response.outputs.map((output) => {
    if (!binary.has(output.name)) return output;
    const bytes = outputBytes(output);
    chunks.push(bytes);
    return {
      name: output.name,
      datatype: output.datatype,
      shape: output.shape,
      parameters: { binary_data_size: bytes.length },
    };
  });
  const header = Buffer.from(JSON.stringify({ ...response, outputs }));
  return { body: Buffer.concat([header, ...chunks]), headerLength: header.length };
}
