import type { AuditlaneClient, EventInput, StoredEvent } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepRecordings } from '../src/jobs/retention';
import { PERMISSIONS } from '../src/store/types';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

const DAY = 86_400_000;

type Script = ReturnType<typeof sessionScript>;

/** The same shape of session for each org: a command, a large query result, output. */
function recordInto(s: Script, tag: string): void {
  s.command(`echo ${tag}`);
  const q = s.query(`SELECT '${tag}' FROM accounts`) as EventInput & { type: 'query' };
  q.columns = [{ name: 'tag' }, { name: 'i' }];
  q.rows = Array.from({ length: 60 }, (_, i) => [tag, i]);
  q.rowCount = 60;
  q.resultRef = 'full';
  s.output(`${tag} output\r\n`);
}

/**
 * Org B's squat of A's session: B's own content under A's session id, and A's event ids, seqs
 * and result ref, as a tenant that learnt the id (from `auditlane rec`'s output) would send it.
 */
function squatOf(a: Script, b: Script): EventInput[] {
  expect(b.events).toHaveLength(a.events.length);
  return b.events.map((e, i) => ({ ...e, sessionId: a.sessionId, id: a.events[i]!.id }));
}

const texts = (events: StoredEvent[]) =>
  events.map((e) =>
    e.type === 'command'
      ? e.text
      : e.type === 'terminal'
        ? e.data
        : e.type === 'query'
          ? e.sql
          : e.type,
  );

