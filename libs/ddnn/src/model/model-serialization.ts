import * as tf from '@tensorflow/tfjs-core';
import type { DdnnConfig } from '@ddnn/model-spec';
import { DdnnModel } from './ddnn-model';
import { BundleEntry, decodeBundle, encodeBundle } from './tensor-bundle';

const MODEL_MAGIC = 'DDNNMDL1';

export function modelEntries(model: DdnnModel): BundleEntry[] {
  return [...model.variables].map(([name, v]) => ({
    name,
    shape: v.shape,
    data: v.dataSync() as Float32Array,
  }));
}

/** Sets every variable of the model from entries; every name must match with its shape. */
export function assignEntries(model: DdnnModel, entries: BundleEntry[]): void {
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const [name, v] of model.variables) {
    const e = byName.get(name);
    if (!e) throw new Error(`weights have no tensor named ${name}`);
    if (e.shape.join('x') !== v.shape.join('x')) {
      throw new Error(`tensor ${name} has shape ${e.shape} but the model expects ${v.shape}`);
    }
    v.assign(tf.tensor(e.data, v.shape, 'float32'));
  }
  if (byName.size !== model.variables.size) {
    throw new Error(`weights hold ${byName.size} tensors, the model has ${model.variables.size}`);
  }
}

/** The whole model (config + every float weight, moving statistics included) as bytes. */
export function serializeModel(model: DdnnModel): Uint8Array {
  return encodeBundle(MODEL_MAGIC, { config: model.config }, modelEntries(model));
}

export function deserializeModel(bytes: Uint8Array): DdnnModel {
  const { meta, entries } = decodeBundle<{ config: DdnnConfig }>(MODEL_MAGIC, bytes);
  const model = DdnnModel.create(meta.config, 0);
  try {
    tf.tidy(() => assignEntries(model, entries));
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
