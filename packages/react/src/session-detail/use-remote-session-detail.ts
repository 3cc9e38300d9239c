import type { AuditlaneClient, Review, Session } from '@auditlane/client';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { ActivityFilters, ActivitySeekTarget } from '../data/activity-window';
import { useAsync } from '../data/use-async';
import { useSession } from '../data/use-session';
import { useSessionActivity } from '../data/use-session-activity';
import { useViewer } from '../data/use-viewer';
import { saveBlob } from '../internal/clipboard';
import { activityItemFromEntry } from './activity';
import type {
  ActivityGroupState,
  SessionActivityState,
  UseSessionDetailOptions,
} from './session-detail.types';

const PAGE_SIZE = 50;
const MAX_PAGES = 10;

export interface RemoteSessionDetailOptions {
  live: boolean;
  filters: ActivityFilters;
  group: 'shape' | 'none';
  around: ActivitySeekTarget | null;
}

/**
 * SessionDetail's data through the client: the session, the viewer, a window over the
 * activity, the reviews of the window's held entries, and the actions. Internal: `Root` uses it
 * when given a `sessionId`.
 */
export function useRemoteSessionDetail(
  client: AuditlaneClient | null,
  sessionId: string | null,
  options: RemoteSessionDetailOptions,
): { detail: UseSessionDetailOptions; activity: SessionActivityState } {
  const remote = useSession(sessionId);
  const session: Session | null = remote.data ?? null;
  const live =
    options.live && (session?.status === 'active' || session?.status === 'pending_review');
  const fetched = useViewer();
  // Pages of 50, 10 kept (the same 500 items as 5 of 100): a page is parsed while the list
  // scrolls, and half a page's parse fits in a frame beside its render.
  const win = useSessionActivity(session ? sessionId : null, {
    filters: options.filters,
    group: options.group,
    around: options.around,
    live,
    pageSize: PAGE_SIZE,
    maxPages: MAX_PAGES,
  });
  // The window holds the activity's end and the server says the session has ended, although the
  // session we have is active (it ended before or after the window opened): the session is read
  // again, so its status, end, duration and actions follow.
  const ended = live && win.ended;
  const reloadSession = remote.reload;
  useEffect(() => {
    if (ended) reloadSession();
  }, [ended, reloadSession]);
  // Reviews say what waited (a held command has no event of its own until it runs).
  const reviewIds = useMemo(() => {
    const ids = new Set<string>();
    for (const item of win.items)
      for (const v of item.verdicts) if (v.type === 'policy' && v.reviewId) ids.add(v.reviewId);
    return [...ids].sort();
  }, [win.items]);
  const reviews = useAsync(
    client && sessionId && reviewIds.length > 0
      ? `reviews:${sessionId}:${reviewIds.join(',')}`
      : null,
    async (signal) => {
      const list: Review[] = [];
      for await (const review of (client as AuditlaneClient).reviews.list(
        { sessionId: sessionId as string },
        { signal },
      )) {
        list.push(review);
      }
      return list;
    },
  );
  const reviewMap = useMemo(
    () => new Map((reviews.data ?? []).map((r) => [r.id, r])),
    [reviews.data],
  );
  // One item per entry object: a page arriving leaves the others' items (and their rendered
  // entries) as they were.
  const cache = useMemo(() => {
    void reviewMap;
    return new WeakMap<object, ReturnType<typeof activityItemFromEntry>>();
  }, [reviewMap]);
  const toItem = useCallback(
    (e: (typeof win.items)[number]) => {
      let item = cache.get(e);
      if (!item) {
        item = activityItemFromEntry(e, reviewMap);
        cache.set(e, item);
      }
      return item;
    },
    [cache, reviewMap],
  );
  const items = useMemo(() => win.items.map(toItem), [win.items, toItem]);
  const expanded = useMemo(() => {
    const map = new Map<string, ActivityGroupState>();
    for (const [id, g] of win.expanded) map.set(id, { ...g, items: g.items.map(toItem) });
    return map;
  }, [win.expanded, toItem]);
  const w = win.window;
  const windowRef = useRef(w);
  windowRef.current = w;
  const seekTo = useCallback(
    (target: ActivitySeekTarget) => void windowRef.current?.seek(target),
    [],
  );
  // The controls follow the window; the object changes only when what it says changes.
  const controls = useMemo(
    () => ({
      loadBefore: () => void w?.loadBefore(),
      loadAfter: () => void w?.loadAfter(),
      seekNext: (mark: 'blocked' | 'pending' | 'masked', afterSeq: number) =>
        w?.seekNext(mark, afterSeq) ?? Promise.resolve(null),
      expand: (id: string) => void w?.expand(id),
      collapse: (id: string) => w?.collapse(id),
      refresh: () => void w?.refresh(),
      retry: () => w?.reload(),
    }),
    [w],
  );
  const status = session ? win.status : remote.status;
  // The window's snapshot with the log's items, the status of the detail and the controls.
  const activity = useMemo<SessionActivityState>(() => {
    const { window: _, ...snapshot } = win;
    return { ...snapshot, items, status, expanded, seekTo, ...controls };
  }, [win, items, status, expanded, seekTo, controls]);

  const detail: UseSessionDetailOptions = {
    session,
    viewer: fetched.viewer ?? null,
    viewerLoading: fetched.status === 'loading',
    status: remote.status === 'success' && win.status === 'error' ? 'error' : remote.status,
    error: remote.error ?? win.error,
    onReload: () => {
      remote.reload();
      w?.reload();
    },
  };
  if (client) {
    detail.onRevoke = async (s, reason) => {
      remote.set(await client.sessions.revoke(s.id, reason ? { reason } : {}));
    };
    detail.onDecide = async (reviewId, decision) => {
      await (decision === 'approved'
        ? client.reviews.approve(reviewId)
        : client.reviews.reject(reviewId));
      reviews.reload();
      w?.refresh();
    };
    detail.onDownload = async (what) => {
      if (!session) return;
      if (what.kind === 'logs') {
        const file = await client.downloads.logs(session.id, { format: 'ndjson' });
        saveBlob(await file.blob(), file.filename ?? `${session.id}.ndjson`);
      } else {
        const file = await client.downloads.result(session.id, what.resultRef, {
          format: 'csv',
        });
        saveBlob(await file.blob(), file.filename ?? `${what.resultRef}.csv`);
      }
    };
  }
  return { detail, activity };
}
