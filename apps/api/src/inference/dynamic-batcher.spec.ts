import { DynamicBatcher } from './dynamic-batcher';

describe('DynamicBatcher', () => {
  it('runs concurrent requests together and gives each its own answers', async () => {
    const batches: number[][] = [];
    const batcher = new DynamicBatcher<number[], number[]>(
      { maxBatch: 100, maxDelayMs: 20 },
      (item) => item.length,
      (items) => {
        batches.push(items.map((i) => i.length));
        return items.map((i) => i.map((x) => x * 2));
      },
    );
    const answers = await Promise.all([
      batcher.submit([1]),
      batcher.submit([2, 3]),
      batcher.submit([4]),
    ]);
    expect(answers).toEqual([[2], [4, 6], [8]]);
    expect(batches).toEqual([[1, 2, 1]]);
  });

  it('runs at once when maxBatch samples are waiting, without waiting for the delay', async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher<number, number>(
      { maxBatch: 2, maxDelayMs: 10_000 },
      () => 1,
      (items) => {
        batches.push(items.length);
        return items;
      },
    );
    const started = Date.now();
    await Promise.all([batcher.submit(1), batcher.submit(2)]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(batches).toEqual([2]);
  });

  it('rejects every request of a batch that fails', async () => {
    const batcher = new DynamicBatcher<number, number>(
      { maxBatch: 10, maxDelayMs: 1 },
      () => 1,
      () => {
        throw new Error('boom');
      },
    );
    const results = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('with maxDelayMs 0 runs requests of one event-loop turn together, without a timer', async () => {
    const batches: number[] = [];
    const waits: number[] = [];
    const batcher = new DynamicBatcher<number, number>(
      { maxBatch: 100, maxDelayMs: 0, onQueueWait: (s) => waits.push(s) },
      () => 1,
      (items) => {
        batches.push(items.length);
        return items;
      },
    );
    await Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
    await batcher.submit(4);
    expect(batches).toEqual([3, 1]);
    expect(waits).toHaveLength(4);
    expect(waits.every((w) => w >= 0 && w < 1)).toBe(true);
  });
});
