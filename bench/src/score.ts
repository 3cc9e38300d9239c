// Score latency over HTTP: how long after a batch is acknowledged the score of a session reflects
// it, through `auditlane serve` in its own process on a store seeded with an org's history.
// Two kinds of batch: one that changes its own session (a sensitive file written, a host never
// called before), and one that changes an earlier session (another actor on its key: the key
// becomes shared, and the earlier session gets the reason). Polls GET /v1/sessions/{id} until a
// reason names the entity; p50/p95 idle and under a steady ingest load.
//   pnpm --filter @auditlane/bench score [--sessions 20000] [--batches 40] [--store sqlite,postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, Session } from '@auditlane/client';
import { PostgresStore, SqliteStore, type Store } from '@auditlane/server';
import { startCluster } from '@auditlane/testing/postgres-cluster';
import { arg, median, percentile, table } from './lib';
import { seed } from './seed';
import { auditlane, fetchAgain, post, serve } from './serve';
import { createWorkload, ulid } from './workload';

const SESSIONS = arg('sessions', 20_000);
const BATCHES = arg('batches', 40);
const STORES = (
  process.argv.includes('--store')
    ? process.argv[process.argv.indexOf('--store') + 1]!
    : 'sqlite,postgres'
).split(',');
/** Aim of the issue (ms). */
const AIM_MS = 1000;
/** A poll that has not seen the change after this long counts as a miss. */
const GIVE_UP_MS = arg('give-up-ms', 10_000);
const POLL_MS = 5;
const DAY = 86_400_000;

