import type { Session } from '@auditlane/client';
import { useEffect, useRef, useState } from 'react';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import {
  type ActivityMarker,
  type LoadActivityMarkersOptions,
  loadActivityMarkers,
} from './markers';

export interface UseActivityMarkersOptions extends LoadActivityMarkersOptions {
  /**
   * Ask again every `pollMs` (an active session: new entries, verdicts given) until the server
   * says the session has ended (`ended`). Default false.
   */
  live?: boolean;
  /** Default 2,000 ms; at least 500 ms (a smaller value is raised to it). */
  pollMs?: number;
}

/** The shortest time between two polls: a `pollMs` of 0 is never a request loop. */
const MIN_POLL_MS = 500;

export interface UseActivityMarkersResult {
  /** The markers (empty until loaded; kept while a poll runs, and after a failed one). */
  markers: readonly ActivityMarker[];
  status: 'loading' | 'success' | 'error';
  error: Error | null;
  /** More entries matched than `limit`. */
  truncated: boolean;
  /** The server says the session has ended: a `live` poll stops. */
  ended: boolean;
}

const NONE: readonly ActivityMarker[] = [];

/**
 * The replay's seek-bar markers from the server's activity (`loadActivityMarkers`): the entries
 * that matter (blocked, pending, rejected, masked, failed), filtered by the server, through the
 * provider's client. Unlike `activityMarkers(session, events)` it never loads the session's
 * events, so a session of any size opens. A null session loads nothing (and needs no client).
 */
export function useActivityMarkers(
  session: Pick<Session, 'id' | 'startedAt'> | null | undefined,
  options: UseActivityMarkersOptions = {},
): UseActivityMarkersResult {
  const client = useAuditlaneContext()?.client ?? null;
  if (session && !client) {
    throw new Error(
      'useActivityMarkers needs an API client: render it inside <AuditlaneProvider client={createClient(...)}>',
    );
  }
  const [state, setState] = useState<UseActivityMarkersResult & { key: string }>({
    key: '',
    markers: NONE,
    status: 'loading',
    error: null,
    truncated: false,
    ended: false,
  });
  const id = session?.id ?? null;
  const startedAt = session?.startedAt ?? null;
  const { live = false } = options;
  const pollMs = Math.max(
    MIN_POLL_MS,
    Number.isFinite(options.pollMs) ? (options.pollMs as number) : 2000,
  );
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const key = JSON.stringify([id, startedAt, options.marks ?? null, options.limit ?? null]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what is loaded.
  useEffect(() => {
    if (!client || id === null || startedAt === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = '';
    let ended = false;
    const run = () => {
      const { marks, limit } = optionsRef.current;
      loadActivityMarkers(
        client,
        { id, startedAt },
        { ...(marks ? { marks } : {}), ...(limit ? { limit } : {}) },
        { signal: controller.signal },
      )
        .then(
          (result) => {
            if (controller.signal.aborted) return;
            const { markers, truncated } = result;
            ended = result.ended;
            // The same markers keep their array: the player is not told again.
            const seen = JSON.stringify([markers, ended]);
            if (seen !== last) {
              last = seen;
              setState({ key, markers, truncated, ended, status: 'success', error: null });
            } else
              setState((s) =>
                s.status === 'success' ? s : { ...s, status: 'success', error: null },
              );
          },
          (error: unknown) => {
            if (controller.signal.aborted) return;
            const e = error instanceof Error ? error : new Error(String(error));
            // A failed poll keeps the markers it had; a failed first load has none.
            setState((s) => ({
              ...(s.key === key ? s : { markers: NONE, truncated: false, ended: false }),
              key,
              status: 'error',
              error: e,
            }));
          },
        )
        .finally(() => {
          // An ended session gets no new entries: its markers are final.
          if (live && !ended && !controller.signal.aborted) timer = setTimeout(run, pollMs);
        });
    };
    run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, client, live, pollMs]);
  // Markers of another session (or other options) are never shown while the new ones load.
  if (id === null) {
    return { markers: NONE, status: 'success', error: null, truncated: false, ended: false };
  }
  if (state.key !== key) {
    return { markers: NONE, status: 'loading', error: null, truncated: false, ended: false };
  }
  const { key: _, ...result } = state;
  return result;
}
