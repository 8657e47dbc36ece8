import type { DdnnConfig } from '../config/ddnn-config';
import { deviceFeatureShape } from '../geometry/layer-geometry';

/** Bytes a device sends upward when a sample does not exit locally (bit-packed if binary). */
export function deviceFeatureBytes(config: Pick<DdnnConfig, 'inputShape' | 'device'>): number {
  const s = deviceFeatureShape(config);
  const values = s.height * s.width * s.channels;
  return config.device.binary ? Math.ceil(values / 8) : values * 4;
}

/**
 * The reference's communication cost per end device per sample:
 * c = 4|C| + (1 - l) * f * o / 8 (float class scores always, binary features when not exited).
 */
export function communicationBytesPerDevice(config: DdnnConfig, localExitRate: number): number {
  return 4 * config.numClasses + (1 - localExitRate) * deviceFeatureBytes(config);
}

/** Bytes of one raw view (8-bit pixels), what offloading every image to the cloud costs. */
export function rawViewBytes(config: DdnnConfig): number {
  const [h, w, c] = config.inputShape;
  return h * w * c;
}
