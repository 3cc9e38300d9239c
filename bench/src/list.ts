// List-query latency: seeds a store with generated sessions (through the same ingest path as
// the API), then times GET /v1/sessions over loopback HTTP for common filters, p50/p95.
//   pnpm --filter @auditlane/bench query [--sessions 100000] [--events-per-session 20] [--reps 40]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Event, eventSchema } from '@auditlane/client';
import { PostgresStore, SqliteStore, type Store, startServer } from '@auditlane/server';
import { startCluster } from '@auditlane/testing/postgres-cluster';
import { arg, median, percentile, rng, sessionEvents, table } from './lib';

const SESSIONS = arg('sessions', 100_000);
const PER_SESSION = arg('events-per-session', 20);
const REPS = arg('reps', 40);
const STORES = (
  process.argv.includes('--store')
    ? process.argv[process.argv.indexOf('--store') + 1]!
    : 'sqlite,postgres'
).split(',');
const SPAN_MS = 90 * 86_400_000;
const NOW = Date.UTC(2026, 10, 25);

async function seed(store: Store): Promise<number> {
  const random = rng(7);
  const started = performance.now();
  let batch: Event[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.ingest('bench', batch, {
      receivedAt: new Date().toISOString(),
      previewRows: 50,
      reconnectGraceMs: 300_000,
    });
    batch = [];
  };
  for (let i = 0; i < SESSIONS; i++) {
    const startedAt = NOW - SPAN_MS + Math.floor((i / SESSIONS) * SPAN_MS);
    for (const e of sessionEvents(i, PER_SESSION, startedAt, random))
      batch.push(eventSchema.parse(e));
    if (i % 10 === 3)
      batch.push(
        eventSchema.parse({
          ...batch.at(-1)!,
          id: `${batch.at(-1)!.id}e`,
          seq: PER_SESSION,
          type: 'lifecycle',
          action: 'end',
        }),
      );
    if (batch.length >= 1000) await flush();
  }
  await flush();
  return (performance.now() - started) / 1000;
}

const QUERIES: [string, string][] = [
  ['newest 50, capped count', ''],
  ['status=active', 'status=active'],
  ['environment=production & type=database', 'environment=production&type=database'],
  ['user (email)', 'user=user42%40acme.test'],
  ['label team=team-7', 'label=team%3Dteam-7'],
  ['period 7d', 'period=7d'],
  ['free text "kubectl delete pod"', 'q=kubectl%20delete%20pod'],
  ['rank by significance', 'sort=significance'],
  ['min significance 40', 'minSignificance=40'],
  ['exact count, production', 'environment=production&count=exact'],
];

async function measure(store: Store, name: string): Promise<(string | number)[][]> {
  const { token } = await store.createToken({
    org: 'bench',
    name: 'bench',
    permissions: ['view_history'],
  });
  const server = await startServer({ store, port: 0, config: { now: () => NOW } });
  const rows: (string | number)[][] = [];
  try {
    for (const [label, query] of QUERIES) {
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < REPS + 3; i++) {
        const t = performance.now();
        const res = await fetch(`${server.url}/v1/sessions?limit=50&${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const page = (await res.json()) as { data: unknown[] };
        if (!res.ok) throw new Error(`${label}: ${JSON.stringify(page)}`);
        if (i >= 3) times.push(performance.now() - t);
        count = page.data.length;
      }
      rows.push([name, label, count, median(times).toFixed(1), percentile(times, 95).toFixed(1)]);
    }
  } finally {
    await server.close();
  }
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-'));
const cluster = await startCluster();
const rows: (string | number)[][] = [];
const seeding: (string | number)[][] = [];
try {
  if (STORES.includes('sqlite')) {
    const sqlite = new SqliteStore({ filename: join(dir, 'list.db') });
    // Seeding is not what is measured: no fsync per commit while it runs.
    sqlite.db.pragma('synchronous = OFF');
    seeding.push(['SQLite', SESSIONS, SESSIONS * PER_SESSION, (await seed(sqlite)).toFixed(0)]);
    sqlite.db.pragma('synchronous = FULL');
    sqlite.db.pragma('optimize');
    rows.push(...(await measure(sqlite, 'SQLite')));
    await sqlite.close();
  }
  if (STORES.includes('postgres')) {
    const pg = await PostgresStore.open({ connectionString: cluster.url });
    seeding.push(['PostgreSQL', SESSIONS, SESSIONS * PER_SESSION, (await seed(pg)).toFixed(0)]);
    await pg.pool.query('VACUUM ANALYZE');
    rows.push(...(await measure(pg, 'PostgreSQL')));
    await pg.close();
  }
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log('\nSeeded through store.ingest (in process)\n');
table(['store', 'sessions', 'events', 'seconds'], seeding);
console.log(
  `\nGET /v1/sessions?limit=50 over loopback HTTP, ${REPS} requests each after 3 warm-ups (ms)\n`,
);
table(['store', 'query', 'rows', 'p50', 'p95'], rows);
