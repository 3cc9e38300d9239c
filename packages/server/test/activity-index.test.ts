import {
  activityQuerySchema,
  createIdGenerator,
  type EventInput,
  eventSchema,
} from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_PAIRS_AND_FAILURES,
  ACTIVITY_RESULTS,
  POSTGRES_ACTIVITY_TEXT_INDEX,
  REBUILD_TOOL_CALL_SESSIONS,
  REBUILD_VERDICT_SESSIONS,
  SQLITE_ACTIVITY_TEXT_INDEX,
} from '../src/store/activity';
import type { PostgresStore } from '../src/store/postgres';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations';
import type { SqliteStore } from '../src/store/sqlite';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations';
import { openTestStore, STORE_KINDS, sessionScript } from './helpers';

// A database upgraded to the activity's text index: the migration builds it from the entries
// stored, and the text filter then reads it, with the rows of a scan.

const settings = { receivedAt: new Date().toISOString(), previewRows: 50, reconnectGraceMs: 1 };

describe.each(STORE_KINDS)('the activity text index of an existing database on %s', (kind) => {
  it('is built by the migration from the entries stored', async () => {
    const { store, drop } = await openTestStore(kind);
    try {
      const s = sessionScript({}, Date.UTC(2026, 9, 1));
      for (let i = 0; i < 40; i++)
        s.command(i % 7 === 0 ? `kubectl delete pod api-${i}` : `ls /srv/${i}`);
      s.end();
      // The database as the version before left it: entries, no text index.
      if (kind === 'sqlite') {
        const db = (store as SqliteStore).db;
        for (const t of ['insert', 'delete', 'update']) db.exec(`DROP TRIGGER activity_text_${t}`);
        db.exec('DROP TABLE activity_text');
      } else {
        await (store as PostgresStore).pool.query('DROP INDEX activity_text_trgm');
      }
      const report = await store.ingest(
        'acme',
        s.events.map((e: EventInput) => eventSchema.parse(e)),
        settings,
      );
      expect(report.outcomes.every((o) => o.status === 'accepted')).toBe(true);
      // The migration, as the store applies it on open.
      if (kind === 'sqlite') {
        expect(SQLITE_MIGRATIONS).toContain(SQLITE_ACTIVITY_TEXT_INDEX);
        const db = (store as SqliteStore).db;
        db.exec(SQLITE_ACTIVITY_TEXT_INDEX);
        const n = db
          .prepare('SELECT count(*) FROM activity_text WHERE activity_text MATCH ?')
          .pluck()
          .get('"kubectl delete"');
        expect(n).toBe(6);
      } else {
        expect(POSTGRES_MIGRATIONS).toContain(POSTGRES_ACTIVITY_TEXT_INDEX);
        const pool = (store as PostgresStore).pool;
        await pool.query(POSTGRES_ACTIVITY_TEXT_INDEX);
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SET LOCAL enable_seqscan = off');
          const plan = await client.query(
            "EXPLAIN SELECT seq FROM activity WHERE text LIKE '%kubectl delete%'",
          );
          expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('activity_text_trgm');
          await client.query('ROLLBACK');
        } finally {
          client.release();
        }
      }
      const commands = s.events.filter((e) => e.type === 'command');
      for (const q of ['kubectl delete', 'pod api-2', 'ls /srv/3', 'ls', 'zzz']) {
        const page = await store.listActivity(
          'acme',
          s.sessionId,
          activityQuerySchema.parse({ q, group: 'none', limit: 500 }),
        );
        const expected = commands
          .filter((e) => e.type === 'command' && e.text.includes(q))
          .map((e) => e.seq);
        expect({ q, seqs: page!.data.map((e) => e.seq) }).toEqual({ q, seqs: expected });
      }
    } finally {
      await drop();
    }
  });
});

