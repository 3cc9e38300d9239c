import {
  createClient,
  createIdGenerator,
  type EventInput,
  type Session,
  type StoredEvent,
} from '@auditlane/client';
import { Component, type ReactNode, useRef, useState } from 'react';
import { describe, expect, inject, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../test/axe';
import { type ActivityFilters, createActivityWindow } from '../data/activity-window';
import { AuditlaneProvider } from '../provider';
import { buildActivity } from './activity';
import { SessionDetail } from './session-detail';
import type { LocalActivity, SessionDetailHandle } from './session-detail.types';

const servers = inject('servers');
const scratch = () =>
  createClient({ baseUrl: servers.url, token: servers.scratchToken, retries: 0 });
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);
const BLOCKED_SEQ = 4700;

/**
 * A session of `count` commands (`echo 1` … `echo N`, one a second), the command at
 * BLOCKED_SEQ blocked by the policy; ended unless `live`.
 */
async function recordSession(count: number, { live = false } = {}) {
  const client = scratch();
  const ids = createIdGenerator();
  const sessionId = ids.sessionId(T0);
  const at = (seq: number) => new Date(T0 + seq * 1000).toISOString();
  const events: EventInput[] = [
    {
      id: ids.eventId(),
      sessionId,
      seq: 0,
      time: at(0),
      type: 'lifecycle',
      action: 'start',
      session: {
        actor: { type: 'service', id: `etl-${count}` },
        resource: { name: 'warehouse', type: 'ssh', environment: 'staging' },
        mode: 'api',
      },
    },
  ];
  let seq = 1;
  for (let i = 1; i <= count; i++) {
    const id = ids.eventId();
    const text = seq === BLOCKED_SEQ ? 'rm -rf /data' : `echo ${i}`;
    events.push({ id, sessionId, seq, time: at(seq), type: 'command', text });
    seq++;
    if (seq - 1 === BLOCKED_SEQ) {
      events.push({
        id: ids.eventId(),
        sessionId,
        seq,
        time: at(seq - 1),
        type: 'policy',
        subjectId: id,
        verdict: 'blocked',
        rule: 'no-rm',
        reason: 'rm -rf is not allowed',
      });
      seq++;
    }
  }
  if (!live) {
    events.push({
      id: ids.eventId(),
      sessionId,
      seq,
      time: at(seq),
      type: 'lifecycle',
      action: 'end',
    });
  }
  for (let i = 0; i < events.length; i += 500) await client.ingest(events.slice(i, i + 500));
  return { client, sessionId, ids, nextSeq: seq, at };
}