describe.each(STORE_KINDS)('%s store: a session is identified by its org and id', (kind) => {
  let h: Harness;
  let orgs = 0;
  beforeAll(async () => {
    h = await startHarness(kind, { pollMs: 100 });
  });
  afterAll(() => h.close());

  /** Two fresh orgs with every permission. */
  async function twoOrgs(): Promise<[AuditlaneClient, AuditlaneClient]> {
    orgs++;
    return [
      await h.clientWith([...PERMISSIONS], `rightful-${orgs}`),
      await h.clientWith([...PERMISSIONS], `squatter-${orgs}`),
    ];
  }

  it("another org's start for the id first: A's start, events, results, reviews, verify and tail all work, and neither sees the other", async () => {
    const [a, b] = await twoOrgs();
    const mine = sessionScript({ labels: { team: 'payments' } });
    recordInto(mine, 'acme');
    const theirs = sessionScript({
      actor: { type: 'human', id: 'u_mallory', email: 'mallory@evil.test' },
      resource: { name: 'evil-db', type: 'database', environment: 'production' },
      labels: { team: 'evil' },
      mode: 'interactive',
    });
    recordInto(theirs, 'evil');
    const squat = squatOf(mine, theirs);

    // B gets there first, with the same session id and the same event ids.
    expect(await b.ingest(squat)).toMatchObject({ accepted: squat.length, rejected: [] });

    // A's start and events are all stored: nothing is unknown or a conflict.
    const id = mine.sessionId;
    expect(await a.ingest(mine.events.slice(0, 2))).toMatchObject({ accepted: 2, rejected: [] });
    const tail: StoredEvent[] = [];
    const tailing = (async () => {
      for await (const e of a.sessions.events.stream(id)) tail.push(e);
    })();
    expect(await a.ingest(mine.events.slice(2))).toMatchObject({
      accepted: mine.events.length - 2,
      rejected: [],
      revoked: [],
    });

    // Each org reads its own session under the one id.
    expect((await a.sessions.get(id)).actor.id).toBe('u_alice');
    expect((await b.sessions.get(id)).actor.id).toBe('u_mallory');
    const aEvents = (await a.sessions.events.list(id)).data;
    const bEvents = (await b.sessions.events.list(id)).data;
    expect(texts(aEvents)).toEqual([
      'lifecycle',
      'echo acme',
      "SELECT 'acme' FROM accounts",
      'acme output\r\n',
    ]);
    expect(texts(bEvents)).toEqual([
      'lifecycle',
      'echo evil',
      "SELECT 'evil' FROM accounts",
      'evil output\r\n',
    ]);
    expect(aEvents.map((e) => e.id)).toEqual(bEvents.map((e) => e.id));
    expect(await a.sessions.verify(id)).toMatchObject({ ok: true, events: 4 });
    expect(await b.sessions.verify(id)).toMatchObject({ ok: true, events: 4 });

    // Results under the same ref.
    const result = async (c: AuditlaneClient) =>
      (await (await c.downloads.result(id, 'full', { format: 'csv' })).text()).split('\r\n')[1];
    expect(await result(a)).toBe('acme,0');
    expect(await result(b)).toBe('evil,0');

    // Lists, labels and free text: each org finds only its own.
    expect((await a.sessions.list()).data.map((s) => s.actor.id)).toEqual(['u_alice']);
    expect((await b.sessions.list()).data.map((s) => s.actor.id)).toEqual(['u_mallory']);
    expect((await b.sessions.list({ q: 'acme output' })).data).toEqual([]);
    expect((await a.sessions.list({ q: 'evil output' })).data).toEqual([]);
    // (A text match is looked up by session id: each org must get its own session back.)
    for (const [c, text, actor] of [
      [a, 'acme output', 'u_alice'],
      [b, 'evil output', 'u_mallory'],
    ] as const) {
      expect((await c.sessions.list({ q: text })).data.map((s) => [s.id, s.actor.id])).toEqual([
        [id, actor],
      ]);
    }
    expect((await b.sessions.list({ label: ['team=payments'] })).data).toEqual([]);
    expect((await a.sessions.list({ label: ['team=payments'] })).data.map((s) => s.id)).toEqual([
      id,
    ]);
    const logs = await (await a.downloads.logs(id)).text();
    expect(logs).toContain('echo acme');
    expect(logs).not.toContain('evil');

    // Reviews of the same session id stay with their org.
    const aReview = await a.reviews.create({
      kind: 'command',
      sessionId: id,
      eventId: mine.events[1]!.id,
      subject: { type: 'command', text: 'echo acme' },
    });
    const bReview = await b.reviews.create({
      kind: 'command',
      sessionId: id,
      eventId: mine.events[1]!.id,
      subject: { type: 'command', text: 'echo evil' },
    });
    expect(aReview.requestedBy.id).toBe('u_alice');
    expect((await a.reviews.list({ sessionId: id })).data.map((r) => r.id)).toEqual([aReview.id]);
    expect((await b.reviews.list({ sessionId: id })).data.map((r) => r.id)).toEqual([bReview.id]);
    await expect(b.reviews.approve(aReview.id)).rejects.toThrow(/no review/);
    // Requester and reviewer differ: another token of A's org decides A's review.
    const aReviewer = await h.clientWith(['review', 'view_history'], `rightful-${orgs}`);
    expect((await aReviewer.reviews.approve(aReview.id)).status).toBe('approved');

    // B revokes and keeps writing to its session: A's session and its tail are not touched.
    expect((await b.sessions.revoke(id)).status).toBe('revoked');
    expect((await a.sessions.get(id)).status).toBe('active');
    expect((await a.sessions.status(id)).status).toBe('active');
    expect((await b.sessions.get(id)).status).toBe('revoked');
    await expect.poll(async () => (await b.reviews.get(bReview.id)).status).toBe('cancelled');
    expect((await a.reviews.get(aReview.id)).status).toBe('approved');
    theirs.command('evil later');
    const late = theirs.events.at(-1)!;
    expect((await b.ingest([{ ...late, sessionId: id }])).accepted).toBe(1);
    mine.command('acme later');
    mine.end();
    expect(await a.ingest(mine.events.slice(-2))).toMatchObject({ accepted: 2, revoked: [] });
    await tailing;
    expect(texts(tail)).toEqual([...texts(aEvents), 'acme later', 'lifecycle']);
    expect((await a.sessions.get(id)).status).toBe('ended');
    expect((await b.sessions.get(id)).status).toBe('revoked');
  });

  it('stores the same event id in two orgs, each once, and tells each org its own duplicates', async () => {
    const [a, b] = await twoOrgs();
    const mine = sessionScript();
    mine.command('echo a');
    const theirs = sessionScript();
    theirs.command('echo b');
    // Two different sessions that happen to use the same event ids.
    const same = theirs.events.map((e, i) => ({ ...e, id: mine.events[i]!.id }));
    expect((await a.ingest(mine.events)).accepted).toBe(2);
    expect((await b.ingest(same)).accepted).toBe(2);
    expect(await a.ingest(mine.events)).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await b.ingest(same)).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(texts((await b.sessions.events.list(theirs.sessionId)).data)).toEqual([
      'lifecycle',
      'echo b',
    ]);
  });

  it('answers a start for an id this org already uses as a conflict, and only other events as unknown', async () => {
    const [a, b] = await twoOrgs();
    const mine = sessionScript();
    mine.command('echo a');
    await a.ingest(mine.events);
    // Another org sending events of A's session without a start: unknown to it, as ever.
    const stray = await b.ingest([mine.events[1]!]);
    expect(stray.rejected[0]).toMatchObject({
      code: 'unknown_session',
      message: expect.stringMatching(/send its lifecycle start event first/),
    });
    // A second start of the same org: a conflict, never "send its start first".
    const again = await a.ingest([{ ...mine.events[0]!, id: 'evt_second_start' }]);
    expect(again.rejected[0]).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/has already started/),
    });
    // And B's start of the id works (see above): a start event is never unknown.
    const squat = { ...mine.events[0]!, id: 'evt_b_start' };
    expect(await b.ingest([squat])).toMatchObject({ accepted: 1, rejected: [] });
  });

  it("retention purges a squatter's old recording, not the rightful org's session of the same id", async () => {
    const [a, b] = await twoOrgs();
    const staging = { name: 'web-1', type: 'ssh' as const, environment: 'staging' };
    const mine = sessionScript({ resource: staging });
    mine.output('acme recent output\r\n');
    // B's session under A's id claims to have started 40 days ago.
    const theirs = sessionScript({ resource: staging }, Date.now() - 40 * DAY);
    theirs.output('evil old output\r\n');
    await b.ingest(squatOf(mine, theirs));
    await a.ingest(mine.events);
    await sweepRecordings(h.store, { productionDays: null, otherDays: 7 }, Date.now());
    const id = mine.sessionId;
    await expect(b.sessions.recording(id)).rejects.toThrow(/was purged/);
    expect((await a.sessions.get(id)).recorded).toBe(true);
    const cast = await (await a.sessions.recording(id)).text();
    expect(cast).toContain('acme recent output');
    const terminal = (await a.sessions.events.list(id, { type: ['terminal'] })).data;
    expect(terminal[0]).toMatchObject({ data: 'acme recent output\r\n' });
    expect(terminal[0]!.purged).toBeUndefined();
    expect((await a.sessions.list({ q: 'acme recent output' })).data.map((s) => s.id)).toEqual([
      id,
    ]);
    expect(await a.sessions.verify(id)).toMatchObject({ ok: true });
    expect(await b.sessions.verify(id)).toMatchObject({ ok: true });
  });
});
