// AssemblyScript (not TypeScript): the bit-packed cloud's table convolution (TableBinaryConv in
// ../src/table-binary-conv.ts, 13-16 filters) with WASM SIMD. Compiled by `npm run build:kernels`
// into libs/device-runtime/wasm/table-conv.wasm and instantiated once per convolution on a memory
// of its own (imported), which holds the table, the input words, the `reached` words and the
// count limits at byte offsets the caller chooses. No static data, no allocation.
//
// Per pixel, the 16-byte table rows of every tap and input byte are added as four 32-bit words,
// exactly the JavaScript's four lane words (8-bit lane f = the mismatches of filter f, at most
// 9 * 28 = 252, so no lane carries into the next). Filter f reaches its threshold when its
// count is below limits[taps][f] (computed by the caller from the float threshold, see there),
// which sets bit 31 - f of the pixel's word.

/** Bit i of v (i < 16) to bit 31 - i. */
// prettier-ignore
function reverseLow16(v: u32): u32 {
  v = ((v >>> 1) & 0x5555) | ((v & 0x5555) << 1);
  v = ((v >>> 2) & 0x3333) | ((v & 0x3333) << 2);
  v = ((v >>> 4) & 0x0f0f) | ((v & 0x0f0f) << 4);
  v = ((v >>> 8) & 0x00ff) | ((v & 0x00ff) << 8);
  return v << 16;
}

/**
 * table: [9 taps][bpp bytes][256 values] rows of 16 bytes; input: h * w words; reached:
 * (h + 2) * (w + 2) words, the interior written (the border left as it is); limits: 10 rows of
 * 16 bytes, row t for pixels with t taps inside the image.
 */
export function tableReached(
  table: usize,
  input: usize,
  reached: usize,
  limits: usize,
  h: i32,
  w: i32,
  bpp: i32,
): void {
  const pw = w + 2;
  for (let y = 0; y < h; y++) {
    const ky0 = y === 0 ? 1 : 0;
    const ky1 = y === h - 1 ? 2 : 3;
    for (let x = 0; x < w; x++) {
      const kx0 = x === 0 ? 1 : 0;
      const kx1 = x === w - 1 ? 2 : 3;
      let acc = i32x4.splat(0);
      for (let ky = ky0; ky < ky1; ky++) {
        const row = input + ((<usize>((y + ky - 1) * w + x - 1)) << 2);
        for (let kx = kx0; kx < kx1; kx++) {
          const word = load<u32>(row + ((<usize>kx) << 2));
          let at = table + ((<usize>((ky * 3 + kx) * bpp)) << 12);
          for (let k = 0; k < bpp; k++) {
            const value = (word >>> (24 - 8 * k)) & 255;
            acc = i32x4.add(acc, v128.load(at + ((<usize>value) << 4)));
            at += 4096;
          }
        }
      }
      const taps = (ky1 - ky0) * (kx1 - kx0);
      const below = v128.load(limits + ((<usize>taps) << 4));
      const bits = i8x16.bitmask(i8x16.lt_u(acc, below));
      store<u32>(reached + ((<usize>((y + 1) * pw + x + 1)) << 2), reverseLow16(bits));
    }
  }
}
