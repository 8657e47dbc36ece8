import * as tf from '@tensorflow/tfjs-core';
import { type ExitProbabilities, type MultiViewData, softmaxRows } from '@ddnn/model-spec';
import { PreparedData, rangeIndices } from '../data/prepared-data';
import type { DdnnModel } from '../model/ddnn-model';

export interface PredictOptions {
  /** Devices treated as failed: they contribute nothing to any aggregation. */
  missingDevices?: number[];
  batchSize?: number;
}

export function prepare(model: DdnnModel, data: MultiViewData | PreparedData): PreparedData {
  if (data instanceof PreparedData) return data;
  if (data.numViews !== model.config.numDevices) {
    throw new Error(
      `the data has ${data.numViews} views but the model has ${model.config.numDevices} devices`,
    );
  }
  if (data.viewShape.join('x') !== model.config.inputShape.join('x')) {
    throw new Error(
      `views are ${data.viewShape.join('x')} but the model expects ${model.config.inputShape.join('x')}`,
    );
  }
  return new PreparedData(data, model.config.numClasses);
}

/** Runs the whole model in inference mode, batched, and returns every exit's probabilities. */
export function predictExits(
  model: DdnnModel,
  data: MultiViewData | PreparedData,
  options: PredictOptions = {},
): ExitProbabilities {
  const prepared = prepare(model, data);
  const missing = new Set(options.missingDevices ?? []);
  for (const d of missing) {
    if (!(d >= 0 && d < model.config.numDevices)) {
      throw new Error(`missing device ${d} is not a device of this model`);
    }
  }
  const n = prepared.numSamples;
  const C = model.config.numClasses;
  const V = model.config.numDevices;
  const batch = options.batchSize ?? 64;
  const devices = Array.from({ length: V }, (_, v) =>
    missing.has(v) ? null : new Float32Array(n * C),
  );
  const local = new Float32Array(n * C);
  const edge = model.config.edge ? new Float32Array(n * C) : null;
  const cloud = new Float32Array(n * C);
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const inputs = prepared.deviceInputs(rangeIndices(start, end));
    try {
      tf.tidy(() => {
        const out = model.forward(
          inputs.map((x, v) => (missing.has(v) ? null : x)),
          { training: false },
        );
        out.devices.forEach((d, v) => {
          if (d) devices[v]!.set(d.scores.dataSync(), start * C);
        });
        local.set(out.local.dataSync(), start * C);
        if (edge && out.edge) edge.set(out.edge.scores.dataSync(), start * C);
        cloud.set(out.cloud.dataSync(), start * C);
      });
    } finally {
      for (const x of inputs) x.dispose();
    }
  }
  return {
    numSamples: n,
    numClasses: C,
    devices: devices.map((d) => (d ? softmaxRows(d, C) : null)),
    local: softmaxRows(local, C),
    edge: edge ? softmaxRows(edge, C) : null,
    cloud: softmaxRows(cloud, C),
  };
}
