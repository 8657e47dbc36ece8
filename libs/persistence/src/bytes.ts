/**
 * Prisma's Bytes fields take Uint8Array<ArrayBuffer>; engine output may be typed over
 * ArrayBufferLike. Passes plain buffers through and copies only a shared one.
 */
export function toDbBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : (new Uint8Array(bytes) as Uint8Array<ArrayBuffer>);
}
