// Ingest throughput on loopback: the server in its own process (`auditlane serve`), this process
// sending batches of 500 events with 4 requests in flight. A batch counts when its answer says
// it is stored (committed: SQLite synchronous=FULL, PostgreSQL default fsync).
//   pnpm --filter @auditlane/bench ingest [--events 200000] [--runs 3]
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventInput, IngestResult } from '@auditlane/client';
import { startCluster } from '@auditlane/testing/postgres-cluster';
import { arg, median, rng, sessionEvents, table } from './lib';

const EVENTS = arg('events', 200_000);
const RUNS = arg('runs', 3);
const BATCH = 500;
const IN_FLIGHT = 4;
const EVENTS_PER_SESSION = 20;
const cli = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
const node = [process.execPath, '--conditions=@auditlane/source', '--import', 'tsx', cli];

function auditlane(args: string[]): string {
  return execFileSync(node[0]!, [...node.slice(1), ...args], { encoding: 'utf8' }).trim();
}

async function serve(storeArgs: string[]): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const flags = process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    node[0]!,
    [...flags, ...node.slice(1), 'serve', ...storeArgs, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child };
}

function batches(run: number): EventInput[][] {
  const random = rng(run + 1);
  const all: EventInput[] = [];
  const start = Date.UTC(2026, 9, 1);
  for (let i = 0; all.length < EVENTS; i++) {
    all.push(...sessionEvents(run * 1_000_000 + i, EVENTS_PER_SESSION, start + i * 60_000, random));
  }
  const out: EventInput[][] = [];
  for (let i = 0; i < EVENTS; i += BATCH) out.push(all.slice(i, i + BATCH));
  return out;
}

// Bodies are generated and serialised before any server starts, as a load generator would: the
// server is what is measured (and no connection idles out while the next run is generated).
const RUN_BODIES = Array.from({ length: RUNS }, (_, run) =>
  batches(run).map((events) => JSON.stringify({ events })),
);

async function measure(url: string, token: string, run: number): Promise<number> {
  const bodies = RUN_BODIES[run]!;
  let next = 0;
  let stored = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(`${url}/v1/ingest`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        const result = (await res.json()) as IngestResult;
        if (!res.ok || result.rejected.length > 0)
          throw new Error(`ingest failed: ${JSON.stringify(result).slice(0, 300)}`);
        stored += result.accepted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (stored !== EVENTS) throw new Error(`stored ${stored} of ${EVENTS}`);
  return EVENTS / seconds;
}

async function backend(name: string, storeArgs: string[]): Promise<(string | number)[]> {
  const token = auditlane([
    'token',
    'create',
    '--org',
    'bench',
    '--permissions',
    'ingest',
    ...storeArgs,
  ]);
  const { url, child } = await serve(storeArgs);
  try {
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) rates.push(await measure(url, token, run));
    return [
      name,
      EVENTS,
      RUNS,
      Math.round(median(rates)),
      Math.round(Math.min(...rates)),
      Math.round(Math.max(...rates)),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-'));
const cluster = await startCluster({ fsync: true });
try {
  const rows = [
    await backend('SQLite (WAL, synchronous=FULL)', ['--db', join(dir, 'bench.db')]),
    await backend('PostgreSQL 15 (fsync on)', ['--postgres', cluster.url]),
  ];
  console.log(
    `\nIngest over HTTP on loopback: batches of ${BATCH}, ${IN_FLIGHT} in flight, ${EVENTS_PER_SESSION} events per session\n`,
  );
  table(['store', 'events per run', 'runs', 'median events/s', 'min', 'max'], rows);
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
