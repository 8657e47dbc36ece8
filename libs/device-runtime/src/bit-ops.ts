/** Number of set bits of a 32-bit integer. */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The bit of value i in a word array packed most significant bit first. */
export function wordBit(i: number): number {
  return 1 << (31 - (i & 31));
}

/**
 * Packed bytes (MSB first, as in partitions and on the wire) to 32-bit words with the same bit
 * order: value i is bit 31 - (i mod 32) of word floor(i / 32). Bits past `count` stay zero.
 */
export function bytesToWords(bytes: Uint8Array, count: number, out: Int32Array): Int32Array {
  out.fill(0);
  const n = Math.ceil(count / 8);
  for (let k = 0; k < n; k++) out[k >> 2] |= bytes[k] << (24 - ((k & 3) << 3));
  const tail = count & 31;
  if (tail !== 0) out[count >> 5] &= ~(-1 >>> tail);
  return out;
}

export function wordsToBytes(words: Int32Array, byteCount: number, out: Uint8Array): void {
  for (let k = 0; k < byteCount; k++) out[k] = (words[k >> 2] >>> (24 - ((k & 3) << 3))) & 0xff;
}
