import { VersionResolutionCache } from './version-resolution-cache';

describe('VersionResolutionCache', () => {
  it('asks once per TTL, again after it, and at once after the model is invalidated', async () => {
    let now = 0;
    const cache = new VersionResolutionCache<number>(1000, 100, () => now);
    let lookups = 0;
    const lookup = async () => ++lookups;
    expect(await cache.resolve('m', 'production', lookup)).toBe(1);
    expect(await cache.resolve('m', 'production', lookup)).toBe(1);
    now = 999;
    expect(await cache.resolve('m', 'production', lookup)).toBe(1);
    now = 1000;
    expect(await cache.resolve('m', 'production', lookup)).toBe(2);
    cache.invalidateModel('m');
    expect(await cache.resolve('m', 'production', lookup)).toBe(3);
    // another model is untouched by the invalidation
    expect(await cache.resolve('other', undefined, lookup)).toBe(4);
    cache.invalidateModel('m');
    expect(await cache.resolve('other', undefined, lookup)).toBe(4);
  });

  it('does not keep failures, and holds at most maxEntries', async () => {
    const cache = new VersionResolutionCache<number>(60_000, 2);
    await expect(cache.resolve('m', '1', () => Promise.reject(new Error('no')))).rejects.toThrow();
    expect(cache.size).toBe(0);
    for (const ref of ['1', '2', '3']) await cache.resolve('m', ref, async () => 1);
    expect(cache.size).toBe(2);
  });

  it('TTL 0 always asks', async () => {
    const cache = new VersionResolutionCache<number>(0, 10);
    let lookups = 0;
    await cache.resolve('m', undefined, async () => ++lookups);
    await cache.resolve('m', undefined, async () => ++lookups);
    expect(lookups).toBe(2);
  });
});
