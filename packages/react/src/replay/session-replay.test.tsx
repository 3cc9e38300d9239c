import '@xterm/xterm/css/xterm.css';
import { createClient } from '@auditlane/client';
import { useRef, useState } from 'react';
import { describe, expect, inject, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { useSession, useSessionEvents } from '../data';
import { AuditlaneProvider } from '../provider';
import { SessionDetail } from '../session-detail';
import { activityMarkers, loadActivityMarkers } from './markers';
import type { ReplayHandle } from './replay.types';
import { ReplayPlayer } from './replay-player';
import { useActivityMarkers } from './use-activity-markers';

const servers = inject('servers');

function Detail({ sessionId }: { sessionId: string }) {
  const player = useRef<ReplayHandle>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const session = useSession(sessionId).data;
  const { events } = useSessionEvents(sessionId);
  const markers = session ? activityMarkers(session, events) : [];
  return (
    <SessionDetail
      sessionId={sessionId}
      currentEventId={current}
      onSelectEvent={(item) => void player.current?.seekToMarker(item.id)}
      replay={
        <ReplayPlayer
          ref={player}
          sessionId={sessionId}
          markers={markers}
          onMarkerChange={(m) => setCurrent(m?.id ?? null)}
        />
      }
    />
  );
}

describe('SessionDetail with the ReplayPlayer, on a real recorded PTY session', () => {
  it('streams the recording from the server, seeks from the activity log, and highlights the current entry', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <Detail sessionId={servers.shellSession} />
      </AuditlaneProvider>,
    );
    const region = screen.getByRole('region', { name: 'Terminal recording' });
    await expect
      .element(screen.getByRole('button', { name: 'Play', exact: true }), { timeout: 15_000 })
      .toBeEnabled();
    await expect.element(region).toBeVisible();
    // The search finds what bash printed in the PTY.
    await screen.getByRole('searchbox', { name: 'Search the recording' }).fill('needle-in-the');
    await screen.getByRole('button', { name: 'Find' }).click();
    const hits = screen.getByRole('list', { name: 'Search results' });
    await expect.element(hits).toHaveTextContent('needle-in-the-recording');
    // Choosing the command in the activity log seeks the player to it and marks the entry.
    const entry = screen
      .getByRole('listitem')
      .filter({ hasText: 'echo needle-in-the-recording' })
      .first();
    await entry.getByRole('button', { name: 'Show in replay' }).click();
    await vi.waitFor(() => expect(entry.element().getAttribute('aria-current')).toBe('step'));
    const seek = screen.getByRole('slider', { name: 'Seek' }).element() as HTMLInputElement;
    expect(Number(seek.value)).toBeGreaterThan(0);
  }, 40_000);
});

/** The demo's session page: markers from the activity, an entry seeks to its own time. */
function ActivityDetail({ sessionId }: { sessionId: string }) {
  const player = useRef<ReplayHandle>(null);
  const session = useSession(sessionId).data;
  const { markers } = useActivityMarkers(session);
  const startedAt = session ? Date.parse(session.startedAt) : 0;
  return (
    <SessionDetail
      sessionId={sessionId}
      onSelectEvent={(item) =>
        void player.current?.seek({ originalTime: (Date.parse(item.time) - startedAt) / 1000 })
      }
      replay={<ReplayPlayer ref={player} sessionId={sessionId} markers={markers} />}
    />
  );
}

describe('SessionDetail with the ReplayPlayer and markers from the activity', () => {
  it("seeks to an entry that has no marker, at the entry's time", async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <ActivityDetail sessionId={servers.shellSession} />
      </AuditlaneProvider>,
    );
    await expect
      .element(screen.getByRole('button', { name: 'Play', exact: true }), { timeout: 15_000 })
      .toBeEnabled();
    const session = await client.sessions.get(servers.shellSession);
    const echo = (await client.sessions.activity(servers.shellSession, { q: 'needle-in-the' }))
      .data[0];
    expect(echo?.verdict).not.toBe('blocked');
    const at = (Date.parse(echo?.time as string) - Date.parse(session.startedAt)) / 1000;
    expect(at).toBeGreaterThan(0);
    const entry = screen
      .getByRole('listitem')
      .filter({ hasText: 'echo needle-in-the-recording' })
      .first();
    await entry.getByRole('button', { name: 'Show in replay' }).click();
    const seek = screen.getByRole('slider', { name: 'Seek' }).element() as HTMLInputElement;
    await vi.waitFor(() => expect(Number(seek.value)).toBeCloseTo(at, 1));
  }, 40_000);
});