interface Target {
  store: Store;
  storeArgs: string[];
  /** Sessions of the org waiting to be rescored (only this one, with an id). */
  pending: (sessionId?: string) => Promise<number>;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Events of a new session by `actor` on key `fingerprint`, with one command. */
function newSession(
  n: number,
  at: number,
  actor: 'person' | 'stranger',
  fingerprint: string,
): Event[] {
  // Ids of their own (seed 999 is no workload's): session n's, and the stranger's beside it.
  const i = actor === 'person' ? 2 * n : 2 * n + 1;
  const sessionId = `sess_${ulid(at, 999, i, 0)}`;
  const id = (seq: number) => `evt_${ulid(at + seq * 1000, 999, i, seq)}`;
  return [
    {
      id: id(0),
      sessionId,
      seq: 0,
      time: new Date(at).toISOString(),
      type: 'lifecycle',
      action: 'start',
      session: {
        actor:
          actor === 'person'
            ? { type: 'human', id: `u${n % 500}`, email: `user${n % 500}@acme.test` }
            : { type: 'human', id: `stranger-${n}` },
        resource: { name: 'res-3', type: 'kubernetes', environment: 'production' },
        endpoint:
          actor === 'person' ? `ws-${n % 500}.corp.acme.test` : `198.51.100.${(n % 250) + 1}`,
        credential: { kind: 'api_key', fingerprint },
        mode: 'interactive',
        recorded: false,
        labels: {},
      },
    },
    {
      id: id(1),
      sessionId,
      seq: 1,
      time: new Date(at + 1000).toISOString(),
      type: 'command',
      text: 'kubectl get pods -n prod',
      exitCode: 0,
    },
  ];
}

/** Whether a reason of the session names `entity` in its evidence. */
function names(session: Session, entity: string): boolean {
  return (session.significance?.reasons ?? []).some((r) =>
    (r as { evidence?: { entities?: string[] } }).evidence?.entities?.includes(entity),
  );
}

async function measure(name: string, target: Target): Promise<(string | number)[][]> {
  const token = auditlane([
    'token',
    'create',
    '--org',
    'bench',
    '--permissions',
    'ingest,view_history',
    ...target.storeArgs,
  ]);
  const server = await serve(target.storeArgs);
  const get = async (id: string) => {
    const res = await fetchAgain(`${server.url}/v1/sessions/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`GET session ${id}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Session;
  };
  // A steady load beside the measured batches: one request of 500 events in flight at a time.
  const load = { on: false, stopping: false, events: 0, ms: 0 };
  let failed: unknown = null;
  const loader = (async () => {
    const workload = createWorkload({ seed: 900 });
    for (let i = 0; !load.stopping; ) {
      if (!load.on) {
        await wait(20);
        continue;
      }
      const events: Event[] = [];
      while (events.length < 500)
        events.push(...workload.session(i, Date.UTC(2026, 10, 20) + i++ * 1000));
      const t = performance.now();
      const accepted = await post(server.url, token, JSON.stringify({ events }));
      load.events += accepted;
      load.ms += performance.now() - t;
    }
  })().catch((error) => {
    failed = error;
  });

  // Idle: every queued session scored. Under load the queue is never empty for long: only the
  // measured session waits for its score.
  const settle = async (sessionId: string) => {
    while ((await target.pending(load.on ? sessionId : undefined)) > 0) await wait(10);
  };
  /** Posts `events` and polls `sessionId` until a reason names `entity`: ms after the ack. */
  const latency = async (events: Event[], sessionId: string, entity: string) => {
    await post(server.url, token, JSON.stringify({ events }));
    const acked = performance.now();
    for (;;) {
      const seen = names(await get(sessionId), entity);
      const ms = performance.now() - acked;
      if (seen) return ms;
      if (ms > GIVE_UP_MS) return Number.POSITIVE_INFINITY;
      await wait(POLL_MS);
    }
  };

  const rows: (string | number)[][] = [];
  let n = 0;
  try {
    while ((await target.pending()) > 0) await wait(10);
    for (const condition of ['idle', 'under ingest load'] as const) {
      load.on = condition !== 'idle';
      load.events = 0;
      load.ms = 0;
      const own: number[] = [];
      const cross: number[] = [];
      for (let b = 0; b < BATCHES; b++) {
        n++;
        const at = Date.UTC(2026, 10, 24) + n * 60_000;
        const key = `ak-lat-...${n.toString(32).toUpperCase().padStart(4, '0')}`;
        // Its own session: first the session, then (once it is scored) a batch that changes it.
        const first = newSession(n, at, 'person', key);
        const sessionId = first[0]!.sessionId;
        await post(server.url, token, JSON.stringify({ events: first }));
        await settle(sessionId);
        const host = `fresh-${n}.example.org`;
        own.push(
          await latency(
            [
              {
                id: `evt_${ulid(at + 2000, 999, 2 * n, 2)}`,
                sessionId,
                seq: 2,
                time: new Date(at + 2000).toISOString(),
                type: 'outbound',
                protocol: 'https',
                host,
                port: 443,
                method: 'POST',
              },
            ],
            sessionId,
            `host:${host}`,
          ),
        );
        await settle(sessionId);
        // An earlier session: another actor on its key makes the key shared.
        cross.push(
          await latency(
            newSession(n, at + 10_000, 'stranger', key),
            sessionId,
            `credential:${key}`,
          ),
        );
        await settle(sessionId);
        if (failed) throw failed;
      }
      for (const [kind, times] of [
        ['own session (first-seen host)', own],
        ['earlier session (key became shared)', cross],
      ] as const) {
        const missed = times.filter((t) => !Number.isFinite(t)).length;
        const p95 = percentile(times, 95);
        const ms = (t: number) => (Number.isFinite(t) ? t.toFixed(1) : `> ${GIVE_UP_MS}`);
        rows.push([
          name,
          condition,
          kind,
          times.length,
          missed,
          ms(median(times)),
          ms(p95),
          `${AIM_MS}: ${p95 <= AIM_MS ? 'met' : 'not met'}`,
          condition === 'idle' ? '' : Math.round(load.events / (load.ms / 1000 || 1)),
        ]);
      }
    }
  } finally {
    load.stopping = true;
    await loader;
    await server.stop();
  }
  return rows;
}

async function seeded(store: Store): Promise<number> {
  const workload = createWorkload({ seed: 7 });
  const { seconds } = await seed(store, 'bench', workload, {
    sessions: SESSIONS,
    from: Date.UTC(2026, 10, 24) - 60 * DAY,
    spanMs: 60 * DAY,
  });
  return seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-'));
const cluster = await startCluster({ fsync: true });
const rows: (string | number)[][] = [];
const seeding: (string | number)[][] = [];
try {
  if (STORES.includes('sqlite')) {
    const file = join(dir, 'score.db');
    const store = new SqliteStore({ filename: file });
    seeding.push(['SQLite', SESSIONS, (await seeded(store)).toFixed(0)]);
    const count = store.db.prepare("SELECT count(*) AS n FROM score_queue WHERE org = 'bench'");
    const one = store.db.prepare(
      "SELECT count(*) AS n FROM score_queue WHERE org = 'bench' AND session_id = ?",
    );
    rows.push(
      ...(await measure('SQLite', {
        store,
        storeArgs: ['--db', file],
        pending: async (id) =>
          (id ? (one.get(id) as { n: number }) : (count.get() as { n: number })).n,
      })),
    );
    await store.close();
  }
  if (STORES.includes('postgres')) {
    const store = await PostgresStore.open({ connectionString: cluster.url });
    seeding.push(['PostgreSQL', SESSIONS, (await seeded(store)).toFixed(0)]);
    rows.push(
      ...(await measure('PostgreSQL', {
        store,
        storeArgs: ['--postgres', cluster.url],
        pending: async () =>
          Number(
            (
              await store.pool.query("SELECT count(*) AS n FROM score_queue WHERE org = 'bench'")
            ).rows[0].n,
          ),
      })),
    );
    await store.close();
  }
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log('\nSeeded through store.ingest (in process) before the server started\n');
table(['store', 'sessions', 'seconds'], seeding);
console.log(
  `\nScore latency: from the batch's acknowledgement until GET /v1/sessions/{id} shows a reason naming the entity (ms), polled every ${POLL_MS} ms; the load is one batch of 500 events in flight at a time\n`,
);
table(
  ['store', 'condition', 'batch', 'batches', 'missed', 'p50', 'p95', 'aim p95', 'load events/s'],
  rows,
);
