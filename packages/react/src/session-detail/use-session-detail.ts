import type { Review, Session, StoredEvent, Viewer } from '@auditlane/client';
import { useCallback, useMemo, useState } from 'react';
import { useAsync } from '../data/use-async';
import { useSession } from '../data/use-session';
import { useSessionEvents } from '../data/use-session-events';
import { asError } from '../data/use-sessions';
import { useViewer } from '../data/use-viewer';
import { saveBlob } from '../internal/clipboard';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import { buildActivity } from './activity';
import type { DownloadAvailability, UseSessionDetailOptions } from './session-detail.types';

export type ActionStatus = { state: 'idle' | 'busy' | 'done' } | { state: 'error'; error: Error };

/**
 * A session's detail without markup: the session, its activity log, what the viewer may do and
 * the actions (revoke, approve / reject, downloads), through the provider's client or on data
 * given directly.
 */
export function useSessionDetail(options: UseSessionDetailOptions) {
  const context = useAuditlaneContext();
  const client = context?.client ?? null;
  const direct = options.session !== undefined;
  if (!direct && !client) {
    throw new Error(
      'SessionDetail needs an API client (<AuditlaneProvider client={...}>) or the session and events passed directly',
    );
  }
  const sessionId = direct ? (options.session?.id ?? null) : (options.sessionId ?? null);

  const remote = useSession(direct ? null : sessionId);
  const session: Session | null = direct ? (options.session ?? null) : (remote.data ?? null);
  const live = (options.live ?? true) && session?.status === 'active';
  const remoteEvents = useSessionEvents(direct ? null : sessionId, { live });
  const events: readonly StoredEvent[] = direct ? (options.events ?? []) : remoteEvents.events;
  // Reviews say what waited (a held command has no event of its own until it runs).
  const reviewCount = events.filter((e) => e.type === 'policy' && e.reviewId).length;
  const reviews = useAsync(
    !direct && client && sessionId && reviewCount > 0
      ? `reviews:${sessionId}:${reviewCount}`
      : null,
    async (signal) => {
      const list: Review[] = [];
      for await (const review of (client as NonNullable<typeof client>).reviews.list(
        { sessionId: sessionId as string },
        { signal },
      )) {
        list.push(review);
      }
      return list;
    },
  );
  const reviewList = direct ? options.reviews : reviews.data;
  const activity = useMemo(() => buildActivity(events, reviewList), [events, reviewList]);

  const fetched = useViewer();
  const viewer: Viewer | undefined = options.viewer ?? fetched.viewer;
  const permissions = viewer?.permissions ?? [];
  // Why not, as a code: the component words it (`messages.sessionDetail.downloadBlocked`).
  const download: DownloadAvailability = !viewer
    ? { allowed: false, reason: direct ? 'unavailable' : 'checking' }
    : !viewer.downloadsEnabled
      ? { allowed: false, reason: 'disabled' }
      : !permissions.includes('download_recording')
        ? { allowed: false, reason: 'forbidden' }
        : { allowed: true, reason: null };
  const canRevoke =
    session?.status === 'active' &&
    permissions.includes('revoke') &&
    (client !== null || options.onRevoke !== undefined);
  const canReview =
    permissions.includes('review') && (client !== null || options.onDecide !== undefined);

  const [action, setAction] = useState<ActionStatus>({ state: 'idle' });
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setAction({ state: 'busy' });
    try {
      await work();
      setAction({ state: 'done' });
    } catch (error) {
      setAction({ state: 'error', error: asError(error) });
    }
  }, []);

  const revoke = (reason?: string) =>
    run(async () => {
      if (!session) return;
      if (options.onRevoke) return options.onRevoke(session, reason);
      const updated = await (client as NonNullable<typeof client>).sessions.revoke(
        session.id,
        reason ? { reason } : {},
      );
      remote.set(updated);
    });

  const decide = (reviewId: string, decision: 'approved' | 'rejected') =>
    run(async () => {
      if (options.onDecide) return options.onDecide(reviewId, decision);
      const reviews = (client as NonNullable<typeof client>).reviews;
      await (decision === 'approved' ? reviews.approve(reviewId) : reviews.reject(reviewId));
      if (!live) remoteEvents.reload();
    });

  const downloadLogs = () =>
    run(async () => {
      if (!session) return;
      if (options.onDownload) return options.onDownload({ kind: 'logs' });
      const file = await (client as NonNullable<typeof client>).downloads.logs(session.id, {
        format: 'ndjson',
      });
      saveBlob(await file.blob(), file.filename ?? `${session.id}.ndjson`);
    });

  const downloadResult = (eventId: string, resultRef: string) =>
    run(async () => {
      if (!session) return;
      if (options.onDownload) return options.onDownload({ kind: 'result', resultRef, eventId });
      const file = await (client as NonNullable<typeof client>).downloads.result(
        session.id,
        resultRef,
        { format: 'csv' },
      );
      saveBlob(await file.blob(), file.filename ?? `${resultRef}.csv`);
    });

  const status = direct
    ? session
      ? 'success'
      : 'loading'
    : remote.status === 'success' && remoteEvents.status === 'error'
      ? 'error'
      : remote.status;
  return {
    session,
    events,
    activity,
    viewer,
    status,
    error: remote.error ?? remoteEvents.error,
    live: remoteEvents.live,
    download,
    canRevoke,
    canReview,
    action,
    revoke,
    decide,
    downloadLogs,
    downloadResult,
    reload: () => {
      remote.reload();
      remoteEvents.reload();
    },
  };
}

export type UseSessionDetailResult = ReturnType<typeof useSessionDetail>;
