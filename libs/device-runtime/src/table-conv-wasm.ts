import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The compiled table kernel (libs/device-runtime/assembly/table-conv.ts). */
export interface TableConvKernel {
  tableReached(
    table: number,
    input: number,
    reached: number,
    limits: number,
    height: number,
    width: number,
    bytesPerPixel: number,
  ): void;
}

const WASM_FILE = join('libs', 'device-runtime', 'wasm', 'table-conv.wasm');

/**
 * The compiled kernel, found from here up: libs/device-runtime/wasm/ of the checkout, or the copy
 * that build:kernels puts in dist/libs/device-runtime/wasm/; or null.
 */
export function tableConvWasmFile(): string | null {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, WASM_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;

/** Turns the WASM table kernel off (the JavaScript one runs) or on again, for later convolutions. */
export function setTableConvWasmEnabled(on: boolean): void {
  enabled = on;
}

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const file = tableConvWasmFile();
      // no SIMD in this engine (or a damaged file): the JavaScript kernel runs instead
      if (file) compiled = new WebAssembly.Module(readFileSync(file));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The kernel on a memory of `bytes` (zeroed), or null when it is not built, loadable or enabled. */
export function tableConvKernel(
  bytes: number,
): { kernel: TableConvKernel; memory: WebAssembly.Memory } | null {
  if (!enabled) return null;
  const module = compiledModule();
  if (!module) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return { kernel: instance.exports as unknown as TableConvKernel, memory };
  } catch {
    // out of WASM memory reservations (V8 allows some thousands per process): the JS kernel runs
    return null;
  }
}
