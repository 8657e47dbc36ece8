import type { ProtocolSelection } from './training-protocol';

const MAGIC = 'DDNNPRO1';

/** Where a training protocol stood: its phase, what phase 1 chose, and the phase's checkpoint. */
export interface ProtocolCheckpoint {
  phase: 'select' | 'refit';
  /** Epochs of phase 1 (so global epoch numbers continue across phases). */
  selectEpochs: number;
  /** Set once phase 1 is done. */
  selection: ProtocolSelection | null;
  /** trainModel's own checkpoint of the current phase. */
  inner: Uint8Array;
}

/** magic (8 ASCII bytes) | u32 LE header length | header JSON | trainModel checkpoint bytes */
export function encodeProtocolCheckpoint(checkpoint: ProtocolCheckpoint): Uint8Array {
  const { inner, ...meta } = checkpoint;
  const header = new TextEncoder().encode(JSON.stringify(meta));
  const out = new Uint8Array(12 + header.length + inner.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(inner, 12 + header.length);
  return out;
}

export function decodeProtocolCheckpoint(bytes: Uint8Array): ProtocolCheckpoint {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) {
    throw new Error(
      `not a training-protocol checkpoint (magic "${magic}", expected "${MAGIC}"): it was written by an older version; restart the job`,
    );
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as Omit<
    ProtocolCheckpoint,
    'inner'
  >;
  return { ...meta, inner: bytes.slice(12 + length) };
}
