/**
 * Working buffers as plain JS arrays instead of typed arrays, for the hottest loops. Once any
 * ArrayBuffer in the process has been detached (WebAssembly memory growth does it, so does a
 * transfer), V8 checks for detachment on every typed-array access in optimised code, which
 * made the first layer ~25% slower; plain arrays of unboxed doubles or small integers have no
 * such check and are as fast otherwise. Each element takes 8 bytes.
 */
export const PLAIN_ARRAY_ELEMENT_BYTES = 8;

/** `length` zeros held as unboxed doubles (V8's PACKED_DOUBLE_ELEMENTS). */
export function doubleArray(length: number): number[] {
  // a non-integer first makes the elements kind double; then zeros
  return Array.from({ length }, () => 0.5).fill(0);
}

/** `length` zeros held as small integers (V8's PACKED_SMI_ELEMENTS); keep values int32. */
export function intArray(length: number): number[] {
  return Array.from({ length }, () => 0);
}
