import { fastBatchMatMul } from './wasm-mat-mul';
import { fastConv2D } from './wasm-conv2d';
import { fastIdentity } from './wasm-identity';
import { fastConv2DBackpropInput } from './wasm-conv2d-backprop-input';
import { replaceWasmKernel } from './wasm-kernel-registry';
import { fastMaxPoolGrad } from './wasm-max-pool-grad';
import { fastConcat, fastSplitV } from './wasm-split-concat';
import { fastTile } from './wasm-tile';

/**
 * Kernels of tfjs-backend-wasm 4.22 that training spent its time in, swapped for faster ones
 * (2x to 100x in isolation, measured by A/B against the originals). A JS bias Add and inference
 * BatchNorm were tried too and dropped: on the WASM heap they were no faster than the C++ ones.
 */
export const FAST_WASM_KERNELS = [
  'BatchMatMul',
  'Conv2D',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'Tile',
  'SplitV',
  'Concat',
  'Identity',
];

export function registerFastWasmKernels(): void {
  replaceWasmKernel('BatchMatMul', fastBatchMatMul);
  replaceWasmKernel('Conv2D', fastConv2D);
  replaceWasmKernel('Conv2DBackpropInput', fastConv2DBackpropInput);
  replaceWasmKernel('MaxPoolGrad', fastMaxPoolGrad);
  replaceWasmKernel('Tile', fastTile);
  replaceWasmKernel('SplitV', fastSplitV);
  replaceWasmKernel('Concat', fastConcat);
  replaceWasmKernel('Identity', fastIdentity);
}
