import '@xterm/xterm/css/xterm.css';
import { createClient } from '@auditlane/client';
import { useRef, useState } from 'react';
import { describe, expect, inject, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { useSession, useSessionEvents } from '../data';
import { AuditlaneProvider } from '../provider';
import { SessionDetail } from '../session-detail';
import { activityMarkers } from './markers';
import type { ReplayHandle } from './replay.types';
import { ReplayPlayer } from './replay-player';

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
