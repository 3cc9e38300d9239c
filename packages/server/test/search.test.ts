import { type EventInput, eventSchema } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/store/postgres';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations';
import { SqliteStore } from '../src/store/sqlite';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations';
import { type Harness, openTestStore, STORE_KINDS, sessionScript, startHarness } from './helpers';

// Free text walks its matches in session-start order and stops after a page. These tests hold
// it to what the plain set query answers: every match, in order, across pages, with the other
// filters and the capped count, on more matching chunks than one step of the walk reads (500).
const SESSIONS = 2_500;
const BASE = Date.UTC(2026, 9, 1);

interface Made {
  id: string;
  startedAt: number;
  environment: string;
  matches: boolean;
  tier: string;
}

describe.each(STORE_KINDS)('%s store: free-text search at scale', (kind) => {
  let h: Harness;
  const made: Made[] = [];
  const newestFirst = (a: Made, b: Made) =>
    b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

  beforeAll(async () => {
    h = await startHarness(kind, { countCap: 40 });
    const later: EventInput[] = [];
    let batch: EventInput[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      // Every 50th pair of sessions starts in the same millisecond: ties are ordered by id.
      const startedAt = BASE + (i % 50 === 1 ? i - 1 : i) * 1000;
      const environment = i % 3 === 0 ? 'production' : 'staging';
      // More sessions are gold than a label lookup takes first (2,000): tested row by row.
      const tier = i % 10 === 0 ? 'silver' : 'gold';
      const s = sessionScript(
        {
          resource: { name: `db-${i}`, type: 'database', environment },
          labels: { tier, team: `t${i % 4}` },
        },
        startedAt,
      );
      const matches = i % 5 !== 0 && i !== 7;
      s.command(matches ? `kubectl delete pod api-${i} --namespace prod` : `ls -la /srv/${i}`);
      if (i % 7 === 0) s.output('rare-needle appears here\r\n');
      batch.push(...s.events);
      // Session 7 matches only through a chunk that arrives after every other session's: the
      // order is the session's start, not when its text arrived.
      if (i === 7) later.push(s.command('kubectl delete pod late-one'));
      else if (matches && i % 4 === 0) later.push(s.command('kubectl delete pod again'));
      made.push({ id: s.sessionId, startedAt, environment, matches: matches || i === 7, tier });
      if (batch.length >= 500) {
        await h.admin.ingest(batch);
        batch = [];
      }
    }
    await h.admin.ingest(batch);
    for (let i = 0; i < later.length; i += 500) await h.admin.ingest(later.slice(i, i + 500));
    // Scores settle before the significance sort is paged (a score moving between two pages
    // moves its session across the cursor).
    await h.server.scorer.idle();
  }, 120_000);
  afterAll(() => h.close());

  async function all(params: Record<string, unknown>) {
    const ids: string[] = [];
    const counts: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.admin.sessions.list({ limit: 50, ...params, cursor } as never);
      ids.push(...page.data.map((s) => s.id));
      counts.push(page.extra.count);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { ids, counts };
  }

  it('pages through every match, newest session first, with ties by id and late text placed by start', async () => {
    const expected = made.filter((m) => m.matches).sort(newestFirst);
    expect(expected.length).toBeGreaterThan(900);
    const { ids } = await all({ q: 'kubectl delete pod', count: 'none' });
    expect(ids).toEqual(expected.map((m) => m.id));
  });

  it('combines the text with other filters', async () => {
    const expected = made
      .filter((m) => m.matches && m.environment === 'production')
      .sort(newestFirst);
    const { ids } = await all({ q: 'kubectl delete pod', environment: ['production'] });
    expect(ids).toEqual(expected.map((m) => m.id));
  });

  it('caps the count of a common phrase on every page, and counts a rare one exactly', async () => {
    const { counts } = await all({ q: 'kubectl delete pod', count: 'capped' });
    expect(counts.length).toBeGreaterThan(10);
    for (const c of counts) expect(c).toEqual({ mode: 'capped', value: 40, capped: true });
    const rare = made.filter((_, i) => i % 7 === 0);
    const page = await h.admin.sessions.list({ q: 'rare-needle', limit: 50, count: 'capped' });
    expect(page.extra.count).toEqual({ mode: 'capped', value: 40, capped: true });
    expect(page.data.map((s) => s.id)).toEqual(
      rare
        .sort(newestFirst)
        .slice(0, 50)
        .map((m) => m.id),
    );
    const few = await h.admin.sessions.list({
      q: 'rare-needle',
      environment: ['production'],
      resource: ['db-0', 'db-21', 'db-42'],
      count: 'capped',
    });
    expect(few.extra.count).toEqual({ mode: 'capped', value: 3, capped: false });
    expect(few.data.map((s) => s.id)).toEqual(
      made
        .filter((_, i) => i === 0 || i === 21 || i === 42)
        .sort(newestFirst)
        .map((m) => m.id),
    );
  });

  it('filters by a label many sessions carry and by a rare one, alone and with text', async () => {
    const gold = made.filter((m) => m.tier === 'gold').sort(newestFirst);
    expect(gold.length).toBeGreaterThan(2_000);
    const common = await all({ label: ['tier=gold'], count: 'capped' });
    expect(common.ids).toEqual(gold.map((m) => m.id));
    expect(common.counts[0]).toEqual({ mode: 'capped', value: 40, capped: true });
    const silver = made.filter((m) => m.tier === 'silver').sort(newestFirst);
    expect((await all({ label: ['tier=silver'] })).ids).toEqual(silver.map((m) => m.id));
    const both = await all({ label: ['tier=gold', 'team=t1'], q: 'kubectl delete pod' });
    expect(both.ids).toEqual(
      made
        .filter((m, i) => m.tier === 'gold' && i % 4 === 1 && m.matches)
        .sort(newestFirst)
        .map((m) => m.id),
    );
    const exact = await h.admin.sessions.list({ label: ['tier=gold'], count: 'exact' });
    expect(exact.extra.count).toEqual({ mode: 'exact', value: gold.length, capped: false });
  });

  it('answers an exact count and the significance sort with the same matches', async () => {
    const expected = made.filter((m) => m.matches).map((m) => m.id);
    const exact = await h.admin.sessions.list({ q: 'kubectl delete pod', count: 'exact' });
    expect(exact.extra.count).toEqual({ mode: 'exact', value: expected.length, capped: false });
    const { ids } = await all({ q: 'kubectl delete pod', sort: 'significance' });
    expect([...ids].sort()).toEqual([...expected].sort());
  });

  it('finds nothing for a phrase in no session, and no other org’s sessions', async () => {
    expect((await h.admin.sessions.list({ q: 'delete kubectl' })).data).toEqual([]);
    const other = await h.clientWith(['view_history'], 'globex');
    expect((await other.sessions.list({ q: 'kubectl delete pod' })).data).toEqual([]);
  });
});

