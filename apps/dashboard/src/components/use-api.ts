import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-error';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads when `deps` change (and every `pollMs` when given); keeps the last data while reloading. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  // Only the newest request may set state: an older answer (a poll, or the load for the
  // previous deps) that arrives late must not replace what the newer one showed.
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const request = ++latest.current;
    try {
      const value = await loadRef.current();
      if (request !== latest.current) return;
      setData(value);
      setError(undefined);
    } catch (e) {
      if (request !== latest.current) return;
      setError(e instanceof ApiError ? e : new ApiError(String(e), 'CLIENT', null));
    } finally {
      if (request === latest.current) setLoading(false);
    }
  }, []);
  const dropPending = useCallback(() => {
    latest.current++;
  }, []);

  // Callers pass their inputs as `deps`; a string of them is what the effect compares.
  const key = JSON.stringify(deps);
  useEffect(() => {
    setLoading(true);
    void reload();
    const timer = pollMs ? setInterval(() => void reload(), pollMs) : undefined;
    return () => {
      dropPending(); // unmounted or deps changed: answers still on their way are not shown
      if (timer) clearInterval(timer);
    };
  }, [key, pollMs, reload, dropPending]);

  return { data, error, loading, reload };
}
