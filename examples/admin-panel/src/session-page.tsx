import { useSession } from '@auditlane/react';
import { type ReplayHandle, ReplayPlayer, useActivityMarkers } from '@auditlane/react/replay';
import { SessionDetail, type SessionDetailHandle } from '@auditlane/react/session-detail';
import { useEffect, useRef, useState } from 'react';
import { useLink } from './router';

/**
 * One session: its activity log beside the replay of its terminal, composed from the parts.
 * Choosing an entry seeks the player to its time; the player marks the entry that matters it
 * passed last; a click on the player's seek bar shows that moment's entries. An active session
 * is followed live until it ends (the activity and the player then stop saying "live"). Nothing
 * here loads the session's events: the activity and the seek bar's markers (what matters:
 * blocked, pending, rejected, masked, failed) are pages the server filters, so a session of
 * 100,000 events opens as fast as one of ten.
 */
export function SessionPage({ sessionId }: { sessionId: string }) {
  const link = useLink();
  const player = useRef<ReplayHandle>(null);
  const detail = useRef<SessionDetailHandle>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const { data: session, reload } = useSession(sessionId);
  const active = session?.status === 'active' || session?.status === 'pending_review';
  // The seek bar's markers: the entries that matter, from the server's activity. Polled while the
  // session is active (one without a recording too), they say when it has ended: the session is
  // then loaded again, and its status (ended, revoked) turns the activity's `live` off.
  const { markers, ended } = useActivityMarkers(session?.recorded || active ? session : null, {
    live: active,
  });
  useEffect(() => {
    if (active && ended) reload();
  }, [active, ended, reload]);
  // The player follows the session's own stream, which closes when the session ends (the player
  // then plays on to the end, no longer live): its `live` stays what it was when the page opened
  // the session, since a new value loads the recording again.
  const opened = useRef<{ id: string; active: boolean } | null>(null);
  if (session && opened.current?.id !== session.id) opened.current = { id: session.id, active };
  const followRecording = opened.current?.id === sessionId && opened.current.active;
  const startedAt = session ? Date.parse(session.startedAt) : 0;
  return (
    <section className="panel__page" aria-label="Session">
      <a className="panel__back" {...link('/')}>
        ← All sessions
      </a>
      <SessionDetail.Root
        handleRef={detail}
        sessionId={sessionId}
        live={active}
        currentEventId={current}
        onSelectEvent={
          session?.recorded
            ? (item) =>
                void player.current?.seek({
                  originalTime: (Date.parse(item.time) - startedAt) / 1000,
                })
            : undefined
        }
        getShareUrl={(s) => `${window.location.origin}/sessions/${encodeURIComponent(s.id)}`}
        className="al-session-detail"
      >
        <SessionDetail.Header className="al-session-detail__header">
          <SessionDetail.Title className="al-session-detail__title" />
          <SessionDetail.Status className="al-badge al-status" />
          <SessionDetail.LiveBadge className="al-live" />
        </SessionDetail.Header>
        <SessionDetail.Actions className="al-session-detail__actions" />
        <SessionDetail.Meta className="al-session-detail__meta" />
        {session?.recorded ? (
          <div className="al-session-detail__replay">
            <ReplayPlayer.Root
              handleRef={player}
              sessionId={sessionId}
              live={followRecording}
              markers={markers}
              onMarkerChange={(m) => setCurrent(m?.id ?? null)}
              className="al-replay"
            >
              <ReplayPlayer.Viewport className="al-replay__viewport" />
              <ReplayPlayer.Loading className="al-replay__message" />
              <ReplayPlayer.Damage className="al-replay__message al-error" />
              <div className="al-replay__controls">
                <ReplayPlayer.PlayButton className="al-button al-replay__play" />
                <ReplayPlayer.PreviousMarker className="al-button" />
                <ReplayPlayer.NextMarker className="al-button" />
                <ReplayPlayer.Timeline className="al-replay__timeline">
                  <ReplayPlayer.Seek
                    className="al-replay__seek"
                    // The activity follows the seek bar: that moment's entries.
                    onChange={(e) => {
                      const time =
                        session &&
                        player.current?.sessionTimeOf(Number(e.target.value), session.startedAt);
                      if (time) detail.current?.seekTo({ time });
                    }}
                  />
                  <ReplayPlayer.Marks
                    className="al-replay__marks"
                    idleClassName="al-replay__idle"
                    markerClassName="al-replay__marker"
                  />
                </ReplayPlayer.Timeline>
                <ReplayPlayer.LiveBadge className="al-live" />
                <ReplayPlayer.JumpToLive className="al-button" />
                <ReplayPlayer.Time className="al-replay__time" />
                <ReplayPlayer.SkipInactivity className="al-button" />
                <ReplayPlayer.Speed className="al-input" />
              </div>
            </ReplayPlayer.Root>
          </div>
        ) : null}
        <SessionDetail.Activity className="al-activity">
          <h3 className="al-activity__title">Activity</h3>
          <SessionDetail.ActivityToolbar
            className="al-activity__toolbar"
            chipClassName="al-chip"
            inputClassName="al-input"
            buttonClassName="al-button"
          />
          <SessionDetail.ActivityList
            className="al-activity__scroll"
            listClassName="al-timeline"
            entryClassName="al-timeline__item"
          />
        </SessionDetail.Activity>
      </SessionDetail.Root>
    </section>
  );
}
