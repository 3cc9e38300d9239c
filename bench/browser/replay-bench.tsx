// Runs in headless Chromium (see ../src/replay.ts): the ReplayPlayer core on a recording streamed
// over HTTP: time to first frame, until every point is seekable, seeks (checked against the
// screen a replay from the start gives), and the heap it keeps.
import '@xterm/xterm/css/xterm.css';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import { readAsciicast } from '@auditlane/client/asciicast';
import { type UseReplayResult, useReplay } from '@auditlane/react/replay';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import * as AsciinemaPlayer from 'asciinema-player';
import { useEffect } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';

/**
 * Memory the page holds, MB: everything the browser attributes to it (JS heaps of the page and
 * its workers, array buffers, WebAssembly memory) when the page is cross-origin isolated; else
 * the page's JS heap alone. Measured after collecting garbage.
 */
async function memoryMb(): Promise<number> {
  const gc = () => (window as unknown as { gc?: () => void }).gc?.();
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const measure = (
    performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }
  ).measureUserAgentSpecificMemory;
  if (crossOriginIsolated && measure) return (await measure.call(performance)).bytes / 2 ** 20;
  return (
    (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize /
    2 ** 20
  );
}

/** The seeks both players make, in this order: from the start to 50%, on to 95%, back to 50%. */
const SEEKS = [
  ['50% from start', 0.5],
  ['95%', 0.95],
  ['back to 50%', 0.5],
] as const;

let api: UseReplayResult | null = null;
function Harness({ src }: { src: ReadableStream<Uint8Array> }) {
  const replay = useReplay({ src });
  useEffect(() => {
    api = replay;
  });
  return <div ref={replay.containerRef} />;
}

const wait = async (check: () => boolean, what: string, timeoutMs = 120_000) => {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) {
      throw new Error(
        `timed out waiting for ${what} (state ${api?.snapshot.state}, complete ${api?.snapshot.complete})`,
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** The screen at play time t, by writing everything from the start (idle limit applied). */
async function reference(url: string, t: number): Promise<string> {
  let term: Terminal | null = null;
  let serialize: SerializeAddon | null = null;
  let play = 0;
  let last = 0;
  let limit = Number.POSITIVE_INFINITY;
  let batch = '';
  const response = await fetch(url);
  for await (const item of readAsciicast(response.body as ReadableStream<Uint8Array>)) {
    if (item.kind === 'header') {
      limit = item.header.idle_time_limit ?? limit;
      term = new Terminal({
        cols: item.header.term.cols,
        rows: item.header.term.rows,
        scrollback: 0,
        allowProposedApi: true,
      });
      serialize = new SerializeAddon();
      term.loadAddon(serialize as never);
      continue;
    }
    const e = item.event;
    play += Math.min(e.time - last, limit);
    last = e.time;
    if (play > t + 1e-9) break;
    if (e.code === 'o') batch += e.data;
    if (batch.length > 1 << 20) {
      const b = batch;
      batch = '';
      await new Promise<void>((r) => term?.write(b, r));
    }
  }
  await new Promise<void>((r) => term?.write(batch, r));
  const out = serialize?.serialize() ?? '';
  term?.dispose();
  return out;
}

async function run(url: string, check: boolean) {
  const element = document.getElementById('root') as HTMLElement;
  const root = createRoot(element);
  const before = await memoryMb();
  const t0 = performance.now();
  const response = await fetch(url);
  flushSync(() => root.render(<Harness src={response.body as ReadableStream<Uint8Array>} />));
  await wait(
    () => api !== null && api.snapshot.state !== 'idle' && api.snapshot.state !== 'loading',
    'the first frame',
  );
  const firstFrameMs = performance.now() - t0;
  await wait(() => api?.snapshot.complete === true, 'the whole recording');
  const seekableMs = performance.now() - t0;
  const replay = api as UseReplayResult;
  const seeks: Record<string, number> = {};
  const checks: Record<string, boolean> = {};
  for (const [name, at] of SEEKS) {
    if (name === '50% from start') {
      await replay.seek(0);
      await replay.settled();
    }
    const s = performance.now();
    await replay.seek(`${at * 100}%`);
    await replay.settled();
    seeks[name] = performance.now() - s;
    if (check)
      checks[name] = replay.serialize() === (await reference(url, replay.getCurrentTime()));
  }
  const heapMb = (await memoryMb()) - before;
  const result = { firstFrameMs, seekableMs, seeks, checks, heapMb };
  root.unmount();
  api = null;
  return result;
}

(window as unknown as { runReplay: typeof run }).runReplay = run;

/** The rows of the screen at play time t as plain text (for players that do not serialize). */
async function referenceRows(url: string, t: number): Promise<string[]> {
  const serialized = await reference(url, t);
  const term = new Terminal({ cols: 120, rows: 40, scrollback: 0, allowProposedApi: true });
  await new Promise<void>((r) => term.write(serialized, r));
  const rows: string[] = [];
  for (let i = 0; i < term.rows; i++)
    rows.push(term.buffer.active.getLine(i)?.translateToString(true) ?? '');
  term.dispose();
  return rows;
}

/** asciinema-player (npm) on the same recording, measured the same way. */
async function runAsciinema(url: string, check: boolean) {
  const element = document.getElementById('root') as HTMLElement;
  const before = await memoryMb();
  const t0 = performance.now();
  const player = AsciinemaPlayer.create(url, element, { preload: true, fit: false });
  const start = performance.now();
  while (player.getDuration() === undefined) {
    if (performance.now() - start > 120_000) throw new Error('asciinema-player did not load');
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  const rowsOf = () =>
    [...element.querySelectorAll('.ap-line')].map((line) =>
      (line.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd(),
    );
  const seeks: Record<string, number> = {};
  const checks: Record<string, boolean> = {};
  for (const [name, at] of SEEKS) {
    if (name === '50% from start') await player.seek(0);
    const s = performance.now();
    await player.seek(`${at * 100}%`);
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    seeks[name] = performance.now() - s;
    if (check) {
      const expected = await referenceRows(url, player.getCurrentTime());
      const shown = rowsOf();
      checks[name] = expected.every((row, i) => (shown[i] ?? '') === row.trimEnd());
    }
  }
  const heapMb = (await memoryMb()) - before;
  player.dispose();
  element.replaceChildren();
  return { firstFrameMs: readyMs, seekableMs: readyMs, seeks, checks, heapMb };
}

Object.assign(window, { runAsciinema });

/** For profiling: load, then seek on demand. */
async function load(url: string) {
  const root = createRoot(document.getElementById('root') as HTMLElement);
  const response = await fetch(url);
  flushSync(() => root.render(<Harness src={response.body as ReadableStream<Uint8Array>} />));
  await wait(() => api?.snapshot.complete === true, 'the whole recording');
}
async function seekTo(location: `${number}%`) {
  const s = performance.now();
  await api?.seek(location);
  await api?.settled();
  return performance.now() - s;
}
Object.assign(window, { loadReplay: load, seekReplay: seekTo });
