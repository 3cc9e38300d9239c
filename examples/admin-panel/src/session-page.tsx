import { useSession, useSessionEvents } from '@auditlane/react';
import { activityMarkers, type ReplayHandle, ReplayPlayer } from '@auditlane/react/replay';
import { SessionDetail } from '@auditlane/react/session-detail';
import { useRef, useState } from 'react';
import { useLink } from './router';

/**
 * One session: its activity log beside the replay of its terminal. Choosing an entry seeks the
 * player there; the player marks the entry it is at. An active session is followed live.
 */
export function SessionPage({ sessionId }: { sessionId: string }) {
  const link = useLink();
  const player = useRef<ReplayHandle>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const session = useSession(sessionId).data;
  // For the seek bar's markers; SessionDetail and the player follow a live session themselves
  // (one stream each is enough for a browser's six connections per host).
  const { events } = useSessionEvents(sessionId);
  const markers = session ? activityMarkers(session, events) : [];
  const active = session?.status === 'active' || session?.status === 'pending_review';
  return (
    <section className="panel__page" aria-label="Session">
      <a className="panel__back" {...link('/')}>
        ← All sessions
      </a>
      <SessionDetail
        sessionId={sessionId}
        live={active}
        currentEventId={current}
        onSelectEvent={
          session?.recorded ? (item) => void player.current?.seekToMarker(item.id) : undefined
        }
        getShareUrl={(s) => `${window.location.origin}/sessions/${encodeURIComponent(s.id)}`}
        replay={
          session?.recorded ? (
            <ReplayPlayer
              ref={player}
              sessionId={sessionId}
              live={active}
              markers={markers}
              onMarkerChange={(m) => setCurrent(m?.id ?? null)}
            />
          ) : null
        }
      />
    </section>
  );
}
