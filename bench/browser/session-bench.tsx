// The session page in the browser: SessionDetail on a session of the reference server, ours
// (the activity paged from the server, virtualised) or the component before it (every event
// loaded, every entry rendered; built from git by src/session-page.ts). Timed from mounting:
// first entries painted, the JS heap after a GC, frame times while scrolling, and while a live
// session grows.
import { createClient } from '@auditlane/client';
import { AuditlaneProvider } from '@auditlane/react';
import { SessionDetail } from '@auditlane/react/session-detail';
// @ts-expect-error: the baseline's own provider (its context is not ours).
import { AuditlaneProvider as BaselineProvider } from 'baseline-react';
// @ts-expect-error: the component before this change, extracted from git at bench time.
import { SessionDetail as BaselineSessionDetail } from 'baseline-react/session-detail';
import { createRoot } from 'react-dom/client';

export interface Result {
  firstPaintMs: number;
  heapMb: number;
  frames: number[];
  domEntries: number;
  painted: boolean;
}

type Which = 'ours' | 'baseline';
const ENTRY = '[data-al-entry], .al-timeline__item';

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (check()) return true;
    await frame();
  }
  return check();
}

function heapMb(): number {
  (window as unknown as { gc?: () => void }).gc?.();
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return (memory?.usedJSHeapSize ?? 0) / 1024 / 1024;
}

async function mount(which: Which, url: string, token: string, sessionId: string) {
  const container = document.getElementById('root') as HTMLElement;
  const root = createRoot(container);
  const client = createClient({ baseUrl: url, token, retries: 0 });
  const Provider = which === 'ours' ? AuditlaneProvider : BaselineProvider;
  const Detail = which === 'ours' ? SessionDetail : BaselineSessionDetail;
  const started = performance.now();
  root.render(
    <Provider client={client}>
      <Detail sessionId={sessionId} />
    </Provider>,
  );
  return { started, root };
}

/** Frame durations over `ms` while scrolling the activity by `step` px a frame. */
async function scrollFrames(ms: number, step: number): Promise<number[]> {
  const box =
    document.querySelector<HTMLElement>('.al-activity__scroll') ??
    (document.scrollingElement as HTMLElement);
  const frames: number[] = [];
  let last = await frame();
  const until = last + ms;
  let direction = 1;
  while (last < until) {
    box.scrollTop += step * direction;
    if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) direction = -1;
    if (box.scrollTop <= 0) direction = 1;
    const now = await frame();
    frames.push(now - last);
    last = now;
  }
  return frames;
}

async function runBench(
  which: Which,
  url: string,
  token: string,
  sessionId: string,
  scrollMs: number,
  timeoutMs: number,
): Promise<Result> {
  const { started } = await mount(which, url, token, sessionId);
  const painted = await waitFor(() => document.querySelector(ENTRY) !== null, timeoutMs);
  const firstPaintMs = performance.now() - started;
  if (!painted)
    return { firstPaintMs, heapMb: heapMb(), frames: [], domEntries: 0, painted: false };
  await frame();
  const heap = heapMb();
  const frames = await scrollFrames(scrollMs, 400);
  return {
    firstPaintMs,
    heapMb: heap,
    frames,
    domEntries: document.querySelectorAll(ENTRY).length,
    painted: true,
  };
}

/** A live session: mounted, then frame times while the server side records 50 events a second. */
async function runLive(
  which: Which,
  url: string,
  token: string,
  sessionId: string,
  ms: number,
): Promise<{ frames: number[]; domEntries: number; heapMb: number }> {
  await mount(which, url, token, sessionId);
  await waitFor(() => document.querySelector(ENTRY) !== null, 30_000);
  const frames: number[] = [];
  let last = await frame();
  const until = last + ms;
  while (last < until) {
    const now = await frame();
    frames.push(now - last);
    last = now;
  }
  return { frames, domEntries: document.querySelectorAll(ENTRY).length, heapMb: heapMb() };
}

Object.assign(window, { runBench, runLive });
