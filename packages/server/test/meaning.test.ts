import {
  BadRequestError,
  createIdGenerator,
  type EventInput,
  eventSchema,
  NotFoundError,
  overviewQuerySchema,
} from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/store/postgres';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations';
import type { SqliteStore } from '../src/store/sqlite';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations';
import { type Harness, openTestStore, STORE_KINDS, sessionScript, startHarness } from './helpers';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const KEY = 'sk-ant-...A3F2';

const ids = createIdGenerator();

/** Adds an event to a script by hand (a seq its own counter never reaches), a second after the last. */
function add(s: ReturnType<typeof sessionScript>, fields: Record<string, unknown>) {
  const last = s.events.at(-1)!;
  const event = {
    id: ids.eventId(),
    sessionId: s.sessionId,
    seq: Math.max(...s.events.map((e) => e.seq)) + 100,
    time: new Date(Date.parse(last.time) + 1000).toISOString(),
    ...fields,
  } as EventInput;
  s.events.push(event);
  return event;
}

const file = (s: ReturnType<typeof sessionScript>, path: string, operation = 'read') =>
  add(s, { type: 'file', path, operation });
const outbound = (s: ReturnType<typeof sessionScript>, host: string) =>
  add(s, { type: 'outbound', protocol: 'https', host });

