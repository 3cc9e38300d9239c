import { type EventInput, eventSchema } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/store/postgres';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations';
import type { SqliteStore } from '../src/store/sqlite';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations';
import type { Store } from '../src/store/types';
import { openTestStore, sessionScript } from './helpers';

// Databases made before sessions were identified by (org, id): the migration keeps every row
// and every read, and afterwards another org may use the same id.

const settings = { receivedAt: new Date().toISOString(), previewRows: 50, reconnectGraceMs: 1 };
const parse = (events: EventInput[]) => events.map((e) => eventSchema.parse(e));

/** Two sessions of acme with labels, search text, a kept result and a review; one of globex. */
async function seed(store: Store) {
  const a = sessionScript({ labels: { team: 'payments' } }, Date.UTC(2026, 9, 1));
  a.command('terraform destroy -auto-approve');
  const q = a.query('SELECT * FROM accounts') as EventInput & { type: 'query' };
  q.rows = Array.from({ length: 60 }, (_, i) => [i]);
  q.resultRef = 'full';
  a.output('destroyed 12 resources\r\n');
  const b = sessionScript({ labels: { team: 'infra' } }, Date.UTC(2026, 9, 2));
  b.command('kubectl delete pod api-1');
  b.end();
  const c = sessionScript({}, Date.UTC(2026, 9, 3));
  c.command('echo globex');
  await store.ingest('acme', parse([...a.events, ...b.events]), settings);
  await store.ingest('globex', parse(c.events), settings);
  const session = (await store.getSession('acme', a.sessionId))!;
  await store.shared.createReview(
    'acme',
    session,
    { kind: 'session', sessionId: a.sessionId, subject: { type: 'session', text: 'let me in' } },
    Date.now(),
    { id: 'tok_recorder', name: 'recorder' },
  );
  return { a, b, c };
}

/** Everything the API reads of the seeded data. */
async function readAll(store: Store, ids: { a: string; b: string; c: string }) {
  const list = (org: string, q: Record<string, unknown>) =>
    store.listSessions(org, { limit: 10, sort: 'recent', count: 'exact', ...q } as never, {
      now: Date.now(),
      countCap: 1000,
    });
  const out: Record<string, unknown> = {};
  for (const [org, id] of [
    ['acme', ids.a],
    ['acme', ids.b],
    ['globex', ids.c],
  ] as const) {
    out[`${org}/${id}`] = {
      session: await store.getSession(org, id),
      events: await store.listEvents(org, id, { limit: 1000 }),
      stored: await store.listEvents(org, id, { limit: 1000, sort: 'stored' }),
      verify: await store.verifySession(org, id),
    };
  }
  out.result = await store.shared.getResult('acme', ids.a, 'full');
  out.reviews = (await store.shared.listReviews('acme', { limit: 10 }, Date.now())).data.length;
  out.text = (await list('acme', { q: 'terraform destroy' })).data.map((s) => s.id);
  out.output = (await list('acme', { q: 'destroyed 12 resources' })).data.map((s) => s.id);
  out.label = (await list('acme', { label: ['team=infra'] })).data.map((s) => s.id);
  out.all = (await list('acme', {})).data.map((s) => s.id);
  out.globex = (await list('globex', {})).data.map((s) => s.id);
  return out;
}

/** After the migration: another org starts a session with acme's id, and nothing of acme moves. */
async function squat(store: Store, a: ReturnType<typeof sessionScript>) {
  const report = await store.ingest('globex', parse([a.events[0]!, a.events[1]!]), settings);
  expect(report.outcomes).toEqual([{ status: 'accepted' }, { status: 'accepted' }]);
  expect((await store.getSession('globex', a.sessionId))?.org).toBe('globex');
  expect((await store.getSession('acme', a.sessionId))?.org).toBe('acme');
  expect((await store.verifySession('acme', a.sessionId))?.broken).toBeNull();
}

