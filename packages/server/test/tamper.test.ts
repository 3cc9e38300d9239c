import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditlaneClient,
  createClient,
  eventSchema,
  type VerifyResult,
} from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDigest } from '../src/chain';
import { sweepRecordings } from '../src/jobs/retention';
import { type RunningServer, startServer } from '../src/serve';
import { PostgresStore } from '../src/store/postgres';
import { numberPlaceholders } from '../src/store/runner';
import { SqliteStore } from '../src/store/sqlite';
import { PERMISSIONS, type Store } from '../src/store/types';
import { openTestStore, STORE_KINDS, sessionScript } from './helpers';

const DAY = 86_400_000;

/** SQL straight into the database, as someone with database access would (`?` placeholders). */
async function sql<T = Record<string, unknown>>(
  store: Store,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (store instanceof SqliteStore) {
    const stmt = store.db.prepare(query);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  }
  return (await (store as PostgresStore).pool.query(numberPlaceholders(query), params)).rows as T[];
}

/** Rewrites the JSON of one stored event (by seq) with `change`. */
async function editBody(
  store: Store,
  sessionId: string,
  seq: number,
  change: (event: Record<string, unknown>) => void,
): Promise<void> {
  const [row] = await sql<{ body: string }>(
    store,
    'SELECT body FROM events WHERE session_id = ? AND seq = ?',
    [sessionId, seq],
  );
  const event = JSON.parse(row!.body) as Record<string, unknown>;
  change(event);
  await sql(store, 'UPDATE events SET body = ? WHERE session_id = ? AND seq = ?', [
    JSON.stringify(event),
    sessionId,
    seq,
  ]);
}