describe.each(STORE_KINDS)('%s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { now: () => NOW });
  });
  afterAll(() => h.close());

  const T0 = Date.UTC(2026, 10, 25, 6, 0, 0);
  let ghost: { sessionId: string };
  let alice: { sessionId: string };
  let routine: { sessionId: string }[];
  let other: { sessionId: string };
  let old: { sessionId: string };

  beforeAll(async () => {
    // An unknown actor (no email or name) on a bare IP, using a key a named person uses too, in
    // production, with two destructive statements blocked; still active.
    const g = sessionScript(
      {
        actor: { type: 'human', id: 'u_ghost' },
        endpoint: '203.0.113.9',
        credential: { kind: 'api_key', fingerprint: KEY },
      },
      T0 + 3_600_000,
    );
    g.verdict(g.query('DROP TABLE users').id, 'blocked');
    g.verdict(g.query('DELETE FROM customers').id, 'blocked');
    file(g, '/srv/app/.env');
    for (let i = 0; i < 11; i++) file(g, `/srv/app/src/auth/f${i}.ts`);
    outbound(g, 'paste.evil.test');
    add(g, {
      type: 'llm_call',
      model: 'claude-opus-4',
      inputTokens: 1000,
      outputTokens: 200,
      costUsd: 1.25,
    });
    // Alice, named, with the same key, earlier: a rejected and a blocked command; ended.
    const a = sessionScript(
      {
        actor: { type: 'human', id: 'u_alice', email: 'alice@acme.test' },
        endpoint: 'laptop-alice.acme.test',
        credential: { kind: 'api_key', fingerprint: KEY },
      },
      T0,
    );
    a.verdict(a.command('rm -rf /srv/app').id, 'blocked');
    a.verdict(a.command('psql -c "truncate payments"').id, 'rejected');
    file(a, '/srv/app/.env');
    outbound(a, 'github.com');
    a.end();
    // Forty routine sessions in staging: background.
    const r = Array.from({ length: 40 }, (_, i) => {
      const s = sessionScript(
        {
          actor: { type: 'human', id: `u_dev${i % 5}`, email: `dev${i % 5}@acme.test` },
          resource: {
            name: 'app-db',
            type: 'database',
            engine: 'postgres',
            environment: 'staging',
          },
        },
        T0 + 60_000 * (i + 1),
      );
      s.query('SELECT 1');
      outbound(s, 'github.com');
      s.end();
      return s;
    });
    // A week before: github.com is no news.
    const o8 = sessionScript({}, T0 - 8 * 86_400_000);
    outbound(o8, 'github.com');
    o8.end();
    for (const s of [o8, g, a, ...r]) expect((await h.admin.ingest(s.events)).rejected).toEqual([]);
    await h.admin.reviews.create({
      kind: 'session',
      sessionId: g.sessionId,
      subject: { type: 'session', text: 'access billing-db' },
    });

    // Another org: the same key and file, by its own actor.
    const globex = await h.clientWith(['ingest', 'view_history'], 'globex');
    const o = sessionScript(
      {
        actor: { type: 'human', id: 'u_mallory', email: 'mallory@globex.test' },
        credential: { kind: 'api_key', fingerprint: KEY },
      },
      T0 + 7_200_000,
    );
    o.verdict(o.command('rm -rf /').id, 'blocked');
    o.verdict(o.command('rm -rf /home').id, 'blocked');
    file(o, '/srv/app/.env', 'write');
    outbound(o, 'globex-only.test');
    expect((await globex.ingest(o.events)).rejected).toEqual([]);
    await h.server.scorer.idle();

    ghost = g;
    alice = a;
    routine = r;
    other = o;
    old = o8;
  });

  describe('overview', () => {
    it('counts the period, ranks the queue and says why each session matters', async () => {
      const o = await h.admin.overview();
      expect(o.period).toEqual({ from: new Date(NOW - 86_400_000).toISOString(), to: null });
      expect(o.kpis).toEqual({
        activeNow: 1,
        sessions: 42,
        costUsd: 1.25,
        actors: 7,
        blocked: 2,
        waitingReviews: 1,
      });
      expect(o.signal).toEqual({ threshold: 50, high: 2, background: 40 });
      // The unknown actor on the shared key ranks first; the key owner's session follows.
      expect(o.queue.map((q) => q.session.id).slice(0, 2)).toEqual([
        ghost.sessionId,
        alice.sessionId,
      ]);
      expect(o.queue).toHaveLength(10);
      expect(o.queue[0]).toMatchObject({ score: 100, highSignal: true });
      expect(o.queue[0]!.why).toBe(
        'Waiting session of u_ghost on billing-db: 2 actions blocked by policy; weakly attributed actor u_ghost: no identity (no email), bare IP endpoint 203.0.113.9; credential sk-ant-...A3F2 is shared with 1 other actor: u_alice',
      );
      expect(o.queue[1]!.why).toBe(
        'Ended session of alice@acme.test on billing-db: 1 action blocked by policy; 1 action rejected by a reviewer; credential sk-ant-...A3F2 is shared with 1 other actor: u_ghost',
      );
      expect(o.queue[2]!.highSignal).toBe(false);
    });

    it('writes a brief that names the sessions that matter, from the facts', async () => {
      const o = await h.admin.overview();
      expect(o.brief.sessionIds).toEqual([ghost.sessionId, alice.sessionId]);
      expect(o.brief.sentences).toEqual([
        '2 sessions matter now: one waiting session was run by an unknown actor, and one ended session used a key shared with other actors.',
        `Credential ${KEY} is shared by two actors: u_alice and u_ghost.`,
        'One outbound host was seen for the first time: paste.evil.test.',
        'One unknown actor acted: u_ghost.',
      ]);
      expect(o.brief.text).toBe(o.brief.sentences.join(' '));
      // The same data, the same words.
      expect((await h.admin.overview()).brief).toEqual(o.brief);
    });

    it('says nothing matters when nothing does', async () => {
      const o = await h.admin.overview({ environment: ['staging'] });
      expect(o.kpis.sessions).toBe(40);
      expect(o.kpis.activeNow).toBe(0);
      expect(o.signal).toEqual({ threshold: 50, high: 0, background: 40 });
      expect(o.brief.sessionIds).toEqual([]);
      expect(o.brief.sentences[0]).toBe(
        'Nothing needs attention now: none of the 40 sessions of the period scored 50 or more.',
      );
      const empty = await h.admin.overview({ period: '1h' });
      expect(empty.kpis.sessions).toBe(0);
      expect(empty.brief.sentences[0]).toBe(
        'Nothing needs attention now: no sessions in the period, 1 session still open from before.',
      );
    });

    it("takes the sessions list's filters, the entity filter too", async () => {
      const o = await h.admin.overview({ entity: [`credential:${KEY}`] });
      expect(o.kpis).toMatchObject({ sessions: 2, actors: 2, activeNow: 1, blocked: 2 });
      expect(o.queue.map((q) => q.session.id)).toEqual([ghost.sessionId, alice.sessionId]);
      const theirs = await h.admin.overview({ user: ['alice@acme.test'], period: '7d' });
      expect(theirs.kpis).toMatchObject({ sessions: 1, activeNow: 0, costUsd: 0 });
      expect(theirs.brief.sessionIds).toEqual([alice.sessionId]);
    });

    it("links entities across the org's sessions", async () => {
      const { links } = await h.admin.overview();
      expect(links.sharedCredentials).toHaveLength(1);
      expect(links.sharedCredentials[0]!.credential).toMatchObject({
        id: `credential:${KEY}`,
        sessions: 2,
        actors: 2,
        firstSessionId: alice.sessionId,
      });
      expect(links.sharedCredentials[0]!.actors.map((a) => a.actorId)).toEqual([
        'u_alice',
        'u_ghost',
      ]);
      expect(links.sharedContext.map((e) => e.id)).toEqual(['file:/srv/app/.env']);
      expect(links.newHosts.map((e) => e.id)).toEqual(['host:paste.evil.test']);
      expect(links.models.map((m) => m.model.id)).toEqual(['model:claude-opus-4']);
    });

    it("sees only the token's org", async () => {
      const globex = await h.clientWith(['view_history'], 'globex');
      const o = await globex.overview();
      expect(o.kpis).toMatchObject({ sessions: 1, actors: 1, blocked: 1, waitingReviews: 0 });
      expect(o.queue.map((q) => q.session.id)).toEqual([other.sessionId]);
      expect(o.links.sharedCredentials).toEqual([]);
      expect(o.links.newHosts.map((e) => e.id)).toEqual(['host:globex-only.test']);
    });

    it('refuses a bad query naming the parameter', async () => {
      expect(() => h.admin.overview({ queue: 0 })).toThrow(/queue/);
      const res = await fetch(`${h.server.url}/v1/overview?period=2d`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/period/);
    });
  });

  describe('relationships', () => {
    it('maps identity, shared lanes, context and outbound paths with counts and trust', async () => {
      const m = await h.admin.sessions.relationships(ghost.sessionId);
      const trust = Object.fromEntries(m.identity.nodes.map((n) => [n.id, n.trust]));
      expect(trust).toEqual({
        'actor:u_ghost': 'unknown',
        'endpoint:203.0.113.9': 'unknown',
        [`credential:${KEY}`]: 'shared',
      });
      expect(m.identity.more).toBe(0);
      expect(m.lanes).toHaveLength(1);
      const lane = m.lanes[0]!;
      expect(lane.anchor).toMatchObject({ id: `credential:${KEY}`, sessions: 2, actors: 2 });
      expect(lane.actors.nodes.map((n) => n.id)).toEqual(['actor:u_alice']);
      expect(lane.actors.more).toBe(0);
      expect(lane.sessions.data.map((s) => [s.sessionId, s.actorId, s.status])).toEqual([
        [alice.sessionId, 'u_alice', 'ended'],
      ]);
      // Capped at 8 nodes, the rest counted: 1 resource + 12 files.
      expect(m.context.nodes).toHaveLength(8);
      expect(m.context.nodes[0]).toMatchObject({ id: 'resource:billing-db', trust: 'known' });
      expect(m.context.more).toBe(5);
      const env = m.context.nodes.find((n) => n.id === 'file:/srv/app/.env');
      expect(env).toMatchObject({ sessions: 2, actors: 2, events: 1, ops: ['read'] });
      expect(m.outbound.nodes.map((n) => [n.id, n.trust])).toEqual([
        ['host:paste.evil.test', 'new'],
        ['model:claude-opus-4', 'new'],
      ]);
    });

    it("never shows another org's entities", async () => {
      const m = await h.admin.sessions.relationships(ghost.sessionId);
      const text = JSON.stringify(m);
      expect(text).not.toContain('u_mallory');
      expect(text).not.toContain(other.sessionId);
      const globex = await h.clientWith(['view_history'], 'globex');
      const theirs = await globex.sessions.relationships(other.sessionId);
      expect(theirs.identity.nodes.find((n) => n.kind === 'credential')).toMatchObject({
        sessions: 1,
        actors: 1,
        trust: 'new',
      });
      expect(theirs.lanes).toEqual([]);
      await expect(globex.sessions.relationships(ghost.sessionId)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('gives a session nobody shares anything with no lanes, and its firsts as new', async () => {
      const s = sessionScript(
        {
          actor: { type: 'human', id: 'u_carol', email: 'carol@acme.test' },
          endpoint: 'carol-laptop.acme.test',
        },
        T0 + 5_000_000,
      );
      await h.admin.ingest(s.events);
      const m = await h.admin.sessions.relationships(s.sessionId);
      expect(m.identity.nodes.map((n) => [n.id, n.trust, n.sessions])).toEqual([
        ['actor:u_carol', 'new', 1],
        ['endpoint:carol-laptop.acme.test', 'new', 1],
      ]);
      expect(m.lanes).toEqual([]);
      expect(m.context.nodes.map((n) => [n.id, n.trust])).toEqual([
        ['resource:billing-db', 'known'],
      ]);
      expect(m.outbound).toEqual({ nodes: [], more: 0 });
    });
  });

  describe('entities', () => {
    it("lists an entity's sessions newest first, a page at a time, with its actors", async () => {
      const first = await h.admin.entities.get('credential', KEY, { limit: 1 });
      expect(first.entity).toMatchObject({ id: `credential:${KEY}`, sessions: 2, actors: 2 });
      expect(first.actors.data.map((a) => a.actorId)).toEqual(['u_alice', 'u_ghost']);
      expect(first.sessions.data.map((s) => s.session.id)).toEqual([ghost.sessionId]);
      expect(first.sessions.nextCursor).not.toBeNull();
      const second = await h.admin.entities.get('credential', KEY, {
        limit: 1,
        cursor: first.sessions.nextCursor!,
      });
      expect(second.sessions.data.map((s) => s.session.id)).toEqual([alice.sessionId]);
      expect(second.sessions.nextCursor).toBeNull();
    });

    it('reads a file path key URL-encoded', async () => {
      const e = await h.admin.entities.get('file', '/srv/app/.env');
      expect(e.entity.sessions).toBe(2);
      expect(e.sessions.data.map((s) => [s.session.id, s.ops])).toEqual([
        [ghost.sessionId, ['read']],
        [alice.sessionId, ['read']],
      ]);
      const routineHost = await h.admin.entities.get('host', 'github.com', { limit: 200 });
      expect(routineHost.sessions.data).toHaveLength(42);
      expect(routineHost.sessions.data.at(-2)!.session.id).toBe(alice.sessionId);
      expect(routineHost.sessions.data[0]!.session.id).toBe(routine.at(-1)!.sessionId);
      expect(routineHost.sessions.data.at(-1)!.session.id).toBe(old.sessionId);
    });

    it('answers 404 naming an unknown entity, 400 naming a bad kind', async () => {
      await expect(h.admin.entities.get('host', 'nowhere.test')).rejects.toThrow(
        /no entity host:nowhere\.test/,
      );
      const res = await fetch(`${h.server.url}/v1/entities/planet/mars`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('validation_failed');
      expect(body.message).toMatch(/^invalid path parameters: kind:/);
      await expect(
        h.admin.entities.get('host', 'github.com', { cursor: 'bogus' }),
      ).rejects.toBeInstanceOf(BadRequestError);
    });

    it("keeps each org's entity to itself", async () => {
      const globex = await h.clientWith(['view_history'], 'globex');
      const theirs = await globex.entities.get('credential', KEY);
      expect(theirs.entity).toMatchObject({ sessions: 1, actors: 1 });
      expect(theirs.sessions.data.map((s) => s.session.id)).toEqual([other.sessionId]);
      expect(theirs.actors.data.map((a) => a.actorId)).toEqual(['u_mallory']);
      await expect(globex.entities.get('host', 'paste.evil.test')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
});

describe.each(STORE_KINDS)('%s store: KPI columns in a database made before them', (kind) => {
  it("fills each stored session's cost and blocked actions from its document", async () => {
    const { store, drop } = await openTestStore(kind);
    const settings = {
      receivedAt: new Date(NOW).toISOString(),
      previewRows: 50,
      reconnectGraceMs: 1,
    };
    const s = sessionScript({}, Date.UTC(2026, 10, 25, 6));
    s.verdict(s.command('rm -rf /').id, 'blocked');
    add(s, { type: 'llm_call', model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0.1 });
    add(s, { type: 'llm_call', model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0.2 });
    await store.ingest(
      'acme',
      s.events.map((e) => eventSchema.parse(e)),
      settings,
    );
    const migrations = kind === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
    const migration = migrations.find((m) => m.includes('CREATE INDEX sessions_kpis'))!;
    // The rollups' triggers (a later migration) read the columns: dropped first.
    const triggers =
      kind === 'sqlite'
        ? 'DROP TRIGGER sessions_rollup_insert; DROP TRIGGER sessions_rollup_update; DROP TRIGGER sessions_rollup_update_actor; DROP TRIGGER sessions_rollup_update_status; DROP TRIGGER sessions_rollup_delete;'
        : 'DROP TRIGGER sessions_rollup_insert_delete ON sessions; DROP TRIGGER sessions_rollup_update ON sessions;';
    const undo = `${triggers} DROP INDEX sessions_kpis; ALTER TABLE sessions DROP COLUMN cost_micros; ALTER TABLE sessions DROP COLUMN blocked;`;
    if (kind === 'sqlite') {
      const db = (store as SqliteStore).db;
      db.exec(undo);
      db.transaction(() => db.exec(migration))();
    } else {
      const pool = (store as PostgresStore).pool;
      await pool.query(undo);
      await pool.query(migration);
    }
    // Under a filter the KPIs are read from the sessions' own columns (sessions_kpis), not the
    // rollups: what the migration filled is what is read.
    const environment = (await store.getSession('acme', s.sessionId))!.resource.environment;
    const o = await store.overview(
      'acme',
      overviewQuerySchema.parse({ environment: [environment] }),
      NOW,
    );
    expect(o.kpis).toMatchObject({ sessions: 1, costUsd: 0.3, blocked: 1 });
    await drop();
  });
});
