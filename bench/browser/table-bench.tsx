// Runs in headless Chromium (see ../src/react.ts): SessionTable with N sessions given directly.
import '@auditlane/react/styles.css';
import type { Session } from '@auditlane/client';
import { SessionTable, sortedRowModel } from '@auditlane/react/session-table';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { BaselineTable } from './baseline-table';

const STATUSES = ['ended', 'ended', 'ended', 'active', 'blocked', 'revoked'] as const;
const ENVIRONMENTS = ['production', 'staging', 'development'] as const;

/** Newest first, as the API returns them (`shuffled`: in no particular order). */
function makeSessions(n: number, shuffled = false): Session[] {
  const t0 = Date.UTC(2026, 10, 25);
  const out: Session[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const started = t0 - (shuffled ? (i * 7919) % n : i) * 60_000;
    out[i] = {
      id: `sess_01JD${String(i).padStart(22, '0')}`,
      org: 'acme',
      actor:
        i % 3 === 2
          ? { type: 'agent', id: 'claude', agent: { name: 'Claude Code', version: '2.1.0' } }
          : { type: 'human', id: `u${i % 97}`, email: `user${i % 97}@acme.test` },
      resource: {
        name: `db-${i % 31}`,
        type: i % 4 ? 'database' : 'kubernetes',
        engine: 'postgres',
        environment: ENVIRONMENTS[i % 3] as string,
      },
      endpoint: null,
      model: null,
      credential: null,
      mode: 'interactive',
      reason: null,
      status: STATUSES[i % STATUSES.length] as Session['status'],
      startedAt: new Date(started).toISOString(),
      endedAt: null,
      durationMs: (i * 104_729) % 3_600_000,
      closeReason: null,
      droppedAt: null,
      recorded: true,
      counters: {
        commands: i % 9,
        queries: i % 4,
        blocked: i % 5 === 0 ? 1 : 0,
        pending: 0,
        approved: 0,
        rejected: 0,
        maskedFields: i % 7,
        bytes: 0,
      },
      usage: { inputTokens: 0, outputTokens: 0, costUsd: (i % 1000) / 100 },
      labels: {},
      significance: { score: (i * 37) % 101, reasons: [] },
    };
  }
  return out;
}

export interface Result {
  renderMs: number;
  renderShuffledMs: number;
  sortMs: number;
  filterMs: number;
  frames: number[];
  domRows: number;
}

function Table({ which, sessions }: { which: 'ours' | 'baseline'; sessions: Session[] }) {
  return which === 'ours' ? (
    <SessionTable sessions={sessions} features={{ sortedRowModel }} height={600} />
  ) : (
    <BaselineTable sessions={sessions} />
  );
}

async function run(n: number, scrollMs: number, which: 'ours' | 'baseline'): Promise<Result> {
  const sessions = makeSessions(n);
  const element = document.getElementById('root') as HTMLElement;
  const root = createRoot(element);
  const layout = () => element.getBoundingClientRect();
  // Garbage from building the data is collected before each timed step (--expose-gc), so a step
  // pays for its own allocations only.
  const settle = async () => {
    (window as unknown as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 50));
  };
  await settle();

  let t = performance.now();
  flushSync(() => root.render(<Table which={which} sessions={sessions} />));
  layout();
  const renderMs = performance.now() - t;

  // The same number of sessions in no particular order: the table sorts them (newest first).
  const shuffled = makeSessions(n, true);
  root.unmount();
  await settle();
  const root2 = createRoot(element);
  t = performance.now();
  flushSync(() => root2.render(<Table which={which} sessions={shuffled} />));
  layout();
  const renderShuffledMs = performance.now() - t;
  root2.unmount();
  const root3 = createRoot(element);
  flushSync(() => root3.render(<Table which={which} sessions={sessions} />));

  await settle();
  const cost = [...element.querySelectorAll<HTMLButtonElement>('button.al-table__sort')].find((b) =>
    b.textContent?.startsWith('Cost'),
  ) as HTMLButtonElement;
  t = performance.now();
  flushSync(() => cost.click());
  layout();
  const sortMs = performance.now() - t;

  await settle();
  // A host filtering its own data (status = active, a sixth of the sessions) and re-rendering.
  t = performance.now();
  flushSync(() =>
    root3.render(<Table which={which} sessions={sessions.filter((s) => s.status === 'active')} />),
  );
  layout();
  const filterMs = performance.now() - t;

  flushSync(() => root3.render(<Table which={which} sessions={sessions} />));
  await settle();
  const scroller = element.querySelector('.al-session-table__scroll') as HTMLElement;
  const frames: number[] = [];
  await new Promise<void>((done) => {
    let last = performance.now();
    const start = last;
    const step = (now: number) => {
      frames.push(now - last);
      last = now;
      scroller.scrollTop += 90; // about 5,400 px/s: a fast fling through the list
      if (now - start < scrollMs) requestAnimationFrame(step);
      else done();
    };
    requestAnimationFrame(step);
  });
  const domRows = element.querySelectorAll('tbody tr[data-index]').length;
  root3.unmount();
  return { renderMs, renderShuffledMs, sortMs, filterMs, frames: frames.slice(1), domRows };
}

(window as unknown as { runBench: typeof run }).runBench = run;
