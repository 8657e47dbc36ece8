import { decideTierExit } from '@ddnn/device-runtime';
import { inferCloudFromFeatures, inferHierarchy, normalizedEntropy } from '@ddnn/engine';
import type { LoadedVersion } from './loaded-version';
import type { SampleAnswer } from './oip-response';
import type { FeaturesRequest, ViewsRequest } from './request-decoding';

function concatPixels(items: ViewsRequest[]): Float32Array {
  if (items.length === 1) return items[0].pixels;
  const pixels = new Float32Array(items.reduce((sum, r) => sum + r.pixels.length, 0));
  let offset = 0;
  for (const item of items) {
    pixels.set(item.pixels, offset);
    offset += item.pixels.length;
  }
  return pixels;
}

/**
 * Mode (b): raw views through devices, local exit and cloud, for a batch of requests: on the
 * bit-packed runtimes when the model is binary (the same answers, checked against
 * inferHierarchy on whole test sets in libs/device-runtime), else on tfjs.
 */
export function runViews(
  loaded: LoadedVersion,
  items: ViewsRequest[],
  total: number,
): SampleAnswer[] {
  const config = loaded.config;
  const pixels = concatPixels(items);
  if (loaded.packed) {
    const scoreBytes = 4 * config.numClasses;
    const featureBytes = loaded.featureBytesPerDevice;
    return loaded.packed.runBatch(pixels, total).map((a) => ({
      predictedClass: a.predictedClass,
      probabilities: a.probabilities,
      exitTier: a.exitTier,
      entropy: a.entropy,
      commBytes: scoreBytes + (a.exitTier === 'local' ? 0 : featureBytes),
    }));
  }
  const data = {
    numSamples: total,
    numViews: config.numDevices,
    viewShape: config.inputShape as [number, number, number],
    pixels,
    // Labels are unknown at inference; nothing in inference reads them.
    viewLabels: new Int32Array(total * config.numDevices),
    labels: new Int32Array(total),
  };
  return inferHierarchy(loaded.model, data, loaded.threshold).map((a) => ({
    predictedClass: a.predictedClass,
    probabilities: a.probabilities,
    exitTier: a.exitTier,
    entropy: a.entropy,
    commBytes: a.commBytesPerDevice,
  }));
}

/** Mode (a): the cloud tier on bit-packed device features, for a batch of requests. */
export function runFeatures(
  loaded: LoadedVersion,
  items: FeaturesRequest[],
  total: number,
): SampleAnswer[] {
  const B = loaded.featureBytesPerDevice;
  let devices = items[0].features;
  if (items.length > 1) {
    devices = devices.map((first) => (first ? new Uint8Array(total * B) : null));
    let offset = 0;
    for (const item of items) {
      item.features.forEach((f, d) => devices[d]?.set(f!, offset * B));
      offset += item.numSamples;
    }
  }
  const C = loaded.config.numClasses;
  // What each device sent for a sample: its class scores and its packed feature map.
  const commBytes = 4 * C + B;
  if (loaded.packed) {
    const scores = loaded.packed.cloud.runBatch(devices, total);
    return Array.from({ length: total }, (_, i) => {
      // softmax, entropy and arg max as the engine computes them
      const decision = decideTierExit(scores.subarray(i * C, (i + 1) * C), Infinity);
      return {
        predictedClass: decision.predictedClass,
        probabilities: decision.probabilities,
        exitTier: 'cloud',
        entropy: decision.entropy,
        commBytes,
      };
    });
  }
  return inferCloudFromFeatures(loaded.model, devices, total).map((a) => ({
    predictedClass: a.predictedClass,
    probabilities: a.probabilities,
    exitTier: 'cloud',
    entropy: normalizedEntropy(a.probabilities, 0, C),
    commBytes,
  }));
}
