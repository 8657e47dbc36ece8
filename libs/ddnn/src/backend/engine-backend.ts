import './register-gradients';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './quiet-cpu-backend';
import '@tensorflow/tfjs-backend-wasm';
import { registerFastWasmKernels } from './fast-wasm-kernels';
import { registerFusedOps } from './fused-ops';
import { registerConv2DBackpropFilter } from './wasm-conv2d-backprop-filter';

export type EngineBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Order of preference: native TensorFlow when installed, then WASM, then pure JS. */
const PREFERENCE: EngineBackendName[] = ['tensorflow', 'wasm', 'cpu'];

function tryLoadNativeBackend(): boolean {
  try {
    // Optional dependency: its install downloads libtensorflow, which fails on many machines.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

let nativeChecked = false;
let nativeAvailable = false;

export function availableBackends(): EngineBackendName[] {
  if (!nativeChecked) {
    nativeChecked = true;
    nativeAvailable = tryLoadNativeBackend();
  }
  return PREFERENCE.filter((name) => name !== 'tensorflow' || nativeAvailable);
}

/**
 * Selects and initialises the tfjs backend once per process; returns the name in use.
 * `preferred` forces one backend (an error if it is not available).
 */
export async function initEngineBackend(preferred?: EngineBackendName): Promise<EngineBackendName> {
  const available = availableBackends();
  if (preferred && !available.includes(preferred)) {
    throw new Error(
      `tfjs backend "${preferred}" is not available here; available: ${available.join(', ')}`,
    );
  }
  const candidates = preferred ? [preferred] : available;
  registerFusedOps();
  for (const name of candidates) {
    if (name === 'wasm') {
      registerConv2DBackpropFilter('wasm');
      registerFastWasmKernels();
    }
    if (tf.getBackend() === name) {
      return name;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // fall through to the next backend
    }
  }
  throw new Error(`no tfjs backend could be initialised (tried ${candidates.join(', ')})`);
}

export function currentBackend(): string {
  return tf.getBackend();
}
