import { createIdGenerator, type EventInput, overviewQuerySchema } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/store/postgres';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations';
import type { SqliteStore } from '../src/store/sqlite';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations';
import {
  type Harness,
  openTestStore,
  STORE_KINDS,
  type StoreKind,
  sessionScript,
  startHarness,
} from './helpers';

// The overview's rollups (session_hours, session_actor_days) against a recomputation from the
// sessions themselves: after ingest, after a session's counters change, after rescoring moves
// scores, after a session row is deleted, and when the migration fills them in a database
// made before them.

const NOW = Date.UTC(2026, 10, 25, 12, 30, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ids = createIdGenerator();

type Store = Harness['store'];

/** Rows of a query on the store's own database (`?` placeholders). */
async function query<T>(kind: StoreKind, store: Store, sql: string, params: unknown[] = []) {
  if (kind === 'sqlite') {
    const statement = (store as SqliteStore).db.prepare(sql);
    if (!statement.reader) {
      statement.run(...params);
      return [];
    }
    return statement.all(...params) as T[];
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return (await (store as PostgresStore).pool.query(text, params)).rows as T[];
}

const num = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));

/** The rollups as stored, and as recomputed from the sessions table. */
async function rollups(kind: StoreKind, store: Store) {
  const floor = (t: string, ms: number) => `(${t} - ((${t} % ${ms}) + ${ms}) % ${ms})`;
  const int = (c: string) => (kind === 'sqlite' ? `(${c})` : `(${c})::int`);
  const hours = await query<Record<string, unknown>>(
    kind,
    store,
    "SELECT hour, sessions, cost_micros, blocked, high FROM session_hours WHERE org = 'acme' AND sessions <> 0 ORDER BY hour",
  );
  const expectedHours = await query<Record<string, unknown>>(
    kind,
    store,
    `SELECT ${floor('started_at', HOUR)} AS hour, count(*) AS sessions, sum(cost_micros) AS cost_micros,
       sum(${int('blocked > 0')}) AS blocked, sum(${int('score >= 50')}) AS high
     FROM sessions WHERE org = 'acme' GROUP BY 1 ORDER BY 1`,
  );
  const days = await query<Record<string, unknown>>(
    kind,
    store,
    "SELECT day, actor_id, sessions FROM session_actor_days WHERE org = 'acme' ORDER BY day, actor_id",
  );
  const expectedDays = await query<Record<string, unknown>>(
    kind,
    store,
    `SELECT ${floor('started_at', DAY)} AS day, actor_id, count(*) AS sessions
     FROM sessions WHERE org = 'acme' GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const days2 = (rows: Record<string, unknown>[]) =>
    rows.map((r) => ({ day: Number(r.day), actor: r.actor_id, sessions: Number(r.sessions) }));
  const statuses = await query<Record<string, unknown>>(
    kind,
    store,
    "SELECT status, environment, resource_type, actor_type, sessions FROM session_status_counts WHERE org = 'acme' AND sessions <> 0 ORDER BY 1, 2, 3, 4",
  );
  const expectedStatuses = await query<Record<string, unknown>>(
    kind,
    store,
    "SELECT status, environment, resource_type, actor_type, count(*) AS sessions FROM sessions WHERE org = 'acme' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
  );
  const status2 = (rows: Record<string, unknown>[]) =>
    rows.map((r) => ({ ...r, sessions: Number(r.sessions) }));
  return {
    statuses: status2(statuses),
    expectedStatuses: status2(expectedStatuses),
    hours: num(hours),
    expectedHours: num(expectedHours),
    days: days2(days),
    expectedDays: days2(expectedDays),
  };
}

/** The KPIs of sessions started in [from, to) recomputed from every session row. */
async function scanned(
  kind: StoreKind,
  store: Store,
  from: number,
  to: number | null,
  filter = '',
) {
  const [row] = await query<Record<string, unknown>>(
    kind,
    store,
    `SELECT count(*) AS sessions, count(DISTINCT actor_id) AS actors, coalesce(sum(cost_micros), 0) AS cost,
       coalesce(sum(CASE WHEN blocked > 0 THEN 1 ELSE 0 END), 0) AS blocked,
       coalesce(sum(CASE WHEN score >= 50 THEN 1 ELSE 0 END), 0) AS high
     FROM sessions WHERE org = 'acme' AND started_at >= ?${to === null ? '' : ' AND started_at < ?'}${filter}`,
    to === null ? [from] : [from, to],
  );
  return {
    sessions: Number(row!.sessions),
    actors: Number(row!.actors),
    costUsd: Number(row!.cost) / 1e6,
    blocked: Number(row!.blocked),
    high: Number(row!.high),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Periods whose ends fall inside hours and days, on hour and day starts, and inside one hour. */
const PERIODS: { label: string; query: Record<string, string>; from: number; to: number | null }[] =
  [
    { label: '24h', query: { period: '24h' }, from: NOW - DAY, to: null },
    { label: '7d', query: { period: '7d' }, from: NOW - 7 * DAY, to: null },
    { label: '30d', query: { period: '30d' }, from: NOW - 30 * DAY, to: null },
    {
      label: 'from/to inside days',
      query: { from: iso(NOW - 6 * DAY - 17 * 60_000), to: iso(NOW - DAY - 3 * HOUR + 60_000) },
      from: NOW - 6 * DAY - 17 * 60_000,
      to: NOW - DAY - 3 * HOUR + 60_000,
    },
    {
      label: 'from/to on day starts',
      query: { from: iso(Date.UTC(2026, 10, 19)), to: iso(Date.UTC(2026, 10, 24)) },
      from: Date.UTC(2026, 10, 19),
      to: Date.UTC(2026, 10, 24),
    },
    {
      label: 'inside one hour',
      query: {
        from: iso(Date.UTC(2026, 10, 22, 9, 5)),
        to: iso(Date.UTC(2026, 10, 22, 9, 50)),
      },
      from: Date.UTC(2026, 10, 22, 9, 5),
      to: Date.UTC(2026, 10, 22, 9, 50),
    },
    {
      label: 'only from',
      query: { from: iso(NOW - 4 * DAY + 1) },
      from: NOW - 4 * DAY + 1,
      to: null,
    },
  ];

const ACTORS = [
  { type: 'human' as const, id: 'u_alice', email: 'alice@acme.test' },
  { type: 'human' as const, id: 'u_bob', email: 'bob@acme.test' },
  { type: 'human' as const, id: 'u_ghost' },
  { type: 'service' as const, id: 'ci' },
];
const KEY = { kind: 'api_key' as const, fingerprint: 'ak-...R0LL' };

/** Session `i`: every 7 hours 13 minutes back from NOW, actors in turn, some spend, some blocked. */
function session(i: number) {
  const startedAt = NOW - 30 * 60_000 - i * (7 * HOUR + 13 * 60_000);
  const actor = ACTORS[i % ACTORS.length]!;
  const s = sessionScript(
    {
      actor,
      endpoint: actor.id === 'u_ghost' ? '203.0.113.7' : `ws-${actor.id}.acme.test`,
      credential: i % 3 === 0 ? KEY : { kind: 'api_key', fingerprint: `ak-...${i}` },
      resource: {
        name: `res-${i % 5}`,
        type: (['database', 'ssh', 'kubernetes', 'database', 'ssh'] as const)[i % 5]!,
        environment: ['production', 'staging', 'development', 'staging', 'production'][i % 5]!,
      },
    },
    startedAt,
  );
  if (i % 5 === 0) s.verdict(s.command('rm -rf /srv').id, 'blocked');
  else s.command('ls');
  if (i % 2 === 0)
    s.events.push({
      id: ids.eventId(),
      sessionId: s.sessionId,
      seq: 50,
      time: iso(startedAt + 50_000),
      type: 'llm_call',
      model: 'claude-sonnet-4-5',
      inputTokens: 100,
      outputTokens: 10,
      costUsd: 0.001 * (i + 1),
    } as EventInput);
  if (i % 4 !== 1) s.end();
  return s;
}

describe.each(STORE_KINDS)('%s store: overview rollups', (kind) => {
  let h: Harness;
  const sessions = Array.from({ length: 120 }, (_, i) => session(i));
  beforeAll(async () => {
    h = await startHarness(kind, { now: () => NOW });
    // In two batches, the later sessions first: their rows are inserted, then updated.
    const half = sessions.map((s) => s.events);
    const firsts = half.map((events) => events.slice(0, 2));
    const rests = half.map((events) => events.slice(2));
    expect((await h.admin.ingest(firsts.reverse().flat())).rejected).toEqual([]);
    expect((await h.admin.ingest(rests.flat())).rejected).toEqual([]);
    await h.server.scorer.idle();
  });
  afterAll(() => h?.close());

  async function expectConsistent() {
    const r = await rollups(kind, h.store);
    expect(r.hours.length).toBeGreaterThan(0);
    expect(r.hours).toEqual(r.expectedHours);
    expect(r.days).toEqual(r.expectedDays);
    expect(r.statuses).toEqual(r.expectedStatuses);
    const filters: [Record<string, string[]>, string][] = [
      [{}, ''],
      [{ environment: ['production'] }, " AND environment = 'production'"],
      [
        { environment: ['staging'], type: ['ssh'], actorType: ['human'] },
        " AND environment = 'staging' AND resource_type = 'ssh' AND actor_type = 'human'",
      ],
      [{ actorType: ['service', 'human'] }, " AND actor_type IN ('service', 'human')"],
    ];
    for (const [filter, sql] of filters) {
      const [open] = await query<{ n: number }>(
        kind,
        h.store,
        `SELECT count(*) AS n FROM sessions WHERE org = 'acme' AND status IN ('active', 'pending_review', 'dropped')${sql}`,
      );
      const o = await h.store.overview('acme', overviewQuerySchema.parse(filter), NOW);
      expect(o.kpis.activeNow, JSON.stringify(filter)).toBe(Number(open!.n));
    }
    // The queue under broad filters over a week or more walks an index of scores: the same
    // sessions, in the same order, as the list sorted by significance.
    for (const filter of [
      { period: '30d', environment: ['production'] },
      { period: '30d', actorType: ['human'] },
      { period: '7d', type: ['ssh'], status: ['ended'] },
      { period: '30d' },
    ]) {
      const o = await h.store.overview(
        'acme',
        overviewQuerySchema.parse({ ...filter, queue: 20 }),
        NOW,
      );
      const page = await h.admin.sessions.list({
        ...filter,
        sort: 'significance',
        limit: 20,
      } as never);
      expect(o.queue.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(
        o.queue.map((item) => item.session.id),
        JSON.stringify(filter),
      ).toEqual(page.data.map((x) => x.id));
    }
    // Under filters the rollups do not answer: the sessions' own range, or the user's.
    for (const [filter, sql] of [
      [{ user: ['u_alice', 'bob@acme.test'] }, " AND actor_id IN ('u_alice', 'u_bob')"],
      [{ environment: ['production'] }, " AND environment = 'production'"],
      [
        { actorType: ['human'], type: ['ssh', 'database'] },
        " AND actor_type = 'human' AND resource_type IN ('ssh', 'database')",
      ],
      [{ user: ['u_bob'], status: ['active'] }, " AND actor_id = 'u_bob' AND status = 'active'"],
    ] as [Record<string, string[]>, string][]) {
      const o = await h.store.overview(
        'acme',
        overviewQuerySchema.parse({ ...filter, period: '30d' }),
        NOW,
      );
      const want = await scanned(kind, h.store, NOW - 30 * DAY, null, sql);
      expect(want.sessions, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(
        {
          sessions: o.kpis.sessions,
          actors: o.kpis.actors,
          costUsd: o.kpis.costUsd,
          blocked: o.kpis.blocked,
          high: o.signal.high,
        },
        JSON.stringify(filter),
      ).toEqual({ ...want, costUsd: expect.closeTo(want.costUsd, 9) });
      const [open] = await query<{ n: number }>(
        kind,
        h.store,
        `SELECT count(*) AS n FROM sessions WHERE org = 'acme' AND status IN ('active', 'pending_review', 'dropped')${sql}`,
      );
      expect(o.kpis.activeNow, JSON.stringify(filter)).toBe(Number(open!.n));
      const page = await h.admin.sessions.list({
        ...filter,
        period: '30d',
        sort: 'significance',
        limit: 10,
      } as never);
      expect(o.queue.map((item) => item.session.id)).toEqual(page.data.map((x) => x.id));
    }
    for (const p of PERIODS) {
      const o = await h.store.overview('acme', overviewQuerySchema.parse(p.query), NOW);
      const want = await scanned(kind, h.store, p.from, p.to);
      expect(
        {
          sessions: o.kpis.sessions,
          actors: o.kpis.actors,
          costUsd: o.kpis.costUsd,
          blocked: o.kpis.blocked,
          high: o.signal.high,
        },
        p.label,
      ).toEqual({ ...want, costUsd: expect.closeTo(want.costUsd, 9) });
    }
  }

  it('match a recomputation from the sessions after ingest and scoring', async () => {
    const [n] = await query<{ n: number }>(
      kind,
      h.store,
      "SELECT count(*) AS n FROM sessions WHERE org = 'acme' AND score >= 50",
    );
    // Some sessions are high-signal (the unknown actor's blocked ones): `high` is exercised.
    expect(Number(n!.n)).toBeGreaterThan(0);
    await expectConsistent();
  });

  it("follow a session's counters and score when later events change them", async () => {
    const more: EventInput[] = [];
    for (const i of [1, 5, 9, 13]) {
      // Still-open sessions (i % 4 === 1) get spend, a blocked action, another actor on the key.
      const s = sessions[i]!;
      const t = Date.parse(s.events.at(-1)!.time) + 1000;
      const command = { id: ids.eventId(), sessionId: s.sessionId, seq: 200, time: iso(t) };
      more.push(
        { ...command, type: 'command', text: 'kubectl delete ns prod', exitCode: 0 } as EventInput,
        {
          id: ids.eventId(),
          sessionId: s.sessionId,
          seq: 201,
          time: iso(t + 1000),
          type: 'policy',
          subjectId: command.id,
          verdict: 'blocked',
          rule: 'default',
        } as EventInput,
        {
          id: ids.eventId(),
          sessionId: s.sessionId,
          seq: 202,
          time: iso(t + 2000),
          type: 'llm_call',
          model: 'claude-sonnet-4-5',
          inputTokens: 1,
          outputTokens: 1,
          costUsd: 2.5,
        } as EventInput,
      );
    }
    // One of them ends: its status moves from active to ended.
    const ending = sessions[13]!;
    more.push({
      id: ids.eventId(),
      sessionId: ending.sessionId,
      seq: 203,
      time: iso(Date.parse(ending.events.at(-1)!.time) + 4000),
      type: 'lifecycle',
      action: 'end',
    } as EventInput);
    const before = await h.store.overview(
      'acme',
      overviewQuerySchema.parse({ period: '30d' }),
      NOW,
    );
    expect((await h.admin.ingest(more)).rejected).toEqual([]);
    // An unknown actor on the shared key: earlier sessions on it are rescored.
    const late = sessionScript(
      { actor: { type: 'human', id: 'anon-9' }, endpoint: '198.51.100.4', credential: KEY },
      NOW - 10 * 60_000,
    );
    late.verdict(late.command('cat /etc/shadow').id, 'blocked');
    expect((await h.admin.ingest(late.events)).rejected).toEqual([]);
    await h.server.scorer.idle();
    const after = await h.store.overview('acme', overviewQuerySchema.parse({ period: '30d' }), NOW);
    expect(after.kpis.costUsd).toBeGreaterThan(before.kpis.costUsd + 9);
    expect(after.kpis.blocked).toBeGreaterThan(before.kpis.blocked);
    expect(after.kpis.activeNow).toBe(before.kpis.activeNow);
    await expectConsistent();
  });

  it('stay exact under concurrent ingests of one org (and never deadlock)', async () => {
    // Sessions in the same few hours, each split over batches sent at once, with rescoring.
    const batches: EventInput[][] = [];
    for (let b = 0; b < 8; b++) {
      const group = Array.from({ length: 6 }, (_, k) => {
        const s = sessionScript(
          {
            actor: ACTORS[(b + k) % ACTORS.length]!,
            credential: KEY,
            endpoint: `ws-${b}.acme.test`,
          },
          NOW - 3 * HOUR + (k * 8 + b) * 60_000,
        );
        s.verdict(s.command('kubectl delete pod x').id, b % 2 ? 'blocked' : 'passed');
        return s;
      });
      batches.push(group.flatMap((s) => s.events.slice(0, 2)));
      batches.push(group.flatMap((s) => s.events.slice(2)));
    }
    const firsts = batches.filter((_, i) => i % 2 === 0);
    const rests = batches.filter((_, i) => i % 2 === 1);
    for (const wave of [firsts, rests]) {
      const reports = await Promise.all(wave.map((events) => h.admin.ingest(events)));
      for (const report of reports) expect(report.rejected).toEqual([]);
    }
    await h.server.scorer.idle();
    await expectConsistent();
  });

  it('follow a session row deleted', async () => {
    const gone = [sessions[0]!.sessionId, sessions[2]!.sessionId, sessions[7]!.sessionId];
    for (const id of gone)
      await query(kind, h.store, "DELETE FROM sessions WHERE org = 'acme' AND id = ?", [id]);
    await expectConsistent();
  });

  it('keep the org apart: another org never counts', async () => {
    const globex = await h.clientWith(['ingest', 'view_history'], 'globex');
    const s = sessionScript({ actor: { type: 'human', id: 'u_alice' } }, NOW - HOUR);
    expect((await globex.ingest(s.events)).rejected).toEqual([]);
    await expectConsistent();
  });
});

describe.each(STORE_KINDS)('%s store: rollups in a database made before them', (kind) => {
  it('are filled from the stored sessions by the migration', async () => {
    const { store, drop } = await openTestStore(kind);
    try {
      const settings = { receivedAt: iso(NOW), previewRows: 50, reconnectGraceMs: 1 };
      const { eventSchema } = await import('@auditlane/client');
      for (let i = 0; i < 30; i++)
        await store.ingest(
          'acme',
          session(i).events.map((e) => eventSchema.parse(e)),
          settings,
        );
      const migrations = kind === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
      const migration = migrations.find((m) => m.includes('CREATE TABLE session_hours'))!;
      const undo =
        kind === 'sqlite'
          ? 'DROP TRIGGER sessions_rollup_insert; DROP TRIGGER sessions_rollup_update; DROP TRIGGER sessions_rollup_update_actor; DROP TRIGGER sessions_rollup_update_status; DROP TRIGGER sessions_rollup_delete; DROP TABLE session_hours; DROP TABLE session_actor_days; DROP TABLE session_status_counts; DROP INDEX sessions_environment_significance; DROP INDEX sessions_actor_type_significance;'
          : 'DROP TRIGGER sessions_rollup_insert_delete ON sessions; DROP TRIGGER sessions_rollup_update ON sessions; DROP FUNCTION auditlane_sessions_rollup; DROP FUNCTION auditlane_rollup_add; DROP TABLE session_hours; DROP TABLE session_actor_days; DROP TABLE session_status_counts; DROP INDEX sessions_environment_significance; DROP INDEX sessions_actor_type_significance;';
      if (kind === 'sqlite') {
        const db = (store as SqliteStore).db;
        db.exec(undo);
        db.transaction(() => db.exec(migration))();
      } else {
        const pool = (store as PostgresStore).pool;
        await pool.query(undo);
        await pool.query(migration);
      }
      const r = await rollups(kind, store);
      expect(r.hours.length).toBeGreaterThan(5);
      expect(r.hours).toEqual(r.expectedHours);
      expect(r.days).toEqual(r.expectedDays);
      expect(r.statuses).toEqual(r.expectedStatuses);
      const o = await store.overview('acme', overviewQuerySchema.parse({ period: '7d' }), NOW);
      expect(o.kpis.sessions).toBe((await scanned(kind, store, NOW - 7 * DAY, null)).sessions);
    } finally {
      await drop();
    }
  });
});

describe.each(STORE_KINDS)('%s store: an overview with only `to`', (kind) => {
  it("covers the default period's length up to `to`, not the org's whole history", async () => {
    const h = await startHarness(kind, { now: () => NOW });
    try {
      const events = [0, 3, 7, 8, 10, 20].flatMap((i) => session(i).events);
      expect((await h.admin.ingest(events)).rejected).toEqual([]);
      const to = NOW - 2 * DAY;
      const o = await h.admin.overview({ to: iso(to) });
      expect(o.period).toEqual({ from: iso(to - DAY), to: iso(to) });
      const want = await scanned(kind, h.store, to - DAY, to);
      expect(want.sessions).toBeGreaterThan(0);
      expect(o.kpis.sessions).toBe(want.sessions);
      // Sessions older than a day before `to` exist and are left out.
      expect((await scanned(kind, h.store, 0, to)).sessions).toBeGreaterThan(want.sessions);
    } finally {
      await h.close();
    }
  });
});
