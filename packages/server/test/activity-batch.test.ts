import { type EventInput, eventSchema } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/store/postgres';
import type { SqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/types';
import { openTestStore, STORE_KINDS, sessionScript } from './helpers';

// Ingest reads and writes a batch's activity in statements for all its sessions at once: a
// batch of many sessions must leave each session's activity as batches of one session do,
// however their keys (entry ids, subjects, callIds) coincide across sessions.

const settings = { receivedAt: new Date().toISOString(), previewRows: 50, reconnectGraceMs: 1 };

/** Sessions whose keys meet across sessions, in two deliveries (the second partly out of order). */
function scenario() {
  const sessions = [0, 1, 2, 3].map((i) => sessionScript({}, Date.UTC(2026, 9, 1, i)));
  const [a, b, c, d] = sessions as [
    ReturnType<typeof sessionScript>,
    ReturnType<typeof sessionScript>,
    ReturnType<typeof sessionScript>,
    ReturnType<typeof sessionScript>,
  ];
  const tool = (s: ReturnType<typeof sessionScript>, seq: number, fields: object) => {
    const e = {
      id: `evt_01KB0000000000000000${String(seq).padStart(3, '0')}${s.sessionId.slice(-2)}`,
      sessionId: s.sessionId,
      seq,
      time: new Date(Date.UTC(2026, 9, 1, 12) + seq * 1000).toISOString(),
      type: 'tool_call',
      tool: 'Bash',
      callId: 'toolu_shared',
      ...fields,
    } as EventInput;
    s.events.push(e);
    return e;
  };
  const first: EventInput[] = [];
  const later: EventInput[] = [];
  // a: commands of one shape (a run), one verdict, a masking before its subject.
  const a1 = a.command('ls /srv/a');
  a.command('ls /srv/b');
  const a3 = a.command('kubectl delete pod api-1');
  a.verdict(a3.id, 'blocked', 'destructive');
  a.masked('evt_01KB000000000000000000AMX', ['token']);
  // b: a verdict about a's entry (another session's id), and the same callId as c and d.
  b.verdict(a1.id, 'pending');
  b.command('whoami');
  tool(b, 50, { input: { command: 'ls' } });
  tool(b, 51, { output: { stdout: 'x' } });
  // c: the tool call's result first; its call arrives later, below it.
  tool(c, 60, { output: { stdout: 'y' } });
  const c61 = tool(c, 61, { input: { command: 'cat' } });
  c.query('SELECT 1');
  // d: the call only; its result in the second delivery.
  tool(d, 70, { input: { command: 'pwd' } });
  const d71 = tool(d, 71, { error: 'exit 2' });
  // e: a run that grows in the second delivery, and a verdict then about its first entry.
  const e = sessionScript({}, Date.UTC(2026, 9, 1, 5));
  const e1 = e.command('ls /srv/a');
  e.command('ls /srv/b');
  sessions.push(e);
  for (const s of sessions) first.push(...s.events);
  e.command('ls /srv/c');
  e.verdict(e1.id, 'blocked');
  later.push(...e.events.slice(-2));
  // Second delivery: a's masked subject, entries below stored ones, a verdict about c's call.
  const aLate = a.command('ls /srv/c');
  const subject = { ...aLate, id: 'evt_01KB000000000000000000AMX', seq: 500 } as EventInput;
  a.events.pop();
  c.verdict(c61.id, 'rejected');
  const cVerdict = c.events.at(-1)!;
  const moved = new Set([c61.id, d71.id]);
  const firstKept = first.filter((e) => !moved.has(e.id!));
  const aLow = first.find((e) => e.sessionId === a.sessionId && e.seq === 2)!;
  later.push(subject, cVerdict, ...first.filter((e) => moved.has(e.id!)));
  // a's entry at seq 2 arrives second: the runs after it are computed again.
  const firstFinal = firstKept.filter((e) => e !== aLow);
  later.push(aLow);
  return { sessions, deliveries: [firstFinal, later] };
}

async function rowsOf(kind: string, store: Store, sql: string) {
  const rows =
    kind === 'sqlite'
      ? (store as SqliteStore).db.prepare(sql).all()
      : (await (store as PostgresStore).pool.query(sql)).rows;
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r as object).map(([k, v]) => [k, v === null ? null : String(v)]),
    ),
  );
}

async function dump(kind: string, store: Store) {
  const tables = {
    activity:
      'SELECT session_id, seq, id, type, time_ms, verdict, verdict_seq, flags, matters, masked, shape, label, run, text, related, call_id, result_seq, result_id FROM activity ORDER BY session_id, seq',
    runs: 'SELECT session_id, run, n, last_seq, last_time, blocked, pending, rejected, masked, failed FROM activity_runs ORDER BY session_id, run',
    orphans:
      'SELECT session_id, subject_id, seq, masked FROM activity_orphans ORDER BY session_id, subject_id, seq',
    sessions: 'SELECT session_id, entries FROM activity_sessions ORDER BY session_id',
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) out[name] = await rowsOf(kind, store, sql);
  return out;
}

describe.each(STORE_KINDS)('a batch of many sessions on %s', (kind) => {
  it('leaves each session the activity that batches of one session give', async () => {
    const { deliveries } = scenario();
    const together = await openTestStore(kind);
    const apart = await openTestStore(kind);
    try {
      for (const delivery of deliveries) {
        const parsed = delivery.map((e) => eventSchema.parse(e));
        const report = await together.store.ingest('acme', parsed, settings);
        expect(report.outcomes.map((o) => o.status)).toEqual(parsed.map(() => 'accepted'));
        for (const id of new Set(parsed.map((e) => e.sessionId))) {
          const events = parsed.filter((e) => e.sessionId === id);
          const r = await apart.store.ingest('acme', events, settings);
          expect(r.outcomes.every((o) => o.status === 'accepted')).toBe(true);
        }
      }
      const got = await dump(kind, together.store);
      const want = await dump(kind, apart.store);
      // The scenario reaches what it means to: a joined result, a verdict about another
      // session's id, an adopted masking, runs computed again.
      expect(
        want.activity!.some((r) => (r as { result_id: string | null }).result_id !== null),
      ).toBe(true);
      expect(want.orphans).toEqual([]);
      expect(got).toEqual(want);
      // And each run's row and each session's count are what the entries hold.
      const counted = await rowsOf(
        kind,
        together.store,
        `SELECT session_id, run, count(*) AS n, max(seq) AS last_seq, max(time_ms) AS last_time,
           sum(flags & 1) AS blocked, sum((flags & 2) / 2) AS pending, sum((flags & 4) / 4) AS rejected,
           sum((flags & 8) / 8) AS masked, sum((flags & 16) / 16) AS failed
         FROM activity GROUP BY session_id, run ORDER BY session_id, run`,
      );
      expect(got.runs).toEqual(counted);
      expect(got.sessions).toEqual(
        await rowsOf(
          kind,
          together.store,
          'SELECT session_id, count(*) AS entries FROM activity GROUP BY session_id ORDER BY session_id',
        ),
      );
    } finally {
      await together.drop();
      await apart.drop();
    }
  });
});
