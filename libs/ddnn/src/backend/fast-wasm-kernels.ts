import { fastBatchNormInference, fastBiasAdd } from './wasm-channel-kernels';
import { fastConv2DBackpropInput } from './wasm-conv2d-backprop-input';
import { replaceWasmKernel } from './wasm-kernel-registry';
import { fastMaxPoolGrad } from './wasm-max-pool-grad';
import { fastConcat, fastSplitV } from './wasm-split-concat';
import { fastTile } from './wasm-tile';

/** Kernels of tfjs-backend-wasm 4.22 that training spends its time in, swapped for faster ones. */
export const FAST_WASM_KERNELS = [
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'Tile',
  'SplitV',
  'Concat',
  'Add',
  'FusedBatchNorm',
];

export function registerFastWasmKernels(): void {
  replaceWasmKernel('Conv2DBackpropInput', fastConv2DBackpropInput);
  replaceWasmKernel('MaxPoolGrad', fastMaxPoolGrad);
  replaceWasmKernel('Tile', fastTile);
  replaceWasmKernel('SplitV', fastSplitV);
  replaceWasmKernel('Concat', fastConcat);
  replaceWasmKernel('Add', fastBiasAdd);
  replaceWasmKernel('FusedBatchNorm', fastBatchNormInference);
}