describe.each(STORE_KINDS)('tool call results joined in an existing database on %s', (kind) => {
  it('builds the sessions with tool calls again, their results joined; the others stay', async () => {
    const { store, drop } = await openTestStore(kind);
    try {
      const ids = createIdGenerator();
      const agent = sessionScript({}, Date.UTC(2026, 9, 1));
      const at = (seq: number) => ({
        id: ids.eventId(),
        sessionId: agent.sessionId,
        seq,
        time: new Date(Date.UTC(2026, 9, 1, 0, 1, seq)).toISOString(),
      });
      agent.events.push(
        { ...at(1), type: 'tool_call', tool: 'Bash', callId: 'toolu_1', input: { command: 'ls' } },
        { ...at(2), type: 'tool_call', tool: 'Bash', callId: 'toolu_1', output: 'a\nb' },
      );
      const plain = sessionScript({}, Date.UTC(2026, 9, 2));
      plain.command('whoami');
      const parse = (events: EventInput[]) => events.map((e) => eventSchema.parse(e));
      await store.ingest('acme', parse([...agent.events, ...plain.events]), settings);
      const read = async (id: string) =>
        (await store.listActivity('acme', id, activityQuerySchema.parse({ group: 'none' })))!;
      const joined = await read(agent.sessionId);
      expect(joined.data.map((e) => [e.seq, e.result?.seq ?? null])).toEqual([[1, 2]]);
      // As the version before kept it: the call and its result two entries.
      const sql = async (text: string, params: unknown[] = []) => {
        if (kind === 'sqlite') (store as SqliteStore).db.prepare(text).run(...params);
        else {
          let n = 0;
          await (store as PostgresStore).pool.query(
            text.replace(/\?/g, () => `$${++n}`),
            params,
          );
        }
      };
      await sql('UPDATE activity SET result_seq = NULL, result_id = NULL WHERE session_id = ?', [
        agent.sessionId,
      ]);
      expect((await read(agent.sessionId)).data[0]!.result).toBeNull();
      expect(ACTIVITY_RESULTS).toContain(REBUILD_TOOL_CALL_SESSIONS);
      await sql(REBUILD_TOOL_CALL_SESSIONS);
      const kept = async (id: string) => {
        const q = 'SELECT count(*) AS n FROM activity_sessions WHERE session_id = ?';
        if (kind === 'sqlite') return Number((store as SqliteStore).db.prepare(q).pluck().get(id));
        const { rows } = await (store as PostgresStore).pool.query(q.replace('?', '$1'), [id]);
        return Number(rows[0].n);
      };
      expect([await kept(agent.sessionId), await kept(plain.sessionId)]).toEqual([0, 1]);
      expect(await read(agent.sessionId)).toEqual(joined);
      expect(await kept(agent.sessionId)).toBe(1);
    } finally {
      await drop();
    }
  });

  it('builds again a session whose failure a rejection hid and an approval should show', async () => {
    const { store, drop } = await openTestStore(kind);
    try {
      const ids = createIdGenerator();
      const ops = sessionScript({}, Date.UTC(2026, 9, 6));
      const deploy = ops.command('make deploy');
      (deploy as { exitCode: number }).exitCode = 2;
      ops.verdict(deploy.id, 'rejected');
      const approval = {
        id: ids.eventId(),
        sessionId: ops.sessionId,
        seq: 10,
        time: new Date(Date.UTC(2026, 9, 6, 0, 1)).toISOString(),
        type: 'policy' as const,
        subjectId: deploy.id,
        verdict: 'approved' as const,
        rule: 'review',
      };
      const parse = (events: EventInput[]) => events.map((e) => eventSchema.parse(e));
      await store.ingest('acme', parse(ops.events), settings);
      await store.ingest('acme', parse([approval]), settings);
      const read = async () =>
        (await store.listActivity(
          'acme',
          ops.sessionId,
          activityQuerySchema.parse({ group: 'none' }),
        ))!.data
          .filter((e) => e.seq === deploy.seq)
          .map((e) => [e.verdict, e.failed]);
      expect(await read()).toEqual([['approved', true]]);
      // As the version before left it: approved, its failure lost with the rejection's mark.
      const run = async (text: string) => {
        if (kind === 'sqlite') (store as SqliteStore).db.exec(text);
        else await (store as PostgresStore).pool.query(text);
      };
      await run('UPDATE activity SET flags = flags & ~(16 | 128)');
      expect(await read()).toEqual([['approved', false]]);
      expect(SQLITE_MIGRATIONS.at(-1)).toBe(REBUILD_VERDICT_SESSIONS);
      expect(POSTGRES_MIGRATIONS.at(-1)).toBe(REBUILD_VERDICT_SESSIONS);
      await run(ACTIVITY_PAIRS_AND_FAILURES);
      expect(await read()).toEqual([['approved', false]]);
      await run(REBUILD_VERDICT_SESSIONS);
      expect(await read()).toEqual([['approved', true]]);
    } finally {
      await drop();
    }
  });

  it('pairs the stored tool calls again and keeps the hidden failures after the migration', async () => {
    const { store, drop } = await openTestStore(kind);
    try {
      const ids = createIdGenerator();
      const agent = sessionScript({}, Date.UTC(2026, 9, 3));
      const at = (seq: number) => ({
        id: ids.eventId(),
        sessionId: agent.sessionId,
        seq,
        time: new Date(Date.UTC(2026, 9, 3, 0, 1, seq)).toISOString(),
      });
      // A retry recorded whole twice under one callId: two entries.
      const first = {
        ...at(1),
        type: 'tool_call' as const,
        tool: 'WebFetch',
        callId: 'toolu_r',
        input: { url: 'https://pay.test/charge?amount=1' },
        error: 'timeout',
      };
      const second = {
        ...at(2),
        type: 'tool_call' as const,
        tool: 'WebFetch',
        callId: 'toolu_r',
        input: { url: 'https://pay.test/charge?amount=1000' },
        output: 'ok',
      };
      agent.events.push(first, second);
      // A failed command that was rejected, and one that ran.
      const ops = sessionScript({}, Date.UTC(2026, 9, 4));
      const rejected = ops.command('make deploy');
      const ran = ops.command('make test');
      for (const e of [rejected, ran]) (e as { exitCode: number }).exitCode = 2;
      ops.verdict(rejected.id, 'rejected');
      // A failed command with no verdict yet (its session is kept as it is).
      const plain = sessionScript({}, Date.UTC(2026, 9, 5));
      const failed = plain.command('make lint');
      (failed as { exitCode: number }).exitCode = 1;
      const parse = (events: EventInput[]) => events.map((e) => eventSchema.parse(e));
      await store.ingest(
        'acme',
        parse([...agent.events, ...ops.events, ...plain.events]),
        settings,
      );
      const read = async (id: string) =>
        (await store.listActivity('acme', id, activityQuerySchema.parse({ group: 'none' })))!;
      const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
        if (kind === 'sqlite') {
          const st = (store as SqliteStore).db.prepare(text);
          if (st.reader) return st.all(...params) as T[];
          st.run(...params);
          return [];
        }
        let n = 0;
        const r = await (store as PostgresStore).pool.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        );
        return r.rows as T[];
      };
      const calls = await read(agent.sessionId);
      expect(calls.data.map((e) => [e.seq, e.result?.seq ?? null])).toEqual([
        [1, null],
        [2, null],
      ]);
      // As the version before kept them: the retry one entry, no raw failure bit.
      await sql(
        'UPDATE activity SET result_seq = ?, result_id = ? WHERE session_id = ? AND seq = ?',
        [2, second.id, agent.sessionId, 1],
      );
      await sql('DELETE FROM activity WHERE session_id = ? AND seq = ?', [agent.sessionId, 2]);
      await sql('UPDATE activity SET flags = flags & 127');
      expect((await read(agent.sessionId)).data.map((e) => e.seq)).toEqual([1]);
      expect(SQLITE_MIGRATIONS).toContain(ACTIVITY_PAIRS_AND_FAILURES);
      expect(POSTGRES_MIGRATIONS).toContain(ACTIVITY_PAIRS_AND_FAILURES);
      for (const statement of ACTIVITY_PAIRS_AND_FAILURES.split(';').filter((t) => t.trim()))
        await sql(statement);
      const kept = async (id: string) =>
        (
          await sql<{ n: number }>(
            'SELECT count(*) AS n FROM activity_sessions WHERE session_id = ?',
            [id],
          )
        ).map((r) => Number(r.n))[0];
      expect([
        await kept(agent.sessionId),
        await kept(ops.sessionId),
        await kept(plain.sessionId),
      ]).toEqual([0, 0, 1]);
      expect(await read(agent.sessionId)).toEqual(calls);
      // The rejected command's failure, hidden by its verdict, shows once it is approved.
      const approval = {
        ...at(0),
        sessionId: ops.sessionId,
        seq: 10,
        type: 'policy' as const,
        subjectId: rejected.id,
        verdict: 'approved' as const,
        rule: 'review',
      };
      await read(ops.sessionId);
      await store.ingest('acme', parse([approval]), settings);
      expect((await read(ops.sessionId)).data.map((e) => [e.seq, e.verdict, e.failed])).toEqual([
        [rejected.seq, 'approved', true],
        [ran.seq, null, true],
      ]);
      // The kept session's failure, rejected then approved in later batches: failed again.
      const said = (seq: number, verdict: 'rejected' | 'approved') => ({
        ...approval,
        id: ids.eventId(),
        sessionId: plain.sessionId,
        seq,
        subjectId: failed.id,
        verdict,
      });
      await store.ingest('acme', parse([said(10, 'rejected')]), settings);
      expect((await read(plain.sessionId)).data.map((e) => e.failed)).toEqual([false]);
      await store.ingest('acme', parse([said(11, 'approved')]), settings);
      expect((await read(plain.sessionId)).data.map((e) => [e.verdict, e.failed])).toEqual([
        ['approved', true],
      ]);
    } finally {
      await drop();
    }
  });
});

