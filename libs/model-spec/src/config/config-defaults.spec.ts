import { withConfigDefaults } from './config-defaults';
import { DdnnConfigError, parseDdnnConfig } from './ddnn-config';
import { PAPER_MVMC_CONFIG } from './presets';

describe('withConfigDefaults', () => {
  it('fills a partial config from the paper config, merging nested stacks field by field', () => {
    const config = parseDdnnConfig(
      withConfigDefaults({ numDevices: 4, cloud: { filters: 32 }, localAggregator: 'AP' }),
    );
    expect(config).toEqual({
      ...PAPER_MVMC_CONFIG,
      numDevices: 4,
      localAggregator: 'AP',
      cloud: { ...PAPER_MVMC_CONFIG.cloud, filters: 32 },
    });
  });

  it('an empty object is the paper config; a complete config is kept as it is', () => {
    expect(parseDdnnConfig(withConfigDefaults({}))).toEqual(PAPER_MVMC_CONFIG);
    const full = { ...PAPER_MVMC_CONFIG, inputShape: [16, 16, 1], numClasses: 10 };
    expect(parseDdnnConfig(withConfigDefaults(full))).toEqual(full);
    expect(PAPER_MVMC_CONFIG.numDevices).toBe(6); // the base is not modified
  });

  it('an edge tier (none in the base) must be given whole; problems still name their field', () => {
    expect(() => parseDdnnConfig(withConfigDefaults({ edge: { blocks: 1 } }))).toThrow(
      /edge\.filters/,
    );
    try {
      parseDdnnConfig(withConfigDefaults({ device: { filters: 0 }, numDevices: 99 }));
      throw new Error('should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(DdnnConfigError);
      expect((err as DdnnConfigError).issues.map((i) => i.field).sort()).toEqual([
        'device.filters',
        'numDevices',
      ]);
    }
    expect(() => parseDdnnConfig(withConfigDefaults('mvmc'))).toThrow(DdnnConfigError);
  });
});
