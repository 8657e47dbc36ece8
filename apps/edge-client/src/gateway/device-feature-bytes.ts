/**
 * Bytes of one device's feature map as sent upward, from the model config in a partition
 * manifest: the engine's deviceFeatureBytes (each ConvP block pools 3x3 with padding 1, so a
 * side of s becomes ceil(s / poolStride)), here without importing the engine (and tfjs).
 */
export function deviceFeatureBytes(modelConfig: Record<string, unknown>): number {
  const input = modelConfig.inputShape as number[];
  const device = modelConfig.device as {
    blocks: number;
    filters: number;
    poolStride: number;
    binary: boolean;
  };
  let h = input[0];
  let w = input[1];
  for (let b = 0; b < device.blocks; b++) {
    // conv 3x3 "same", then max-pool 3x3 with padding 1 and stride poolStride
    h = Math.ceil(h / device.poolStride);
    w = Math.ceil(w / device.poolStride);
  }
  const values = h * w * device.filters;
  return device.binary ? Math.ceil(values / 8) : 4 * values;
}
