import { zipSync, Zippable } from 'fflate';

/** Test helper: writes a .npy file exactly as numpy does (format 1.0, header padded to 64 bytes). */
export function writeNpy(
  descr: string,
  shape: number[],
  data: Float32Array | Int32Array | Float64Array | BigInt64Array | Uint8Array,
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Test helper: zips files (deflate level 0 = stored, as np.savez; 6 = as np.savez_compressed). */
export function writeZip(files: Record<string, Uint8Array>, level: 0 | 6 = 6): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) zippable[name] = [bytes, { level }];
  return zipSync(zippable);
}

export interface MvmcArrays {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** Test helper: random MVMC-layout arrays, X (N, 6, 3, 32, 32) and y (N, 6), absent = 3 with zero images. */
export function makeMvmcArrays(n: number, seed = 1): MvmcArrays {
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const view = 3 * 32 * 32;
  const x = new Float32Array(n * 6 * view);
  const y = new Int32Array(n * 6);
  for (let s = 0; s < n; s++) {
    const cls = s % 3;
    for (let cam = 0; cam < 6; cam++) {
      const absent = cam !== s % 6 && rand() < 0.3;
      y[s * 6 + cam] = absent ? 3 : cls;
      if (absent) continue;
      for (let i = 0; i < view; i++) x[(s * 6 + cam) * view + i] = Math.round(rand() * 255) / 255;
    }
  }
  return { x, y, n };
}

export function mvmcNpz(arrays: MvmcArrays, level: 0 | 6 = 6): Uint8Array {
  return writeZip(
    {
      'X.npy': writeNpy('<f4', [arrays.n, 6, 3, 32, 32], arrays.x),
      'y.npy': writeNpy('<i4', [arrays.n, 6], arrays.y),
    },
    level,
  );
}

/**
 * Test helper: rewrites the declared uncompressed size of every entry (local header and central
 * directory) so an archive lies about how much it inflates to, as a zip bomb does.
 */
export function forgeDeclaredSizes(zip: Uint8Array, declared: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, declared, true);
    if (signature === 0x02014b50) view.setUint32(i + 24, declared, true);
  }
  return out;
}
