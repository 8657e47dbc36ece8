/**
 * A small self-describing container of named float32 arrays plus a JSON header:
 *   magic (8 ASCII bytes) | u32 LE header length | header JSON (UTF-8) | padding to 4 | float32 data
 * Used for whole-model files and training checkpoints.
 */
export interface BundleEntry {
  name: string;
  shape: number[];
  data: Float32Array;
}

interface EntryHeader {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export function encodeBundle(magic: string, meta: unknown, entries: BundleEntry[]): Uint8Array {
  if (magic.length !== 8) throw new Error('bundle magic must be 8 characters');
  let offset = 0;
  const headers: EntryHeader[] = entries.map((e) => {
    const h = { name: e.name, shape: e.shape, offset, length: e.data.length };
    offset += e.data.length;
    return h;
  });
  const header = new TextEncoder().encode(JSON.stringify({ meta, entries: headers }));
  const dataStart = align4(12 + header.length);
  const out = new Uint8Array(dataStart + offset * 4);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  const floats = new Float32Array(out.buffer, dataStart, offset);
  for (let i = 0; i < entries.length; i++) floats.set(entries[i].data, headers[i].offset);
  return out;
}

export function decodeBundle<M>(
  magic: string,
  bytes: Uint8Array,
): { meta: M; entries: BundleEntry[] } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== magic) {
    throw new Error(`not a ${magic} file (bad magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error(`${magic} file is truncated (header)`);
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as {
    meta: M;
    entries: EntryHeader[];
  };
  const dataStart = align4(12 + headerLength);
  const total = parsed.entries.reduce((n, e) => n + e.length, 0);
  if (dataStart + total * 4 > bytes.length) throw new Error(`${magic} file is truncated (data)`);
  // copy so the result is aligned whatever the source buffer's offset
  const floats = new Float32Array(bytes.slice(dataStart, dataStart + total * 4).buffer);
  const entries = parsed.entries.map((e) => {
    if (e.shape.reduce((a, b) => a * b, 1) !== e.length) {
      throw new Error(`${magic} entry ${e.name}: shape does not match its length`);
    }
    return { name: e.name, shape: e.shape, data: floats.subarray(e.offset, e.offset + e.length) };
  });
  return { meta: parsed.meta, entries };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
