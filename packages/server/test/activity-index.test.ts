import {
  activityQuerySchema,
  createIdGenerator,
  type EventInput,
  eventSchema,
} from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_RESULTS,
  POSTGRES_ACTIVITY_TEXT_INDEX,
  REBUILD_TOOL_CALL_SESSIONS,
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
});
