// SessionTable in headless Chromium (Debian's), and the bundle sizes of the react entries.
//  1. SessionTable with N sessions given directly, side by side with the libraries alone
//     (TanStack Table v9 + Virtual rendering the same columns as text): first render (newest first, as the API sends
//     them; and in no order, sorted by the table), sort (Cost header), a host's
//     filter (re-render with a sixth of the rows), and frame times while scrolling fast (a
//     frame longer than 1.5 × 16.7 ms counts as dropped). A fresh page per run; medians.
//  2. gzip size of what an app ships for each entry (react and react-dom left out, as peers;
//     minified, production), split into our code and the libraries it uses.
//   pnpm --filter @auditlane/bench react [--sessions 100000] [--runs 5] [--scroll-ms 3000] [--sizes-only] [--breakdown]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../browser/table-bench';
import { bundleSize, reactRoot, TOGETHER_ENTRY, workerChunk } from './bundle-size';
import { launchChromium, servePages } from './chromium';
import { arg, median, percentile, table } from './lib';

const SESSIONS = arg('sessions', 100_000);
const RUNS = arg('runs', 5);
const SCROLL_MS = arg('scroll-ms', 3_000);
const out = mkdtempSync(join(tmpdir(), 'auditlane-bench-react-'));

async function tableBench() {
  const pages = await servePages(out);
  const url = `${pages.base}table.html`;
  const browser = await launchChromium();
  const results: Record<Variant, Result[]> = { ours: [], baseline: [] };
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, alternating which goes first: the machine's noise falls on both.
    const order: Variant[] = run % 2 ? ['baseline', 'ours'] : ['ours', 'baseline'];
    for (const which of order) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await page.waitForFunction(() => 'runBench' in window);
      results[which].push(
        await page.evaluate(
          ([n, ms, w]) =>
            (
              window as unknown as {
                runBench: (n: number, ms: number, w: string) => Promise<Result>;
              }
            ).runBench(n, ms, w),
          [SESSIONS, SCROLL_MS, which] as const,
        ),
      );
      await page.close();
    }
  }
  await browser.close();
  await pages.close();

  const ours = results.ours;
  const base = results.baseline;
  const med = (rs: Result[], f: (r: Result) => number) => median(rs.map(f)).toFixed(1);
  const frameStats = (rs: Result[]) => {
    const frames = rs.flatMap((r) => r.frames);
    return `${percentile(frames, 50).toFixed(1)} / ${percentile(frames, 95).toFixed(1)} / ${Math.max(...frames).toFixed(1)}`;
  };
  const dropped = (rs: Result[]) => median(rs.map((r) => r.frames.filter((f) => f > 25).length));
  console.log(
    `\nSessionTable vs the libraries alone (TanStack Table v9 + Virtual, plain text cells), ${SESSIONS.toLocaleString('en-US')} sessions, ${RUNS} runs each, interleaved; medians`,
  );
  table(
    ['measure', 'SessionTable', 'libraries alone', 'aim'],
    [
      [
        'first render, newest first as the API sends (ms)',
        med(ours, (r) => r.renderMs),
        med(base, (r) => r.renderMs),
        '≤ 150',
      ],
      [
        'first render, in no order (ms)',
        med(ours, (r) => r.renderShuffledMs),
        med(base, (r) => r.renderShuffledMs),
        '',
      ],
      ['sort by a column (ms)', med(ours, (r) => r.sortMs), med(base, (r) => r.sortMs), '≤ 100'],
      [
        'host filter + re-render (ms)',
        med(ours, (r) => r.filterMs),
        med(base, (r) => r.filterMs),
        '',
      ],
      ['scroll: frame p50 / p95 / max (ms)', frameStats(ours), frameStats(base), ''],
      ['scroll: frames > 25 ms per run', dropped(ours), dropped(base), '0'],
      [
        'scroll: frames per run',
        median(ours.map((r) => r.frames.length)),
        median(base.map((r) => r.frames.length)),
        '',
      ],
      [
        'table rows in the DOM',
        median(ours.map((r) => r.domRows)),
        median(base.map((r) => r.domRows)),
        '',
      ],
    ],
  );
}

