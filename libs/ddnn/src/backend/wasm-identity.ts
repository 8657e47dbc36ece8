import type * as tf from '@tensorflow/tfjs-core';
import type { KernelReplacement, WasmKernelFunc } from './wasm-kernel-registry';

/**
 * Identity without a copy on WASM. tfjs-core runs Identity for every tensor it saves for the
 * backward pass (`saveTensorsForBackwardMode`, 253 calls per training step of the paper's
 * model) and for tf.clone; the WASM kernel copied the data each time, the CPU backend's shares
 * it. Tensors are immutable (Variable.assign moves a variable to new data), so the clone can
 * share the input's data with one more reference, as Reshape already does on WASM. Strings keep
 * the original kernel. (The backend's own kernels that call its identity function directly,
 * such as Transpose with a trivial permutation, are not affected.)
 */
export const fastIdentity: KernelReplacement =
  (original: WasmKernelFunc): WasmKernelFunc =>
  (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return original(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
