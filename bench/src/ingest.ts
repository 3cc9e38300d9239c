// Ingest throughput on loopback, with scoring on and off: the server in its own process
// (`auditlane serve`; scoring off with AUDITLANE_SIGNIFICANCE_ENABLED=false), this process sending batches of 500 entity-rich events with 4 requests in
// flight. A batch counts when its answer says it is stored (committed: SQLite synchronous=FULL,
// PostgreSQL default fsync); with scoring on, a run ends when every batch is acknowledged and the
// rescoring queue is empty (the scores of every session reflect every event).
//   pnpm --filter @auditlane/bench ingest [--events 200000] [--runs 3] [--store sqlite,postgres]
//     [--scoring on,off]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore, SqliteStore } from '@auditlane/server';
import { startCluster } from '@auditlane/testing/postgres-cluster';
import { arg, median, table } from './lib';
import { auditlane, post, serve } from './serve';
import { createWorkload } from './workload';

const EVENTS = arg('events', 200_000);
const RUNS = arg('runs', 3);
const STORES = (
  process.argv.includes('--store')
    ? process.argv[process.argv.indexOf('--store') + 1]!
    : 'sqlite,postgres'
).split(',');
/** `--scoring off`: only the runs with scoring off (the ingest path alone); default both. */
const SCORING = (
  process.argv.includes('--scoring')
    ? process.argv[process.argv.indexOf('--scoring') + 1]!
    : 'on,off'
).split(',') as ('on' | 'off')[];
const BATCH = 500;
const IN_FLIGHT = 4;
const EVENTS_PER_SESSION = 20;
/** Scoring off: no entity index, no rescoring; each session scored from its own counters. */
const SCORING_OFF = { AUDITLANE_SIGNIFICANCE_ENABLED: 'false' };
/** Aim of the issue: scoring costs at most this share of the throughput. */
const AIM = 0.1;

function batches(run: number): string[] {
  const workload = createWorkload({ seed: 100 + run, eventsPerSession: EVENTS_PER_SESSION });
  const start = Date.UTC(2026, 9, 1);
  const all = [];
  for (let i = 0; all.length < EVENTS; i++) all.push(...workload.session(i, start + i * 60_000));
  const out: string[] = [];
  for (let i = 0; i < EVENTS; i += BATCH)
    out.push(JSON.stringify({ events: all.slice(i, i + BATCH) }));
  return out;
}

// Bodies are generated and serialised before any server starts, as a load generator would: the
// server is what is measured (and no connection idles out while the next run is generated).
const RUN_BODIES = Array.from({ length: RUNS }, (_, run) => batches(run));
/** Sent to each server before its timed runs, so none of them pays for the JIT's warm-up. */
const WARM_UP = batches(RUNS).slice(0, 10);

/** Rows of one of the org's tables in the server's own database (score_queue, entities). */
type Rows = (table: 'score_queue' | 'entities') => Promise<number>;

async function measure(url: string, token: string, run: number, rows: Rows) {
  const bodies = RUN_BODIES[run]!;
  let next = 0;
  let stored = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) {
        const accepted = await post(url, token, bodies[next++]!);
        stored += accepted;
      }
    }),
  );
  const acked = performance.now();
  while ((await rows('score_queue')) > 0) await new Promise((r) => setTimeout(r, 10));
  const drained = performance.now();
  if (stored !== EVENTS) throw new Error(`stored ${stored} of ${EVENTS}`);
  return {
    rate: EVENTS / ((drained - started) / 1000),
    ackedRate: EVENTS / ((acked - started) / 1000),
    drainMs: drained - acked,
  };
}

interface Mode {
  name: string;
  env: Record<string, string>;
  storeArgs: string[];
  rows: Rows;
  close: () => Promise<void>;
}