describe('ReplayPlayer following a live session', () => {
  it('shows new output of an active session as it is recorded, and jumps back to live', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <ReplayPlayer sessionId={servers.liveSession} live />
      </AuditlaneProvider>,
    );
    const viewport = () => screen.container.querySelector('.xterm-rows')?.textContent ?? '';
    const lastTick = () =>
      Math.max(0, ...[...viewport().matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
    await vi.waitFor(() => expect(lastTick()).toBeGreaterThan(0), { timeout: 15_000 });
    const first = lastTick();
    // New output keeps arriving over SSE and the player, at the live edge, shows it.
    await vi.waitFor(() => expect(lastTick()).toBeGreaterThan(first + 3), { timeout: 15_000 });
    await expect
      .element(screen.getByRole('region', { name: 'Terminal recording' }))
      .toHaveAttribute('data-state', 'live');
    // At the live edge, within a second of the newest output.
    await expect.element(screen.getByText('live', { exact: true })).toBeVisible();
    // Going back in time leaves the live edge; the button brings it back.
    await screen.getByRole('button', { name: 'Pause' }).click();
    const seek = screen.getByRole('slider', { name: 'Seek' }).element() as HTMLInputElement;
    seek.focus();
    await screen.getByRole('region', { name: 'Terminal recording' }).click();
    await screen.getByRole('button', { name: 'Previous marker' }).click();
    await screen.getByRole('button', { name: 'Jump to live' }).click();
    await vi.waitFor(() => expect(lastTick()).toBeGreaterThan(first + 5), { timeout: 15_000 });
  }, 60_000);
});

function MarkerList({ sessionId }: { sessionId: string }) {
  const session = useSession(sessionId).data;
  const { markers, status } = useActivityMarkers(session);
  return (
    <ol aria-label="markers" data-status={status}>
      {markers.map((m) => (
        <li key={m.id} data-kind={m.kind} data-id={m.id}>
          {m.label}
        </li>
      ))}
    </ol>
  );
}

describe('useActivityMarkers on the reference server', () => {
  it("marks what matters from the server's activity, without loading the session's events", async () => {
    const requests: URL[] = [];
    const client = createClient({
      baseUrl: servers.url,
      token: servers.adminToken,
      retries: 0,
      fetch: (input, init) => {
        requests.push(new URL(input instanceof Request ? input.url : String(input)));
        return fetch(input, init);
      },
    });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <MarkerList sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const list = screen.getByRole('list', { name: 'markers' });
    await expect.element(list, { timeout: 15_000 }).toHaveAttribute('data-status', 'success');
    // The blocked DROP, and the SELECTs whose results were masked.
    await expect
      .element(list.getByRole('listitem').filter({ hasText: 'DROP TABLE customers' }))
      .toHaveAttribute('data-kind', 'blocked');
    const items = [...list.element().querySelectorAll('li')];
    expect(items.some((li) => li.dataset.kind === 'masked')).toBe(true);
    // Only what matters: no marker of an action the policy passed with nothing masked.
    expect(items.every((li) => li.dataset.kind !== 'command')).toBe(true);
    // What the page asked for (before the test's own requests below).
    const ui = [...requests];
    // They are the entries the events-based markers mark as other than plain commands.
    const all = await client.sessions.events.list(servers.dbSession, { limit: 1000 });
    const session = await client.sessions.get(servers.dbSession);
    const blocked = activityMarkers(session, all.data).filter((m) => m.kind === 'blocked');
    expect(blocked.length).toBeGreaterThan(0);
    for (const m of blocked) {
      expect(items.find((li) => li.dataset.id === m.id)?.dataset.kind).toBe('blocked');
    }
    // The page asked for the activity filtered by the server, never for the events.
    const activity = ui.filter((u) => u.pathname.endsWith('/activity'));
    expect(activity.length).toBeGreaterThan(0);
    // The verdicts, then masked and failed entries.
    expect(activity.map((u) => u.searchParams.getAll('verdict').join())).toEqual([
      'blocked,pending,rejected',
      'masked,failed',
    ]);
    for (const u of activity) expect(u.searchParams.get('group')).toBe('none');
    expect(ui.some((u) => u.pathname.endsWith('/events'))).toBe(false);
  }, 30_000);
});

