import {
  deviceFeatureBytes as engineFeatureBytes,
  PAPER_MVMC_CONFIG,
  parseDdnnConfig,
} from '@ddnn/engine';
import { deviceFeatureBytes } from './device-feature-bytes';

describe('deviceFeatureBytes (gateway side, without the engine)', () => {
  it("equals the engine's for the paper model and odd shapes, binary and float", () => {
    expect(deviceFeatureBytes({ ...PAPER_MVMC_CONFIG })).toBe(128);
    for (const [inputShape, blocks, poolStride, filters, binary] of [
      [[32, 32, 3], 1, 2, 4, true],
      [[10, 14, 1], 2, 2, 3, true],
      [[9, 7, 1], 2, 3, 5, false],
      [[8, 8, 1], 1, 1, 2, true],
    ] as const) {
      const config = parseDdnnConfig({
        ...PAPER_MVMC_CONFIG,
        inputShape,
        device: { blocks, poolStride, filters, binary },
      });
      expect(deviceFeatureBytes({ ...config })).toBe(engineFeatureBytes(config));
    }
  });
});
