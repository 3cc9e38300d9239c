// Query latency: seeds a store with generated entity-rich sessions (through the same ingest path
// as the API, in large batches), then times over loopback HTTP the sessions list for common
// filters, the overview for filter/period combinations, the relationships of sessions with many
// neighbours and entity pages; p50/p95 beside the aims.
//   pnpm --filter @auditlane/bench query [--sessions 100000] [--events-per-session 20]
//     [--reps 40] [--store sqlite,postgres] [--batch 10000] [--seed-only] [--dir DIR] [--keep]
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PostgresStore,
  type RunningServer,
  SqliteStore,
  type Store,
  startServer,
} from '@auditlane/server';
import { startCluster } from '@auditlane/testing/postgres-cluster';
import { arg, median, percentile, table } from './lib';
import { seed, startOf } from './seed';
import { fetchAgain } from './serve';
import { createWorkload, SHARED_CREDENTIALS, type Workload } from './workload';

const SESSIONS = arg('sessions', 100_000);
const PER_SESSION = arg('events-per-session', 20);
const REPS = arg('reps', 40);
const BATCH = arg('batch', 10_000);
const STORES = (
  process.argv.includes('--store')
    ? process.argv[process.argv.indexOf('--store') + 1]!
    : 'sqlite,postgres'
).split(',');
/** Seeds and reports how long it took, without timing queries. */
const SEED_ONLY = process.argv.includes('--seed-only');
/** Where the databases go (a temp dir by default; at 1M sessions they take tens of GB). */
const DIR = process.argv.includes('--dir')
  ? process.argv[process.argv.indexOf('--dir') + 1]!
  : undefined;
/**
 * Leaves the SQLite database in DIR; a later run with the same DIR and sizes opens it (its
 * migrations run) instead of seeding again.
 */
const KEEP = process.argv.includes('--keep');
/**
 * Times the queries without waiting for the score queue to drain (the rescoring job does not
 * run): for a kept database whose scoring was stopped; the table says how many were queued.
 */
const LEAVE_QUEUE = process.argv.includes('--leave-queue');
const SPAN_MS = 90 * 86_400_000;
const NOW = Date.UTC(2026, 10, 25);
const FROM = NOW - SPAN_MS;
const SEED = 7;

const LIST: [string, string][] = [
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
  [
    'entity: shared CI key, by significance',
    `entity=${encodeURIComponent(`credential:${SHARED_CREDENTIALS[0].fingerprint}`)}&sort=significance`,
  ],
  [
    'entity: a file, by significance',
    `entity=${encodeURIComponent('file:/srv/app/.env')}&sort=significance`,
  ],
];

const OVERVIEW: [string, string][] = [
  ['period 24h', 'period=24h'],
  ['period 7d', 'period=7d'],
  ['period 30d', 'period=30d'],
  ['period 90d (everything)', 'period=90d'],
  ['7d, environment=production', 'period=7d&environment=production'],
  ['30d, type=database & production', 'period=30d&type=database&environment=production'],
  ['30d, user (email)', 'period=30d&user=user42%40acme.test'],
  ['7d, actorType=agent', 'period=7d&actorType=agent'],
];

/**
 * Sessions to ask the relationships of: the newest few on a shared key (the unknown actor's, a
 * person's, CI's: thousands of neighbours each at full size), and one on a personal key.
 */
function relationshipTargets(w: Workload): [string, string][] {
  const want = new Map<string, string>([
    ['unknown actor on a shared key', ''],
    ['person on a shared key', ''],
    ['CI on the shared CI key', ''],
    ['person on a personal key', ''],
  ]);
  for (let i = SESSIONS - 1; i >= 0 && [...want.values()].some((v) => !v); i--) {
    const { kind, start } = w.shape(i);
    const shared = SHARED_CREDENTIALS.some((c) => c.fingerprint === start.credential?.fingerprint);
    const label =
      kind === 'unknown'
        ? 'unknown actor on a shared key'
        : kind === 'service'
          ? 'CI on the shared CI key'
          : kind === 'human'
            ? shared
              ? 'person on a shared key'
              : 'person on a personal key'
            : null;
    if (label && !want.get(label))
      want.set(label, w.sessionId(i, startOf(i, SESSIONS, FROM, SPAN_MS)));
  }
  return [...want]
    .filter(([, id]) => id)
    .map(([label, id]) => [label, `/v1/sessions/${id}/relationships`]);
}

