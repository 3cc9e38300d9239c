import type { EventType, StoredEvent } from '@auditlane/client';
import { EVENT_TYPES } from '@auditlane/client/helpers';
import { useCallback, useEffect, useState } from 'react';
import { ListedSeqs } from '../internal/listed-seqs';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import { asError, type LoadStatus } from './use-sessions';

export interface UseSessionEventsOptions {
  /** Follow new events over SSE after the recorded ones (for an active session). Default false. */
  live?: boolean;
  /** Event types to load. Default: every type but terminal output (the replay reads that). */
  types?: readonly EventType[];
}

export interface UseSessionEventsResult {
  events: StoredEvent[];
  status: LoadStatus;
  error: Error | null;
  /** The live tail is open. */
  live: boolean;
  /** Loads every event again. */
  reload: () => void;
}

const FLUSH_MS = 100;

/** Every event type but terminal output. */
export const ACTIVITY_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter(
  (t) => t !== 'terminal',
);

/**
 * A session's events in seq order: every page, then (with `live`) new events as they are
 * recorded, without gaps or duplicates.
 */
export function useSessionEvents(
  sessionId: string | null | undefined,
  options: UseSessionEventsOptions = {},
): UseSessionEventsResult {
  const client = useAuditlaneContext()?.client ?? null;
  if (sessionId && !client) {
    throw new Error(
      'useSessionEvents needs an API client: render it inside <AuditlaneProvider client={createClient(...)}>',
    );
  }
  const [generation, setGeneration] = useState(0);
  const live = options.live ?? false;
  const types = options.types ?? ACTIVITY_EVENT_TYPES;
  const typesKey = types.join(',');
  const [state, setState] = useState<Omit<UseSessionEventsResult, 'reload'>>({
    events: [],
    status: 'loading',
    error: null,
    live: false,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: typesKey stands for types.
  useEffect(() => {
    if (!sessionId || !client) return;
    const controller = new AbortController();
    const { signal } = controller;
    const wanted = new Set<string>(types);
    setState({ events: [], status: 'loading', error: null, live: false });
    (async () => {
      const events: StoredEvent[] = [];
      const listed = new ListedSeqs();
      for await (const event of client.sessions.events.list(
        sessionId,
        { type: [...types], limit: 1000 },
        { signal },
      )) {
        events.push(event);
        listed.add(event.seq);
      }
      if (signal.aborted) return;
      setState({ events: events.slice(), status: 'success', error: null, live });
      if (!live) return;
      const stream = client.sessions.events.stream(sessionId, { after: listed.last, signal });
      // New events are shown together at most every FLUSH_MS: one copy of the list per flush,
      // not one per event (a session recording 50 events a second).
      let timer: ReturnType<typeof setTimeout> | null = null;
      const flush = () => {
        timer = null;
        if (!signal.aborted) setState((s) => ({ ...s, events: events.slice() }));
      };
      signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true });
      for await (const event of stream) {
        if (!wanted.has(event.type) || listed.has(event.seq)) continue;
        events.push(event);
        timer ??= setTimeout(flush, FLUSH_MS);
      }
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      if (!signal.aborted) setState((s) => ({ ...s, live: false }));
    })().catch((error: unknown) => {
      if (!signal.aborted)
        setState((s) => ({ ...s, status: 'error', error: asError(error), live: false }));
    });
    return () => controller.abort();
  }, [client, sessionId, live, typesKey, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