function PolledMarkers({ sessionId, pollMs }: { sessionId: string; pollMs: number }) {
  const session = useSession(sessionId).data;
  const { markers, status, ended } = useActivityMarkers(session, { live: true, pollMs });
  return (
    <ol aria-label="markers" data-status={status} data-ended={String(ended)}>
      {markers.map((m) => (
        <li key={m.id}>{m.label}</li>
      ))}
    </ol>
  );
}

describe('useActivityMarkers polling a live session', () => {
  const counting = () => {
    const activity: string[] = [];
    const client = createClient({
      baseUrl: servers.url,
      token: servers.adminToken,
      retries: 0,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (new URL(url).pathname.endsWith('/activity')) activity.push(url);
        return fetch(input, init);
      },
    });
    return { client, activity };
  };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('stops once the server says the session has ended, and a pollMs of 0 is no request loop', async () => {
    const { client, activity } = counting();
    // Loaded as live (the host's session was active when it loaded), but it has ended.
    const screen = await render(
      <AuditlaneProvider client={client}>
        <PolledMarkers sessionId={servers.dbSession} pollMs={0} />
      </AuditlaneProvider>,
    );
    const list = screen.getByRole('list', { name: 'markers' });
    await expect.element(list, { timeout: 15_000 }).toHaveAttribute('data-status', 'success');
    await expect.element(list).toHaveAttribute('data-ended', 'true');
    const loaded = activity.length;
    await wait(1_500);
    // The verdicts' pass and the masked/failed pass, once: no poll after the end.
    expect(activity.length).toBe(loaded);
    expect(loaded).toBeLessThanOrEqual(4);
  }, 30_000);

  it('keeps polling a session still open, no faster than every 500 ms', async () => {
    const { client, activity } = counting();
    const screen = await render(
      <AuditlaneProvider client={client}>
        <PolledMarkers sessionId={servers.liveSession} pollMs={0} />
      </AuditlaneProvider>,
    );
    const list = screen.getByRole('list', { name: 'markers' });
    await expect.element(list, { timeout: 15_000 }).toHaveAttribute('data-status', 'success');
    await expect.element(list).toHaveAttribute('data-ended', 'false');
    const loaded = activity.length;
    await wait(2_000);
    const polls = activity.length - loaded;
    // About four polls of two requests each in 2 s; a request loop makes hundreds.
    expect(polls).toBeGreaterThan(0);
    expect(polls).toBeLessThanOrEqual(12);
  }, 30_000);
});

describe('loadActivityMarkers on the reference server', () => {
  it('keeps the verdicts first when more entries matter than the limit', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const session = await client.sessions.get(servers.dbSession);
    const all = await loadActivityMarkers(client, session);
    expect(all.truncated).toBe(false);
    // Masked SELECTs come before the blocked DROP in the session.
    const drop = all.markers.findIndex((m) => m.kind === 'blocked');
    expect(all.markers.slice(0, drop).some((m) => m.kind === 'masked')).toBe(true);
    const verdicts = all.markers.filter((m) => m.kind === 'blocked' || m.kind === 'review');
    // At the limit of the verdicts: those, and none of the masked entries.
    const one = await loadActivityMarkers(client, session, { limit: verdicts.length });
    expect(one.truncated).toBe(true);
    expect(one.markers).toEqual(verdicts);
    // Cut short on its first page (pages of the limit): it still learns the session has ended.
    expect(all.ended).toBe(true);
    expect(all.markers.filter((m) => m.kind === 'masked').length).toBeGreaterThan(2);
    const first = await loadActivityMarkers(client, session, { marks: ['masked'], limit: 1 });
    expect(first.truncated).toBe(true);
    expect(first.ended).toBe(true);
  }, 20_000);
});