describe('SQLite: sessions identified by (org, id) in a database made before', () => {
  it('rebuilds the tables with every row, and another org may then use the id', async () => {
    const { store, drop } = await openTestStore('sqlite');
    const db = (store as SqliteStore).db;
    const { a, b, c } = await seed(store);
    const ids = { a: a.sessionId, b: b.sessionId, c: c.sessionId };
    const before = await readAll(store, ids);
    const count = (table: string) =>
      db.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get() as number;
    const tables = ['sessions', 'events', 'search_chunks', 'search', 'results', 'session_labels'];
    const rows = tables.map(count);

    // Back to the layout before: one id per session, event and result keys without the org.
    const chainVersions = db.prepare('SELECT id, chain_version FROM sessions').raw().all() as [
      string,
      number,
    ][];
    db.exec(`
      CREATE TABLE sessions_old (
        id TEXT PRIMARY KEY, org TEXT NOT NULL, started_at INTEGER NOT NULL, status TEXT NOT NULL,
        actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, actor_email TEXT,
        resource_name TEXT NOT NULL, resource_type TEXT NOT NULL, environment TEXT NOT NULL,
        score REAL NOT NULL, has_recording INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL,
        last_hash TEXT NOT NULL, event_count INTEGER NOT NULL);
      INSERT INTO sessions_old SELECT id, org, started_at, status, actor_type, actor_id, actor_email,
        resource_name, resource_type, environment, score, has_recording, doc, last_hash, event_count
        FROM sessions;
      DROP TABLE sessions;
      ALTER TABLE sessions_old RENAME TO sessions;
      CREATE INDEX sessions_recent ON sessions (org, started_at DESC, id DESC);
      CREATE INDEX sessions_recording ON sessions (has_recording, started_at);
      CREATE TABLE events_old (
        session_id TEXT NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL, id TEXT NOT NULL,
        ord INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL,
        hash TEXT NOT NULL, purged TEXT, PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
      INSERT INTO events_old SELECT session_id, seq, org, id, ord, type, body, received_at, hash, purged
        FROM events;
      DROP TABLE events;
      ALTER TABLE events_old RENAME TO events;
      CREATE UNIQUE INDEX events_id ON events (org, id);
      CREATE UNIQUE INDEX events_ord ON events (session_id, ord);
      CREATE TABLE search_chunks_old (rowid INTEGER PRIMARY KEY, session_id TEXT NOT NULL, kind TEXT NOT NULL);
      INSERT INTO search_chunks_old SELECT rowid, session_id, kind FROM search_chunks;
      DROP TABLE search_chunks;
      ALTER TABLE search_chunks_old RENAME TO search_chunks;
      CREATE INDEX search_chunks_session ON search_chunks (session_id, kind);
      CREATE TABLE results_old (org TEXT NOT NULL, session_id TEXT NOT NULL, ref TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (session_id, ref));
      INSERT INTO results_old SELECT org, session_id, ref, doc FROM results;
      DROP TABLE results;
      ALTER TABLE results_old RENAME TO results;
    `);
    const pk = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[])
        .filter((col) => col.pk > 0)
        .sort((x, y) => x.pk - y.pk)
        .map((col) => col.name);
    expect(pk('sessions')).toEqual(['id']);

    const migration = SQLITE_MIGRATIONS.findIndex((m) => m.includes('sessions_by_org'));
    expect(migration).toBeGreaterThan(0);
    db.transaction(() => db.exec(SQLITE_MIGRATIONS[migration]!))();
    // The migrations after it that change the rebuilt tables run too, as on open (the rebuilt
    // sessions table has only the columns of its time; tables added later exist already); the
    // chain version each seeded session was stored with is put back.
    for (const later of SQLITE_MIGRATIONS.slice(migration + 1))
      if (/ALTER TABLE (sessions|events|results|search_chunks)\b/.test(later))
        db.transaction(() => db.exec(later))();
    for (const [id, version] of chainVersions)
      db.prepare('UPDATE sessions SET chain_version = ? WHERE id = ?').run(version, id);

    expect(pk('sessions')).toEqual(['org', 'id']);
    expect(pk('events')).toEqual(['org', 'session_id', 'seq']);
    expect(pk('results')).toEqual(['org', 'session_id', 'ref']);
    expect(db.prepare('SELECT DISTINCT org FROM search_chunks ORDER BY 1').pluck().all()).toEqual([
      'acme',
      'globex',
    ]);
    expect(tables.map(count)).toEqual(rows);
    expect(await readAll(store, ids)).toEqual(before);
    await squat(store, a);
    await drop();
  });
});

describe('PostgreSQL: sessions identified by (org, id) in a database made before', () => {
  it('re-keys the tables with every row, and another org may then use the id', async () => {
    const { store, drop } = await openTestStore('postgres');
    const pool = (store as PostgresStore).pool;
    const { a, b, c } = await seed(store);
    const ids = { a: a.sessionId, b: b.sessionId, c: c.sessionId };
    const before = await readAll(store, ids);
    const tables = ['sessions', 'events', 'search', 'results'];
    const count = async (table: string) =>
      (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    const rows = await Promise.all(tables.map(count));

    await pool.query(`
      ALTER TABLE sessions DROP CONSTRAINT sessions_pkey, ADD PRIMARY KEY (id);
      ALTER TABLE events DROP CONSTRAINT events_pkey, ADD PRIMARY KEY (session_id, seq);
      DROP INDEX events_ord;
      CREATE UNIQUE INDEX events_ord ON events (session_id, ord);
      DROP INDEX search_session;
      CREATE INDEX search_session ON search (session_id, kind);
      ALTER TABLE results DROP CONSTRAINT results_pkey, ADD PRIMARY KEY (session_id, ref);
    `);
    const pk = async (table: string) =>
      (
        await pool.query(
          `SELECT a.attname FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
           WHERE i.indrelid = $1::regclass AND i.indisprimary
           ORDER BY array_position(i.indkey, a.attnum)`,
          [table],
        )
      ).rows.map((r) => r.attname as string);
    expect(await pk('sessions')).toEqual(['id']);

    const migration = POSTGRES_MIGRATIONS.findIndex((m) =>
      m.includes('ALTER TABLE sessions ADD PRIMARY KEY (org, id)'),
    );
    expect(migration).toBeGreaterThan(0);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(POSTGRES_MIGRATIONS[migration]!);
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    expect(await pk('sessions')).toEqual(['org', 'id']);
    expect(await pk('events')).toEqual(['org', 'session_id', 'seq']);
    expect(await pk('results')).toEqual(['org', 'session_id', 'ref']);
    expect(await Promise.all(tables.map(count))).toEqual(rows);
    expect(await readAll(store, ids)).toEqual(before);
    await squat(store, a);
    await drop();
  });
});