describe('search keys of databases made before they were ordered by session start', () => {
  it('SQLite: the migration re-keys existing search chunks', async () => {
    const { store, drop } = await openTestStore('sqlite');
    const sqlite = store as SqliteStore;
    const a = sessionScript({}, Date.UTC(2026, 9, 1));
    a.command('terraform destroy -auto-approve');
    const b = sessionScript({}, Date.UTC(2026, 9, 2));
    b.command('terraform destroy now');
    const settings = { receivedAt: new Date().toISOString(), previewRows: 50, reconnectGraceMs: 1 };
    // b arrives first: its chunks get the smaller old-style rowids.
    await store.ingest(
      'acme',
      b.events.map((e) => eventSchema.parse(e)),
      settings,
    );
    await store.ingest(
      'acme',
      a.events.map((e) => eventSchema.parse(e)),
      settings,
    );
    // Back to the old layout: rowids 1, 2, ... in arrival order; then the migration again.
    const db = sqlite.db;
    const old = db
      .prepare('SELECT rowid AS r FROM search_chunks ORDER BY rowid')
      .safeIntegers()
      .all() as { r: bigint }[];
    old.forEach(({ r }, i) => {
      db.prepare(
        'INSERT INTO search (rowid, text, org, session_id) SELECT ?, text, org, session_id FROM search WHERE rowid = ?',
      ).run(i + 1, r);
      db.prepare('DELETE FROM search WHERE rowid = ?').run(r);
      db.prepare('UPDATE search_chunks SET rowid = ? WHERE rowid = ?').run(i + 1, r);
    });
    // Only the re-keying migration: the later ones are already applied to this schema.
    db.transaction(() => db.exec(SQLITE_MIGRATIONS[2]!))();
    const filename = db.name;
    await store.close();

    const reopened = new SqliteStore({ filename });
    const keys = reopened.db
      .prepare(
        'SELECT c.rowid >> 20 AS started, s.started_at AS actual FROM search_chunks c JOIN sessions s ON s.id = c.session_id',
      )
      .all() as { started: number; actual: number }[];
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k.started).toBe(k.actual);
    const page = await reopened.listSessions(
      'acme',
      { q: 'terraform destroy', limit: 10, sort: 'recent', count: 'capped' } as never,
      { now: Date.now(), countCap: 1000 },
    );
    expect(page.data.map((s) => s.id)).toEqual([b.sessionId, a.sessionId]);
    await reopened.close();
    await drop().catch(() => {});
  });
});

describe('search keys of PostgreSQL databases made before they carried the session start', () => {
  it('the migration fills started_at of existing search chunks', async () => {
    const { store, drop } = await openTestStore('postgres');
    const pgStore = store as PostgresStore;
    const a = sessionScript({}, Date.UTC(2026, 9, 1));
    a.command('terraform destroy -auto-approve');
    const b = sessionScript({}, Date.UTC(2026, 9, 2));
    b.command('terraform destroy now');
    const settings = { receivedAt: new Date().toISOString(), previewRows: 50, reconnectGraceMs: 1 };
    await store.ingest(
      'acme',
      b.events.map((e) => eventSchema.parse(e)),
      settings,
    );
    await store.ingest(
      'acme',
      a.events.map((e) => eventSchema.parse(e)),
      settings,
    );
    await pgStore.pool.query('ALTER TABLE search DROP COLUMN started_at');
    await pgStore.pool.query(POSTGRES_MIGRATIONS[2]!);
    const { rows } = await pgStore.pool.query(
      'SELECT count(*)::int AS n FROM search c JOIN sessions s ON s.id = c.session_id WHERE c.started_at = s.started_at',
    );
    expect(rows[0].n).toBe(2);
    const page = await store.listSessions(
      'acme',
      { q: 'terraform destroy', limit: 10, sort: 'recent', count: 'capped' } as never,
      { now: Date.now(), countCap: 1000 },
    );
    expect(page.data.map((s) => s.id)).toEqual([b.sessionId, a.sessionId]);
    await drop();
  });
});
