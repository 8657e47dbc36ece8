import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';

/*
 * A strict reader for NumPy's .npy format (format versions 1.0, 2.0, 3.0). Hand-written on
 * purpose: the npm readers found (npyjs) parse the header with loose regexes and check neither the
 * magic, the byte order nor the data length, which an importer of untrusted files must do.
 */
export type NpyDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCRS: Record<string, { dtype: NpyDtype; bytes: number }> = {
  '<f4': { dtype: 'float32', bytes: 4 },
  '<f8': { dtype: 'float64', bytes: 8 },
  '<i4': { dtype: 'int32', bytes: 4 },
  '<i8': { dtype: 'int64', bytes: 8 },
  '|u1': { dtype: 'uint8', bytes: 1 },
  '<u1': { dtype: 'uint8', bytes: 1 },
};
const HEADER_PATTERN =
  /^\{\s*'descr'\s*:\s*'([^']+)'\s*,\s*'fortran_order'\s*:\s*(True|False)\s*,\s*'shape'\s*:\s*\(([^)]*)\)\s*,?\s*\}\s*$/;

/** Parses the header only; `what` names the array in error messages. */
export function parseNpyHeader(bytes: Uint8Array, what: string) {
  const corrupt = (detail: string) =>
    importError(Code.CorruptFile, `${what} is not a valid .npy file: ${detail}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw corrupt('missing the \\x93NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3)
    throw corrupt(`format version ${major}.${bytes[7]}, expected 1.0, 2.0 or 3.0`);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length)
    throw corrupt(`header length ${headerLength} runs past the end of the file`);
  const header = Buffer.from(bytes.subarray(8 + lengthBytes, dataOffset))
    .toString(major === 3 ? 'utf8' : 'latin1')
    .trim();
  const match = HEADER_PATTERN.exec(header);
  if (!match)
    throw corrupt(`header ${JSON.stringify(header.slice(0, 120))} is not a NumPy array header`);
  const [, descr, fortranOrder, shapeText] = match;
  const type = DESCRS[descr];
  if (!type) {
    throw importError(
      Code.WrongDtype,
      `${what} has dtype '${descr}', expected one of ${Object.keys(DESCRS).join(', ')} (little-endian)`,
    );
  }
  if (fortranOrder === 'True') {
    throw importError(
      Code.WrongShape,
      `${what} is stored in Fortran order, expected C order (numpy's default)`,
    );
  }
  const parts = shapeText.split(',').map((s) => s.trim());
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (!parts.every((p) => /^\d+$/.test(p)))
    throw corrupt(`shape (${shapeText}) is not a tuple of integers`);
  const shape = parts.map(Number);
  return { ...type, shape, dataOffset };
}

/** Parses a whole .npy file, checking that the data length matches the declared shape exactly. */
export function parseNpy(bytes: Uint8Array, what: string): NpyArray {
  const { dtype, bytes: itemBytes, shape, dataOffset } = parseNpyHeader(bytes, what);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * itemBytes;
  if (bytes.length - dataOffset !== expected) {
    throw importError(
      Code.CorruptFile,
      `${what} holds ${bytes.length - dataOffset} data bytes, expected ${expected} for shape (${shape.join(', ')}) of ${dtype}`,
    );
  }
  // Copy into a fresh, aligned buffer: zip entries are not 4/8-byte aligned.
  const raw = new Uint8Array(bytes.subarray(dataOffset)).buffer;
  const data =
    dtype === 'float32'
      ? new Float32Array(raw)
      : dtype === 'float64'
        ? new Float64Array(raw)
        : dtype === 'int32'
          ? new Int32Array(raw)
          : dtype === 'int64'
            ? new BigInt64Array(raw)
            : new Uint8Array(raw);
  return { dtype, shape, data };
}