/** The `echo N` numbers of the entries in the DOM, in DOM order. */
function shownNumbers(root: Element): number[] {
  return [...root.querySelectorAll('[data-al-entry] pre')]
    .map((pre) => /^echo (\d+)$/.exec(pre.textContent ?? '')?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

function expectAscendingOnce(numbers: number[]) {
  for (let i = 1; i < numbers.length; i++) {
    expect(numbers[i]).toBeGreaterThan(numbers[i - 1] as number);
  }
}

const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

/** A page that seeks the detail to a moment, as the replay's seek bar does. */
function SeekPage({ sessionId, time }: { sessionId: string; time: string }) {
  const detail = useRef<SessionDetailHandle>(null);
  return (
    <>
      <button type="button" onClick={() => detail.current?.seekTo({ time })}>
        seek
      </button>
      <SessionDetail ref={detail} sessionId={sessionId} group="none" />
    </>
  );
}

describe('the activity window over the server', () => {
  it('pages down to the end and back up to the start without gaps or duplicates, keeping a window', async () => {
    const { client, sessionId } = await recordSession(1200);
    const win = createActivityWindow({
      client,
      sessionId,
      group: 'none',
      pageSize: 50,
      maxPages: 3,
    });
    const settle = async () => {
      await expect.poll(() => win.getSnapshot().status).toBe('success');
      await expect
        .poll(() => win.getSnapshot().loadingAfter || win.getSnapshot().loadingBefore)
        .toBe(false);
    };
    await settle();
    const seen: number[] = win.getSnapshot().items.map((i) => i.seq);
    while (win.getSnapshot().hasAfter) {
      const before = win.getSnapshot().items.at(-1)?.seq as number;
      await win.loadAfter();
      const items = win.getSnapshot().items;
      expect(items.length).toBeLessThanOrEqual(150);
      seen.push(...items.filter((i) => i.seq > before).map((i) => i.seq));
    }
    // Every entry once, in seq order: the 1,200 commands and the end of the session.
    expect(seen.length).toBe(1201);
    expectAscendingOnce(seen);
    expect(seen[0]).toBe(1);
    const back: number[] = win.getSnapshot().items.map((i) => i.seq);
    while (win.getSnapshot().hasBefore) {
      const first = win.getSnapshot().items[0]?.seq as number;
      await win.loadBefore();
      const items = win.getSnapshot().items;
      expect(items.length).toBeLessThanOrEqual(150);
      back.unshift(...items.filter((i) => i.seq < first).map((i) => i.seq));
    }
    expect(back).toEqual(seen);
    win.dispose();
  });
});

describe('SessionDetail on a session of thousands of entries', () => {
  it('scrolls down and back up through pages: the entries in order, once, a window of them in the DOM', async () => {
    const { client, sessionId } = await recordSession(5000);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={sessionId} group="none" />
      </AuditlaneProvider>,
    );
    const list = screen.getByRole('list', { name: 'Activity' });
    await expect.element(list.getByText('echo 1', { exact: true })).toBeVisible();
    const box = list.element().parentElement as HTMLElement;
    // Rendered: a window, not the 5,000 entries.
    expect(box.querySelectorAll('[data-al-entry]').length).toBeLessThan(60);
    let last = 0;
    for (let step = 0; step < 200 && last < 720; step++) {
      box.scrollTop = box.scrollHeight;
      await frames();
      const shown = shownNumbers(box);
      expectAscendingOnce(shown);
      last = Math.max(last, ...shown);
    }
    expect(last).toBeGreaterThanOrEqual(720);
    // The first page was dropped past the window of 5 pages; going up loads it again.
    let first = Number.POSITIVE_INFINITY;
    for (let step = 0; step < 200 && first > 1; step++) {
      box.scrollTop = 0;
      await frames();
      const shown = shownNumbers(box);
      expectAscendingOnce(shown);
      first = Math.min(first, ...shown);
    }
    expect(first).toBe(1);
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('moves between entries with the keyboard', async () => {
    const { client, sessionId } = await recordSession(300);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={sessionId} group="none" />
      </AuditlaneProvider>,
    );
    const firstEntry = screen.getByRole('listitem').filter({ hasText: 'echo 1' }).first();
    await expect.element(firstEntry).toBeVisible();
    (firstEntry.element() as HTMLElement).focus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.poll(() => document.activeElement?.textContent).toContain('echo 2');
    await userEvent.keyboard('{End}');
    // The last entry loaded: the end of the first page (50 entries).
    await expect.poll(() => document.activeElement?.textContent ?? '').toMatch(/echo 50\b/);
  });

  it('keeps the keyboard on the entry it is at when a page arrives before it', async () => {
    const { client, sessionId, at } = await recordSession(5000);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SeekPage sessionId={sessionId} time={at(3000)} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('echo 1', { exact: true })).toBeVisible();
    await screen.getByRole('button', { name: 'seek' }).click();
    const anchored = screen.getByRole('listitem').filter({ hasText: 'echo 3000' });
    await expect.element(anchored).toHaveAttribute('data-anchor', '');
    (anchored.element() as HTMLElement).focus();
    const focused = () => {
      const text = document.activeElement?.querySelector('pre')?.textContent ?? '';
      return Number(/^echo (\d+)$/.exec(text)?.[1] ?? Number.NaN);
    };
    let at_ = focused();
    expect(at_).toBe(3000);
    const box = screen.getByRole('list', { name: 'Activity' }).element()
      .parentElement as HTMLElement;
    // Up entry by entry past the start of the page opened around 3000: pages arrive before it.
    let earliest = Number.POSITIVE_INFINITY;
    for (let press = 0; press < 400 && at_ > 2870; press++) {
      await userEvent.keyboard('{ArrowUp}');
      await frames();
      earliest = Math.min(earliest, ...shownNumbers(box));
      const now = focused();
      if (now === at_) continue;
      expect(now).toBe(at_ - 1);
      at_ = now;
    }
    expect(at_).toBe(2870);
    expect(earliest).toBeLessThan(2870);
    // Tab lands where the keyboard is: the one entry in the tab order is the focused one.
    const tabbable = box.querySelectorAll('[data-al-entry][tabindex="0"]');
    expect(tabbable).toHaveLength(1);
    expect(tabbable[0]).toBe(document.activeElement);
  });

  it('keeps the focused entry rendered while the list scrolls away from it', async () => {
    const { client, sessionId } = await recordSession(300);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={sessionId} group="none" />
      </AuditlaneProvider>,
    );
    const first = screen.getByRole('listitem').filter({ hasText: 'echo 1' }).first();
    await expect.element(first).toBeVisible();
    const entry = first.element() as HTMLElement;
    entry.focus();
    const box = screen.getByRole('list', { name: 'Activity' }).element()
      .parentElement as HTMLElement;
    for (let step = 0; step < 10; step++) {
      box.scrollTop += 1500;
      await frames();
    }
    await expect.poll(() => Math.min(...shownNumbers(box).slice(1))).toBeGreaterThan(40);
    expect(entry.isConnected).toBe(true);
    expect(document.activeElement).toBe(entry);
    await userEvent.keyboard('{ArrowDown}');
    await expect.poll(() => document.activeElement?.textContent).toContain('echo 2');
  });

  it('shows the moment the replay seeks to', async () => {
    const { client, sessionId, at } = await recordSession(5000);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SeekPage sessionId={sessionId} time={at(3000)} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('echo 1', { exact: true })).toBeVisible();
    expect(screen.getByText('echo 3000', { exact: true }).query()).toBeNull();
    await screen.getByRole('button', { name: 'seek' }).click();
    const anchored = screen.getByRole('listitem').filter({ hasText: 'echo 3000' });
    await expect.element(anchored).toBeVisible();
    await expect.element(anchored).toHaveAttribute('data-anchor', '');
  });

  it('jumps to the blocked entry far down with "Next blocked"', async () => {
    const { client, sessionId } = await recordSession(5000);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={sessionId} />
      </AuditlaneProvider>,
    );
    // The commands before the blocked one are one run of their shape.
    await expect.element(screen.getByText(/× echo/).first()).toBeVisible();
    await screen.getByRole('button', { name: 'Next blocked' }).click();
    const blocked = screen.getByRole('listitem').filter({ hasText: 'rm -rf /data' });
    await expect.element(blocked).toBeVisible();
    await expect.element(blocked).toHaveAttribute('data-verdict', 'blocked');
    await expect.element(blocked).toHaveTextContent('rm -rf is not allowed');
    // Nothing blocked after it.
    await screen.getByRole('button', { name: 'Next blocked' }).click();
    await expect.element(screen.getByText('No blocked entry further down.')).toBeVisible();
  });

  it('filters by a chip: only what matters is listed', async () => {
    const { client, sessionId } = await recordSession(5000);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={sessionId} />
      </AuditlaneProvider>,
    );
    // The commands before the blocked one are one run of their shape.
    await expect.element(screen.getByText(/× echo/).first()).toBeVisible();
    await screen.getByRole('button', { name: 'Blocked', exact: true }).click();
    await expect
      .element(screen.getByRole('button', { name: 'Blocked', exact: true }))
      .toHaveAttribute('aria-pressed', 'true');
    const entries = () => [...screen.container.querySelectorAll('[data-al-entry]')];
    await expect.poll(() => entries().length).toBe(1);
    expect(entries()[0]?.textContent).toContain('rm -rf /data');
    expect(entries()[0]?.getAttribute('data-verdict')).toBe('blocked');
  });

  it('follows a live session: new entries appended at the end', async () => {
    const { client, sessionId, ids, nextSeq, at } = await recordSession(20, { live: true });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={sessionId} group="none" />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('echo 20', { exact: true })).toBeVisible();
    await expect.element(screen.getByText('live')).toBeVisible();
    await client.ingest([
      {
        id: ids.eventId(),
        sessionId,
        seq: nextSeq,
        time: at(nextSeq),
        type: 'command',
        text: 'echo 21',
      },
      {
        id: ids.eventId(),
        sessionId,
        seq: nextSeq + 1,
        time: at(nextSeq + 1),
        type: 'command',
        text: 'echo 22',
      },
    ]);
    await expect.element(screen.getByText('echo 22', { exact: true })).toBeVisible();
    const box = screen.getByRole('list', { name: 'Activity' }).element()
      .parentElement as HTMLElement;
    const shown = shownNumbers(box);
    expectAscendingOnce(shown);
    expect(shown.slice(-3)).toEqual([20, 21, 22]);
  });
});

