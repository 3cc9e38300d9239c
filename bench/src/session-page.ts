// The session page on a session of N events (100,000 by default) from the reference server
// (SQLite), in headless Chromium: SessionDetail as it is, side by side with the component
// before the activity was paged (built from git, `--baseline <ref>`, default the commit before).
// First entries painted, JS heap after a GC, frames while scrolling (a frame over 25 ms counts as
// dropped), entries in the DOM; then a live session recording 50 events a second.
//   pnpm --filter @auditlane/bench session-page [--events 100000] [--runs 3] [--scroll-ms 3000]
//     [--live-ms 5000] [--timeout-ms 60000] [--baseline 0705ae2] [--profile DIR]
// `--profile DIR` writes a CPU profile and a Chromium trace of each run of ours (mount, first
// paint and the scroll; the live run too) to DIR, for DevTools' Performance panel.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIdGenerator, type Event, PERMISSIONS } from '@auditlane/client';
import { SqliteStore, startServer } from '@auditlane/server';
import type { Browser, Page } from 'playwright-core';
import type { Result } from '../browser/session-bench';
import { launchChromium, servePages } from './chromium';
import { arg, median, percentile, rng, table } from './lib';

const EVENTS = arg('events', 100_000);
const RUNS = arg('runs', 3);
const SCROLL_MS = arg('scroll-ms', 3_000);
const LIVE_MS = arg('live-ms', 5_000);
const TIMEOUT_MS = arg('timeout-ms', 60_000);
const BASELINE = process.argv.includes('--baseline')
  ? (process.argv[process.argv.indexOf('--baseline') + 1] as string)
  : '0705ae2';
const PROFILE = process.argv.includes('--profile')
  ? (process.argv[process.argv.indexOf('--profile') + 1] as string)
  : null;
const here = dirname(fileURLToPath(import.meta.url));
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

/** An ETL job's session: runs of INSERTs, reads, commands, output, a few blocked and masked. */
function sessionEvents(total: number, live: boolean, salt = 0): { events: Event[]; id: string } {
  const random = rng(7);
  const ids = createIdGenerator();
  const sessionId = ids.sessionId(T0 + salt);
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
      actor: { type: 'service', id: live ? 'etl-live' : 'etl-nightly' },
      resource: { name: 'warehouse', type: 'database', environment: 'production' },
      mode: 'api',
      recorded: false,
      labels: {},
    },
  });
  while (events.length < total - 1) {
    const r = random();
    if (r < 0.3) {
      const n = 1 + Math.floor(random() ** 3 * 300);
      for (let i = 0; i < n && events.length < total - 1; i++)
        events.push({
          ...base(),
          type: 'query',
          sql: `INSERT INTO orders (id, amount) VALUES (${i}, ${(i * 1.25).toFixed(2)})`,
          rowCount: 1,
          truncated: false,
        });
    } else if (r < 0.6) {
      events.push({
        ...base(),
        type: 'query',
        sql: `SELECT * FROM orders WHERE id = ${Math.floor(random() * 1e6)}`,
        rowCount: 1,
        truncated: false,
      });
    } else if (r < 0.85) {
      events.push({
        ...base(),
        type: 'command',
        text: `psql -c "VACUUM orders" --port=${5432 + Math.floor(random() * 3)}`,
        exitCode: random() < 0.05 ? 1 : 0,
        output: `VACUUM\r\n`,
      });
    } else if (r < 0.86) {
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
    } else {
      const q = base();
      events.push({
        ...q,
        type: 'query',
        sql: `SELECT email FROM customers WHERE id = ${seq}`,
        rowCount: 1,
        truncated: false,
      });
      events.push({ ...base(), type: 'masking', subjectId: q.id, fields: ['email'], count: 1 });
    }
  }
  if (!live) events.push({ ...base(), type: 'lifecycle', action: 'end' });
  return { events, id: sessionId };
}

