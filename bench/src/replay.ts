// ReplayPlayer figures in headless Chromium (Debian's), on generated recordings of about 1, 20
// and 120 MB (an hour of prompts, listings, colour logs, full-screen redraws and SQL tables),
// streamed over HTTP: time to first frame, time until every point is seekable, seeks to 50% and
// 95% from the start and back to 50% (each checked against the screen a replay from the start
// gives), and the memory kept. Medians of R runs, a fresh page each.
//   pnpm --filter @auditlane/bench replay [--sizes 1,20,120] [--runs 3]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCast } from './casts';
import { launchChromium, servePages } from './chromium';
import { median, table } from './lib';

const sizesArg = process.argv.indexOf('--sizes');
const sizes = (
  process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ??
  (sizesArg > 0 ? process.argv[sizesArg + 1] : undefined) ??
  '1,20,120'
)
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
if (!sizes.length) throw new Error('--sizes: give sizes in MB, e.g. --sizes 1,20,120');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const out = mkdtempSync(join(tmpdir(), 'auditlane-bench-replay-'));

type Player = 'ours' | 'asciinema';
const ASCIINEMA_VERSION = '3.18.0';

interface Result {
  firstFrameMs: number;
  seekableMs: number;
  seeks: Record<string, number>;
  checks: Record<string, boolean>;
  heapMb: number;
}

try {
  const pages = await servePages(out);
  const files: [number, string, number][] = [];
  for (const mb of sizes) {
    const file = join(out, `rec-${mb}.cast`);
    const { events } = await writeCast(file, mb * 1024 * 1024);
    files.push([mb, file, events]);
  }
  const base = pages.base;
  const browser = await launchChromium({
    jsFlags: ['--max-old-space-size=4096'],
    args: ['--enable-precise-memory-info', '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  const rows: (string | number)[][] = [];
  let isolated = false;
  for (const [, file, events] of files) {
    const byPlayer: Record<Player, Result[]> = { ours: [], asciinema: [] };
    for (let run = 0; run < RUNS; run++) {
      // Interleaved, alternating which goes first.
      const order: Player[] = run % 2 ? ['asciinema', 'ours'] : ['ours', 'asciinema'];
      for (const player of order) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(`${base}replay.html`);
        await page.waitForFunction(() => 'runReplay' in window);
        isolated = await page.evaluate(() => crossOriginIsolated);
        const fn = player === 'ours' ? 'runReplay' : 'runAsciinema';
        byPlayer[player].push(
          await page.evaluate(
            ([name, url, check]) => {
              const run = (
                window as unknown as Record<string, (u: string, c: boolean) => Promise<Result>>
              )[name];
              if (!run) throw new Error(`no ${name}`);
              return run(url, check);
            },
            [fn, `${base}${file.split('/').pop()}`, run === 0] as const,
          ),
        );
        await page.close();
      }
    }
    for (const player of ['ours', 'asciinema'] as Player[]) {
      const results = byPlayer[player];
      const m = (f: (r: Result) => number) => median(results.map(f)).toFixed(0);
      const checks = results[0]?.checks ?? {};
      const failed = Object.entries(checks)
        .filter(([, ok]) => !ok)
        .map(([name]) => name);
      rows.push([
        `${(statSync(file).size / 1024 / 1024).toFixed(0)} MB, ${events.toLocaleString('en-US')} events`,
        player === 'ours' ? 'ReplayPlayer' : 'asciinema-player',
        m((r) => r.firstFrameMs),
        m((r) => r.seekableMs),
        m((r) => r.seeks['50% from start'] ?? 0),
        m((r) => r.seeks['95%'] ?? 0),
        m((r) => r.seeks['back to 50%'] ?? 0),
        m((r) => r.heapMb),
        failed.length ? `NO: ${failed.join(', ')}` : 'yes',
      ]);
    }
  }
  await browser.close();
  await pages.close();
  console.log(
    `\nReplayPlayer and asciinema-player ${ASCIINEMA_VERSION}, ${RUNS} runs each, interleaved, medians (ms; memory in MB)`,
  );
  table(
    [
      'recording',
      'player',
      'first frame',
      'all seekable',
      'seek 50%',
      'seek 95%',
      'back to 50%',
      'memory kept',
      'frames checked',
    ],
    rows,
  );
  console.log(
    isolated
      ? 'Memory kept: all the page holds after the run (JS heaps of page and workers, array buffers, WebAssembly memory; measureUserAgentSpecificMemory).'
      : 'Memory kept: the page’s JS heap only (the page was not cross-origin isolated).',
  );
  console.log(
    'Aims: every seek ≤ 50 ms at 120 MB; first frame ≤ 300 ms; memory ≤ half of asciinema-player’s.',
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
