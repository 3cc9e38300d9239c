import '@xterm/xterm/css/xterm.css';
import { AuditlaneProvider, useSession } from '@auditlane/react';
import { type ReplayHandle, ReplayPlayer, useActivityMarkers } from '@auditlane/react/replay';
import {
  buildActivity,
  SessionDetail,
  type SessionDetailHandle,
} from '@auditlane/react/session-detail';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useRef, useState } from 'react';
import { storyClient } from './client';
import { makeEvents, makeSessions } from './fixtures';
import { apiHandlers, FULL_VIEWER } from './handlers';

const sessions = makeSessions(20);
const live = sessions[0]!;
const ended = sessions[5]!;

const meta = {
  title: 'Components/SessionDetail',
  component: SessionDetail,
  decorators: [
    (Story) => (
      <AuditlaneProvider client={storyClient()}>
        <Story />
      </AuditlaneProvider>
    ),
  ],
  args: { sessionId: ended.id, onRerun: () => {} },
  parameters: { msw: { handlers: apiHandlers({ sessions }) } },
} satisfies Meta<typeof SessionDetail>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A database session: masked result preview, a blocked DROP, an UPDATE approved by a reviewer. */
export const Default: Story = {};

export const PendingReview: Story = {
  parameters: { msw: { handlers: apiHandlers({ sessions, pending: true }) } },
};

/** An active session: new commands arrive over SSE; revoke is offered. */
export const LiveSession: Story = {
  args: { sessionId: live.id },
  parameters: { msw: { handlers: apiHandlers({ sessions, live: true, pending: true }) } },
};

export const PermissionDenied: Story = {
  parameters: {
    msw: {
      handlers: apiHandlers({
        sessions,
        pending: true,
        viewer: { ...FULL_VIEWER, permissions: ['view_history'] },
      }),
    },
  },
};

export const DownloadsDisabled: Story = {
  parameters: {
    msw: {
      handlers: apiHandlers({ sessions, viewer: { ...FULL_VIEWER, downloadsEnabled: false } }),
    },
  },
};

export const Loading: Story = {
  parameters: { msw: { handlers: apiHandlers({ sessions, loading: true }) } },
};

export const ServerError: Story = {
  parameters: { msw: { handlers: apiHandlers({ sessions, failing: true }) } },
};

/** Data given directly, no client: what a host with its own backend does. */
export const GivenData: Story = {
  decorators: [(Story) => <Story />],
  args: {
    sessionId: undefined,
    session: ended,
    activity: buildActivity(makeEvents(ended)),
    viewer: FULL_VIEWER,
  },
};

/** Translated through the component's own `messages` (partial, merged over English). */
export const Translated: Story = {
  args: {
    messages: {
      sessionDetail: {
        title: (actor, resource) => `${actor} auf ${resource}`,
        actions: 'Sitzungsaktionen',
        copyId: 'Sitzungs-ID kopieren',
        downloadLogs: 'Protokolle laden',
        shareLink: 'Link teilen',
        revoke: 'Widerrufen',
        activity: 'Aktivität',
        kind: {
          command: 'Befehl',
          query: 'Abfrage',
          tool_call: 'Werkzeug',
          llm_call: 'LLM-Aufruf',
          file: 'Datei',
          outbound: 'Anfrage',
          lifecycle: 'Sitzung',
          policy: 'Richtlinie',
        },
        masked: (count) => `${count} ${count === 1 ? 'Feld' : 'Felder'} maskiert`,
      },
    },
  },
};

/** The parts composed by the host: its own layout, a heading of its own, no meta panel. */
export const Composed: Story = {
  render: ({ replay: _replay, ...args }) => (
    <SessionDetail.Root
      sessionId={args.sessionId}
      onRerun={args.onRerun}
      className="al-session-detail"
    >
      <SessionDetail.Header className="al-session-detail__header">
        <SessionDetail.Title asChild>
          <h1 className="al-session-detail__title">Audit of this session</h1>
        </SessionDetail.Title>
        <SessionDetail.Status className="al-badge al-status" />
      </SessionDetail.Header>
      <SessionDetail.Activity className="al-activity">
        <SessionDetail.ActivityToolbar
          className="al-activity__toolbar"
          chipClassName="al-chip"
          inputClassName="al-input"
          buttonClassName="al-button"
        />
        <SessionDetail.ActivityList
          listClassName="al-timeline"
          entryClassName="al-timeline__item"
        />
      </SessionDetail.Activity>
    </SessionDetail.Root>
  ),
};

// Its recording starts with the session (the fixtures' events are from that moment on).
const recorded = sessions[0]!;

/**
 * A session page composed from both components' parts, as the admin panel does: the replay's
 * seek bar marks what matters (the server's activity filtered to blocked, pending, rejected,
 * masked and failed entries, never the session's events), a click on it shows that moment's
 * entries, and choosing an entry seeks the replay to its time.
 */
function SessionPage({ sessionId }: { sessionId: string }) {
  const player = useRef<ReplayHandle>(null);
  const detail = useRef<SessionDetailHandle>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const session = useSession(sessionId).data;
  const { markers } = useActivityMarkers(session);
  const startedAt = session ? Date.parse(session.startedAt) : 0;
  return (
    <SessionDetail.Root
      handleRef={detail}
      sessionId={sessionId}
      currentEventId={current}
      onSelectEvent={(item) =>
        void player.current?.seek({ originalTime: (Date.parse(item.time) - startedAt) / 1000 })
      }
      className="al-session-detail"
    >
      <SessionDetail.Header className="al-session-detail__header">
        <SessionDetail.Title className="al-session-detail__title" />
        <SessionDetail.Status className="al-badge al-status" />
      </SessionDetail.Header>
      <div className="al-session-detail__replay">
        <ReplayPlayer.Root
          handleRef={player}
          sessionId={sessionId}
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
            <ReplayPlayer.Time className="al-replay__time" />
            <ReplayPlayer.Speed className="al-input" />
          </div>
        </ReplayPlayer.Root>
      </div>
      <SessionDetail.Activity className="al-activity">
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
  );
}

export const WithReplay: Story = {
  args: { sessionId: recorded.id },
  render: (args) => <SessionPage sessionId={args.sessionId as string} />,
};