describe('SessionDetail runs of one statement shape', () => {
  it('shows the 80 INSERTs as one entry that expands to each', async () => {
    const screen = await render(
      <AuditlaneProvider
        client={createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 })}
      >
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const run = screen.getByRole('listitem').filter({ hasText: /80 × INSERT INTO customers/ });
    await expect.element(run).toBeVisible();
    await expect.element(run).toHaveAttribute('data-state', 'closed');
    await run.getByRole('button', { name: 'Show each' }).click();
    await expect.element(run).toHaveAttribute('data-state', 'open');
    const members = screen.container.querySelectorAll('[data-member]');
    await expect
      .poll(() => screen.container.querySelectorAll('[data-member]').length)
      .toBeGreaterThan(0);
    expect(members).toBeDefined();
    await expect
      .element(
        screen
          .getByRole('listitem')
          .filter({ hasText: /INSERT INTO customers VALUES \(\?, \?, \?, \?\)/ })
          .first(),
      )
      .toBeVisible();
  });
});

class Catch extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children;
  }
}

describe('SessionDetail parts', () => {
  it('throws, naming both, when a part is used outside its Root', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const screen = await render(
        <Catch>
          <SessionDetail.Header />
        </Catch>,
      );
      await expect
        .element(screen.getByRole('alert'))
        .toHaveTextContent('SessionDetail.Header must be used within SessionDetail.Root');
    } finally {
      console.error = original;
    }
  });

  it('composes the host’s own layout, with asChild and forwarded refs', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const titleRef: { current: HTMLHeadingElement | null } = { current: null };
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail.Root sessionId={servers.dbSession} asChild>
          <article data-testid="host">
            <SessionDetail.Title asChild ref={titleRef}>
              <h1>Billing session</h1>
            </SessionDetail.Title>
            <SessionDetail.Activity />
          </article>
        </SessionDetail.Root>
      </AuditlaneProvider>,
    );
    await expect
      .element(screen.getByRole('heading', { level: 1, name: 'Billing session' }))
      .toBeVisible();
    expect(titleRef.current?.tagName).toBe('H1');
    expect(screen.getByTestId('host').element().tagName).toBe('ARTICLE');
    await expect
      .element(screen.getByRole('listitem').filter({ hasText: 'DROP TABLE customers' }))
      .toBeVisible();
  });
});

