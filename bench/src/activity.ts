// Activity latency: one session of 100,000 events (an ETL job on an instrumented pool with an
// agent beside it: runs of INSERTs of every length, one of 20,000 (--run), reads, commands, tool calls,
// terminal output, verdicts and maskings), ingested through store.ingest, then
// `GET /v1/sessions/{id}/activity?limit=100` timed over loopback HTTP for each query shape:
// p50/p95 beside the aim (≤ 20 ms).
//   pnpm --filter @auditlane/bench activity [--events 100000] [--run 20000] [--reps 40] [--store sqlite,postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdGenerator, type Event } from '@auditlane/client';
import { PostgresStore, SqliteStore, type Store, startServer } from '@auditlane/server';
import { startCluster } from '@auditlane/testing/postgres-cluster';
import { arg, median, percentile, rng, table } from './lib';
import { fetchAgain } from './serve';

const EVENTS = arg('events', 100_000);
const REPS = arg('reps', 40);
const BIG_RUN = arg('run', 20_000);
const bigRunLabel = `${BIG_RUN >= 1000 ? `${BIG_RUN / 1000}k` : BIG_RUN}`;
const STORES = (
  process.argv.includes('--store')
    ? process.argv[process.argv.indexOf('--store') + 1]!
    : 'sqlite,postgres'
).split(',');
const AIM_MS = 20;
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const TABLES = ['customers', 'orders', 'order_lines', 'invoices', 'payments'];

/** The session's events, the same on every run: seed 16. */
function session(total: number): { events: Event[]; id: string } {
  const random = rng(16);
  const ids = createIdGenerator();
  const sessionId = ids.sessionId(T0);
  const events: Event[] = [];
  let seq = 0;
  let time = T0;
  const base = () => {
    time += 1 + Math.floor(random() * 40);
    return { id: ids.eventId(time), sessionId, seq: seq++, time: new Date(time).toISOString() };
  };
  events.push({
    ...base(),
    type: 'lifecycle',
    action: 'start',
    session: {
      actor: { type: 'service', id: 'etl-nightly' },
      resource: { name: 'warehouse', type: 'database', environment: 'production' },
      mode: 'api',
      recorded: true,
      labels: {},
    },
  });
  const insert = (table: string, i: number): Event => ({
    ...base(),
    type: 'query',
    sql: `INSERT INTO ${table} (id, name, amount) VALUES (${i}, 'row ${i}', ${(i * 1.25).toFixed(2)})`,
    rowCount: 1,
    truncated: false,
  });
  let big = false;
  while (events.length < total - 1) {
    const r = random();
    if (!big && events.length > total / 2) {
      // The long run: 20,000 INSERTs into one table.
      big = true;
      for (let i = 0; i < Math.min(BIG_RUN, total - 1 - events.length); i++)
        events.push(insert('order_lines', i));
    } else if (r < 0.35) {
      const table = TABLES[Math.floor(random() * TABLES.length)]!;
      const n = 1 + Math.floor(random() ** 3 * 400);
      for (let i = 0; i < n && events.length < total - 1; i++) events.push(insert(table, i));
    } else if (r < 0.55) {
      events.push({
        ...base(),
        type: 'query',
        sql: `SELECT * FROM ${TABLES[Math.floor(random() * 5)]} WHERE id = ${Math.floor(random() * 1e6)}`,
        rowCount: 1,
        truncated: false,
      });
    } else if (r < 0.7) {
      events.push({
        ...base(),
        type: 'terminal',
        code: 'o',
        data: `loaded batch ${seq}\r\n`,
        offsetMs: time - T0,
      });
    } else if (r < 0.8) {
      events.push({
        ...base(),
        type: 'command',
        text: `psql -c "VACUUM ${TABLES[Math.floor(random() * 5)]}" --port=${5432 + Math.floor(random() * 3)}`,
        exitCode: random() < 0.05 ? 1 : 0,
      });
    } else if (r < 0.9) {
      events.push({
        ...base(),
        type: 'tool_call',
        tool: 'Bash',
        input: { command: `ls -la /data/export/${Math.floor(random() * 1000)}` },
        output: 'total 0',
      });
    } else if (r < 0.92) {
      // Blocked before it ran: the verdict, then the attempt.
      const attempt = base();
      events.push({
        ...base(),
        type: 'policy',
        subjectId: attempt.id,
        verdict: 'blocked',
        rule: 'sql-drop',
      });
      events.push({
        ...attempt,
        seq: seq++,
        type: 'query',
        sql: 'DROP TABLE staging_orders',
        error: 'blocked',
        truncated: false,
      });
    } else if (r < 0.95) {
      const q = base();
      events.push({
        ...q,
        type: 'query',
        sql: `SELECT email FROM customers WHERE id = ${seq}`,
        rowCount: 1,
        truncated: false,
      });
      events.push({ ...base(), type: 'masking', subjectId: q.id, fields: ['email'], count: 1 });
    } else if (r < 0.96) {
      const c = base();
      events.push({ ...c, type: 'command', text: 'kubectl delete pod etl-worker-3', exitCode: 0 });
      events.push({
        ...base(),
        type: 'policy',
        subjectId: c.id,
        verdict: 'pending',
        rule: 'cluster-delete-production',
      });
      if (random() < 0.7)
        events.push({
          ...base(),
          type: 'policy',
          subjectId: c.id,
          verdict: 'approved',
          reviewer: 'ops',
        });
    } else {
      events.push({
        ...base(),
        type: 'outbound',
        protocol: 'https',
        host: 's3.eu-west-1.amazonaws.com',
        method: 'PUT',
        status: 200,
      });
    }
  }
  events.push({ ...base(), type: 'lifecycle', action: 'end', exitCode: 0 });
  // The attempt after its verdict took its seq out of order: put the events in seq order.
  events.sort((a, b) => a.seq - b.seq);
  return { events: events.slice(0, total), id: sessionId };
}

