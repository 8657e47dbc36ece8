import * as tf from '@tensorflow/tfjs-core';
import { unpackSigns } from '@ddnn/partition-format';
import type { DdnnModel } from '../model/ddnn-model';
import { argMaxRow, deviceFeatureShape, softmaxRows } from '@ddnn/model-spec';

/**
 * Cloud class scores ([B, C]) from what devices send upward: bit-packed sign features
 * ([B, ceil(h*w*f/8)] bytes, HWC order, MSB first) for binary devices, float NHWC otherwise;
 * null for a device that sent nothing (missing). With an edge tier, the edge runs first.
 */
export function cloudScoresFromFeatures(
  model: DdnnModel,
  deviceFeatures: (Uint8Array | Float32Array | null)[],
  batch: number,
): Float32Array {
  const config = model.config;
  if (deviceFeatures.length !== config.numDevices) {
    throw new Error(
      `expected features of ${config.numDevices} devices, got ${deviceFeatures.length}`,
    );
  }
  const shape = deviceFeatureShape(config);
  const values = shape.height * shape.width * shape.channels;
  const perSample = Math.ceil(values / 8);
  return tf.tidy(() => {
    const features = deviceFeatures.map((f, d) => {
      if (!f) return null;
      let floats: Float32Array;
      if (f instanceof Uint8Array) {
        if (!config.device.binary)
          throw new Error('this model has float devices: send FP32 features');
        if (f.length !== perSample * batch) {
          throw new Error(
            `device ${d}: packed features hold ${f.length} bytes, expected ${batch} x ${perSample}`,
          );
        }
        floats = new Float32Array(values * batch);
        for (let i = 0; i < batch; i++) {
          unpackSigns(
            f.subarray(i * perSample, (i + 1) * perSample),
            values,
            floats.subarray(i * values, (i + 1) * values),
          );
        }
      } else {
        if (f.length !== values * batch) {
          throw new Error(
            `device ${d}: features hold ${f.length} floats, expected ${batch} x ${values}`,
          );
        }
        floats = f;
      }
      return tf.tensor4d(floats, [batch, shape.height, shape.width, shape.channels]);
    });
    const cloudInput = config.edge
      ? [model.edgeForward(features, { training: false }).features]
      : features;
    return model.cloudForward(cloudInput, { training: false }).dataSync() as Float32Array;
  });
}

export interface CloudAnswer {
  predictedClass: number;
  probabilities: number[];
}

export function inferCloudFromFeatures(
  model: DdnnModel,
  deviceFeatures: (Uint8Array | Float32Array | null)[],
  batch: number,
): CloudAnswer[] {
  const C = model.config.numClasses;
  const probs = softmaxRows(cloudScoresFromFeatures(model, deviceFeatures, batch), C);
  return Array.from({ length: batch }, (_, i) => ({
    predictedClass: argMaxRow(probs, i, C),
    probabilities: Array.from(probs.subarray(i * C, (i + 1) * C)),
  }));
}
