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
  const alive = useRef(true);

  const reload = useCallback(async () => {
    try {
      const value = await loadRef.current();
      if (!alive.current) return;
      setData(value);
      setError(undefined);
    } catch (e) {
      if (!alive.current) return;
      setError(e instanceof ApiError ? e : new ApiError(String(e), 'CLIENT', null));
    } finally {
      if (alive.current) setLoading(false);
    }
  }, []);

  // Callers pass their inputs as `deps`; a string of them is what the effect compares.
  const key = JSON.stringify(deps);
  useEffect(() => {
    alive.current = true;
    setLoading(true);
    void reload();
    const timer = pollMs ? setInterval(() => void reload(), pollMs) : undefined;
    return () => {
      alive.current = false;
      if (timer) clearInterval(timer);
    };
  }, [key, pollMs, reload]);

  return { data, error, loading, reload };
}