const ENTITIES: [string, string][] = [
  [
    'credential: shared CI key',
    `/v1/entities/credential/${encodeURIComponent(SHARED_CREDENTIALS[0].fingerprint)}`,
  ],
  [
    'credential: a shared key',
    `/v1/entities/credential/${encodeURIComponent(SHARED_CREDENTIALS[2].fingerprint)}`,
  ],
  ['actor: a person', '/v1/entities/actor/u42'],
  ['host: api.anthropic.com (most sessions)', '/v1/entities/host/api.anthropic.com'],
  ['file: /srv/app/.env', `/v1/entities/file/${encodeURIComponent('/srv/app/.env')}`],
  ['table: customers', '/v1/entities/table/customers'],
];

/** Aims of the issue, p95 (ms); entity pages have none of their own: the list's. */
const AIMS = { list: 20, overview: 50, relationships: 20, entities: 20 } as const;

/** What a response holds, for the table: a page's sessions, the queue, a map's nodes. */
function size(body: unknown): number | string {
  const b = (body ?? {}) as Record<string, unknown> & {
    sessions?: { data?: unknown[] };
    identity?: { nodes: unknown[] };
    context?: { nodes: unknown[] };
    outbound?: { nodes: unknown[] };
    lanes?: { actors: { nodes: unknown[] }; sessions: { data: unknown[] } }[];
  };
  if (Array.isArray(b.data)) return b.data.length;
  if (Array.isArray(b.queue)) return b.queue.length;
  if (Array.isArray(b.sessions?.data)) return b.sessions.data.length;
  if (b.identity && b.context && b.outbound && b.lanes)
    return (
      b.identity.nodes.length +
      b.context.nodes.length +
      b.outbound.nodes.length +
      b.lanes.reduce((n, l) => n + 1 + l.actors.nodes.length + l.sessions.data.length, 0)
    );
  return '-';
}