type Variant = 'ours' | 'baseline';

async function bundleSizes() {
  const root = reactRoot();
  const entries: [string, string, string[]?][] = [
    ['SessionTable', "export { SessionTable } from '@auditlane/react/session-table';"],
    // Sessions given directly, sorted in the browser: its sorted row model registered.
    [
      'SessionTable sorting in the browser',
      "export { SessionTable, sortedRowModel } from '@auditlane/react/session-table';",
    ],
    ['Filters', "export { Filters } from '@auditlane/react/filters';"],
    ['SessionDetail', "export { SessionDetail } from '@auditlane/react/session-detail';"],
    ['ToolCallView', "export { ToolCallView } from '@auditlane/react/tool-call';"],
    ['provider + hooks', "export * from '@auditlane/react';"],
    // The player on top of xterm (xterm's packages left out, as optional peers the host installs).
    // Its keyframe worker's script (xterm's headless core inside) is a chunk loaded when a
    // player starts: counted on its own row.
    [
      'ReplayPlayer (without xterm)',
      "export { ReplayPlayer } from '@auditlane/react/replay';",
      ['@xterm/*', './scan-worker-*'],
    ],
    [
      'ReplayPlayer keyframe worker (a script, started on demand)',
      `export { default } from ${JSON.stringify(workerChunk(root))};`,
    ],
    ['ReplayPlayer with xterm', "export { ReplayPlayer } from '@auditlane/react/replay';"],
    ['asciinema-player 3.18.0', "export { create } from 'asciinema-player';"],
    // The three together, as an app that renders them imports them: code they share is
    // counted once.
    ['SessionTable + Filters + SessionDetail (together)', TOGETHER_ENTRY],
    // Every export of the three entries (parts, hooks, the tool call view's pieces) kept.
    [
      'the three entries and tool-call, every export',
      "export * from '@auditlane/react/session-table'; export * from '@auditlane/react/filters'; export * from '@auditlane/react/session-detail'; export * from '@auditlane/react/tool-call';",
    ],
  ];
  const rows: (string | number)[][] = [];
  const breakdown = process.argv.includes('--breakdown');
  for (const [name, contents, externals = []] of entries) {
    const { min, gz, own, libs, lazyGz, libBytes, modules } = await bundleSize(contents, {
      root,
      outdir: join(out, 'bundle'),
      externals,
    });
    if (breakdown)
      for (const { path, bytes } of modules)
        if (bytes > 500) console.log(`${name}\t${bytes}\t${path.replace(/.*node_modules\//, '')}`);
    const share = (b: number) => ((gz * b) / Math.max(1, own + libs) / 1024).toFixed(1);
    const top = [...libBytes.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k]) => k.replace('@tanstack/', '').replace('@radix-ui/', 'radix/'))
      .join(', ');
    rows.push([
      name,
      (min / 1024).toFixed(1),
      (gz / 1024).toFixed(1),
      share(own),
      share(libs),
      lazyGz ? (lazyGz / 1024).toFixed(1) : '',
      top,
    ]);
  }
  console.log(
    '\nBundle sizes (KB; react and react-dom excluded; what loads with the entry, its chunks gzipped one by one; "ours"/"libraries" split that by minified bytes; "on demand": chunks loaded by import() when a part needs them, e.g. a menu opened)',
  );
  table(
    [
      'entry',
      'minified',
      'gzip',
      'ours (gz)',
      'libraries (gz)',
      'on demand (gz)',
      'largest libraries',
    ],
    rows,
  );
}

try {
  if (!process.argv.includes('--sizes-only')) await tableBench();
  await bundleSizes();
} finally {
  rmSync(out, { recursive: true, force: true });
}
