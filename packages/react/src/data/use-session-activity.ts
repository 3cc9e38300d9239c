import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import {
  type ActivityWindow,
  type ActivityWindowOptions,
  type ActivityWindowSnapshot,
  createActivityWindow,
  initialActivitySnapshot,
} from './activity-window';

export type UseSessionActivityOptions = Omit<ActivityWindowOptions, 'client' | 'sessionId'>;

export interface UseSessionActivityResult extends ActivityWindowSnapshot {
  /** The window's controls (load either way, seek, next mark, expand groups); null without a session. */
  window: ActivityWindow | null;
}

const EMPTY = initialActivitySnapshot();
const noop = () => () => {};

/**
 * A session's activity through the provider's client, a window of pages at a time: the data
 * adapter over `createActivityWindow`. A new window opens when the session, the filters or the
 * grouping change; `around` only applies to the window's opening (seek later with
 * `window.seek`).
 */
export function useSessionActivity(
  sessionId: string | null | undefined,
  options: UseSessionActivityOptions = {},
): UseSessionActivityResult {
  const client = useAuditlaneContext()?.client ?? null;
  if (sessionId && !client) {
    throw new Error(
      'useSessionActivity needs an API client: render it inside <AuditlaneProvider client={createClient(...)}>',
    );
  }
  const { filters, group, live, pageSize, maxPages, pollMs } = options;
  const key = JSON.stringify([
    sessionId,
    filters?.type ?? [],
    filters?.verdict ?? [],
    filters?.q ?? '',
    group ?? 'shape',
    pageSize,
    maxPages,
    pollMs,
  ]);
  const aroundRef = options.around;
  const [win, setWin] = useState<ActivityWindow | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names the window's options.
  useEffect(() => {
    if (!sessionId || !client) {
      setWin(null);
      return;
    }
    const created = createActivityWindow({
      ...options,
      client,
      sessionId,
      around: aroundRef ?? null,
      live: Boolean(live),
    });
    setWin(created);
    return () => created.dispose();
  }, [key, client]);
  // `live` changing (a session revoked, or ended) keeps the window and its items.
  useEffect(() => {
    win?.setLive(Boolean(live));
  }, [win, live]);
  const snapshot = useSyncExternalStore(
    win ? win.subscribe : noop,
    win ? win.getSnapshot : () => EMPTY,
    () => EMPTY,
  );
  return useMemo(() => ({ ...snapshot, window: win }), [snapshot, win]);
}