describe('SessionDetail when the activity fails to load', () => {
  it('says so, never "no activity", and loads it again with Retry', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const activity = client.sessions.activity.bind(client.sessions);
    let offline = true;
    client.sessions.activity = ((...args: Parameters<typeof activity>) =>
      offline ? Promise.reject(new Error('network down')) : activity(...args)) as typeof activity;
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('The activity could not be loaded.')).toBeVisible();
    expect(screen.container.querySelector('[data-state="error"]')).not.toBeNull();
    expect(screen.container.textContent).not.toContain('No activity recorded.');
    offline = false;
    await screen.getByRole('button', { name: 'Retry' }).click();
    await expect
      .element(screen.getByRole('listitem').filter({ hasText: 'DROP TABLE customers' }))
      .toBeVisible();
  });
});

/** A host holding the filters, with its own "Clear filters". */
function Host() {
  const [filters, setFilters] = useState<ActivityFilters>({});
  return (
    <>
      <button type="button" onClick={() => setFilters({})}>
        Clear filters
      </button>
      <output data-testid="q">{filters.q ?? ''}</output>
      <SessionDetail sessionId={servers.dbSession} filters={filters} onFiltersChange={setFilters} />
    </>
  );
}

describe('SessionDetail text filter, controlled', () => {
  it('follows the host clearing the filters, and does not bring the old text back', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <Host />
      </AuditlaneProvider>,
    );
    const input = screen.getByRole('searchbox');
    await input.fill('DROP');
    await expect.element(screen.getByTestId('q')).toHaveTextContent('DROP');
    await screen.getByRole('button', { name: 'Clear filters' }).click();
    await expect.element(input).toHaveValue('');
    await new Promise((r) => setTimeout(r, 500));
    expect(screen.getByTestId('q').element().textContent).toBe('');
    await expect.element(input).toHaveValue('');
  });
});

