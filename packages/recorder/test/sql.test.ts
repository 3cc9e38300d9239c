import type { EventInput } from '@auditlane/client';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { instrumentPg, instrumentSqlite, QueryBlockedError } from '../src/instrument/sql';
import { Policy } from '../src/policy/policy';
import { createRecorder } from '../src/recorder';
import { MemorySink } from '../src/sinks/sink';

const human = { type: 'human' as const, id: 'u_alice' };
const dev = { name: 'app-db', type: 'database' as const, environment: 'development' };
const prod = { name: 'billing-db', type: 'database' as const, environment: 'production' };

let policy: Policy;
beforeAll(async () => {
  policy = await Policy.create();
});

const queries = (events: EventInput[]) =>
  events.filter((e) => e.type === 'query') as (EventInput & {
    type: 'query';
    sql: string;
    rows?: unknown[][];
    error?: string;
    rowCount?: number | null;
    sessionId: string;
  })[];

describe('pg (a real PostgreSQL server)', () => {
  const pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 1 });
  afterAll(() => pool.end());

  it('records queries with columns, row counts and masked rows, and refuses what the policy blocks before it is sent', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta: { actor: human, resource: dev } });
    instrumentPg(recorder, pool);
    const session = recorder.session();
    await session.run(async () => {
      await pool.query('CREATE TABLE IF NOT EXISTS customers_rec (id int, email text, card text)');
      await pool.query('INSERT INTO customers_rec VALUES ($1, $2, $3), (2, $4, $5)', [
        1,
        'ann@example.com',
        '4111 1111 1111 1111',
        'bo@example.com',
        'none',
      ]);
      const { rows } = await pool.query('SELECT id, email, card FROM customers_rec ORDER BY id');
      expect(rows).toHaveLength(2);
      await expect(pool.query('DROP TABLE customers_rec')).rejects.toBeInstanceOf(
        QueryBlockedError,
      );
      await expect(pool.query('DELETE FROM customers_rec')).rejects.toThrow(/without WHERE/);
      await expect(pool.query('SELECT nope FROM customers_rec')).rejects.toThrow(/nope/);
    });
    // Still there: the DROP never reached the server.
    expect((await pool.query('SELECT count(*)::int AS n FROM customers_rec')).rows[0].n).toBe(2);
    const q = queries(sink.events);
    expect(q.map((e) => e.sql)).toEqual([
      'CREATE TABLE IF NOT EXISTS customers_rec (id int, email text, card text)',
      'INSERT INTO customers_rec VALUES ($1, $2, $3), (2, $4, $5)',
      'SELECT id, email, card FROM customers_rec ORDER BY id',
      'DROP TABLE customers_rec',
      'DELETE FROM customers_rec',
      'SELECT nope FROM customers_rec',
    ]);
    expect(q[1]!.params).toEqual(
      [1, '****', '*******************', '****', 'none'].map((v, i) =>
        i === 1 || i === 3 ? expect.stringMatching(/^\*+$/) : v,
      ),
    );
    expect(q[2]).toMatchObject({
      columns: [{ name: 'id' }, { name: 'email' }, { name: 'card' }],
      rowCount: 2,
    });
    expect(q[2]!.rows).toEqual([
      [1, '****', '****'],
      [2, '****', '****'],
    ]);
    expect(q[3]!.error).toMatch(/^blocked: DROP/);
    expect(q[5]!.error).toMatch(/column "nope" does not exist/);
    expect(sink.events.filter((e) => e.type === 'policy')).toHaveLength(2);
    await pool.query('DROP TABLE customers_rec');
  });

  it('keeps each caller’s session for callback-style queries on a shared pool', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const shared = new pg.Pool({ connectionString: inject('postgresUrl'), max: 1 });
    instrumentPg(recorder, shared);
    const a = recorder.session();
    const b = recorder.session();
    const viaCallback = (sql: string) =>
      new Promise<string | undefined>((resolve, reject) =>
        shared.query(sql, (err: Error | null) =>
          err ? reject(err) : resolve(recorder.current()?.id),
        ),
      );
    const seen = await Promise.all([
      a.run(() => viaCallback('SELECT 1 AS a')),
      b.run(() => viaCallback('SELECT 2 AS b')),
      a.run(() => viaCallback('SELECT 3 AS a')),
    ]);
    expect(seen).toEqual([a.id, b.id, a.id]);
    const bySession = queries(sink.events).map((e) => [e.sql, e.sessionId]);
    expect(bySession).toEqual([
      ['SELECT 1 AS a', a.id],
      ['SELECT 2 AS b', b.id],
      ['SELECT 3 AS a', a.id],
    ]);
    const client = await shared.connect();
    await a.run(() => client.query('SELECT 4 AS c'));
    client.release();
    expect(queries(sink.events).at(-1)).toMatchObject({ sql: 'SELECT 4 AS c', sessionId: a.id });
    await shared.end();
  });
});

describe('better-sqlite3', () => {
  it('records statements and blocks by policy synchronously', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta: { actor: human, resource: dev } });
    const db = await instrumentSqlite(recorder, new Database(':memory:'));
    const session = recorder.session();
    session.run(() => {
      db.exec('CREATE TABLE users (id INTEGER, email TEXT, password TEXT)');
      db.prepare('INSERT INTO users VALUES (?, ?, ?)').run(1, 'ann@example.com', 'hunter2');
      expect(db.prepare('SELECT * FROM users').all()).toHaveLength(1);
      expect(() => db.prepare('DROP TABLE users').run()).toThrow(QueryBlockedError);
    });
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 1 });
    const q = queries(sink.events);
    expect(q.map((e) => e.sql)).toEqual([
      'CREATE TABLE users (id INTEGER, email TEXT, password TEXT)',
      'INSERT INTO users VALUES (?, ?, ?)',
      'SELECT * FROM users',
      'DROP TABLE users',
    ]);
    expect(q[1]!.params).toEqual(
      [1, expect.stringMatching(/^\*+$/), 'hunter2'].map((v, i) => (i === 2 ? v : v)),
    );
    expect(q[2]).toMatchObject({ rows: [[1, '****', '****']], rowCount: 1 });
  });

  it('reads statements with the driver’s parameters (?, :name) like any other: a read passes in production', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta: { actor: human, resource: prod } });
    const db = await instrumentSqlite(recorder, new Database(':memory:'));
    db.exec('CREATE TABLE accounts (id INTEGER, plan INTEGER)');
    const session = recorder.session();
    session.run(() => {
      expect(db.prepare('SELECT plan FROM accounts WHERE id = ?').all(1)).toEqual([]);
      expect(db.prepare('SELECT plan FROM accounts WHERE id = :id').all({ id: 1 })).toEqual([]);
    });
    // Not unparsable (which waits for a review, and so blocks, in production): decided and run.
    expect(sink.events.filter((e) => e.type === 'policy')).toEqual([]);
    expect(queries(sink.events).map((q) => (q as { tables?: unknown }).tables)).toEqual([
      { read: ['accounts'], written: [] },
      { read: ['accounts'], written: [] },
    ]);
  });

  it('blocks a statement that needs a review in production, since a synchronous driver cannot wait', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta: { actor: human, resource: prod } });
    const db = await instrumentSqlite(recorder, new Database(':memory:'));
    db.exec('CREATE TABLE accounts (id INTEGER, plan INTEGER)');
    const session = recorder.session();
    expect(() =>
      session.run(() => db.prepare('UPDATE accounts SET plan = 2 WHERE id = 1').run()),
    ).toThrow(/a synchronous driver cannot wait for one \(fail-closed\)/);
  });
});
