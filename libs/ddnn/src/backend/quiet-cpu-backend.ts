import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/**
 * tfjs's pure-JS CPU backend prints "Hi, looks like you are running TensorFlow.js in Node.js ...
 * install our node backend" (with a stack trace under Jest) the first time it holds a tensor in
 * Node. Here that backend is chosen on purpose (the reference the WASM kernels are tested
 * against, and the last fallback), and the native backend is an optional dependency whose
 * install cannot work on many machines (docs: README "Backends"), so the hint is noise. This
 * re-registers the CPU backend with that one first-use hint already spent, instead of muting all
 * of tfjs's warnings (tf.enableProdMode would).
 */
const CPU_PRIORITY = 1; // what @tensorflow/tfjs-backend-cpu registers with

type CpuBackend = tf.KernelBackend & { firstUse?: boolean };

export function registerQuietCpuBackend(): void {
  const created = tf.findBackend('cpu') as CpuBackend | null;
  if (created) {
    created.firstUse = false; // already made (something used tfjs before): spend its hint
    return;
  }
  const factory = tf.findBackendFactory('cpu');
  if (!factory) return;
  tf.removeBackend('cpu');
  tf.registerBackend(
    'cpu',
    () => {
      const backend = factory() as CpuBackend;
      backend.firstUse = false;
      return backend;
    },
    CPU_PRIORITY,
  );
}

registerQuietCpuBackend();
