/**
 * The stories' mocked API (src/handlers.ts) answers what the components ask of it as the
 * reference server would: the activity filtered, paged and sought, the seek bar's markers of
 * what matters, a session's recording. In Node, with MSW's server and the real client.
 */
import { createClient } from '@auditlane/client';
import { readAsciicast } from '@auditlane/client/asciicast';
import { loadActivityMarkers } from '@auditlane/react/replay';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSessions } from '../src/fixtures';
import { API, apiHandlers } from '../src/handlers';

const sessions = makeSessions(20);
const session = sessions[0]!;
const server = setupServer(...apiHandlers({ sessions }));
// The global fetch as MSW patches it once listening.
const client = createClient({
  baseUrl: API,
  token: 'tok_story',
  retries: 0,
  fetch: (input, init) => fetch(input, init),
});

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe("the stories' mocked API", () => {
  it('filters the activity by mark, type and text', async () => {
    const all = (await client.sessions.activity(session.id)).data;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const blocked = (await client.sessions.activity(session.id, { verdict: ['blocked'] })).data;
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((e) => e.verdict === 'blocked')).toBe(true);
    const masked = (await client.sessions.activity(session.id, { verdict: ['masked'] })).data;
    expect(masked.length).toBeGreaterThan(0);
    expect(masked.every((e) => e.masked.count > 0)).toBe(true);
    const queries = (await client.sessions.activity(session.id, { type: ['query'] })).data;
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((e) => e.type === 'query')).toBe(true);
    const drop = (await client.sessions.activity(session.id, { q: 'drop table' })).data;
    expect(drop.map((e) => e.event.type === 'query' && e.event.sql)).toEqual([
      expect.stringMatching(/^DROP TABLE/i),
    ]);
  });

  it('pages either way and seeks, as the activity window asks', async () => {
    const all = (await client.sessions.activity(session.id, { limit: 500 })).data;
    // Forward, two at a time: every entry once, in order.
    const forward: number[] = [];
    for await (const entry of client.sessions.activity(session.id, { limit: 2 })) {
      forward.push(entry.seq);
    }
    expect(forward).toEqual(all.map((e) => e.seq));
    // A seek: the page around the entry sought, with its seq; then the page before it.
    const target = all[Math.floor(all.length / 2)]!;
    const around = await client.sessions.activity(session.id, {
      limit: 2,
      aroundTime: target.time,
    });
    expect(around.extra.anchorSeq).toBe(target.seq);
    expect(around.data.map((e) => e.seq)).toContain(target.seq);
    expect(around.extra.hasBefore).toBe(true);
    const before = await client.sessions.activity(session.id, {
      limit: 2,
      before: around.extra.prevCursor as string,
    });
    expect(before.data.at(-1)!.seq).toBeLessThan(around.data[0]!.seq);
    expect(before.data.map((e) => e.seq)).toEqual(
      all
        .filter((e) => e.seq < around.data[0]!.seq)
        .slice(-2)
        .map((e) => e.seq),
    );
  });

  it("gives the seek bar's markers of what matters, and the session's recording", async () => {
    const { markers, truncated } = await loadActivityMarkers(client, session);
    expect(truncated).toBe(false);
    expect(markers.some((m) => m.kind === 'blocked' && /DROP TABLE/i.test(m.label))).toBe(true);
    expect(markers.some((m) => m.kind === 'masked')).toBe(true);
    expect(markers.every((m) => m.kind !== 'command')).toBe(true);
    const recording = await client.sessions.recording(session.id);
    let header = null;
    let last = 0;
    for await (const item of readAsciicast(recording.body)) {
      if (item.kind === 'header') header = item.header;
      else last = item.event.time;
    }
    expect(header).toMatchObject({ term: { cols: 100, rows: 28 } });
    // It lasts as long as the session's activity (its last entry is at 90 s).
    expect(last).toBeGreaterThanOrEqual(90);
  });
});
