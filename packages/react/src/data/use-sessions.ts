import type {
  Count,
  CursorPage,
  Session,
  SessionListParams,
  SessionPageExtra,
} from '@auditlane/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAuditlaneContext } from '../provider/auditlane-provider';

export type LoadStatus = 'loading' | 'success' | 'error';

export interface UseSessionsOptions {
  /** false: do not fetch (yet). Default true. */
  enabled?: boolean;
  /**
   * Re-reads the first page every this many ms, quietly (no loading state): new sessions appear
   * at the top and the shown ones get their new status (a list of live sessions). Default off.
   */
  refreshMs?: number;
}

export interface UseSessionsResult {
  /** Every session loaded so far, page after page. */
  sessions: Session[];
  /** The server's count of matches for the filters (exact, capped or none). */
  count: Count | null;
  status: LoadStatus;
  error: Error | null;
  /** There are more sessions than loaded. */
  hasMore: boolean;
  /** A next page is being fetched. */
  loadingMore: boolean;
  /** Fetches the next page (does nothing while one is in flight or when there is none). */
  loadMore: () => void;
  /** Fetches from the first page again. */
  reload: () => void;
}

type Page = CursorPage<Session, SessionPageExtra>;

/**
 * The sessions list through the provider's client: the first page for `params`, then more pages
 * on `loadMore()` (infinite scroll). A change of params aborts what is in flight and starts over.
 */
export function useSessions(
  params: SessionListParams = {},
  options: UseSessionsOptions = {},
): UseSessionsResult {
  const enabled = options.enabled ?? true;
  const client = useAuditlaneContext()?.client ?? null;
  if (enabled && !client) {
    throw new Error(
      'useSessions needs an API client: render it inside <AuditlaneProvider client={createClient(...)}>, or pass sessions to the component directly',
    );
  }
  // Effects compare strings by value: the JSON stands for the params.
  const key = JSON.stringify(params);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{
    sessions: Session[];
    count: Count | null;
    status: LoadStatus;
    error: Error | null;
    page: Page | null;
    loadingMore: boolean;
  }>({ sessions: [], count: null, status: 'loading', error: null, page: null, loadingMore: false });
  const run = useRef<{ controller: AbortController; id: number } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for params; generation restarts.
  useEffect(() => {
    if (!enabled || !client) return;
    const controller = new AbortController();
    const id = (run.current?.id ?? 0) + 1;
    run.current = { controller, id };
    setState((s) => ({ ...s, status: 'loading', error: null, loadingMore: false }));
    client.sessions.list(JSON.parse(key) as SessionListParams, { signal: controller.signal }).then(
      (page) => {
        if (run.current?.id !== id) return;
        setState({
          sessions: page.data,
          count: page.extra.count,
          status: 'success',
          error: null,
          page,
          loadingMore: false,
        });
      },
      (error: unknown) => {
        if (run.current?.id !== id || controller.signal.aborted) return;
        setState((s) => ({ ...s, status: 'error', error: asError(error), page: null }));
      },
    );
    return () => controller.abort();
  }, [client, key, enabled, generation]);

  const stateRef = useRef(state);
  stateRef.current = state;
  const loadMore = useCallback(() => {
    const { page, loadingMore, status } = stateRef.current;
    const current = run.current;
    if (!page || loadingMore || status !== 'success' || !page.hasNextPage() || !current) return;
    setState((s) => ({ ...s, loadingMore: true }));
    page.getNextPage().then(
      (next) => {
        if (run.current?.id !== current.id) return;
        setState((s) => ({
          ...s,
          sessions: s.sessions.concat(next.data),
          page: next,
          loadingMore: false,
        }));
      },
      (error: unknown) => {
        if (run.current?.id !== current.id || current.controller.signal.aborted) return;
        setState((s) => ({ ...s, loadingMore: false, error: asError(error) }));
      },
    );
  }, []);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const refreshMs = options.refreshMs ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for params.
  useEffect(() => {
    if (!enabled || !client || !(refreshMs > 0)) return;
    const controller = new AbortController();
    let busy = false;
    const timer = setInterval(() => {
      const current = run.current;
      if (busy || !current || stateRef.current.status !== 'success') return;
      busy = true;
      client.sessions
        .list(JSON.parse(key) as SessionListParams, { signal: controller.signal })
        .then(
          (page) => {
            if (run.current !== current) return;
            setState((s) => {
              // Only the first page was loaded: it is replaced. Else the fresh first page goes on
              // top and the rest keeps its place (refreshed where the first page has it).
              if (s.page && !s.page.hasNextPage() && s.sessions.length <= page.data.length) {
                return { ...s, sessions: page.data, count: page.extra.count, page };
              }
              const fresh = new Map(page.data.map((x) => [x.id, x]));
              const rest = s.sessions.filter((x) => !fresh.has(x.id));
              const sessions = s.page === null ? page.data : [...page.data, ...rest];
              return { ...s, sessions, count: page.extra.count };
            });
          },
          () => {},
        )
        .finally(() => {
          busy = false;
        });
    }, refreshMs);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [client, key, enabled, refreshMs]);

  return {
    sessions: state.sessions,
    count: state.count,
    status: enabled ? state.status : 'loading',
    error: state.error,
    hasMore: state.page?.hasNextPage() ?? false,
    loadingMore: state.loadingMore,
    loadMore,
    reload,
  };
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
