// SessionTable in headless Chromium (Debian's), and the bundle sizes of the react entries.
//  1. SessionTable with N sessions given directly, side by side with the libraries alone
//     (TanStack Table v9 + Virtual rendering the same columns as text): first render (newest first, as the API sends
//     them; and in no order, sorted by the table), sort (Cost header), a host's
//     filter (re-render with a sixth of the rows), and frame times while scrolling fast (a
//     frame longer than 1.5 × 16.7 ms counts as dropped). A fresh page per run; medians.
//  2. gzip size of what an app ships for each entry (react and react-dom left out, as peers;
//     minified, production), split into our code and the libraries it uses.
//   pnpm --filter @auditlane/bench react [--sessions 100000] [--runs 5] [--scroll-ms 3000] [--sizes-only] [--breakdown]
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build as esbuild, type Metafile } from 'esbuild';
import type { Result } from '../browser/table-bench';
import { launchChromium, servePages } from './chromium';
import { arg, median, percentile, table } from './lib';

const SESSIONS = arg('sessions', 100_000);
const RUNS = arg('runs', 5);
const SCROLL_MS = arg('scroll-ms', 3_000);
const here = dirname(fileURLToPath(import.meta.url));
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

/** The built scanning worker's chunk of @auditlane/react (a module exporting its script). */
function workerChunk(root: string): string {
  const name = readdirSync(join(root, 'dist')).find((f) => /^scan-worker-.*\.js$/.test(f));
  if (!name) throw new Error('@auditlane/react is not built (no dist/scan-worker-*.js)');
  return join(root, 'dist', name);
}

/** The output files a host loads when it imports `entry`: static imports, transitively. */
function staticClosure(outputs: Metafile['outputs'], entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return seen;
}

async function bundleSizes() {
  const require = createRequire(join(here, '..', 'package.json'));
  const root = dirname(require.resolve('@auditlane/react/package.json'));
  const entries: [string, string, string[]?][] = [
    ['SessionTable', "export { SessionTable } from '@auditlane/react/session-table';"],
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
    [
      'SessionTable + Filters + SessionDetail (together)',
      "export { SessionTable } from '@auditlane/react/session-table'; export { Filters } from '@auditlane/react/filters'; export { SessionDetail } from '@auditlane/react/session-detail';",
    ],
    // Every export of the three entries (parts, hooks, the tool call view's pieces) kept.
    [
      'the three entries and tool-call, every export',
      "export * from '@auditlane/react/session-table'; export * from '@auditlane/react/filters'; export * from '@auditlane/react/session-detail'; export * from '@auditlane/react/tool-call';",
    ],
  ];
  const rows: (string | number)[][] = [];
  const breakdown = process.argv.includes('--breakdown');
  for (const [name, contents, externals = []] of entries) {
    // Split as an app's bundler splits: what the entry imports statically is loaded with it;
    // chunks reached only through import() load when a part needs them ("on demand").
    const outdir = join(out, 'bundle');
    const result = await esbuild({
      stdin: { contents, resolveDir: here, loader: 'ts', sourcefile: 'entry.ts' },
      bundle: true,
      minify: true,
      splitting: true,
      outdir,
      entryNames: 'entry',
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      external: ['react', 'react-dom', 'react/jsx-runtime', ...externals],
      loader: { '.css': 'empty' },
      logLevel: 'silent',
    });
    const outputs = result.metafile.outputs;
    const entryFile = Object.keys(outputs).find((f) => outputs[f]?.entryPoint);
    if (!entryFile) throw new Error(`no entry output for ${name}`);
    const initial = staticClosure(outputs, entryFile);
    const bytes = new Map(
      result.outputFiles.map((f) => [relative(process.cwd(), f.path), f.contents] as const),
    );
    let min = 0;
    let gz = 0;
    let own = 0;
    let libs = 0;
    let lazyGz = 0;
    const libBytes = new Map<string, number>();
    for (const [file, info] of Object.entries(outputs)) {
      if (file.endsWith('.map')) continue;
      const code = bytes.get(file) ?? new Uint8Array();
      if (!initial.has(file)) {
        lazyGz += gzipSync(code).length;
        continue;
      }
      min += code.length;
      gz += gzipSync(code).length;
      for (const [path, input] of Object.entries(info.inputs)) {
        const lib = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
          path,
        )?.[1];
        if (
          path.includes(root) ||
          path.includes('packages/react/dist') ||
          path.includes('packages/client/dist')
        )
          own += input.bytesInOutput;
        else {
          libs += input.bytesInOutput;
          if (lib) libBytes.set(lib, (libBytes.get(lib) ?? 0) + input.bytesInOutput);
        }
        if (breakdown && input.bytesInOutput > 500)
          console.log(`${name}\t${input.bytesInOutput}\t${path.replace(/.*node_modules\//, '')}`);
      }
    }
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
