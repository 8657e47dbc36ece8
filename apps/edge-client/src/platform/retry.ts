import { PlatformError, PlatformUnreachableError } from './platform-errors';

export interface RetryOptions {
  baseMs: number;
  maxMs: number;
  /** Attempts in all (1 = no retry); Infinity retries until the signal aborts. */
  attempts: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Worth another try: the platform was unreachable or answered 5xx/429. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof PlatformUnreachableError ||
    (error instanceof PlatformError && error.isRetryable)
  );
}

/** Exponential backoff with full jitter: the n-th wait is uniform in [0, min(max, base * 2^n)]. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs `call` until it succeeds, a non-transient error occurs, or the attempts run out. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const last = attempt + 1 >= options.attempts || options.signal?.aborted;
      if (!isTransient(error) || last) throw error;
      const delay = backoffDelay(attempt, options.baseMs, options.maxMs);
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, options.signal);
    }
  }
}
