import { useCallback, useMemo, useState } from 'react';
import { asError } from '../data/use-sessions';
import { buildActivity } from './activity';
import type { DownloadAvailability, UseSessionDetailOptions } from './session-detail.types';

export type ActionStatus = { state: 'idle' | 'busy' | 'done' } | { state: 'error'; error: Error };

/**
 * A session's detail without markup and without fetching: the session given, its activity (the
 * events given, joined), what the viewer may do and the actions, each through the host's
 * callback. `SessionDetail.Root` with a `sessionId` feeds it from the provider's client; a host
 * with its own data layer feeds it directly.
 */
export function useSessionDetail(options: UseSessionDetailOptions) {
  const { session, viewer } = options;
  const activity = useMemo(
    () => (options.events ? buildActivity(options.events, options.reviews) : []),
    [options.events, options.reviews],
  );
  const permissions = viewer?.permissions ?? [];
  // Why not, as a code: the component words it (`messages.sessionDetail.downloadBlocked`).
  const download: DownloadAvailability = !viewer
    ? { allowed: false, reason: options.viewerLoading ? 'checking' : 'unavailable' }
    : !viewer.downloadsEnabled
      ? { allowed: false, reason: 'disabled' }
      : !permissions.includes('download_recording')
        ? { allowed: false, reason: 'forbidden' }
        : !options.onDownload
          ? { allowed: false, reason: 'unavailable' }
          : { allowed: true, reason: null };
  const canRevoke =
    session?.status === 'active' &&
    permissions.includes('revoke') &&
    options.onRevoke !== undefined;
  const canReview = permissions.includes('review') && options.onDecide !== undefined;

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

  const revoke = (reason?: string) =>
    run(() => (session ? options.onRevoke?.(session, reason) : undefined));
  const decide = (reviewId: string, decision: 'approved' | 'rejected') =>
    run(() => options.onDecide?.(reviewId, decision));
  const downloadLogs = () => run(() => options.onDownload?.({ kind: 'logs' }));
  const downloadResult = (eventId: string, resultRef: string) =>
    run(() => options.onDownload?.({ kind: 'result', resultRef, eventId }));

  const status = options.status ?? (session ? 'success' : 'loading');
  return {
    session,
    events: options.events ?? [],
    activity,
    viewer: viewer ?? undefined,
    status,
    error: options.error ?? null,
    download,
    canRevoke,
    canReview,
    action,
    revoke,
    decide,
    downloadLogs,
    downloadResult,
    reload: () => options.onReload?.(),
  };
}

export type UseSessionDetailResult = ReturnType<typeof useSessionDetail>;