async function measure(
  store: Store,
  name: string,
  w: Workload,
  server: RunningServer,
): Promise<(string | number)[][]> {
  const { token } = await store.createToken({
    org: 'bench',
    name: 'bench',
    permissions: ['view_history'],
  });
  const rows: (string | number)[][] = [];
  const time = async (section: keyof typeof AIMS, label: string, path: string) => {
    const times: number[] = [];
    let rowsOut: number | string = '-';
    for (let i = 0; i < REPS + 3; i++) {
      const t = performance.now();
      const res = await fetchAgain(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as unknown;
      if (!res.ok)
        throw new Error(`${section} ${label}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      if (i >= 3) times.push(performance.now() - t);
      rowsOut = size(body);
    }
    const p95 = percentile(times, 95);
    rows.push([
      name,
      section,
      label,
      rowsOut,
      median(times).toFixed(1),
      p95.toFixed(1),
      `${AIMS[section]}: ${p95 <= AIMS[section] ? 'met' : 'not met'}`,
    ]);
  };
  for (const [label, query] of LIST) await time('list', label, `/v1/sessions?limit=50&${query}`);
  for (const [label, query] of OVERVIEW) await time('overview', label, `/v1/overview?${query}`);
  for (const [label, path] of relationshipTargets(w)) await time('relationships', label, path);
  for (const [label, path] of ENTITIES) await time('entities', label, path);
  return rows;
}

/** Seeding progress on stderr: a line redrawn on a terminal, every 10% otherwise. */
const progress = (store: string) => (n: number, s: number) => {
  const line = `${store}: ${n} of ${SESSIONS} sessions seeded in ${s.toFixed(0)} s`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else if (n % Math.max(1, Math.floor(SESSIONS / 10)) < Math.max(1, Math.floor(SESSIONS / 50)))
    process.stderr.write(`${line}\n`);
};

const workload = createWorkload({ seed: SEED, eventsPerSession: PER_SESSION });
if (DIR) mkdirSync(DIR, { recursive: true });
const dir = mkdtempSync(join(DIR ?? tmpdir(), 'auditlane-bench-'));
// A server sized for a database of tens of GB on this machine (24 GB of memory): the defaults
// (128 MB of shared buffers, a checkpoint every 1 GB of WAL) make seeding write pages many times.
const cluster = await startCluster({
  settings: {
    shared_buffers: '4GB',
    max_wal_size: '16GB',
    checkpoint_timeout: '30min',
    work_mem: '64MB',
    maintenance_work_mem: '1GB',
  },
});
const rows: (string | number)[][] = [];
const seeding: (string | number)[][] = [];
const sizes: string[][] = [];
const notes: string[] = [];
const seedOptions = { sessions: SESSIONS, from: FROM, spanMs: SPAN_MS, batchEvents: BATCH };
/**
 * Seeds the store, then starts the server on it: its rescoring job drains the queue the seeding
 * filled (every session once, from the stored facts: the scores are the same as when the job
 * runs beside ingest, whatever order and batching events arrive in), then times the queries;
 * `prepare` runs between the two.
 */
async function run(
  store: Store,
  name: string,
  inFlight: number,
  prepare: () => Promise<void>,
  seeded = false,
) {
  const s = seeded
    ? { seconds: 0, ingestSeconds: 0, cpuSeconds: 0, events: SESSIONS * PER_SESSION }
    : await seed(store, 'bench', workload, {
        ...seedOptions,
        inFlight,
        onProgress: progress(name),
      });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const server = await startServer({
    store,
    port: 0,
    config: { now: () => NOW },
    ...(LEAVE_QUEUE ? { scoring: { intervalMs: 2 ** 31 - 1 } } : {}),
  });
  try {
    const scoring = performance.now();
    const cpu = process.cpuUsage();
    if (LEAVE_QUEUE) {
      const queued = (await store.queuedScores(10_000_000)).length;
      process.stderr.write(`${name}: ${queued} sessions left in the score queue\n`);
      notes.push(
        `${name}: ${queued} of ${SESSIONS} sessions still queued for rescoring (not waited for)`,
      );
    } else await server.scorer.idle();
    const scoringSeconds = (performance.now() - scoring) / 1000;
    const used = process.cpuUsage(cpu);
    process.stderr.write(`${name}: scored in ${scoringSeconds.toFixed(0)} s\n`);
    const seconds = s.seconds + scoringSeconds;
    seeding.push(
      seeded
        ? [
            `${name} (seeded before)`,
            SESSIONS,
            s.events,
            '-',
            scoringSeconds.toFixed(0),
            '-',
            '-',
            '-',
          ]
        : [
            name,
            SESSIONS,
            s.events,
            s.ingestSeconds.toFixed(0),
            scoringSeconds.toFixed(0),
            seconds.toFixed(0),
            (s.cpuSeconds + (used.user + used.system) / 1e6).toFixed(0),
            Math.round(s.events / seconds),
          ],
    );
    await prepare();
    if (!SEED_ONLY) rows.push(...(await measure(store, name, workload, server)));
  } finally {
    await server.close();
  }
}

try {
  if (STORES.includes('sqlite')) {
    const kept = DIR && KEEP ? join(DIR, `list-${SESSIONS}x${PER_SESSION}.db`) : null;
    const seeded = kept !== null && existsSync(kept);
    const filename = kept ?? join(dir, 'list.db');
    const sqlite = new SqliteStore({ filename });
    if (seeded) {
      const row = sqlite.db
        .prepare("SELECT count(*) AS n FROM sessions WHERE org = 'bench'")
        .get() as { n: number };
      if (row.n !== SESSIONS)
        throw new Error(`${filename} holds ${row.n} sessions, not ${SESSIONS}: delete it`);
    }
    // Seeding is not what is measured: no fsync per commit while it runs.
    sqlite.db.pragma('synchronous = OFF');
    await run(
      sqlite,
      'SQLite',
      1,
      async () => {
        sqlite.db.pragma('synchronous = FULL');
        sqlite.db.pragma('optimize');
        sqlite.db.pragma('wal_checkpoint(TRUNCATE)');
        sizes.push(['SQLite', `${(statSync(filename).size / 2 ** 30).toFixed(1)} GiB`]);
      },
      seeded,
    );
    await sqlite.close();
  }
  if (STORES.includes('postgres')) {
    const pg = await PostgresStore.open({ connectionString: cluster.url });
    await run(pg, 'PostgreSQL', 2, async () => {
      await pg.pool.query('VACUUM ANALYZE');
      const { rows } = await pg.pool.query<{ size: string }>(
        'SELECT pg_size_pretty(pg_database_size(current_database())) AS size',
      );
      sizes.push(['PostgreSQL', rows[0]!.size]);
    });
    await pg.close();
  }
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\nSeeded through store.ingest (in process), then scored by the server's rescoring job, batches of ${BATCH} events\n`,
);
table(
  [
    'store',
    'sessions',
    'events',
    'seconds until committed',
    'seconds scoring after',
    'seconds in all',
    'CPU seconds (this process)',
    'events/s',
  ],
  seeding,
);
for (const note of notes) console.log(`\n${note}`);
console.log('\nDatabase size after seeding and scoring\n');
table(['store', 'size'], sizes);
if (!SEED_ONLY) {
  console.log(
    `\nGET over loopback HTTP, ${REPS} requests each after 3 warm-ups (ms); aim: p95 (ms)\n`,
  );
  table(['store', 'endpoint', 'query', 'rows', 'p50', 'p95', 'aim p95'], rows);
}
