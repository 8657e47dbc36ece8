/**
 * Sign bits, 8 per byte, most significant bit first: bit 1 means +1 (value >= 0), 0 means -1.
 * The same packing is used for binary weights in partitions and for binary feature maps sent
 * from devices to the cloud.
 */
export function packSigns(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] >= 0) out[i >> 3] |= 0x80 >> (i & 7);
  }
  return out;
}

export function unpackSigns(
  bytes: Uint8Array,
  count: number,
  out: Float32Array = new Float32Array(count),
): Float32Array {
  if (bytes.length < Math.ceil(count / 8)) {
    throw new Error(`need ${Math.ceil(count / 8)} bytes for ${count} signs, got ${bytes.length}`);
  }
  for (let i = 0; i < count; i++) out[i] = bytes[i >> 3] & (0x80 >> (i & 7)) ? 1 : -1;
  return out;
}
