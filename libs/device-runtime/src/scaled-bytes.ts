import { BYTE_TO_FLOAT } from './float32-math';

/**
 * Recognises the float32 values that are scaled bytes, fround(u * (1 / 255)) as the engine's
 * PreparedData makes them, from their bit patterns: a multiplicative hash puts the 256 patterns
 * in distinct slots of a 1024-slot table, so a value is a scaled byte exactly when its slot
 * holds its own pattern. Integer work only (no float rounding), 5 KB of tables.
 */
const SLOT_SHIFT = 22;
/** Odd multiplier found by search for which the 256 patterns land in 256 distinct slots. */
const HASH_MULTIPLIER = 3549122963 | 0;
const SLOTS = 1 << (32 - SLOT_SHIFT);

const slotBits = new Int32Array(SLOTS);
const slotByte = new Uint8Array(SLOTS);
const patterns = new Int32Array(BYTE_TO_FLOAT.buffer, BYTE_TO_FLOAT.byteOffset, 256);
for (let u = 0; u < 256; u++) {
  const slot = Math.imul(patterns[u], HASH_MULTIPLIER) >>> SLOT_SHIFT;
  // empty slots keep pattern 0 (the byte 0), which itself hashes to its own slot only
  if (slotBits[slot] !== 0 || (u > 0 && slot === slotOf(0))) {
    throw new Error('scaled-byte hash collision');
  }
  slotBits[slot] = patterns[u];
  slotByte[slot] = u;
}

function slotOf(bits: number): number {
  return Math.imul(bits, HASH_MULTIPLIER) >>> SLOT_SHIFT;
}

/** Bytes of the lookup tables. */
export const SCALED_BYTE_TABLE_BYTES = slotBits.byteLength + slotByte.byteLength;

/** The byte u whose scaled value has float32 bit pattern `bits`, or -1 when there is none. */
export function scaledByte(bits: number): number {
  const slot = Math.imul(bits, HASH_MULTIPLIER) >>> SLOT_SHIFT;
  return slotBits[slot] === bits ? slotByte[slot] : -1;
}

/** The float32 bit patterns of a view (no copy). */
export function floatBits(view: Float32Array): Int32Array {
  return new Int32Array(view.buffer, view.byteOffset, view.length);
}
