import { deviceFeatureBytes } from '../communication/communication';
import { parseDdnnConfig } from '../config/ddnn-config';
import { PAPER_MVMC_CONFIG } from '../config/presets';
import {
  cloudFeatureShape,
  cloudInputShape,
  deviceFeatureShape,
  edgeFeatureShape,
  pooledSize,
} from './layer-geometry';

describe('layer geometry', () => {
  it('a 3x3 max-pool with padding 1 makes a side s into ceil(s / stride)', () => {
    for (let size = 1; size <= 40; size++) {
      for (let stride = 1; stride <= 4; stride++) {
        expect(pooledSize(size, stride)).toBe(Math.ceil(size / stride));
      }
    }
  });

  it("the paper's devices send 16x16x4 sign maps, 128 bytes; the cloud reads 6 of them side by side", () => {
    expect(deviceFeatureShape(PAPER_MVMC_CONFIG)).toEqual({ height: 16, width: 16, channels: 4 });
    expect(deviceFeatureBytes(PAPER_MVMC_CONFIG)).toBe(128);
    expect(edgeFeatureShape(PAPER_MVMC_CONFIG)).toBeNull();
    expect(cloudInputShape(PAPER_MVMC_CONFIG)).toEqual({ height: 16, width: 16, channels: 24 });
    expect(cloudFeatureShape(PAPER_MVMC_CONFIG)).toEqual({ height: 16, width: 16, channels: 16 });
  });

  it.each([
    // inputShape, blocks, poolStride, filters, binary -> bytes (ceil(h/s^b) * ceil(w/s^b) * f)
    [[10, 14, 1], 2, 2, 3, true, Math.ceil((3 * 4 * 3) / 8)],
    [[9, 7, 1], 2, 3, 5, false, 1 * 1 * 5 * 4],
    [[8, 8, 1], 1, 1, 2, true, 16],
    [[33, 31, 3], 3, 2, 8, true, (5 * 4 * 8) / 8],
  ] as const)(
    '%j, %i blocks of stride %i, %i filters, binary %s: %i bytes',
    (inputShape, blocks, poolStride, filters, binary, bytes) => {
      const config = parseDdnnConfig({
        ...PAPER_MVMC_CONFIG,
        inputShape,
        device: { blocks, poolStride, filters, binary },
      });
      expect(deviceFeatureBytes(config)).toBe(bytes);
    },
  );

  it('an edge tier pools the aggregated device maps; the cloud then reads the edge map', () => {
    const config = parseDdnnConfig({
      ...PAPER_MVMC_CONFIG,
      edge: { blocks: 1, filters: 8, poolStride: 2, binary: true, aggregator: 'CC' },
    });
    expect(edgeFeatureShape(config)).toEqual({ height: 8, width: 8, channels: 8 });
    expect(cloudInputShape(config)).toEqual({ height: 8, width: 8, channels: 8 });
  });
});
