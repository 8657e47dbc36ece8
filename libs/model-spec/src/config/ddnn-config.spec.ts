import { DdnnConfigError, parseDdnnConfig } from './ddnn-config';
import { PAPER_MVMC_CONFIG } from './presets';

describe('parseDdnnConfig', () => {
  it('accepts the paper configuration and fills defaults', () => {
    const { inputShape: _omit, ...rest } = PAPER_MVMC_CONFIG;
    const config = parseDdnnConfig({ ...rest, edge: undefined });
    expect(config.inputShape).toEqual([32, 32, 3]);
    expect(config.edge).toBeNull();
  });

  it.each([
    [{ numDevices: 0 }, 'numDevices'],
    [{ numDevices: 17 }, 'numDevices'],
    [{ device: { ...PAPER_MVMC_CONFIG.device, blocks: 4 } }, 'device.blocks'],
    [{ localAggregator: 'XX' }, 'localAggregator'],
    [{ cloud: { ...PAPER_MVMC_CONFIG.cloud, filters: 1.5 } }, 'cloud.filters'],
    [{ numClasses: 1 }, 'numClasses'],
    [{ inputShape: [32, 32] }, 'inputShape'],
    [{ surprise: true }, '(root)'],
  ])('rejects %j naming the field %s', (patch, field) => {
    expect(() => parseDdnnConfig({ ...PAPER_MVMC_CONFIG, ...patch })).toThrow(DdnnConfigError);
    try {
      parseDdnnConfig({ ...PAPER_MVMC_CONFIG, ...patch });
    } catch (err) {
      expect((err as DdnnConfigError).field).toBe(field);
      expect((err as Error).message).toContain(field === '(root)' ? 'surprise' : field);
    }
  });
});