async function backend(name: string, modes: Mode[]): Promise<(string | number)[][]> {
  const servers = [];
  for (const mode of modes) {
    const token = auditlane(
      ['token', 'create', '--org', 'bench', '--permissions', 'ingest', ...mode.storeArgs],
      mode.env,
    );
    const server = await serve(mode.storeArgs, mode.env);
    for (const body of WARM_UP) await post(server.url, token, body);
    servers.push({ mode, token, server });
  }
  const results = servers.map(() => [] as Awaited<ReturnType<typeof measure>>[]);
  try {
    // Interleaved, the order alternating run by run: both modes see the machine's load alike.
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? servers.map((_, k) => k) : servers.map((_, k) => k).reverse();
      for (const k of order) {
        const { mode, token, server } = servers[k]!;
        results[k]!.push(await measure(server.url, token, run, mode.rows));
      }
    }
    // The switch took: the index is filled with scoring on, and empty with it off.
    for (const { mode } of servers) {
      const entities = await mode.rows('entities');
      if ((mode.name === 'on') !== entities > 0)
        throw new Error(`scoring ${mode.name}, yet the entity index holds ${entities} entities`);
    }
  } finally {
    for (const { server, mode } of servers) {
      await server.stop();
      await mode.close();
    }
  }
  const medians = results.map((r) => median(r.map((x) => x.rate)));
  const offAt = servers.findIndex((s) => s.mode.name === 'off');
  const off = medians[offAt] ?? Number.NaN;
  return servers.map(({ mode }, k) => {
    const r = results[k]!;
    const cost = 1 - medians[k]! / off;
    return [
      name,
      mode.name,
      EVENTS,
      RUNS,
      Math.round(medians[k]!),
      Math.round(Math.min(...r.map((x) => x.rate))),
      Math.round(Math.max(...r.map((x) => x.rate))),
      Math.round(median(r.map((x) => x.ackedRate))),
      Math.round(median(r.map((x) => x.drainMs))),
      mode.name === 'off' ? '1.00' : offAt < 0 ? '' : (medians[k]! / off).toFixed(2),
      mode.name === 'off' || offAt < 0
        ? ''
        : `${(cost * 100).toFixed(1)}% (aim ≤ ${AIM * 100}%: ${cost <= AIM ? 'met' : 'not met'})`,
    ];
  });
}

async function sqliteMode(dir: string, name: 'on' | 'off'): Promise<Mode> {
  const file = join(dir, `bench-${name}.db`);
  const store = new SqliteStore({ filename: file });
  return {
    name,
    env: name === 'off' ? SCORING_OFF : {},
    storeArgs: ['--db', file],
    rows: async (t) =>
      (
        store.db.prepare(`SELECT count(*) AS n FROM ${t} WHERE org = 'bench'`).get() as {
          n: number;
        }
      ).n,
    close: () => store.close(),
  };
}

async function postgresMode(url: string, name: 'on' | 'off'): Promise<Mode> {
  const admin = await PostgresStore.open({ connectionString: url });
  await admin.pool.query(`CREATE DATABASE scoring_${name}`);
  await admin.close();
  const dbUrl = url.replace(/\/postgres$/, `/scoring_${name}`);
  const store = await PostgresStore.open({ connectionString: dbUrl, max: 1 });
  return {
    name,
    env: name === 'off' ? SCORING_OFF : {},
    storeArgs: ['--postgres', dbUrl],
    rows: async (t) =>
      Number(
        (await store.pool.query(`SELECT count(*) AS n FROM ${t} WHERE org = 'bench'`)).rows[0].n,
      ),
    close: () => store.close(),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-'));
const cluster = await startCluster({ fsync: true });
try {
  const rows: (string | number)[][] = [];
  if (STORES.includes('sqlite'))
    rows.push(
      ...(await backend(
        'SQLite (WAL, synchronous=FULL)',
        await Promise.all(SCORING.map((m) => sqliteMode(dir, m))),
      )),
    );
  if (STORES.includes('postgres'))
    rows.push(
      ...(await backend('PostgreSQL 15 (fsync on)', [
        ...(await Promise.all(SCORING.map((m) => postgresMode(cluster.url, m)))),
      ])),
    );
  console.log(
    `\nIngest over HTTP on loopback: batches of ${BATCH}, ${IN_FLIGHT} in flight, ${EVENTS_PER_SESSION} events per session; runs interleaved; events/s until acknowledged and rescored\n`,
  );
  table(
    [
      'store',
      'scoring',
      'events per run',
      'runs',
      'median events/s',
      'min',
      'max',
      'median until acked',
      'drain ms',
      'ratio to off',
      'cost',
    ],
    rows,
  );
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