interface Shape {
  label: string;
  query: (ctx: Context) => string;
}

interface Context {
  middle: string;
  nearEnd: string;
  bigRun: { seq: number; lastSeq: number; time: string; lastTime: string; count: number };
  seqs: number;
}

const cursor = (seq: number) => Buffer.from(JSON.stringify([seq])).toString('base64url');

const SHAPES: Shape[] = [
  { label: 'first page (grouped, count)', query: () => '' },
  { label: 'first page, exact count', query: () => 'count=exact' },
  { label: 'after a cursor (middle)', query: (c) => `after=${c.middle}` },
  { label: 'before a cursor (near the end)', query: (c) => `before=${c.nearEnd}` },
  {
    label: `seek to a time (inside the ${bigRunLabel} run)`,
    query: (c) =>
      `aroundTime=${new Date(Date.parse(c.bigRun.time) + (Date.parse(c.bigRun.lastTime) - Date.parse(c.bigRun.time)) / 2).toISOString()}`,
  },
  { label: 'seek to a seq', query: (c) => `aroundSeq=${Math.floor(c.seqs * 0.3)}` },
  {
    label: 'what matters',
    query: () => 'verdict=blocked&verdict=pending&verdict=rejected&verdict=masked&verdict=failed',
  },
  { label: 'verdict=blocked', query: () => 'verdict=blocked' },
  { label: 'type=command,tool_call', query: () => 'type=command&type=tool_call' },
  { label: 'type=command, exact count', query: () => 'type=command&count=exact' },
  {
    label: `type=query (one group of ${bigRunLabel})`,
    query: (c) => `type=query&after=${c.middle}`,
  },
  { label: 'text "vacuum payments"', query: () => 'q=vacuum%20payments' },
  { label: 'text "kubectl" (rare)', query: () => 'q=kubectl' },
  { label: 'group=none, middle', query: (c) => `group=none&after=${c.middle}` },
  {
    label: `expand the ${bigRunLabel} group`,
    query: (c) =>
      `group=none&fromSeq=${c.bigRun.seq}&toSeq=${c.bigRun.lastSeq}&after=${cursor(c.bigRun.seq + Math.floor(c.bigRun.count / 4))}`,
  },
];

