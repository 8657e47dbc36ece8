import { INFERENCE_HEADER_CONTENT_LENGTH } from './oip-names';

/**
 * The binary tensor data extension of the Open Inference Protocol (Triton), both directions: the
 * body starts with `Inference-Header-Content-Length` bytes of JSON request; every input whose
 * `parameters.binary_data_size` is set carries no `data` and its raw little-endian bytes follow,
 * in input order. A 128-byte packed feature map then costs 128 bytes, not ~500 of JSON.
 * The platform decodes (decodeBinaryBody), its clients encode (encodeBinaryRequest).
 */
export const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  FP64: 8,
};

/** A binary body that does not follow the extension; the message says what is wrong. */
export class BinaryTensorDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BinaryTensorDataError';
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const bad = (message: string) => new BinaryTensorDataError(message);

/**
 * The elements of one binary input. UINT8 stays a view on the body (zero-copy) and FP32 a
 * Float32Array (a view when 4-byte aligned, else one copy); other datatypes become arrays.
 */
function readElements(
  name: string,
  datatype: string,
  bytes: Buffer,
): (number | boolean)[] | Uint8Array | Float32Array {
  if (datatype === 'UINT8') return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (datatype === 'FP32' && LITTLE_ENDIAN) {
    if (bytes.byteOffset % 4 === 0) {
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    }
    const copy = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(copy.buffer).set(bytes);
    return copy;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = ELEMENT_BYTES[datatype];
  const count = bytes.byteLength / size;
  const out = new Array<number | boolean>(count);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    switch (datatype) {
      case 'BOOL': {
        // One byte per element, exactly 0 (false) or 1 (true), as the extension specifies.
        const byte = view.getUint8(at);
        if (byte > 1)
          throw bad(
            `input "${name}": BOOL element ${i} is the byte ${byte}; BOOL bytes must be 0 or 1`,
          );
        out[i] = byte === 1;
        break;
      }
      case 'UINT8':
        out[i] = view.getUint8(at);
        break;
      case 'INT8':
        out[i] = view.getInt8(at);
        break;
      case 'UINT16':
        out[i] = view.getUint16(at, true);
        break;
      case 'INT16':
        out[i] = view.getInt16(at, true);
        break;
      case 'UINT32':
        out[i] = view.getUint32(at, true);
        break;
      case 'INT32':
        out[i] = view.getInt32(at, true);
        break;
      case 'FP32':
        out[i] = view.getFloat32(at, true);
        break;
      case 'FP64':
        out[i] = view.getFloat64(at, true);
        break;
    }
  }
  return out;
}

/** An input's datatype can travel as binary data, and `size` bytes hold whole elements of it. */
function checkBinaryInput(
  input: { name?: unknown; datatype?: unknown },
  size: unknown,
): asserts size is number {
  const elementBytes = ELEMENT_BYTES[String(input.datatype)];
  if (!elementBytes)
    throw bad(
      `input "${input.name}": datatype ${input.datatype} cannot be sent as binary data here`,
    );
  if (
    typeof size !== 'number' ||
    !Number.isInteger(size) ||
    size < 0 ||
    size % elementBytes !== 0
  ) {
    throw bad(
      `input "${input.name}": binary_data_size must be a multiple of ${elementBytes} bytes, got ${JSON.stringify(size)}`,
    );
  }
}

/**
 * The elements of one input given as raw bytes outside a binary body (gRPC's
 * raw_input_contents), with decodeBinaryBody's checks and errors for an input whose
 * binary_data_size is `bytes.length`; UINT8 stays a view on `bytes`.
 */
export function decodeBinaryInput(
  input: { name: string; datatype: string },
  bytes: Buffer,
): (number | boolean)[] | Uint8Array | Float32Array {
  checkBinaryInput(input, bytes.length);
  return readElements(input.name, input.datatype, bytes);
}

/** Turns a binary-extension body into the equivalent JSON request (inputs get their `data`). */
export function decodeBinaryBody(body: Buffer, headerLengthValue: string | undefined): unknown {
  const headerLength = Number(headerLengthValue);
  if (
    headerLengthValue === undefined ||
    !Number.isInteger(headerLength) ||
    headerLength < 2 ||
    headerLength > body.length
  ) {
    throw bad(
      `a binary request needs an Inference-Header-Content-Length header between 2 and the body size (${body.length}), got ${JSON.stringify(headerLengthValue ?? null)}`,
    );
  }
  let header: {
    inputs?: {
      name?: string;
      datatype?: string;
      parameters?: Record<string, unknown>;
      data?: unknown;
    }[];
  };
  try {
    header = JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  } catch {
    throw bad(
      `the first ${headerLength} bytes (Inference-Header-Content-Length) are not a JSON inference request`,
    );
  }
  let offset = headerLength;
  for (const input of Array.isArray(header?.inputs) ? header.inputs : []) {
    const size = input?.parameters?.binary_data_size;
    if (size === undefined) continue;
    checkBinaryInput(input, size);
    if (offset + size > body.length) {
      throw bad(
        `input "${input.name}": binary_data_size ${size} runs past the end of the body (${body.length - offset} bytes left)`,
      );
    }
    input.data = readElements(
      String(input.name),
      String(input.datatype),
      body.subarray(offset, offset + size),
    );
    offset += size;
  }
  if (offset !== body.length) {
    throw bad(
      `${body.length - offset} bytes after the last binary input: binary_data_size values do not add up to the body`,
    );
  }
  return header;
}

/** One input sent as raw bytes (already little-endian, ELEMENT_BYTES per element). */
export interface BinaryInput {
  name: string;
  datatype: string;
  shape: number[];
  bytes: Uint8Array;
}

/**
 * A binary-extension request body and its headers (Content-Type, Inference-Header-Content-Length;
 * Content-Length is the caller's): every input as raw bytes, the named outputs asked for as JSON.
 */
export function encodeBinaryRequest(
  inputs: BinaryInput[],
  outputs?: string[],
): { body: Buffer; headerLength: number; headers: Record<string, string> } {
  const header = Buffer.from(
    JSON.stringify({
      inputs: inputs.map(({ name, datatype, shape, bytes }) => ({
        name,
        datatype,
        shape,
        parameters: { binary_data_size: bytes.length },
      })),
      ...(outputs ? { outputs: outputs.map((name) => ({ name })) } : {}),
    }),
  );
  return {
    body: Buffer.concat([header, ...inputs.map((i) => i.bytes)]),
    headerLength: header.length,
    headers: {
      'content-type': 'application/octet-stream',
      [INFERENCE_HEADER_CONTENT_LENGTH]: String(header.length),
    },
  };
}
