import { useCallback, useMemo, useRef, useState } from 'react';
import { asError } from '../data/use-sessions';
import type {
  ActivityItem,
  DownloadAvailability,
  UseSessionDetailOptions,
} from './session-detail.types';

export type ActionStatus = { state: 'idle' | 'busy' | 'done' } | { state: 'error'; error: Error };

/**
 * A session's detail without markup and without fetching: the session given, its activity (as
 * given: `buildActivity(events, reviews)`; the result's `activity` is its entries), what the
 * viewer may do and the actions, each through the host's callback. `SessionDetail.Root` with a
 * `sessionId` feeds it from the provider's client; a host with its own data layer feeds it
 * directly.
 */
export function useSessionDetail(options: UseSessionDetailOptions) {
  refuseEvents(options, 'useSessionDetail');
  const { session, viewer } = options;
  const activity = options.activity?.items ?? NO_ACTIVITY;
  const permissions = viewer?.permissions ?? [];
  // Why not, as a code: the component words it (`messages.sessionDetail.downloadBlocked`).
  const downloadReason: DownloadAvailability['reason'] = !viewer
    ? options.viewerLoading
      ? 'checking'
      : 'unavailable'
    : !viewer.downloadsEnabled
      ? 'disabled'
      : !permissions.includes('download_recording')
        ? 'forbidden'
        : !options.onDownload
          ? 'unavailable'
          : null;
  const download = useMemo<DownloadAvailability>(
    () => ({ allowed: downloadReason === null, reason: downloadReason }),
    [downloadReason],
  );
  const canRevoke =
    session?.status === 'active' &&
    permissions.includes('revoke') &&
    options.onRevoke !== undefined;
  const canReview = permissions.includes('review') && options.onDecide !== undefined;

  // The actions call the host's latest callbacks: they keep their identity across renders.
  const latest = useRef(options);
  latest.current = options;
  const [action, setAction] = useState<ActionStatus>({ state: 'idle' });
  const run = useCallback(async (work: () => unknown) => {
    setAction({ state: 'busy' });
    try {
      await work();
      setAction({ state: 'done' });
    } catch (error) {
      setAction({ state: 'error', error: asError(error) });
    }
  }, []);
  const actions = useMemo(
    () => ({
      revoke: (reason?: string) =>
        run(() => {
          const o = latest.current;
          return o.session ? o.onRevoke?.(o.session, reason) : undefined;
        }),
      decide: (reviewId: string, decision: 'approved' | 'rejected') =>
        run(() => latest.current.onDecide?.(reviewId, decision)),
      downloadLogs: () => run(() => latest.current.onDownload?.({ kind: 'logs' })),
      downloadResult: (eventId: string, resultRef: string) =>
        run(() => latest.current.onDownload?.({ kind: 'result', resultRef, eventId })),
      reload: () => latest.current.onReload?.(),
    }),
    [run],
  );

  const status = options.status ?? (session ? 'success' : 'loading');
  const error = options.error ?? null;
  return useMemo(
    () => ({
      session,
      activity,
      viewer: viewer ?? undefined,
      status,
      error,
      download,
      canRevoke,
      canReview,
      action,
      ...actions,
    }),
    [session, activity, viewer, status, error, download, canRevoke, canReview, action, actions],
  );
}

const NO_ACTIVITY: readonly ActivityItem[] = [];

export type UseSessionDetailResult = ReturnType<typeof useSessionDetail>;

/**
 * 0.1.0 took the events themselves (`events`, `reviews`); a host still passing them (plain
 * JavaScript, or props spread from an untyped object) would see an empty log and no error. An
 * array of entries as the activity (not what `buildActivity` returns) would fail with no word of
 * why.
 */
export function refuseEvents(options: object, name: string): void {
  if (
    'events' in options ||
    'reviews' in options ||
    Array.isArray((options as { activity?: unknown }).activity)
  ) {
    throw new Error(
      `${name} takes the activity, not \`events\` or \`reviews\`: pass activity={buildActivity(events, reviews)} (import { buildActivity } from '@auditlane/react/session-detail'), memoised over the events`,
    );
  }
}