async function measure(
  store: Store,
  name: string,
  settle: () => Promise<void>,
): Promise<(string | number)[][]> {
  const { events, id } = session(EVENTS);
  const started = performance.now();
  for (let i = 0; i < events.length; i += 2000) {
    const report = await store.ingest('bench', events.slice(i, i + 2000), {
      receivedAt: new Date().toISOString(),
      previewRows: 50,
      reconnectGraceMs: 300_000,
    });
    const bad = report.outcomes.find((o) => o.status !== 'accepted');
    if (bad) throw new Error(`an event was not accepted: ${JSON.stringify(bad)}`);
  }
  // A database past its first autovacuum (analyze) as a running server's is.
  await settle();
  process.stderr.write(
    `${name}: ${events.length} events ingested in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const server = await startServer({ store, port: 0 });
  const { token } = await store.createToken({
    org: 'bench',
    name: 'bench',
    permissions: ['view_history'],
  });
  const get = async (query: string) => {
    const res = await fetchAgain(
      `${server.url}/v1/sessions/${id}/activity?limit=100${query ? `&${query}` : ''}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const body = (await res.json()) as {
      data: { seq: number; lastSeq: number; count: number; time: string; lastTime: string }[];
      nextCursor: string | null;
      prevCursor: string | null;
    };
    if (!res.ok) throw new Error(`${query}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  };
  try {
    const all = await get('group=none&count=none&limit=1&aroundSeq=0');
    const first = await get('count=none&limit=500');
    let page = first;
    let bigRun: Context['bigRun'] | undefined;
    let middle = '';
    let nearEnd = '';
    let lastSeq = 0;
    for (;;) {
      for (const item of page.data) {
        if (item.count > (bigRun?.count ?? 1)) bigRun = item;
        lastSeq = item.lastSeq;
      }
      if (!middle && lastSeq > EVENTS / 3) middle = page.nextCursor!;
      if (!page.nextCursor) break;
      nearEnd = page.nextCursor;
      page = await get(`count=none&limit=500&after=${page.nextCursor}`);
    }
    if (!bigRun || !all) throw new Error('the session has no group');
    const ctx: Context = { middle, nearEnd: cursor(lastSeq - 50), bigRun, seqs: lastSeq };
    void nearEnd;
    const times = new Map<string, number[]>(SHAPES.map((s) => [s.label, []]));
    const counts = new Map<string, number>();
    for (let rep = 0; rep < REPS + 3; rep++) {
      for (const shape of SHAPES) {
        const t = performance.now();
        const body = await get(shape.query(ctx));
        const ms = performance.now() - t;
        if (rep >= 3) times.get(shape.label)!.push(ms);
        counts.set(shape.label, body.data.length);
      }
    }
    return SHAPES.map((s) => {
      const t = times.get(s.label)!;
      const p95 = percentile(t, 95);
      return [
        name,
        s.label,
        counts.get(s.label)!,
        median(t).toFixed(1),
        p95.toFixed(1),
        p95 <= AIM_MS ? 'yes' : 'no',
      ];
    });
  } finally {
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-activity-'));
const rows: (string | number)[][] = [];
try {
  if (STORES.includes('sqlite')) {
    const sqlite = new SqliteStore({ filename: join(dir, 'activity.db') });
    try {
      rows.push(
        ...(await measure(sqlite, 'SQLite', async () => {
          sqlite.db.pragma('optimize');
        })),
      );
    } finally {
      await sqlite.close();
    }
  }
  if (STORES.includes('postgres')) {
    const cluster = await startCluster({ fsync: true });
    try {
      const pg = await PostgresStore.open({ connectionString: cluster.url });
      try {
        rows.push(
          ...(await measure(pg, 'PostgreSQL', async () => {
            await pg.pool.query('VACUUM ANALYZE');
          })),
        );
      } finally {
        await pg.close();
      }
    } finally {
      cluster.stop();
    }
  }
  console.log(
    `\nGET /v1/sessions/{id}/activity?limit=100 on one session of ${EVENTS.toLocaleString('en-US')} events, ${REPS} reps each (after 3 warm-ups), over loopback HTTP\n`,
  );
  table(['store', 'query', 'items', 'p50 ms', 'p95 ms', `p95 ≤ ${AIM_MS} ms`], rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
