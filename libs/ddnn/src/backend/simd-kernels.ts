import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The engine's SIMD training kernels (libs/ddnn/assembly/training-kernels.ts, AssemblyScript,
 * compiled by `npm run build:kernels`, part of `npm run build`), instantiated on the tfjs WASM
 * backend's own memory: they read and write tensors where tfjs keeps them, no copies. Each is
 * bit-identical to the JavaScript kernel it speeds up (fused-kernels.ts, wasm-max-pool-grad.ts);
 * without the compiled file those run instead.
 */
export interface SimdTrainingKernels {
  sign(x: number, out: number, n: number): void;
  straightThrough(dy: number, x: number, out: number, n: number): void;
  batchNormTraining(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    mean: number,
    variance: number,
    rows: number,
    channels: number,
    epsilon: number,
    scratch: number,
  ): void;
  batchNormTrainingGrad(
    dy: number,
    x: number,
    mean: number,
    variance: number,
    gamma: number,
    dMean: number,
    dVariance: number,
    dx: number,
    dGamma: number,
    dBeta: number,
    rows: number,
    channels: number,
    epsilon: number,
    scratch: number,
  ): void;
  maxPoolGrad(
    x: number,
    y: number,
    dy: number,
    dx: number,
    batch: number,
    inHeight: number,
    inWidth: number,
    channels: number,
    outHeight: number,
    outWidth: number,
    strideHeight: number,
    strideWidth: number,
    filterHeight: number,
    filterWidth: number,
    padTop: number,
    padLeft: number,
  ): void;
  conv2dBackpropFilter(
    x: number,
    dy: number,
    dw: number,
    batch: number,
    inHeight: number,
    inWidth: number,
    inChannels: number,
    outHeight: number,
    outWidth: number,
    outChannels: number,
    filterHeight: number,
    filterWidth: number,
    strideHeight: number,
    strideWidth: number,
    padTop: number,
    padLeft: number,
  ): void;
  matMulRows(
    a: number,
    aRow: number,
    aCol: number,
    b: number,
    c: number,
    cRow: number,
    cCol: number,
    rows: number,
    depth: number,
    cols: number,
  ): void;
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  conv2d(
    x: number,
    w: number,
    y: number,
    batch: number,
    inHeight: number,
    inWidth: number,
    inChannels: number,
    outHeight: number,
    outWidth: number,
    outChannels: number,
    filterHeight: number,
    filterWidth: number,
    strideHeight: number,
    strideWidth: number,
    padTop: number,
    padLeft: number,
  ): void;
}

const WASM_FILE = join('libs', 'ddnn', 'wasm', 'training-kernels.wasm');

/**
 * The compiled kernels, found from here up: libs/ddnn/wasm/ of the checkout, or the copy that
 * build:kernels puts in dist/libs/ddnn/wasm/ (for installs that ship dist/ alone); or null.
 */
export function simdKernelsFile(): string | null {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, WASM_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;
const instances = new WeakMap<WebAssembly.Memory, SimdTrainingKernels>();

/** Turns the SIMD kernels off (the JavaScript ones run) or on again: for A/B tests and benches. */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

export function simdKernelsEnabled(): boolean {
  return enabled;
}

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const file = simdKernelsFile();
    compiled = file ? new WebAssembly.Module(readFileSync(file)) : null;
  }
  return compiled;
}

interface EmscriptenInternals {
  asm?: { memory?: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/** The kernels bound to this backend's memory, or null (not built, or turned off). */
export function simdTrainingKernels(backend: BackendWasm): SimdTrainingKernels | null {
  if (!enabled) return null;
  const memory = (backend.wasm as unknown as EmscriptenInternals).asm?.memory;
  const module = compiledModule();
  if (!memory || !module) return null;
  let kernels = instances.get(memory);
  if (!kernels) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    kernels = instance.exports as unknown as SimdTrainingKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}

/** Byte offset of a tensor's data on the WASM heap. */
export function heapPointer(backend: BackendWasm, t: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error('tensor data is not on this WASM backend');
  return data.memoryOffset;
}

/** Runs `body` with `bytes` of scratch memory on the WASM heap (8-byte aligned), then frees it. */
export function withScratch<T>(backend: BackendWasm, bytes: number, body: (at: number) => T): T {
  const wasm = backend.wasm as unknown as EmscriptenInternals;
  const at = wasm._malloc(bytes);
  if (!at) throw new Error(`cannot allocate ${bytes} bytes of scratch memory on the WASM heap`);
  try {
    return body(at);
  } finally {
    wasm._free(at);
  }
}