describe.each(STORE_KINDS)('%s store: tamper evidence against database access', (kind) => {
  let store: Store;
  let drop: () => Promise<void>;
  let server: RunningServer;
  let admin: AuditlaneClient;

  beforeAll(async () => {
    ({ store, drop } = await openTestStore(kind));
    server = await startServer({ store, port: 0 });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'admin',
      permissions: [...PERMISSIONS],
    });
    admin = createClient({ baseUrl: server.url, token, retries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await drop();
  });

  /** A session of 8 events: start, five commands, an output and its end. */
  async function checkpointedSession() {
    const s = sessionScript();
    s.command('echo one');
    s.command('echo two');
    s.command('echo three');
    await admin.ingest(s.events.slice(0, 4));
    s.command('echo four');
    s.command('echo five');
    s.output('five\r\n');
    s.end();
    await admin.ingest(s.events.slice(4));
    return s;
  }

  const verify = (sessionId: string): Promise<VerifyResult> => admin.sessions.verify(sessionId);

  it('detects two events whose seq were swapped in the database', async () => {
    const s = await checkpointedSession();
    // seq 5 and 6 swap places: the API would list 4, 6, 5, 7.
    await sql(store, 'UPDATE events SET seq = -1 WHERE session_id = ? AND seq = 5', [s.sessionId]);
    await sql(store, 'UPDATE events SET seq = 5 WHERE session_id = ? AND seq = 6', [s.sessionId]);
    await sql(store, 'UPDATE events SET seq = 6 WHERE session_id = ? AND seq = -1', [s.sessionId]);
    const listed = (await admin.sessions.events.list(s.sessionId)).data.map((e) => e.seq);
    expect(listed).toEqual([0, 1, 2, 3, 4, 6, 5, 7]);
    expect(await verify(s.sessionId)).toMatchObject({
      ok: false,
      broken: {
        seq: 6,
        ord: 5,
        reason: "the event's stored seq (6) differs from its hashed JSON (5)",
      },
    });
    // Also with the JSON rewritten to match the columns: the seq is chained.
    await editBody(store, s.sessionId, 5, (e) => {
      e.seq = 5;
    });
    await editBody(store, s.sessionId, 6, (e) => {
      e.seq = 6;
    });
    expect((await verify(s.sessionId)).broken).toMatchObject({
      seq: 6,
      ord: 5,
      reason: 'the event does not match its hash',
    });
  });

  it('accepts a purge record only on terminal output (a rewritten command marked purged is caught)', async () => {
    const s = sessionScript();
    const command = s.command('rm -rf /var/lib/billing');
    s.output('removed\r\n');
    s.end();
    await admin.ingest(s.events);
    const [row] = await sql<{ body: string; purged: string | null }>(
      store,
      'SELECT body, purged FROM events WHERE session_id = ? AND seq = ?',
      [s.sessionId, command.seq],
    );
    // The command's text rewritten, and marked purged with the digest of what it was.
    const original = contentDigest(2, JSON.parse(row!.body), row!.body);
    await editBody(store, s.sessionId, command.seq, (e) => {
      e.text = 'ls';
    });
    for (const digest of [original, JSON.parse(row!.body).text]) {
      await sql(store, 'UPDATE events SET purged = ? WHERE session_id = ? AND seq = ?', [
        JSON.stringify({ at: new Date().toISOString(), reason: 'retention', digest }),
        s.sessionId,
        command.seq,
      ]);
      expect((await verify(s.sessionId)).broken).toMatchObject({
        seq: command.seq,
        reason:
          'the event is marked purged, but retention removes only terminal output (this is a command event)',
      });
    }
    // Turned into a terminal tombstone instead: its type is chained (and the JSON is hashed).
    await sql(store, 'UPDATE events SET purged = ? WHERE session_id = ? AND seq = ?', [
      JSON.stringify({ at: new Date().toISOString(), reason: 'retention', digest: original }),
      s.sessionId,
      command.seq,
    ]);
    await sql(store, "UPDATE events SET type = 'terminal' WHERE session_id = ? AND seq = ?", [
      s.sessionId,
      command.seq,
    ]);
    await editBody(store, s.sessionId, command.seq, (e) => {
      e.type = 'terminal';
      e.code = 'o';
      e.data = '';
      e.offsetMs = 0;
      delete e.text;
    });
    expect((await verify(s.sessionId)).broken).toMatchObject({
      seq: command.seq,
      reason: 'the event does not match its hash',
    });
  });

  it('still verifies a legitimately purged terminal recording', async () => {
    const s = sessionScript(
      { resource: { name: 'web-1', type: 'ssh', environment: 'staging' } },
      Date.now() - 40 * DAY,
    );
    s.command('cat notes.txt');
    s.output('secret notes\r\n');
    s.output('more\r\n');
    s.end();
    await admin.ingest(s.events);
    expect((await verify(s.sessionId)).ok).toBe(true);
    const report = await sweepRecordings(store, { productionDays: null, otherDays: 7 }, Date.now());
    expect(report.events).toBeGreaterThanOrEqual(2);
    const events = (await admin.sessions.events.list(s.sessionId)).data;
    expect(events.filter((e) => e.type === 'terminal').map((e) => e.data)).toEqual(['', '']);
    expect(await verify(s.sessionId)).toMatchObject({ ok: true, events: 5, broken: null });
    // The metadata of a purged event is still covered: its offset edited is caught.
    await editBody(store, s.sessionId, 2, (e) => {
      e.offsetMs = 1;
    });
    expect((await verify(s.sessionId)).broken).toMatchObject({
      seq: 2,
      reason: 'the event does not match its hash',
    });
    // And so is its data digest.
    await editBody(store, s.sessionId, 2, (e) => {
      e.offsetMs = (s.events[2] as { offsetMs: number }).offsetMs;
    });
    expect((await verify(s.sessionId)).ok).toBe(true);
    await sql(
      store,
      `UPDATE events SET purged = replace(purged, '"digest":"', '"digest":"0') WHERE session_id = ? AND seq = 3`,
      [s.sessionId],
    );
    expect((await verify(s.sessionId)).broken).toMatchObject({ seq: 3 });
  });
});