describe('SessionDetail activity total', () => {
  it('says "over N" when the server stopped counting at its cap', async () => {
    const { client, sessionId } = await recordSession(10_050);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={sessionId} group="none" defaultFilters={{ type: ['command'] }} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('echo 1', { exact: true })).toBeVisible();
    await expect.element(screen.getByText('over 10,000 entries')).toBeVisible();
  });
});

/** One SessionDetail given its data directly, then through the client, then directly again. */
function Switching(props: { sessionId: string; session: Session; activity: LocalActivity }) {
  const [direct, setDirect] = useState(true);
  return (
    <>
      <button type="button" onClick={() => setDirect((d) => !d)}>
        switch
      </button>
      {direct ? (
        <SessionDetail session={props.session} activity={props.activity} group="none" />
      ) : (
        <SessionDetail sessionId={props.sessionId} group="none" />
      )}
    </>
  );
}

describe('SessionDetail switching between data given and the client', () => {
  it('shows each, under the same text filter, without an error', async () => {
    const { client, sessionId, at } = await recordSession(30);
    const session = await client.sessions.get(sessionId);
    const given = (seq: number, text: string): StoredEvent =>
      ({
        id: `given-${seq}`,
        sessionId,
        seq,
        time: at(seq),
        type: 'command',
        text,
        receivedAt: at(seq),
        hash: '',
      }) as StoredEvent;
    const activity = buildActivity([given(1, 'echo 901'), given(2, 'ls'), given(3, 'echo 903')]);
    const screen = await render(
      <AuditlaneProvider client={client}>
        <Switching sessionId={sessionId} session={session} activity={activity} />
      </AuditlaneProvider>,
    );
    await expect.poll(() => shownNumbers(screen.container)).toEqual([901, 903]);
    await screen.getByRole('searchbox').fill('echo 90');
    await expect.poll(() => shownNumbers(screen.container)).toEqual([901, 903]);
    await expect.poll(() => screen.container.textContent).not.toContain('ls');
    await screen.getByRole('button', { name: 'switch' }).click();
    // Through the client, under the same text filter: the server's entries.
    await screen.getByRole('searchbox').fill('echo 2');
    await expect
      .poll(() => shownNumbers(screen.container))
      .toEqual([2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    await screen.getByRole('button', { name: 'switch' }).click();
    await screen.getByRole('searchbox').fill('');
    await expect.poll(() => shownNumbers(screen.container)).toEqual([901, 903]);
    await expect.element(screen.getByText('ls', { exact: true })).toBeVisible();
  });
});
