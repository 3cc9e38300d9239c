// A session's activity end to end: sessions recorded through the recorder (its policy deciding,
// its masker masking), delivered to a server this test starts, read a page at a time, on SQLite
// and on PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ActivityEntry,
  type ActivityParams,
  type AuditlaneClient,
  createClient,
  type EventInput,
  joinVerdicts,
  type StoredEvent,
} from '@auditlane/client';
import { createRecorder, MemorySink, type RecordedSession } from '@auditlane/recorder';
import {
  PERMISSIONS,
  PostgresStore,
  type RunningServer,
  SqliteStore,
  type Store,
  startServer,
} from '@auditlane/server';
import { type Cluster, startCluster } from '@auditlane/testing/postgres-cluster';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const T0 = Date.UTC(2026, 10, 3, 9, 0, 0);
const STAGING_DB = {
  name: 'billing-db',
  type: 'database' as const,
  environment: 'staging' as const,
};
const ALICE = { type: 'human' as const, id: 'u_alice', email: 'alice@acme.test' };

interface Server {
  server: RunningServer;
  client: AuditlaneClient;
  token: string;
  /** A client of another org, every permission. */
  other: AuditlaneClient;
  /** Runs SQL on the store behind the API's back (`?` placeholders). */
  exec(sql: string, params: unknown[]): Promise<void>;
  /** Reads with SQL behind the API's back (`?` placeholders). */
  all<T>(sql: string, params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let cluster: Cluster | undefined;

async function openServer(kind: 'sqlite' | 'postgres'): Promise<Server> {
  let store: Store;
  let drop: () => Promise<void>;
  let exec: Server['exec'];
  let all: Server['all'];
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'auditlane-activity-'));
    const sqlite = new SqliteStore({ filename: join(dir, 'test.db') });
    store = sqlite;
    exec = async (sql, params) => {
      sqlite.db.prepare(sql).run(...params);
    };
    all = async <T>(sql: string, params: unknown[]) => sqlite.db.prepare(sql).all(...params) as T[];
    drop = async () => {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    cluster ??= process.env.AUDITLANE_TEST_POSTGRES_URL
      ? { url: process.env.AUDITLANE_TEST_POSTGRES_URL, stop() {} }
      : await startCluster();
    const name = `auditlane_act_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(cluster.url);
    url.pathname = `/${name}`;
    const postgres = await PostgresStore.open({ connectionString: url.toString(), max: 4 });
    store = postgres;
    exec = async (sql, params) => {
      await all(sql, params);
    };
    all = async <T>(sql: string, params: unknown[]) => {
      let n = 0;
      return (
        await postgres.pool.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as T[];
    };
    drop = async () => {
      await postgres.close();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  const server = await startServer({ store, port: 0 });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'admin',
    permissions: [...PERMISSIONS],
  });
  const { token: otherToken } = await store.createToken({
    org: 'globex',
    name: 'admin',
    permissions: [...PERMISSIONS],
  });
  return {
    server,
    token,
    exec,
    all,
    client: createClient({ baseUrl: server.url, token, retries: 0 }),
    other: createClient({ baseUrl: server.url, token: otherToken, retries: 0 }),
    async close() {
      await server.close();
      await drop();
    },
  };
}

/** A query run the way the SQL instrumentation runs one: the policy first, then the record. */
async function query(session: RecordedSession, sql: string, result: { rows?: unknown[][] } = {}) {
  const auth = await session.authorize({ kind: 'sql', text: sql, dialect: 'postgres' });
  if (!auth.allowed) return session.query({ sql, error: `blocked: ${auth.reason}` }, auth);
  return session.query(
    {
      sql,
      columns: result.rows ? [{ name: 'card' }] : undefined,
      rows: result.rows,
      rowCount: result.rows?.length ?? 1,
    },
    auth,
  );
}

/**
 * A database session on staging: a read, 120 INSERTs with other literals each, the DROP TABLE the
 * policy blocks, a read whose result is masked, a failed command, a command a reviewer rejected,
 * an agent's Bash call, and 30 INSERTs into another table.
 */
async function recordDatabaseSession() {
  let clock = T0;
  const sink = new MemorySink();
  const recorder = createRecorder({ sink, now: () => clock });
  const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
  const tick = () => {
    clock += 1000;
  };
  tick();
  await query(session, 'SELECT count(*) FROM customers');
  for (let i = 0; i < 120; i++) {
    tick();
    await query(
      session,
      `INSERT INTO customers (id, name, balance) VALUES (${1000 + i}, 'customer ${i}', ${i * 1.5})`,
    );
  }
  tick();
  const dropAt = clock;
  const drop = await query(session, 'DROP TABLE customers');
  tick();
  const card = await query(session, 'SELECT card FROM payments WHERE id = 7', {
    rows: [['4111 1111 1111 1111']],
  });
  tick();
  const failed = session.command({ text: 'make test', exitCode: 2 });
  tick();
  const risky = session.command({ text: 'kubectl delete namespace billing' });
  session.verdict(risky, 'pending', { rule: 'cluster-delete', reason: 'needs a reviewer' });
  tick();
  session.verdict(risky, 'rejected', { reviewer: 'bob', reason: 'not today' });
  tick();
  const tool = session.toolCall({ tool: 'Bash', input: { command: 'ls -la /srv/billing' } });
  for (let i = 0; i < 30; i++) {
    tick();
    await query(session, `INSERT INTO orders VALUES (${i}, 'o-${i}')`);
  }
  tick();
  session.end({ exitCode: 0 });
  await recorder.flush();
  return {
    events: [...sink.events] as EventInput[],
    id: session.id,
    ids: { drop, card, failed, risky, tool },
    dropAt,
  };
}

/** A long session of alternating shapes (no two neighbours group): 2 × `n` entries. */
function recordLongSession(n: number) {
  let clock = T0;
  const sink = new MemorySink();
  const recorder = createRecorder({ sink, policy: false, now: () => clock });
  const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
  for (let i = 0; i < n; i++) {
    clock += 1000;
    session.query({ sql: `SELECT * FROM accounts WHERE id = ${i}`, rowCount: 1 });
    clock += 1000;
    session.command({ text: `cat /var/log/app-${i}.log`, exitCode: 0 });
  }
  session.end({ exitCode: 0 });
  return { events: [...sink.events] as EventInput[], id: session.id };
}

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function deliver(client: AuditlaneClient, events: EventInput[], size = 200) {
  for (let i = 0; i < events.length; i += size) {
    const result = await client.ingest(events.slice(i, i + size));
    expect(result.rejected).toEqual([]);
  }
}

async function page(s: Server, id: string, params: ActivityParams = {}) {
  const p = await s.client.sessions.activity(id, params);
  return { data: p.data, ...p.extra, nextCursor: p.nextCursor };
}

/** What an item is, short: `count × shape` (or the type), with the verdict. */
const summary = (e: ActivityEntry) =>
  `${e.count > 1 ? `${e.count} × ` : ''}${e.shape ?? e.type}${e.verdict ? ` [${e.verdict}]` : ''}`;

afterAll(() => {
  cluster?.stop();
});

describe.each(['sqlite', 'postgres'] as const)('session activity on %s', (kind) => {
  let s: Server;
  let db: Awaited<ReturnType<typeof recordDatabaseSession>>;
  beforeAll(async () => {
    s = await openServer(kind);
    db = await recordDatabaseSession();
    await deliver(s.client, db.events);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('groups the run of 120 INSERTs with different literals into one entry, and the other runs', async () => {
    const p = await page(s, db.id);
    expect(p.data.map(summary)).toEqual([
      'SELECT count (*) FROM customers',
      '120 × INSERT INTO customers (id, name, balance) VALUES (…)',
      'DROP TABLE customers [blocked]',
      'SELECT card FROM payments WHERE id = ?',
      'make …',
      'kubectl delete … [rejected]',
      'Bash: ls -la …',
      '30 × INSERT INTO orders VALUES (…)',
      'lifecycle',
    ]);
    const inserts = p.data[1]!;
    expect(inserts.lastSeq - inserts.seq).toBeGreaterThanOrEqual(119);
    expect(inserts.event.type === 'query' && inserts.event.sql).toBe(
      "INSERT INTO customers (id, name, balance) VALUES (1000, 'customer 0', 0)",
    );
    expect(p.total).toBe(1 + 120 + 1 + 1 + 1 + 1 + 1 + 30 + 1);
    expect((await page(s, db.id, { count: 'exact', group: 'none' })).total).toBe(p.total);
    expect((await page(s, db.id, { count: 'none' })).total).toBeNull();
    expect(p).toMatchObject({
      hasBefore: false,
      hasAfter: false,
      prevCursor: null,
      nextCursor: null,
    });
    expect(p.firstSeq).toBe(p.data[0]!.seq);
    expect(p.lastSeq).toBe(p.data.at(-1)!.lastSeq);

    // Expanding the group: the same endpoint over its range, one item per entry.
    const members = await page(s, db.id, {
      fromSeq: inserts.seq,
      toSeq: inserts.lastSeq,
      group: 'none',
      limit: 500,
    });
    expect(members.data).toHaveLength(120);
    expect(members.total).toBe(120);
    expect(
      members.data.map((m) =>
        m.event.type === 'query' ? m.event.sql.match(/VALUES \((\d+)/)![1] : '',
      ),
    ).toEqual(Array.from({ length: 120 }, (_, i) => String(1000 + i)));
  });

  it('joins each action with its verdicts and maskings', async () => {
    const p = await page(s, db.id, {
      group: 'none',
      type: ['query', 'command'],
      verdict: ['blocked', 'rejected', 'masked', 'failed'],
    });
    const byId = new Map(p.data.map((e) => [e.id, e]));
    const drop = byId.get(db.ids.drop)!;
    expect(drop.event.type).toBe('query');
    expect(drop.verdicts.map((v) => v.type === 'policy' && v.verdict)).toEqual(['blocked']);
    expect(drop.marks.blocked).toBe(1);
    const risky = byId.get(db.ids.risky)!;
    expect(risky.verdicts.map((v) => v.type === 'policy' && v.verdict)).toEqual([
      'pending',
      'rejected',
    ]);
    expect(risky.verdict).toBe('rejected');
    const card = byId.get(db.ids.card)!;
    expect(card.masked.count).toBeGreaterThan(0);
    expect(card.masked.fields.length).toBeGreaterThan(0);
    expect(byId.get(db.ids.failed)!.failed).toBe(true);
    expect(p.data.map((e) => e.id)).toEqual([
      db.ids.drop,
      db.ids.card,
      db.ids.failed,
      db.ids.risky,
    ]);
  });

  it("joins as the client's joinVerdicts does, in every order of arrival", async () => {
    const copy = await recordDatabaseSession();
    // Odd batches first, then the even ones: verdicts before and after their actions.
    const batches: EventInput[][] = [];
    for (let i = 1; i < copy.events.length; i += 5) batches.push(copy.events.slice(i, i + 5));
    await deliver(s.client, [copy.events[0]!]);
    for (const batch of batches.filter((_, i) => i % 2 === 1)) await deliver(s.client, batch);
    for (const batch of batches.filter((_, i) => i % 2 === 0)) await deliver(s.client, batch);
    const events: StoredEvent[] = [];
    for await (const e of s.client.sessions.events.list(copy.id, { limit: 1000 })) events.push(e);
    const joined = joinVerdicts(events).filter(
      (j) => !(j.action?.type === 'lifecycle' && j.action.action === 'start'),
    );
    const entries = await page(s, copy.id, { group: 'none', limit: 500 });
    expect(
      entries.data.map((e) => ({
        id: e.id,
        event: e.event.id,
        verdicts: e.verdicts.map((v) => v.id),
        verdict: e.verdict,
        masked: e.masked.count,
      })),
    ).toEqual(
      joined.map((j) => ({
        id: j.id,
        event: j.event.id,
        verdicts: j.verdicts.map((v) => v.id),
        verdict: j.verdict,
        masked: j.maskings.reduce((n, m) => n + m.count, 0),
      })),
    );
  });

  it('filters by verdict: what matters, each mark alone, and none of them', async () => {
    const matters = await page(s, db.id, {
      verdict: ['blocked', 'pending', 'rejected', 'masked', 'failed'],
    });
    expect(matters.data.map((e) => e.id)).toEqual([
      db.ids.drop,
      db.ids.card,
      db.ids.failed,
      db.ids.risky,
    ]);
    expect(matters).toMatchObject({ total: 4, totalCapped: false });
    expect((await page(s, db.id, { verdict: ['blocked'] })).data.map((e) => e.id)).toEqual([
      db.ids.drop,
    ]);
    expect((await page(s, db.id, { verdict: ['masked'] })).data.map((e) => e.id)).toEqual([
      db.ids.card,
    ]);
    // A blocked query carries its error, but it never ran: it did not fail.
    expect((await page(s, db.id, { verdict: ['failed'] })).data.map((e) => e.id)).toEqual([
      db.ids.failed,
    ]);
    // Rejected after pending: no longer pending.
    expect((await page(s, db.id, { verdict: ['pending'] })).data).toEqual([]);
    expect((await page(s, db.id, { verdict: ['rejected'] })).data.map((e) => e.id)).toEqual([
      db.ids.risky,
    ]);
  });

  it('filters by text and by type, ignoring case, and groups within the filter', async () => {
    const orders = await page(s, db.id, { q: 'into ORDERS', count: 'exact' });
    expect(orders.data.map(summary)).toEqual(['30 × INSERT INTO orders VALUES (…)']);
    expect(orders.total).toBe(30);
    // A text filter is counted from its index, up to the cap; one shorter than the index's
    // trigrams only when asked: the count would read every entry.
    expect(await page(s, db.id, { q: 'into ORDERS' })).toMatchObject({
      total: 30,
      totalCapped: false,
    });
    expect((await page(s, db.id, { q: 'rs' })).total).toBeNull();
    const short = await page(s, db.id, { q: 'rs', group: 'none', limit: 500, count: 'exact' });
    expect(short.total).toBe(short.data.length);
    expect(short.total).toBeGreaterThan(30);
    const literal = await page(s, db.id, { q: "'customer 42'" });
    expect(literal.data).toHaveLength(1);
    expect(literal.data[0]!.count).toBe(1);
    expect(literal.data[0]!.event.type === 'query' && literal.data[0]!.event.sql).toContain(
      "'customer 42'",
    );
    // LIKE's wildcards are plain characters in the text filter.
    expect((await page(s, db.id, { q: '%' })).data).toEqual([]);
    const tools = await page(s, db.id, { type: ['tool_call'] });
    expect(tools.data.map((e) => e.id)).toEqual([db.ids.tool]);
    const commands = await page(s, db.id, { type: ['command', 'tool_call'] });
    expect(commands.data.map((e) => e.id)).toEqual([db.ids.failed, db.ids.risky, db.ids.tool]);
  });

  it('seeks to a time and returns the page holding it, starting its group', async () => {
    const p = await page(s, db.id, { aroundTime: new Date(T0 + 60_500).toISOString(), limit: 3 });
    // T0 + 60.5 s falls inside the INSERT run: the page holds its group, one item before it.
    expect(p.data.map(summary)).toEqual([
      'SELECT count (*) FROM customers',
      '120 × INSERT INTO customers (id, name, balance) VALUES (…)',
      'DROP TABLE customers [blocked]',
    ]);
    expect(p.anchorSeq).toBe(p.data[1]!.seq);
    const drop = await page(s, db.id, { aroundTime: new Date(db.dropAt).toISOString(), limit: 2 });
    expect(drop.anchorSeq).toBe(drop.data.find((e) => e.id === db.ids.drop)!.seq);
    expect(drop.data.map((e) => e.id)).toContain(db.ids.drop);
    const bySeq = await page(s, db.id, { aroundSeq: drop.anchorSeq!, group: 'none', limit: 1 });
    expect(bySeq.data.map((e) => e.id)).toEqual([db.ids.drop]);
    expect(bySeq).toMatchObject({ hasBefore: true, hasAfter: true });
  });

  it('pages forward and backward to meet in the middle without gaps or duplicates', async () => {
    const long = recordLongSession(150);
    await deliver(s.client, long.events, 97);
    const all = await page(s, long.id, { limit: 500 });
    expect(all.data).toHaveLength(301);
    const seqs = all.data.map((e) => e.seq);

    // Forward from the start and backward from the end, a page each in turn, until they meet.
    const front: number[] = [];
    const back: number[] = [];
    let next: string | null | undefined;
    let prev: string | null | undefined;
    let forward = await page(s, long.id, { limit: 7 });
    front.push(...forward.data.map((e) => e.seq));
    next = forward.nextCursor;
    const last = await page(s, long.id, { aroundSeq: seqs.at(-1)!, limit: 14 });
    // A seek to the last entry: about half the page before it, nothing after.
    expect(last.data.at(-1)!.seq).toBe(seqs.at(-1));
    expect(last.hasAfter).toBe(false);
    back.unshift(...last.data.map((e) => e.seq));
    prev = last.prevCursor;
    while ((front.at(-1) ?? -1) < (back[0] ?? Number.POSITIVE_INFINITY) && next && prev) {
      forward = await page(s, long.id, { after: next, limit: 7 });
      front.push(...forward.data.map((e) => e.seq));
      next = forward.hasAfter ? forward.nextCursor : null;
      if (front.at(-1)! >= back[0]! - 1) break;
      const backward = await page(s, long.id, { before: prev, limit: 5 });
      back.unshift(...backward.data.map((e) => e.seq));
      prev = backward.prevCursor;
    }
    const met = [...front, ...back];
    const union = [...new Set(met)].sort((a, b) => a - b);
    expect(union).toEqual(seqs);
    // Where the two walks overlap, they agree; everything else is read once.
    const overlap = met.length - union.length;
    expect(overlap).toBeLessThan(7);

    // Backward from the end to the start, the same entries as forward.
    const backwards: number[] = [];
    let cursor: string | null = null;
    let end = await page(s, long.id, { aroundSeq: seqs.at(-1)!, limit: 2 });
    backwards.unshift(...end.data.map((e) => e.seq));
    cursor = end.prevCursor;
    while (cursor) {
      end = await page(s, long.id, { before: cursor, limit: 11 });
      backwards.unshift(...end.data.map((e) => e.seq));
      cursor = end.prevCursor;
    }
    expect(backwards).toEqual(seqs);
    // And the client's iteration goes forward over every item.
    const iterated: number[] = [];
    for await (const item of s.client.sessions.activity(long.id, { limit: 13 }))
      iterated.push(item.seq);
    expect(iterated).toEqual(seqs);
  });

  it('groups the same whatever order the batches arrive in', async () => {
    const copy = await recordDatabaseSession();
    // Batches of 7 in reverse order: actions before their verdicts, verdicts alone before their
    // actions, runs built from their end.
    const batches: EventInput[][] = [[copy.events[0]!]];
    for (let i = 1; i < copy.events.length; i += 7) batches.push(copy.events.slice(i, i + 7));
    const [start, ...rest] = batches;
    await deliver(s.client, start!);
    for (const batch of rest.reverse()) await deliver(s.client, batch);
    const original = await page(s, db.id);
    const reordered = await page(s, copy.id);
    expect(reordered.data.map(summary)).toEqual(original.data.map(summary));
    expect(
      reordered.data.map((e) => [e.count, e.seq, e.lastSeq, e.verdicts.length, e.masked.count]),
    ).toEqual(
      original.data.map((e) => [e.count, e.seq, e.lastSeq, e.verdicts.length, e.masked.count]),
    );
  });

  it("keeps each run's count, end and marks, so a page reads one row per run, in any order of arrival", async () => {
    const runsOf = async (id: string) => {
      const sums = MARKS.map(
        (m, i) => `sum(CASE WHEN (flags & ${2 ** i}) <> 0 THEN 1 ELSE 0 END) AS ${m}`,
      );
      const kept = await s.all<Record<string, number>>(
        `SELECT run, n, last_seq, last_time, ${MARKS.join(', ')} FROM activity_runs WHERE org = ? AND session_id = ? ORDER BY run`,
        ['acme', id],
      );
      const counted = await s.all<Record<string, number>>(
        `SELECT run, count(*) AS n, max(seq) AS last_seq, max(time_ms) AS last_time, ${sums.join(', ')} FROM activity WHERE org = ? AND session_id = ? GROUP BY run ORDER BY run`,
        ['acme', id],
      );
      const plain = (rows: Record<string, number>[]) =>
        rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));
      return { kept: plain(kept), counted: plain(counted) };
    };
    const MARKS = ['blocked', 'pending', 'rejected', 'masked', 'failed'];
    // Batches of 5 in reverse order (runs built from their end, verdicts before their actions),
    // then a verdict that changes a stored entry's marks, then a run that grows past a page.
    const copy = await recordDatabaseSession();
    const [start, ...rest] = [[copy.events[0]!], ...chunk(copy.events.slice(1, -1), 5)];
    await deliver(s.client, start!);
    for (const batch of rest.reverse()) await deliver(s.client, batch);
    const first = await page(s, copy.id, { limit: 500 });
    const drop = first.data.find((e) => e.id === copy.ids.drop)!;
    const pendingOn = (subjectId: string, seq: number): EventInput =>
      ({
        id: `evt_01KC${String(seq).padStart(22, '0')}`,
        sessionId: copy.id,
        seq,
        time: drop.time,
        type: 'policy',
        subjectId,
        verdict: 'pending',
        rule: 'late',
      }) as EventInput;
    await deliver(s.client, [pendingOn(first.data[1]!.id, 5000)]);
    const live = await page(s, copy.id, { limit: 500 });
    const last = live.data.at(-1)!;
    const more = Array.from({ length: 4 }, (_, i) => ({
      ...copy.events.at(-2)!,
      id: `evt_01KD${String(i).padStart(22, '0')}`,
      seq: 6000 + i,
    })) as EventInput[];
    await deliver(s.client, more);
    const after = await page(s, copy.id, { limit: 500, after: live.nextCursor! });
    expect(after.data.map((e) => [e.seq, e.lastSeq, e.count])).toEqual([[6000, 6003, 4]]);
    const grown = await page(s, copy.id, { limit: 500 });
    expect(grown.data.at(-1)!.count).toBe(last.count + 4);
    expect(grown.data[1]!.marks.pending).toBe(1);
    // What the pages read from activity_runs is what counting the entries gives.
    for (const params of [{}, { before: grown.nextCursor! }, { aroundSeq: drop.seq, limit: 3 }])
      expect(await page(s, copy.id, { limit: 500, ...params })).toMatchObject({
        data: (await page(s, copy.id, { limit: 500, ...params, fromSeq: 0 })).data,
      });
    const { kept, counted } = await runsOf(copy.id);
    expect(kept).toEqual(counted);
    expect(kept.length).toBe(grown.data.length);
  });

  it('keeps the runs a batch moves on the stored entries it also writes', async () => {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    clock += 1000;
    const a = session.query({ sql: 'SELECT a', rowCount: 1 });
    const b = session.query({ sql: 'SELECT a', rowCount: 1 });
    const x = session.query({ sql: 'SELECT a', rowCount: 1 });
    session.verdict(x, 'pending', { rule: 'reads', reason: 'needs a reviewer' });
    session.verdict(b, 'approved', { reviewer: 'bob' });
    const recorded = [...sink.events] as EventInput[];
    const byId = (id: string) => recorded.find((e) => e.id === id)!;
    const verdict = (subject: string) =>
      recorded.find((e) => e.type === 'policy' && e.subjectId === subject)!;
    const start = recorded.find((e) => e.type === 'lifecycle')!;
    const at = (e: EventInput, seq: number) => ({ ...e, seq }) as EventInput;
    // Stored: 1 SELECT a, 2 the verdict alone about x, 3 SELECT a; then x arrives at 4 (its
    // verdict's entry replaced) with the approval of 3.
    await deliver(s.client, [at(start, 0), at(byId(a), 1), at(verdict(x), 2), at(byId(b), 3)]);
    await deliver(s.client, [at(byId(x), 4), at(verdict(b), 5)]);
    const grouped = await page(s, session.id);
    expect(grouped.data.map((e) => [e.seq, e.lastSeq, e.count])).toEqual([[1, 4, 3]]);
    const flat = await page(s, session.id, { group: 'none' });
    expect(flat.data.map((e) => [e.id, e.verdict])).toEqual([
      [a, null],
      [b, 'approved'],
      [x, 'pending'],
    ]);
  });

  it('builds the activity of a session stored before activity was kept, on its first read', async () => {
    const before = await page(s, db.id);
    // What an upgraded database holds for a session stored by the version before: its events,
    // no activity rows.
    for (const table of ['activity', 'activity_sessions', 'activity_orphans'])
      await s.exec(`DELETE FROM ${table} WHERE org = ? AND session_id = ?`, ['acme', db.id]);
    const rebuilt = await page(s, db.id);
    expect(rebuilt).toEqual(before);
    expect(rebuilt.data.map(summary)[1]).toBe(
      '120 × INSERT INTO customers (id, name, balance) VALUES (…)',
    );
  });

  it('rebuilds a session stored before activity was kept from nothing, whatever ingest wrote for it since', async () => {
    const copy = await recordDatabaseSession();
    // Stored by the version before: its events; then, after the upgrade, one more batch, which
    // ingest indexes though the session's activity is not kept.
    const cut = copy.events.length - 40;
    await deliver(s.client, copy.events.slice(0, cut));
    for (const table of ['activity', 'activity_sessions', 'activity_orphans'])
      await s.exec(`DELETE FROM ${table} WHERE org = ? AND session_id = ?`, ['acme', copy.id]);
    await deliver(s.client, copy.events.slice(cut));
    const fresh = await page(s, db.id);
    const rebuilt = await page(s, copy.id);
    const gist = (p: typeof fresh) => ({
      total: p.total,
      data: p.data.map((e) => [
        summary(e),
        e.count,
        e.seq,
        e.lastSeq,
        e.verdicts.map((v) => v.seq),
        e.masked.count,
        e.marks,
      ]),
    });
    expect(gist(rebuilt)).toEqual(gist(fresh));
    expect(rebuilt.total).toBe(157);
  });

  it('answers the text filter from a trigram index with the rows a scan of the session gives', async () => {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    const texts = [
      'echo "100% done" > /tmp/_x_',
      'grep -r CAFÉ /srv/Été',
      'kubectl delete pod api-1',
      'kubectl delete pod api-2',
      'type C:\\logs\\app.log',
      'echo 🙂🙂 ok',
      'ls',
    ];
    for (const text of texts) {
      clock += 1000;
      session.command({ text, exitCode: 0 });
    }
    for (let i = 0; i < 30; i++) {
      clock += 1000;
      session.query({ sql: `SELECT * FROM "Users" WHERE name = 'O''Brien ${i}'`, rowCount: 1 });
    }
    session.end({ exitCode: 0 });
    await deliver(s.client, [...sink.events] as EventInput[]);
    const scan = (q: string) =>
      s.all<{ seq: number }>(
        `SELECT seq FROM activity WHERE org = ? AND session_id = ? AND ${kind === 'sqlite' ? 'instr' : 'strpos'}(text, ?) > 0 ORDER BY seq`,
        ['acme', session.id, q.toLowerCase()],
      );
    const queries = [
      ...['l', 'ls', 'kub', 'KUBECTL DELETE', 'pod api-', '100%', '% d', '_x_', '\\logs'],
      ...['"users"', "o''brien 1", 'café', 'ÉTÉ', '🙂🙂', '🙂', 'zzzz', '" > /', 'e'],
    ];
    let found = 0;
    for (const q of queries) {
      const expected = (await scan(q)).map((r) => Number(r.seq));
      found += expected.length;
      const flat = await page(s, session.id, { q, group: 'none', limit: 500, count: 'exact' });
      expect({ q, seqs: flat.data.map((e) => e.seq) }).toEqual({ q, seqs: expected });
      expect(flat.total).toBe(expected.length);
      // Grouped, a page at a time both ways: the same entries.
      const forward: number[] = [];
      let next: string | undefined;
      let last: Awaited<ReturnType<typeof page>> | undefined;
      do {
        last = await page(s, session.id, { q, limit: 2, ...(next ? { after: next } : {}) });
        for (const e of last.data) forward.push(e.seq, e.lastSeq, e.count);
        next = last.hasAfter ? last.nextCursor! : undefined;
      } while (next);
      const backward: number[] = [];
      let before = last.prevCursor ?? undefined;
      while (before) {
        const p = await page(s, session.id, { q, limit: 2, before });
        backward.unshift(...p.data.flatMap((e) => [e.seq, e.lastSeq, e.count]));
        before = p.hasBefore ? p.prevCursor! : undefined;
      }
      expect({ q, backward }).toEqual({ q, backward: forward.slice(0, backward.length) });
      const counted = forward.filter((_, i) => i % 3 === 2).reduce((a, b) => a + b, 0);
      expect({ q, counted }).toEqual({ q, counted: expected.length });
    }
    expect(found).toBeGreaterThan(100);
    // The filter's index: kept by ingest for every entry.
    if (kind === 'sqlite') {
      const [hits] = await s.all<{ n: number }>(
        'SELECT count(*) AS n FROM activity_text WHERE activity_text MATCH ?',
        ['"kubectl delete pod"'],
      );
      expect(hits!.n).toBeGreaterThanOrEqual(2);
    } else {
      const index = await s.all<{ indexdef: string }>(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'activity_text_trgm'",
        [],
      );
      expect(index[0]?.indexdef).toMatch(/gin \(text .*gin_trgm_ops\)/);
    }
  });

  it('groups a text filter matching more entries than it reads at once (one run of 2,100)', async () => {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    for (let i = 0; i < 2100; i++) {
      clock += 10;
      session.query({ sql: `INSERT INTO logins VALUES (${i})`, rowCount: 1 });
    }
    for (let i = 0; i < 3; i++) {
      clock += 10;
      session.command({ text: `tail /var/log/login-${i}.log`, exitCode: 0 });
      clock += 10;
      session.query({ sql: `SELECT * FROM logins WHERE id = ${i}`, rowCount: 1 });
    }
    session.end({ exitCode: 0 });
    await deliver(s.client, [...sink.events] as EventInput[], 1000);
    const p = await page(s, session.id, { q: 'LOGIN', limit: 4, count: 'exact' });
    expect(p.data.map((e) => [summary(e), e.count])).toEqual([
      ['2100 × INSERT INTO logins VALUES (…)', 2100],
      ['tail …', 1],
      ['SELECT * FROM logins WHERE id = ?', 1],
      ['tail …', 1],
    ]);
    expect(p).toMatchObject({ total: 2106, hasAfter: true, hasBefore: false });
    const rest = await page(s, session.id, { q: 'LOGIN', limit: 4, after: p.nextCursor! });
    expect(rest.data.map((e) => [summary(e), e.count])).toEqual([
      ['SELECT * FROM logins WHERE id = ?', 1],
      ['tail …', 1],
      ['SELECT * FROM logins WHERE id = ?', 1],
    ]);
    const back = await page(s, session.id, { q: 'LOGIN', limit: 4, before: rest.prevCursor! });
    expect(back.data.map((e) => e.count)).toEqual([2100, 1, 1, 1]);
  });

  it("joins a tool call's result (its PostToolUse) to its call, whatever arrives first", async () => {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    const tick = () => {
      clock += 1000;
    };
    const call = (n: number) => {
      tick();
      const id = session.toolCall({
        tool: 'Bash',
        callId: `toolu_${n}`,
        input: { command: `ls /srv/${n}` },
      });
      session.verdict(id, 'passed', { rule: 'read-only' });
      return id;
    };
    const result = (n: number, failed = false) => {
      tick();
      return session.toolCall({
        tool: 'Bash',
        callId: `toolu_${n}`,
        ...(failed ? { error: 'exit 2' } : { output: { stdout: `file-${n}` } }),
        durationMs: 5,
      });
    };
    // 1: call and result in one batch, the result masked. 2: the result in a later batch.
    const c1 = call(1);
    const r1 = result(1);
    const c2 = call(2);
    tick();
    const other = session.command({ text: 'whoami', exitCode: 0 });
    const r2 = result(2, true);
    // 3: the result alone (the call was never recorded). 4: the result first, the call later.
    const r3 = result(3);
    const c4 = call(4);
    const r4 = result(5 - 1);
    // 5: a verdict about the result before the result.
    const c5 = call(5);
    session.end({ exitCode: 0 });
    const events = [...sink.events] as EventInput[];
    const byId = (id: string) => events.find((e) => e.id === id)!;
    const r5: EventInput = {
      ...byId(r4),
      id: 'evt_01KB000000000000000000R5X',
      seq: 900,
      callId: 'toolu_5',
    } as EventInput;
    const r5verdict: EventInput = {
      ...events.find((e) => e.type === 'policy')!,
      id: 'evt_01KB000000000000000000V5X',
      seq: 899,
      subjectId: r5.id,
      verdict: 'blocked',
    } as EventInput;
    const masking: EventInput = {
      id: 'evt_01KB000000000000000000M1X',
      sessionId: session.id,
      seq: 901,
      time: byId(r1).time,
      type: 'masking',
      subjectId: r1,
      fields: ['stdout'],
      count: 2,
    } as EventInput;
    const later = new Set([r2, c4]);
    await deliver(s.client, [...events.filter((e) => !later.has(e.id!)), r5verdict]);
    const before = await page(s, session.id, { group: 'none' });
    expect(before.data.find((e) => e.id === c2)!.result).toBeNull();
    expect(before.data.find((e) => e.id === r4)!.result).toBeNull();
    expect(before.data.find((e) => e.id === r5.id)!.verdict).toBe('blocked');
    await deliver(s.client, [...events.filter((e) => later.has(e.id!)), r5, masking]);
    const p = await page(s, session.id, { group: 'none', count: 'exact' });
    const gist = p.data.map((e) => ({
      id: e.id,
      result: e.result?.id ?? null,
      verdicts: e.verdicts.map((v) => (v.type === 'policy' ? v.verdict : v.type)),
      verdict: e.verdict,
      masked: e.masked.count,
      failed: e.failed,
    }));
    const plain = { verdicts: ['passed'], verdict: 'passed', masked: 0, failed: false };
    expect(gist).toEqual([
      { ...plain, id: c1, result: r1, masked: 2 },
      { ...plain, id: c2, result: r2, failed: true },
      { id: other, result: null, verdicts: [], verdict: null, masked: 0, failed: false },
      { id: r3, result: null, verdicts: [], verdict: null, masked: 0, failed: false },
      { ...plain, id: c4, result: r4 },
      { ...plain, id: c5, result: r5.id, verdicts: ['passed', 'blocked'], verdict: 'blocked' },
      {
        id: expect.any(String),
        result: null,
        verdicts: [],
        verdict: null,
        masked: 0,
        failed: false,
      },
    ]);
    const joined = p.data[0]!;
    expect(joined.event.type === 'tool_call' && joined.event.input).toEqual({
      command: 'ls /srv/1',
    });
    expect(joined.result?.type === 'tool_call' && joined.result.output).toEqual({
      stdout: 'file-1',
    });
    expect(joined.masked.fields).toEqual(['stdout']);
    // One entry per call: the unfiltered count kept by ingest, and the counted one.
    expect(p.total).toBe(7);
    expect((await page(s, session.id)).total).toBe(7);
    expect((await page(s, session.id, { verdict: ['failed'] })).data.map((e) => e.id)).toEqual([
      c2,
    ]);
    expect((await page(s, session.id, { verdict: ['blocked'] })).data.map((e) => e.id)).toEqual([
      c5,
    ]);
    // Grouped, the calls of one shape are one item.
    const grouped = await page(s, session.id);
    expect(grouped.data.map((e) => e.count)).toEqual([2, 1, 1, 2, 1]);
    // Its runs' counts and marks, kept as the joins moved entries: what counting them gives.
    expect(grouped.data).toEqual((await page(s, session.id, { fromSeq: 0 })).data);
    // The client's join with results is the server's.
    const stored: StoredEvent[] = [];
    for await (const e of s.client.sessions.events.list(session.id, { limit: 1000 }))
      stored.push(e);
    const joinedHere = joinVerdicts(stored, { results: true }).filter(
      (j) => !(j.action?.type === 'lifecycle' && j.action.action === 'start'),
    );
    expect(
      joinedHere.map((j) => ({
        id: j.id,
        result: j.result?.id ?? null,
        verdicts: j.verdicts.map((v) => v.id),
        masked: j.maskings.reduce((n, m) => n + m.count, 0),
      })),
    ).toEqual(
      p.data.map((e) => ({
        id: e.id,
        result: e.result?.id ?? null,
        verdicts: e.verdicts.map((v) => v.id),
        masked: e.masked.count,
      })),
    );
    // Built again from the events: the same.
    for (const table of ['activity', 'activity_sessions', 'activity_orphans'])
      await s.exec(`DELETE FROM ${table} WHERE org = ? AND session_id = ?`, ['acme', session.id]);
    expect(await page(s, session.id, { group: 'none', count: 'exact' })).toEqual(p);
  });

  it('keeps two complete calls under one callId (a retry recorded whole) two entries, each with its input', async () => {
    for (const split of [false, true]) {
      let clock = T0;
      const sink = new MemorySink();
      const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
      const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
      clock += 1000;
      const first = session.toolCall({
        tool: 'WebFetch',
        callId: 'toolu_retry',
        input: { url: 'https://pay.test/charge?amount=1' },
        error: 'timeout',
      });
      clock += 1000;
      const second = session.toolCall({
        tool: 'WebFetch',
        callId: 'toolu_retry',
        input: { url: 'https://pay.test/charge?amount=1000' },
        output: 'ok',
      });
      session.end({ exitCode: 0 });
      const events = [...sink.events] as EventInput[];
      if (split) {
        await deliver(s.client, events.slice(0, 2));
        await deliver(s.client, events.slice(2));
      } else await deliver(s.client, events);
      const p = await page(s, session.id, { group: 'none', count: 'exact' });
      const calls = p.data.filter((e) => e.type === 'tool_call');
      expect(calls.map((e) => [e.id, e.result?.id ?? null, e.failed])).toEqual([
        [first, null, true],
        [second, null, false],
      ]);
      expect(p.total).toBe(3);
      const found = await page(s, session.id, { q: 'amount=1000' });
      expect(found.data.map((e) => e.id)).toEqual([second]);
      const shown = found.data[0]!.event;
      expect(shown.type === 'tool_call' && shown.input).toEqual({
        url: 'https://pay.test/charge?amount=1000',
      });
      // The client's join says the same.
      const joined = joinVerdicts(events as StoredEvent[], { results: true });
      expect(joined.filter((j) => j.action?.type === 'tool_call').map((j) => j.result)).toEqual([
        null,
        null,
      ]);
    }
  });

  it('marks an action failed by its failure and its last verdict, whatever order they arrive in', async () => {
    const record = () => {
      let clock = T0;
      const sink = new MemorySink();
      const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
      const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
      clock += 1000;
      const command = session.command({ text: 'make deploy', exitCode: 2 });
      session.verdict(command, 'rejected');
      clock += 1000;
      const call = session.toolCall({ tool: 'Bash', input: { command: 'make' }, error: 'exit 2' });
      session.verdict(call, 'blocked');
      clock += 1000;
      session.verdict(command, 'approved');
      session.verdict(call, 'approved');
      session.end({ exitCode: 0 });
      return { id: session.id, events: [...sink.events] as EventInput[], command, call };
    };
    const marks = async (id: string) =>
      (await page(s, id, { group: 'none' })).data.map((e) => [e.id, e.verdict, e.failed]);
    const whole = record();
    await deliver(s.client, whole.events);
    expect(await marks(whole.id)).toEqual([
      [whole.command, 'approved', true],
      [whole.call, 'approved', true],
      [expect.any(String), null, false],
    ]);
    // The verdicts that hid the failure stored first, the approvals in a later batch.
    const split = record();
    const approvals = split.events.filter(
      (e) => e.type === 'policy' && (e as { verdict: string }).verdict === 'approved',
    );
    await deliver(
      s.client,
      split.events.filter((e) => !approvals.includes(e)),
    );
    expect((await marks(split.id)).map(([, verdict, failed]) => [verdict, failed])).toEqual([
      ['rejected', false],
      ['blocked', false],
      [null, false],
    ]);
    await deliver(s.client, approvals);
    expect(await marks(split.id)).toEqual([
      [split.command, 'approved', true],
      [split.call, 'approved', true],
      [expect.any(String), null, false],
    ]);
    expect((await page(s, split.id, { verdict: ['failed'] })).data.map((e) => e.id)).toEqual([
      split.command,
      split.call,
    ]);
    // Its runs' marks as kept are what counting them gives.
    expect((await page(s, split.id)).data).toEqual((await page(s, split.id, { fromSeq: 0 })).data);
  });

  it("pairs a callId's halves the same whatever order and batches they arrive in, as the client and a rebuild do", async () => {
    // A small seeded generator: a failure names its seed.
    const rng = (seed: number) => () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const record = (seed: number) => {
      const random = rng(seed);
      let clock = T0;
      const sink = new MemorySink();
      const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
      const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
      for (let i = 0; i < 24; i++) {
        clock += 1000;
        const callId = `toolu_${Math.floor(random() * 3)}`;
        const kind = random();
        const id =
          kind < 0.1
            ? session.command({ text: `ls /srv/${i}`, exitCode: 0 })
            : session.toolCall({
                tool: 'Bash',
                callId,
                ...(kind < 0.5
                  ? { input: { command: `step ${i}` } }
                  : kind < 0.8
                    ? { output: { stdout: `out ${i}` } }
                    : kind < 0.9
                      ? { error: `exit ${i}` }
                      : { input: { command: `whole ${i}` }, output: 'ok' }),
              });
        if (random() < 0.3) {
          const said = random();
          session.verdict(id, said < 0.4 ? 'passed' : said < 0.6 ? 'blocked' : 'rejected');
          // A review that overturns it, later.
          if (said >= 0.4 && random() < 0.5) session.verdict(id, 'approved');
        }
      }
      session.end({ exitCode: 0 });
      return { id: session.id, events: [...sink.events] as EventInput[], random };
    };
    const gist = (p: Awaited<ReturnType<typeof page>>) =>
      p.data.map((e) => ({
        seq: e.event.seq,
        result: e.result?.seq ?? null,
        verdict: e.verdict,
        verdicts: e.verdicts.map((v) => v.seq),
        failed: e.failed,
      }));
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const inOrder = record(seed);
      await deliver(s.client, inOrder.events, 1000);
      const expected = gist(await page(s, inOrder.id, { group: 'none', limit: 500 }));
      const joined = joinVerdicts(inOrder.events as StoredEvent[], { results: true })
        .filter((j) => !(j.action?.type === 'lifecycle' && j.action.action === 'start'))
        .map((j) => ({
          seq: j.event.seq,
          result: j.result?.seq ?? null,
          verdict: j.verdict,
          verdicts: [...j.verdicts, ...j.maskings].map((v) => v.seq).sort((a, b) => a - b),
        }));
      expect({ seed, entries: joined }).toEqual({
        seed,
        entries: expected.map(({ failed: _, ...e }) => e),
      });
      // The same session again (its own ids), its events after the start in random batches.
      const shuffled = record(seed);
      const [start, ...rest] = shuffled.events;
      const random = shuffled.random;
      for (let i = rest.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [rest[i], rest[j]] = [rest[j]!, rest[i]!];
      }
      await deliver(s.client, [start!]);
      while (rest.length > 0) {
        const batch = rest.splice(0, 1 + Math.floor(random() * 4));
        await deliver(
          s.client,
          batch.sort((a, b) => a.seq! - b.seq!),
        );
      }
      const p = await page(s, shuffled.id, { group: 'none', limit: 500 });
      expect({ seed, entries: gist(p) }).toEqual({ seed, entries: expected });
      // Its runs as kept are what counting them gives.
      expect((await page(s, shuffled.id)).data).toEqual(
        (await page(s, shuffled.id, { fromSeq: 0 })).data,
      );
      // Built again from its events, in seq order: the same entries.
      for (const table of ['activity', 'activity_sessions', 'activity_orphans', 'activity_runs'])
        await s.exec(`DELETE FROM ${table} WHERE org = ? AND session_id = ?`, [
          'acme',
          shuffled.id,
        ]);
      expect({
        seed,
        entries: gist(await page(s, shuffled.id, { group: 'none', limit: 500 })),
      }).toEqual({
        seed,
        entries: expected,
      });
    }
  });

  it('flags a total that stopped at its cap, under every filter, and counts exactly when asked', async () => {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    for (let i = 0; i < 10_050; i++) {
      clock += 10;
      session.query({ sql: `INSERT INTO ledger VALUES (${i})`, rowCount: 1 });
    }
    for (let i = 0; i < 3; i++) {
      clock += 10;
      session.command({ text: `vacuumdb ledger-${i}`, exitCode: 0 });
    }
    session.end({ exitCode: 0 });
    await deliver(s.client, [...sink.events] as EventInput[], 1000);
    const counted = async (params: ActivityParams) => {
      const p = await page(s, session.id, { limit: 1, ...params });
      return { total: p.total, totalCapped: p.totalCapped };
    };
    const run = (await page(s, session.id, { limit: 1 })).data[0]!;
    expect(run.count).toBe(10_050);
    const capped = { total: 10_000, totalCapped: true };
    expect(await counted({})).toEqual({ total: 10_054, totalCapped: false });
    expect(await counted({ type: ['query'] })).toEqual(capped);
    expect(await counted({ q: 'INTO ledger' })).toEqual(capped);
    expect(await counted({ q: 'ledger', group: 'none' })).toEqual(capped);
    expect(await counted({ fromSeq: run.seq, toSeq: run.lastSeq, group: 'none' })).toEqual(capped);
    expect(await counted({ type: ['command'] })).toEqual({ total: 3, totalCapped: false });
    expect(await counted({ q: 'vacuumdb' })).toEqual({ total: 3, totalCapped: false });
    for (const params of [{ type: ['query'] }, { q: 'INTO ledger' }] as ActivityParams[])
      expect(await counted({ ...params, count: 'exact' })).toEqual({
        total: 10_050,
        totalCapped: false,
      });
    expect(await counted({ q: 'in', count: 'exact' })).toEqual({
      total: 10_050,
      totalCapped: false,
    });
    expect(await counted({ q: 'in' })).toEqual({ total: null, totalCapped: false });
    expect(await counted({ count: 'none' })).toEqual({ total: null, totalCapped: false });
  });

  it("answers 404 for another org's session, and never mixes in the other org's events", async () => {
    await expect(s.other.sessions.activity(db.id)).rejects.toMatchObject({ status: 404 });
    // The other org records a session under the same id: its own, with its own activity.
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, now: () => clock });
    const theirs = recorder.session({ actor: ALICE, resource: STAGING_DB }, { id: db.id });
    clock += 1000;
    theirs.command({ text: 'whoami', exitCode: 0 });
    theirs.end({ exitCode: 0 });
    await deliver(s.other, [...sink.events] as EventInput[]);
    const other = await s.other.sessions.activity(db.id);
    expect(other.data.map(summary)).toEqual(['whoami', 'lifecycle']);
    const ours = await page(s, db.id);
    expect(ours.total).toBe(157);
  });

  it('keeps content with U+0000 and masking counts past 2^31 (an entry is never a 500)', async () => {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    clock += 1000;
    const command = session.command({ text: 'printf "a\u0000b" | xxd', exitCode: 0 });
    clock += 1000;
    session.query({ sql: "SELECT '\u0000' AS nul", rowCount: 1 });
    const events = [...sink.events] as EventInput[];
    const at = (seq: number) => ({
      id: `evt_01KA${String(seq).padStart(22, '0')}`,
      sessionId: session.id,
      seq,
      time: new Date(clock).toISOString(),
    });
    for (const seq of [100, 101])
      events.push({
        ...at(seq),
        type: 'masking',
        subjectId: command,
        fields: ['huge'],
        count: 2 ** 52,
      });
    await deliver(s.client, events);
    const p = await page(s, session.id, { group: 'none' });
    expect(p.data.map((e) => e.shape)).toEqual(['printf … | xxd', 'SELECT ? AS nul']);
    expect(p.data[0]!.masked).toEqual({ count: Number.MAX_SAFE_INTEGER, fields: ['huge'] });
    expect(p.data[0]!.event.type === 'command' && p.data[0]!.event.text).toBe(
      'printf "a\u0000b" | xxd',
    );
    const found = await page(s, session.id, { q: 'a\ufffdb' });
    expect(found.data.map((e) => e.id)).toEqual([command]);
  });

  it('returns the first 200 verdicts and maskings of an entry masked 5,000 times, and its verdict', async () => {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    clock += 1000;
    const command = session.command({ text: 'cat /srv/secrets.env', exitCode: 0 });
    session.verdict(command, 'pending', { rule: 'secrets', reason: 'needs a reviewer' });
    const events = [...sink.events] as EventInput[];
    const at = (seq: number) => ({
      id: `evt_01JZ${String(seq).padStart(22, '0')}`,
      sessionId: session.id,
      seq,
      time: new Date(clock).toISOString(),
    });
    for (let i = 0; i < 5000; i++)
      events.push({
        ...at(100 + i),
        type: 'masking',
        subjectId: command,
        fields: [`f${i}`],
        count: 1,
      });
    const pending = events.find((e) => e.type === 'policy')!;
    events.push({ ...pending, ...at(6000), verdict: 'rejected' } as EventInput);
    await deliver(s.client, events, 1000);
    for (const group of ['shape', 'none'] as const) {
      const p = await page(s, session.id, { group });
      const entry = p.data[0]!;
      expect(entry.id).toBe(command);
      expect(entry.masked.count).toBe(5000);
      expect(entry.verdict).toBe('rejected');
      expect(entry.verdicts.map((v) => [v.seq, v.type === 'policy' && v.verdict])).toEqual([
        [pending.seq, 'pending'],
        [6000, 'rejected'],
      ]);
      expect(entry.masked.fields).toEqual(Array.from({ length: 198 }, (_, i) => `f${i}`));
    }
  });

  it('answers 400 with a code and a message naming what is wrong', async () => {
    const ask = async (query: string) => {
      const response = await fetch(`${s.server.url}/v1/sessions/${db.id}/activity?${query}`, {
        headers: { authorization: `Bearer ${s.token}` },
      });
      return {
        status: response.status,
        body: (await response.json()) as { code: string; message: string },
      };
    };
    const cases: [string, RegExp][] = [
      ['type=shell', /type/],
      ['verdict=terrible', /verdict/],
      ['after=not-a-cursor', /after/],
      ['before=bm90IGpzb24', /before/],
      [
        `after=${Buffer.from('[1]').toString('base64url')}&before=${Buffer.from('[9]').toString('base64url')}`,
        /before.*after|after.*before/,
      ],
      [`after=${Buffer.from('[2147483648]').toString('base64url')}`, /after/],
      [`before=${Buffer.from('[2147483648]').toString('base64url')}`, /before/],
      [`after=${Buffer.from('[-2]').toString('base64url')}`, /after/],
      ['aroundSeq=3&after=x', /after|aroundSeq/],
      ['limit=0', /limit/],
      ['limit=501', /limit/],
      ['limit=ten', /limit/],
      ['aroundTime=yesterday', /aroundTime/],
      ['fromSeq=9&toSeq=3', /toSeq/],
      ['group=tables', /group/],
    ];
    for (const [query, names] of cases) {
      const { status, body } = await ask(query);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(typeof body.code).toBe('string');
      expect(`${body.message} ${JSON.stringify(body)}`).toMatch(names);
    }
    // A cursor of the events listing (another shape) is refused too.
    const forged = Buffer.from('["x",1]').toString('base64url');
    expect((await ask(`after=${forged}`)).status).toBe(400);
  });
});

describe('the activity text index on databases the migration meets', () => {
  /** A session of commands, delivered; `verify` checks the text filter finds what a scan does. */
  async function record(client: AuditlaneClient) {
    let clock = T0;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, masking: false, now: () => clock });
    const session = recorder.session({ actor: ALICE, resource: STAGING_DB });
    for (let i = 0; i < 40; i++) {
      clock += 1000;
      session.command({
        text: i % 7 === 0 ? `kubectl delete pod api-${i}` : `ls /srv/${i}`,
        exitCode: 0,
      });
    }
    session.end({ exitCode: 0 });
    await deliver(client, [...sink.events] as EventInput[]);
    const commands = sink.events.filter((e) => e.type === 'command');
    return {
      id: session.id,
      async verify(reader: AuditlaneClient) {
        for (const q of ['kubectl delete', 'pod api-2', 'ls /srv/3', 'ls', 'zzz']) {
          const p = await reader.sessions.activity(session.id, { q, group: 'none', limit: 500 });
          const expected = commands.filter((e) => e.text.includes(q)).map((e) => e.seq);
          expect({ q, seqs: p.data.map((e) => e.seq) }).toEqual({ q, seqs: expected });
        }
      },
    };
  }

  /** A database and a role of its own; `create`: the role may create extensions in it. */
  async function postgresFor(create: boolean) {
    cluster ??= process.env.AUDITLANE_TEST_POSTGRES_URL
      ? { url: process.env.AUDITLANE_TEST_POSTGRES_URL, stop() {} }
      : await startCluster();
    const name = `auditlane_trgm_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${name} LOGIN`);
    await admin.query(`CREATE DATABASE ${name}`);
    if (create) await admin.query(`GRANT CREATE ON DATABASE ${name} TO ${name}`);
    const url = new URL(cluster.url);
    url.pathname = `/${name}`;
    const owner = new pg.Client({ connectionString: url.toString() });
    await owner.connect();
    await owner.query(`ALTER SCHEMA public OWNER TO ${name}`);
    await owner.end();
    url.username = name;
    return {
      url: url.toString(),
      async drop() {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.query(`DROP ROLE ${name}`);
        await admin.end();
      },
    };
  }

  it.each([
    [true, 'builds the PostgreSQL index when the role may create pg_trgm'],
    [false, 'reads the entries, with the same rows, when the role may not create pg_trgm'],
  ])('%s: %s', async (create) => {
    const db = await postgresFor(create);
    try {
      const store = await PostgresStore.open({ connectionString: db.url, max: 2 });
      const { token } = await store.createToken({
        org: 'acme',
        name: 'a',
        permissions: [...PERMISSIONS],
      });
      const server = await startServer({ store, port: 0 });
      try {
        const { rows } = await store.pool.query(
          "SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm')::int AS ext, (SELECT count(*) FROM pg_indexes WHERE indexname = 'activity_text_trgm')::int AS ix",
        );
        expect(rows[0]).toEqual({ ext: create ? 1 : 0, ix: create ? 1 : 0 });
        const client = createClient({ baseUrl: server.url, token, retries: 0 });
        await (await record(client)).verify(client);
      } finally {
        await server.close();
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
});
