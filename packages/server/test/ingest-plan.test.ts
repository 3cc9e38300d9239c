import { describe, expect, it } from 'vitest';
import { EXISTING_REFS_SQL, EXISTING_SEQS_SQL } from '../src/store/sqlite/writer';
import { openTestStore } from './helpers';

// Ingest checks a batch's seqs and result refs against the stored ones. Those lookups must go by
// the batch's keys: the plan that walked every stored event of the org for each key made each
// batch into a session of 20,000 events take tens of seconds (a 100,000-event session could not
// be ingested). PostgreSQL's statements join unnest(...) to the primary key (its planner has
// the statistics); SQLite's planner is told the order.
describe('ingest lookups on sqlite', () => {
  it('look the batch keys up by primary key, whatever the stored events', async () => {
    const { store, drop } = await openTestStore('sqlite');
    try {
      const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('[]', 'acme') as { detail: string }[]).map(
          (r) => r.detail,
        );
      expect(plan(EXISTING_SEQS_SQL)).toEqual([
        'SCAN k VIRTUAL TABLE INDEX 1:',
        'SEARCH e USING PRIMARY KEY (org=? AND session_id=? AND seq=?)',
      ]);
      const refs = plan(EXISTING_REFS_SQL);
      expect(refs[0]).toBe('SCAN k VIRTUAL TABLE INDEX 1:');
      expect(refs).toHaveLength(2);
      expect(refs[1]).toMatch(/^SEARCH r USING .*\(org=\? AND session_id=\? AND ref=\?\)$/);
    } finally {
      await drop();
    }
  });
});
