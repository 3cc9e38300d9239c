import { createClient, createIdGenerator, type EventInput } from '@auditlane/client';
import { describe, expect, inject, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { AuditlaneProvider } from '../provider';
import { useSessionEvents } from './use-session-events';

const servers = inject('servers');

function Seqs({ sessionId }: { sessionId: string }) {
  const { events, status } = useSessionEvents(sessionId, { live: true });
  return <output data-status={status}>{events.map((e) => e.seq).join(',')}</output>;
}

describe('useSessionEvents following a live session', () => {
  it('lists, then follows without repeating an event that arrived late with a lower seq', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.scratchToken, retries: 0 });
    const ids = createIdGenerator();
    const startedAt = Date.now();
    const sessionId = ids.sessionId(startedAt);
    const event = (seq: number): EventInput =>
      seq === 0
        ? {
            id: ids.eventId(),
            sessionId,
            seq,
            time: new Date(startedAt).toISOString(),
            type: 'lifecycle',
            action: 'start',
            session: {
              actor: { type: 'human', id: 'u_late' },
              resource: { name: 'web-1', type: 'ssh', environment: 'staging' },
              mode: 'interactive',
            },
          }
        : {
            id: ids.eventId(),
            sessionId,
            seq,
            time: new Date(startedAt + seq).toISOString(),
            type: 'command',
            text: `echo ${seq}`,
          };
    // Seq 1 comes after seq 2: the list (in seq order) ends with 2, which the server stored
    // before 1, so a tail resumed after 2 sends 1 again.
    await client.ingest([event(0), event(2)]);
    await client.ingest([event(1)]);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <Seqs sessionId={sessionId} />
      </AuditlaneProvider>,
    );
    const out = screen.getByRole('status');
    await expect.element(out).toHaveTextContent('0,1,2');
    await client.ingest([event(3)]);
    await expect.element(out).toHaveTextContent('0,1,2,3');
    expect(out.element().textContent).toBe('0,1,2,3');
  });
});
