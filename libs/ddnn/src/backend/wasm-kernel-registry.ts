import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The argument every kernelFunc receives, with the WASM backend's concrete type. */
export interface WasmKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: tf.NamedAttrMap;
}

export type WasmKernelFunc = (args: WasmKernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Builds the replacement from the kernel it replaces (kept as the fallback). */
export type KernelReplacement = (original: WasmKernelFunc) => WasmKernelFunc;

const originals = new Map<string, WasmKernelFunc>();

/**
 * Swaps a registered WASM kernel for a faster one. The original's setupFunc stays with the new
 * config, so the original kernelFunc (the fallback for cases the new one does not cover) keeps
 * its cwrapped WASM entry point. Idempotent per kernel name.
 */
export function replaceWasmKernel(kernelName: string, build: KernelReplacement): void {
  if (originals.has(kernelName)) return;
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) {
    throw new Error(`the WASM backend has no ${kernelName} kernel to replace`);
  }
  const originalFunc = original.kernelFunc as unknown as WasmKernelFunc;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: build(originalFunc) as unknown as tf.KernelFunc,
  });
  originals.set(kernelName, originalFunc);
}

/** The backend's own kernel that replaceWasmKernel swapped out (for tests and fallbacks). */
export function originalWasmKernel(kernelName: string): WasmKernelFunc | undefined {
  return originals.get(kernelName);
}

/** Registers a kernel the WASM backend does not have (no-op when one is registered). */
export function supplyWasmKernel(kernelName: string, kernelFunc: WasmKernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm')) return;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}

/** A float32/int32/bool view of a tensor's bytes on the WASM heap. */
export function heapView(backend: BackendWasm, t: tf.TensorInfo): tf.backend_util.TypedArray {
  return backend.typedArrayFromHeap(t);
}

/**
 * Allocates outputs on the WASM heap. Allocation can grow (and so detach) the heap buffer:
 * take every heapView only after all outputs of a kernel are allocated.
 */
export function allocate(backend: BackendWasm, shape: number[], dtype: tf.DataType): tf.TensorInfo {
  return backend.makeOutput(shape, dtype);
}

export function isNumericDtype(dtype: tf.DataType): boolean {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}