describe('the activity text index on sqlite', () => {
  it("asks the index only within the session's own rows, whatever other tenants stored", async () => {
    const { store, drop } = await openTestStore('sqlite');
    try {
      const db = (store as SqliteStore).db;
      // Another org's sessions before and after this one, full of the same text.
      const other = (start: number) => {
        const s = sessionScript({}, start);
        for (let i = 0; i < 30; i++) s.command(`kubectl delete pod web-${i}`);
        s.end();
        return s.events.map((e: EventInput) => eventSchema.parse(e));
      };
      await store.ingest('globex', other(Date.UTC(2026, 9, 1)), settings);
      const s = sessionScript({}, Date.UTC(2026, 9, 2));
      for (let i = 0; i < 20; i++)
        s.command(i % 5 === 0 ? `kubectl delete pod api-${i}` : `ls /srv/${i}`);
      s.end();
      await store.ingest(
        'acme',
        s.events.map((e: EventInput) => eventSchema.parse(e)),
        settings,
      );
      await store.ingest('globex', other(Date.UTC(2026, 9, 3)), settings);

      // The statements the filter runs, with their values, to read their plans.
      const seen: { sql: string; values: unknown[] }[] = [];
      const prepare = db.prepare.bind(db);
      db.prepare = ((sql: string) => {
        const statement = prepare(sql);
        if (!sql.includes('activity_text MATCH')) return statement;
        const all = statement.all.bind(statement);
        statement.all = ((...values: unknown[]) => {
          seen.push({ sql, values });
          return all(...values);
        }) as typeof statement.all;
        return statement;
      }) as typeof db.prepare;
      const page = await store.listActivity(
        'acme',
        s.sessionId,
        activityQuerySchema.parse({ q: 'kubectl delete', group: 'none', limit: 500 }),
      );
      db.prepare = prepare;
      const expected = s.events
        .filter((e) => e.type === 'command' && e.text.includes('kubectl delete'))
        .map((e) => e.seq);
      expect(expected).toHaveLength(4);
      expect(page!.data.map((e) => e.seq)).toEqual(expected);
      expect(seen.length).toBeGreaterThan(0);
      for (const { sql, values } of seen) {
        const plan = prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...values)
          .map((r) => (r as { detail: string }).detail);
        // FTS5's plan names its constraints: M (the MATCH), then > and < (a rowid range).
        const fts = plan.find((d) => d.includes('activity_text VIRTUAL TABLE'));
        expect(fts, plan.join('\n')).toMatch(/INDEX \d+:M\d*></);
      }
    } finally {
      await drop();
    }
  });
});