/** With `--profile`: starts a CPU profile and a trace of `page`; the function returned saves them. */
async function profile(
  browser: Browser,
  page: Page,
  name: string,
): Promise<(() => Promise<void>) | null> {
  if (!PROFILE) return null;
  mkdirSync(PROFILE, { recursive: true });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await browser.startTracing(page, {
    path: join(PROFILE, `${name}.trace.json`),
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'],
  });
  return async () => {
    await browser.stopTracing();
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(join(PROFILE, `${name}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  };
}

// The component before this change, from git, for the page's `baseline-react` alias: under the
// react package's node_modules, so its imports resolve to the same libraries.
const baselineDir = join(here, '..', '..', 'packages', 'react', 'node_modules', '.baseline');
rmSync(baselineDir, { recursive: true, force: true });
mkdirSync(baselineDir, { recursive: true });
const repo = join(here, '..', '..');
const archive = execFileSync('git', ['-C', repo, 'archive', BASELINE, 'packages/react/src']);
execFileSync('tar', ['-x', '-C', baselineDir], { input: archive });

const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-session-'));
const out = mkdtempSync(join(tmpdir(), 'auditlane-bench-session-pages-'));
const store = new SqliteStore({ filename: join(dir, 'auditlane.db') });
const ingestOptions = () => ({
  receivedAt: new Date().toISOString(),
  previewRows: 50,
  reconnectGraceMs: 300_000,
});
async function ingest(events: Event[]) {
  const report = await store.ingest('bench', events, ingestOptions());
  const bad = report.outcomes.find((o) => o.status !== 'accepted');
  if (bad) throw new Error(`an event was not accepted: ${JSON.stringify(bad)}`);
}
const server = await startServer({ store, port: 0, config: { corsOrigins: ['*'], pollMs: 200 } });
try {
  const { token } = await store.createToken({
    org: 'bench',
    name: 'bench',
    permissions: [...PERMISSIONS],
  });
  const big = sessionEvents(EVENTS, false);
  const started = performance.now();
  for (let i = 0; i < big.events.length; i += 2000) await ingest(big.events.slice(i, i + 2000));
  process.stderr.write(
    `${EVENTS.toLocaleString('en-US')} events ingested in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const pages = await servePages(out);
  const url = `${pages.base}session.html`;
  const browser = await launchChromium({ args: ['--enable-precise-memory-info'] });
  const results: Record<'ours' | 'baseline', Result[]> = { ours: [], baseline: [] };
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
    for (const which of order) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await page.waitForFunction(() => 'runBench' in window);
      const profiling = which === 'ours' ? await profile(browser, page, `scroll-${run + 1}`) : null;
      results[which].push(
        await page.evaluate(
          ([w, u, t, s, ms, timeout]) =>
            (window as unknown as { runBench: (...a: unknown[]) => Promise<Result> }).runBench(
              w,
              u,
              t,
              s,
              ms,
              timeout,
            ),
          [which, server.url, token, big.id, SCROLL_MS, TIMEOUT_MS] as const,
        ),
      );
      await profiling?.();
      await page.close();
      process.stderr.write(`run ${run + 1} ${which} done\n`);
    }
  }

  // Live: a session recording 50 events a second while the page shows it.
  const live: Record<
    'ours' | 'baseline',
    { frames: number[]; domEntries: number; heapMb: number }
  > = {} as never;
  for (const which of ['ours', 'baseline'] as const) {
    const session = sessionEvents(
      2_000 + Math.ceil((LIVE_MS / 1000) * 50) + 500,
      true,
      which === 'ours' ? 1 : 2,
    );
    const head = session.events.slice(0, 2_000);
    const tail = session.events.slice(2_000);
    await ingest(head);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForFunction(() => 'runLive' in window);
    const profiling = which === 'ours' ? await profile(browser, page, 'live') : null;
    let i = 0;
    const timer = setInterval(() => {
      const batch = tail.slice(i, i + 5);
      i += 5;
      if (batch.length) void ingest(batch);
    }, 100);
    live[which] = await page.evaluate(
      ([w, u, t, s, ms]) =>
        (
          window as unknown as {
            runLive: (
              ...a: unknown[]
            ) => Promise<{ frames: number[]; domEntries: number; heapMb: number }>;
          }
        ).runLive(w, u, t, s, ms),
      [which, server.url, token, head[0]?.sessionId, LIVE_MS] as const,
    );
    clearInterval(timer);
    await profiling?.();
    await page.close();
  }
  await browser.close();
  await pages.close();

  const med = (rs: Result[], f: (r: Result) => number, digits = 0) =>
    rs.every((r) => r.painted)
      ? median(rs.map(f)).toFixed(digits)
      : `> ${TIMEOUT_MS.toLocaleString('en-US')} (not painted)`;
  const frames = (fs: number[]) =>
    fs.length
      ? `${percentile(fs, 50).toFixed(1)} / ${percentile(fs, 95).toFixed(1)} / ${Math.max(...fs).toFixed(1)}`
      : '—';
  const dropped = (rs: Result[]) =>
    rs.some((r) => r.frames.length)
      ? median(rs.map((r) => r.frames.filter((f) => f > 25).length))
      : '—';
  console.log(
    `\nSessionDetail vs the component before (${BASELINE}), a session of ${EVENTS.toLocaleString('en-US')} events on the reference server (SQLite), ${RUNS} runs each, interleaved; medians`,
  );
  table(
    ['measure', 'SessionDetail', `before (${BASELINE})`, 'aim'],
    [
      [
        'first entries painted (ms)',
        med(results.ours, (r) => r.firstPaintMs),
        med(results.baseline, (r) => r.firstPaintMs),
        '≤ 300',
      ],
      [
        'JS heap after GC (MB)',
        med(results.ours, (r) => r.heapMb, 1),
        med(results.baseline, (r) => r.heapMb, 1),
        '≤ 50',
      ],
      [
        'scroll: frame p50 / p95 / max (ms)',
        frames(results.ours.flatMap((r) => r.frames)),
        frames(results.baseline.flatMap((r) => r.frames)),
        '',
      ],
      ['scroll: frames > 25 ms per run', dropped(results.ours), dropped(results.baseline), '0'],
      [
        'entries in the DOM',
        med(results.ours, (r) => r.domEntries),
        med(results.baseline, (r) => r.domEntries),
        '',
      ],
      [
        'live, 50 events/s: frame p50 / p95 / max (ms)',
        frames(live.ours.frames),
        frames(live.baseline.frames),
        '',
      ],
      [
        'live, 50 events/s: frames > 25 ms',
        live.ours.frames.filter((f) => f > 25).length,
        live.baseline.frames.filter((f) => f > 25).length,
        '0',
      ],
      [
        'live: JS heap after GC (MB)',
        live.ours.heapMb.toFixed(1),
        live.baseline.heapMb.toFixed(1),
        '',
      ],
    ],
  );
} finally {
  await server.close();
  store.close?.();
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  rmSync(baselineDir, { recursive: true, force: true });
}
