import * as tf from '@tensorflow/tfjs-core';
import type { BundleEntry } from '../model/tensor-bundle';

/**
 * Adam with its moments kept in JavaScript arrays. tfjs's AdamOptimizer issues about 20 small
 * kernels per variable per step (1,300 of the 1,680 kernel calls of a training step of the
 * paper's model on WASM); here each variable costs one gradient read and one assign. The
 * update is the standard one (Kingma & Ba): bias-corrected first and second moments.
 */
export class HostAdam {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private iterations = 0;

  constructor(
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {}

  /** Applies one step; `grads` is keyed by each variable's tfjs name. */
  apply(variables: [string, tf.Variable][], grads: tf.NamedTensorMap): void {
    this.iterations++;
    const correction1 = 1 - Math.pow(this.beta1, this.iterations);
    const correction2 = 1 - Math.pow(this.beta2, this.iterations);
    const { beta1, beta2, epsilon, learningRate } = this;
    tf.tidy(() => {
      for (const [name, variable] of variables) {
        const grad = grads[variable.name];
        if (!grad) continue;
        const g = grad.dataSync() as Float32Array;
        const w = Float32Array.from(variable.dataSync() as Float32Array);
        let m = this.m.get(name);
        let v = this.v.get(name);
        if (!m || !v) {
          m = new Float32Array(w.length);
          v = new Float32Array(w.length);
          this.m.set(name, m);
          this.v.set(name, v);
        }
        for (let i = 0; i < w.length; i++) {
          const gi = g[i];
          const mi = beta1 * m[i] + (1 - beta1) * gi;
          const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] -= (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
        }
        variable.assign(tf.tensor(w, variable.shape, 'float32'));
      }
    });
  }

  /** The optimizer's state as named arrays (moments per variable, step count in `meta`). */
  state(): { iterations: number; entries: BundleEntry[] } {
    const entries: BundleEntry[] = [];
    for (const [name, m] of this.m) {
      entries.push({ name: `adam/m/${name}`, shape: [m.length], data: m });
      entries.push({ name: `adam/v/${name}`, shape: [m.length], data: this.v.get(name)! });
    }
    return { iterations: this.iterations, entries };
  }

  restore(iterations: number, entries: BundleEntry[]): void {
    this.iterations = iterations;
    this.m.clear();
    this.v.clear();
    for (const e of entries) {
      const match = /^adam\/([mv])\/(.+)$/.exec(e.name);
      if (!match) throw new Error(`checkpoint entry ${e.name} is not an Adam moment`);
      (match[1] === 'm' ? this.m : this.v).set(match[2], Float32Array.from(e.data));
    }
  }
}
