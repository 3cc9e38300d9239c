import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoadStatus } from './use-sessions';
import { asError } from './use-sessions';

export interface AsyncState<T> {
  data: T | undefined;
  status: LoadStatus;
  error: Error | null;
  reload: () => void;
  /** Replaces the data (after a mutation that returned the new value). */
  set: (data: T) => void;
}

/**
 * Runs `load` when `key` changes (null: do nothing), aborting the previous run; the last run
 * wins. Internal: the public hooks are built on it.
 */
export function useAsync<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
): AsyncState<T> {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{
    data: T | undefined;
    status: LoadStatus;
    error: Error | null;
  }>({ data: undefined, status: 'loading', error: null });
  const loadRef = useRef(load);
  loadRef.current = load;

  // The key the data is of: a reload of it that fails keeps the data (shown with the error);
  // a failed load of another key shows none.
  const loaded = useRef<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what load fetches.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((s) => ({ data: s.data, status: 'loading', error: null }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (controller.signal.aborted) return;
        loaded.current = key;
        setState({ data, status: 'success', error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const same = loaded.current === key;
        setState((s) => ({
          data: same ? s.data : undefined,
          status: 'error',
          error: asError(error),
        }));
      },
    );
    return () => controller.abort();
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const set = useCallback((data: T) => setState({ data, status: 'success', error: null }), []);
  return { ...state, reload, set };
}
