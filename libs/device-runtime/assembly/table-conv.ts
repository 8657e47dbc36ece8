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

/** Adds the table rows of one tap (its rows start at `at`) for the input word's bpp bytes. */
function addTap(acc: v128, at: usize, word: u32, bpp: i32): v128 {
  acc = i32x4.add(acc, v128.load(at + ((<usize>(word >>> 24)) << 4)));
  if (bpp > 1) acc = i32x4.add(acc, v128.load(at + 4096 + ((<usize>((word >>> 16) & 255)) << 4)));
  if (bpp > 2) acc = i32x4.add(acc, v128.load(at + 8192 + ((<usize>((word >>> 8) & 255)) << 4)));
  if (bpp > 3) acc = i32x4.add(acc, v128.load(at + 12288 + ((<usize>(word & 255)) << 4)));
  return acc;
}

/** The pixel's word of `reached` from its lane sums and the limits row of its tap count. */
function reachedBits(acc: v128, limits: usize, taps: i32): u32 {
  const below = v128.load(limits + ((<usize>taps) << 4));
  return reverseLow16(i8x16.bitmask(i8x16.lt_u(acc, below)));
}

/**
 * table: [9 taps][bpp bytes][256 values] rows of 16 bytes; input: h * w words; reached:
 * (h + 2) * (w + 2) words, the interior written (the border left as it is); limits: 10 rows of
 * 16 bytes, row t for pixels with t taps inside the image. bpp: 1 to 4.
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
  const tapBytes = (<usize>bpp) << 12;
  const rowBytes = (<usize>w) << 2;
  for (let y = 0; y < h; y++) {
    const ky0 = y === 0 ? 1 : 0;
    const ky1 = y === h - 1 ? 2 : 3;
    const out = reached + ((<usize>((y + 1) * pw + 1)) << 2);
    for (let x = 0; x < w; x++) {
      let acc = i32x4.splat(0);
      // input word (y + ky - 1, x + kx - 1) with tap ky * 3 + kx
      const centre = input + ((<usize>(y * w + x)) << 2);
      if (ky0 === 0 && ky1 === 3 && x > 0 && x < w - 1) {
        // all 9 taps inside
        const up = centre - rowBytes - 4;
        const mid = centre - 4;
        const down = centre + rowBytes - 4;
        acc = addTap(acc, table, load<u32>(up), bpp);
        acc = addTap(acc, table + tapBytes, load<u32>(up + 4), bpp);
        acc = addTap(acc, table + 2 * tapBytes, load<u32>(up + 8), bpp);
        acc = addTap(acc, table + 3 * tapBytes, load<u32>(mid), bpp);
        acc = addTap(acc, table + 4 * tapBytes, load<u32>(mid + 4), bpp);
        acc = addTap(acc, table + 5 * tapBytes, load<u32>(mid + 8), bpp);
        acc = addTap(acc, table + 6 * tapBytes, load<u32>(down), bpp);
        acc = addTap(acc, table + 7 * tapBytes, load<u32>(down + 4), bpp);
        acc = addTap(acc, table + 8 * tapBytes, load<u32>(down + 8), bpp);
        store<u32>(out + ((<usize>x) << 2), reachedBits(acc, limits, 9));
        continue;
      }
      const kx0 = x === 0 ? 1 : 0;
      const kx1 = x === w - 1 ? 2 : 3;
      for (let ky = ky0; ky < ky1; ky++) {
        const row = input + ((<usize>((y + ky - 1) * w + x - 1)) << 2);
        for (let kx = kx0; kx < kx1; kx++) {
          const word = load<u32>(row + ((<usize>kx) << 2));
          acc = addTap(acc, table + <usize>(ky * 3 + kx) * tapBytes, word, bpp);
        }
      }
      const taps = (ky1 - ky0) * (kx1 - kx0);
      store<u32>(out + ((<usize>x) << 2), reachedBits(acc, limits, taps));
    }
  }
}