describe.each(STORE_KINDS)('%s store: sessions stored before chain version 2', (kind) => {
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/v1-sessions.json', import.meta.url), 'utf8'),
  ) as {
    sessions: Record<string, unknown>[];
    session_labels: Record<string, unknown>[];
    events: Record<string, unknown>[];
  };
  const [prod, purged] = [
    fixture.sessions.find((s) => s.environment === 'production')!.id as string,
    fixture.sessions.find((s) => s.environment === 'staging')!.id as string,
  ];

  /** A database as the earlier release left it (its first 3 migrations), with its rows. */
  async function upgradedStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
    const { SQLITE_MIGRATIONS } = await import('../src/store/sqlite/migrations');
    const { POSTGRES_MIGRATIONS } = await import('../src/store/postgres/migrations');
    const insert = async (run: (q: string, p: unknown[]) => Promise<unknown>, pg: boolean) => {
      for (const [table, rows] of Object.entries({
        sessions: fixture.sessions,
        session_labels: fixture.session_labels,
        events: fixture.events,
      })) {
        for (const row of rows) {
          const cols = Object.keys(row);
          const values = cols.map((c) => (pg && c === 'has_recording' ? row[c] === 1 : row[c]));
          if (pg && table === 'session_labels') continue;
          await run(
            `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
            values,
          );
        }
      }
    };
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'auditlane-v1-'));
      const filename = join(dir, 'old.db');
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(filename);
      for (const m of SQLITE_MIGRATIONS.slice(0, 3)) db.exec(m);
      db.pragma('user_version = 3');
      await insert(async (q, p) => db.prepare(q).run(...p), false);
      db.close();
      const store = new SqliteStore({ filename });
      return {
        store,
        drop: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    const { inject } = await import('vitest');
    const pg = (await import('pg')).default;
    const adminUrl = inject('postgresUrl');
    const name = `auditlane_v1_${Math.random().toString(16).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const old = new pg.Client({ connectionString: url.toString() });
    await old.connect();
    await old.query(
      'CREATE TABLE auditlane_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    for (const [i, m] of POSTGRES_MIGRATIONS.slice(0, 3).entries()) {
      await old.query(m);
      await old.query('INSERT INTO auditlane_migrations (version) VALUES ($1)', [i + 1]);
    }
    await insert((q, p) => old.query(numberPlaceholders(q), p), true);
    await old.end();
    const store = await PostgresStore.open({ connectionString: url.toString(), max: 2 });
    return {
      store,
      drop: async () => {
        await store.close();
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }

  it('verifies them with the formula they were chained with, purged recording included, and catches edits', async () => {
    const { store, drop } = await upgradedStore();
    try {
      for (const id of [prod, purged]) {
        expect(await store.verifySession('acme', id)).toMatchObject({
          chainVersion: 1,
          events: 5,
          broken: null,
        });
      }
      // The purged session keeps its purged terminal events.
      const [{ n }] = (await sql<{ n: number }>(
        store,
        'SELECT count(*) AS n FROM events WHERE session_id = ? AND purged IS NOT NULL',
        [purged],
      )) as [{ n: number }];
      expect(Number(n)).toBe(2);
      // The checks on the columns hold for them too: swapped seqs, a command marked purged.
      await sql(store, 'UPDATE events SET seq = -1 WHERE session_id = ? AND seq = 1', [prod]);
      await sql(store, 'UPDATE events SET seq = 1 WHERE session_id = ? AND seq = 2', [prod]);
      await sql(store, 'UPDATE events SET seq = 2 WHERE session_id = ? AND seq = -1', [prod]);
      expect((await store.verifySession('acme', prod))?.broken).toMatchObject({
        ord: 1,
        reason: "the event's stored seq (2) differs from its hashed JSON (1)",
      });
      const [command] = await sql<{ purged: string }>(
        store,
        "SELECT purged FROM events WHERE session_id = ? AND type = 'terminal' AND purged IS NOT NULL",
        [purged],
      );
      await sql(store, "UPDATE events SET purged = ? WHERE session_id = ? AND type = 'command'", [
        command!.purged,
        purged,
      ]);
      expect((await store.verifySession('acme', purged))?.broken).toMatchObject({
        seq: 1,
        reason: expect.stringMatching(
          /retention removes only terminal output \(this is a command event\)/,
        ),
      });
      // New sessions in the upgraded database are chained with version 2.
      const s = sessionScript();
      s.end();
      await store.ingest(
        'acme',
        s.events.map((e) => eventSchema.parse(e)),
        {
          receivedAt: new Date().toISOString(),
          previewRows: 50,
          reconnectGraceMs: 0,
        },
      );
      expect(await store.verifySession('acme', s.sessionId)).toMatchObject({
        chainVersion: 2,
        broken: null,
      });
    } finally {
      await drop();
    }
  });
});
