import { PlatformError, PlatformUnreachableError } from './platform-errors';
import { backoffDelay, withRetry } from './retry';

describe('retry with exponential backoff and full jitter', () => {
  it('draws each delay uniformly below min(max, base * 2^attempt)', () => {
    expect(backoffDelay(0, 100, 1000, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(5, 100, 1000, () => 0)).toBe(0);
  });

  it('retries unreachable and 5xx, then gives up with the last error', async () => {
    let calls = 0;
    const retried: number[] = [];
    await expect(
      withRetry(
        async () => {
          calls++;
          throw calls === 1
            ? new PlatformUnreachableError('down')
            : new PlatformError(503, 'UNAVAILABLE', 'busy');
        },
        { baseMs: 1, maxMs: 2, attempts: 3, onRetry: (_, attempt) => retried.push(attempt) },
      ),
    ).rejects.toThrow('busy');
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('does not retry a refusal (4xx) and returns the first success', async () => {
    let calls = 0;
    const refusal = new PlatformError(401, 'UNAUTHORIZED', 'revoked');
    await expect(
      withRetry(
        async () => {
          calls++;
          throw refusal;
        },
        { baseMs: 1, maxMs: 1, attempts: 5 },
      ),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
    let n = 0;
    await expect(
      withRetry(
        async () => {
          if (++n < 3) throw new PlatformUnreachableError('down');
          return 'ok';
        },
        { baseMs: 1, maxMs: 1, attempts: 5 },
      ),
    ).resolves.toBe('ok');
  });
});
