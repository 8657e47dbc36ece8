import type { ConvBlockLayout } from './device-layout';
import { pooledSize } from '@ddnn/model-spec';
import { TableBinaryConv } from './table-binary-conv';
import { setTableConvWasmEnabled, tableConvWasmFile } from './table-conv-wasm';

/** Deterministic pseudo-random 32-bit integers (xorshift32). */
function randomInts(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomBlock(
  next: () => number,
  h: number,
  w: number,
  cin: number,
  filters: number,
  stride: number,
): ConvBlockLayout {
  const kernel = Float32Array.from({ length: 9 * cin * filters }, () => (next() & 1 ? 1 : -1));
  const full = 9 * cin;
  const bias = Float32Array.from({ length: filters }, () => (next() % (2 * full)) - full + 0.5);
  const bn = Array.from({ length: filters }, (_, f) => {
    // some filters never (gamma 0, beta < 0) or always (gamma 0, beta > 0) reach; some inverted
    const kind = f % 5;
    const gamma = kind === 3 ? 0 : kind === 4 ? -((next() % 7) + 1) / 3 : ((next() % 7) + 1) / 3;
    const beta = kind === 3 ? (next() & 1 ? 1 : -1) : ((next() % 9) - 4) / 2;
    return { mean: (next() % 11) - 5, gamma, beta, norm: ((next() % 5) + 1) / 2 };
  });
  return {
    inHeight: h,
    inWidth: w,
    inChannels: cin,
    outHeight: pooledSize(h, stride),
    outWidth: pooledSize(w, stride),
    filters,
    poolStride: stride,
    kernel,
    bias,
    bn,
  };
}

describe('TableBinaryConv: the WASM SIMD kernel and the JavaScript one', () => {
  it('the compiled kernel is built and loads here (npm run build:kernels)', () => {
    expect(tableConvWasmFile()).not.toBeNull();
    const next = randomInts(1);
    expect(new TableBinaryConv(randomBlock(next, 4, 4, 24, 16, 1)).usesWasm).toBe(true);
    expect(new TableBinaryConv(randomBlock(next, 4, 4, 24, 16, 1), 24, false).usesWasm).toBe(false);
    // turned off (as when it cannot load): the JavaScript kernel
    setTableConvWasmEnabled(false);
    try {
      expect(new TableBinaryConv(randomBlock(next, 4, 4, 24, 16, 1)).usesWasm).toBe(false);
    } finally {
      setTableConvWasmEnabled(true);
    }
    // other lane counts keep the JavaScript kernel
    expect(new TableBinaryConv(randomBlock(next, 4, 4, 24, 12, 1)).usesWasm).toBe(false);
  });

  it('set the same bits on random blocks, inputs and thresholds (13-16 filters)', () => {
    const next = randomInts(20261204);
    let compared = 0;
    let setBits = 0;
    for (const [h, w] of [
      [1, 1],
      [1, 5],
      [4, 1],
      [3, 7],
      [16, 16],
    ]) {
      for (const filters of [13, 14, 15, 16]) {
        for (const cin of [1, 8, 9, 24, 28]) {
          const stride = 1 + (next() & 1);
          const block = randomBlock(next, h, w, cin, filters, stride);
          const active = cin > 2 && next() % 3 === 0 ? cin - 1 - (next() % 2) : cin;
          const simd = new TableBinaryConv(block, active);
          const js = new TableBinaryConv(block, active, false);
          expect(simd.usesWasm).toBe(true);
          for (let sample = 0; sample < 3; sample++) {
            // channel c at bit 31 - c; inactive and missing channels zero
            const keep = active === 32 ? -1 : ~(-1 >>> active);
            const input = Int32Array.from({ length: h * w }, () => next() & keep);
            const words = block.outHeight * block.outWidth;
            const a = new Int32Array(words);
            const b = new Int32Array(words);
            simd.run(input, a, 1);
            js.run(input, b, 1);
            expect(Array.from(a)).toEqual(Array.from(b));
            compared++;
            for (const word of b) setBits += word === 0 ? 0 : 1;
          }
        }
      }
    }
    expect(compared).toBe(5 * 4 * 5 * 3);
    expect(setBits).toBeGreaterThan(compared); // not all zero words
  });
});
