import {
  createClient,
  createIdGenerator,
  type Review,
  type Session,
  type StoredEvent,
  type Viewer,
} from '@auditlane/client';
import { memo, useMemo, useState } from 'react';
import { describe, expect, inject, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../test/axe';
import { Catch } from '../../test/catch';
import { ICON_GLYPHS, pseudoMessages, untranslated } from '../../test/messages';
import { AuditlaneProvider } from '../provider';
import { buildActivity } from './activity';
import { SessionDetail } from './session-detail';
import { useSessionDetailContext } from './session-detail.parts';
import type { LocalActivity } from './session-detail.types';
import { useSessionDetail } from './use-session-detail';

function HookWith({ options }: { options: object }) {
  useSessionDetail(options as Parameters<typeof useSessionDetail>[0]);
  return null;
}

const servers = inject('servers');
const as = (token: string, url = servers.url) => createClient({ baseUrl: url, token, retries: 0 });

describe('SessionDetail on the reference server', () => {
  it('shows the meta, the summary and the activity of a recorded database session', async () => {
    const screen = await render(
      <AuditlaneProvider client={as(servers.adminToken)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    await expect
      .element(screen.getByRole('heading', { name: 'alice@example.com on billing-db' }))
      .toBeVisible();
    const summary = screen.getByTestId('summary');
    await expect
      .element(summary)
      .toHaveTextContent(/1 command · \d+ queries · 1 blocked · \d+ fields masked/);
    // The DROP is in the log, blocked, with the policy's reason.
    const drop = screen.getByRole('listitem').filter({ hasText: 'DROP TABLE customers' });
    await expect.element(drop).toHaveAttribute('data-verdict', 'blocked');
    await expect.element(drop).toHaveTextContent('Blocked: DROP and TRUNCATE destroy data');
    // The SELECT's preview: masked values only, truncated, with the full result downloadable.
    const select = screen.getByRole('listitem').filter({ hasText: 'SELECT * FROM customers' });
    await expect.element(select.getByText('Showing 50 of 80 rows')).toBeVisible();
    await expect.element(select.getByText(/fields masked/)).toBeVisible();
    expect(screen.container.textContent).not.toContain('customer1@example.com');
    expect(screen.container.textContent).not.toContain('4242 4242 4242 4242');
    await expect
      .element(select.getByRole('button', { name: 'Download full result' }))
      .toBeEnabled();
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('renders recorded output as inert text: no HTML, no escape sequences, no links', async () => {
    const screen = await render(
      <AuditlaneProvider client={as(servers.adminToken)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const entry = screen.getByRole('listitem').filter({ hasText: 'cat notes.html' });
    await expect.element(entry).toHaveTextContent('<img src=x onerror="window.__pwned=1">');
    const element = entry.element();
    expect(element.querySelector('img, b, a')).toBeNull();
    expect(element.textContent).not.toContain('\u001b');
    expect(element.textContent).toContain('red');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('disables downloads with the reason when the viewer lacks the permission', async () => {
    const viewer = await render(
      <AuditlaneProvider client={as(servers.viewerToken)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const logs = viewer.getByRole('button', { name: 'Download logs' });
    await expect.element(logs).toBeDisabled();
    await expect
      .element(logs)
      .toHaveAccessibleDescription('You do not have permission to download session data.');
    // The viewer token cannot review or revoke either.
    expect(viewer.container.querySelector('.al-review')).toBeNull();
    expect(viewer.getByRole('button', { name: 'Revoke' }).query()).toBeNull();
  });

  it('disables downloads with the reason when the server disables them', async () => {
    const disabled = await render(
      <AuditlaneProvider client={as(servers.adminToken, servers.noDownloadsUrl)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const result = disabled.getByRole('button', { name: 'Download full result' });
    await expect.element(result).toBeDisabled();
    await expect
      .element(result)
      .toHaveAccessibleDescription('Downloads are disabled on this server.');
  });

  it('approves a held command live: the recorder waiting on it goes on, then revokes the session', async () => {
    const screen = await render(
      <AuditlaneProvider client={as(servers.adminToken)}>
        <SessionDetail sessionId={servers.agentSession} />
      </AuditlaneProvider>,
    );
    await expect
      .element(screen.getByRole('heading', { name: 'Claude Code v2.1.0 on ops-shell' }))
      .toBeVisible();
    await expect.element(screen.getByText('live')).toBeVisible();
    const held = screen
      .getByRole('listitem')
      .filter({ hasText: 'terraform destroy -auto-approve' })
      .first();
    await expect.element(held).toHaveAttribute('data-verdict', 'pending');
    await held.getByRole('button', { name: 'Approve' }).click();
    // The recorder (another process's wait, here the test server's) learns the decision and
    // runs the command; its output arrives over the live tail.
    await expect.element(screen.getByText('approved by @rita').first()).toBeVisible();
    await expect.element(screen.getByText('Destroy complete!')).toBeVisible();

    await screen.getByRole('button', { name: 'Revoke' }).click();
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke this session?' });
    await expect.element(dialog).toBeVisible();
    await dialog.getByRole('textbox', { name: 'Reason (optional)' }).fill('test over');
    await dialog.getByRole('button', { name: 'Revoke session' }).click();
    await expect
      .element(
        screen.getByRole('heading', { name: /Claude Code/ }).element().parentElement as HTMLElement,
      )
      .toHaveTextContent('revoked');
  });
});

describe('SessionDetail with data given directly', () => {
  it('renders without a client and explains why downloads are unavailable', async () => {
    const client = as(servers.adminToken);
    const session = await client.sessions.get(servers.dbSession);
    const events = [];
    for await (const event of client.sessions.events.list(servers.dbSession)) events.push(event);
    const screen = await render(
      <SessionDetail session={session} activity={buildActivity(events)} />,
    );
    await expect.element(screen.getByTestId('summary')).toHaveTextContent('1 blocked');
    await expect
      .element(screen.getByRole('button', { name: 'Download logs' }))
      .toHaveAccessibleDescription('Downloads are not available here.');
    expect(screen.container.querySelector('.al-review')).toBeNull();
    expect(screen.getByRole('button', { name: 'Revoke' }).query()).toBeNull();
  });

  it('shows each action once with its last verdict however its events are listed (a page and the live stream overlap)', async () => {
    const client = as(servers.adminToken);
    const session = await client.sessions.get(servers.dbSession);
    const events = [];
    for await (const event of client.sessions.events.list(servers.dbSession)) events.push(event);
    const once = await render(<SessionDetail session={session} activity={buildActivity(events)} />);
    // The list is virtualised: its size is on each entry (every entry is there).
    const size = (root: HTMLElement) =>
      Number(root.querySelector('.al-timeline__item')?.getAttribute('aria-setsize'));
    const entries = size(once.container);
    expect(entries).toBeGreaterThan(3);
    await once.unmount();
    // Every event listed twice, the second time newest first.
    const twice = await render(
      <SessionDetail
        session={session}
        activity={buildActivity([...events, ...[...events].reverse()])}
      />,
    );
    expect(size(twice.container)).toBe(entries);
    await twice.getByRole('button', { name: 'Next blocked' }).click();
    const drop = twice.getByRole('listitem').filter({ hasText: 'DROP TABLE customers' });
    await expect.element(drop).toHaveAttribute('data-verdict', 'blocked');
    expect(drop.elements()).toHaveLength(1);
    await twice.unmount();
  });
});

/** A session whose data is all Cyrillic: Latin letters rendered with it come from the UI. */
const cyrillicSession = {
  id: 'сессия-1',
  org: 'орг',
  actor: { type: 'agent', id: 'агент', agent: { name: 'Агент' }, onBehalfOf: 'пётр@пример.рф' },
  resource: { name: 'база', type: 'database', engine: 'постгрес', environment: 'прод' },
  endpoint: '10.0.0.1',
  model: 'модель',
  credential: { kind: 'token', name: 'ключ' },
  mode: 'agent',
  reason: 'дежурство',
  status: 'active',
  startedAt: '2026-11-01T10:00:00.000Z',
  endedAt: null,
  durationMs: 65_000,
  closeReason: 'конец',
  droppedAt: null,
  recorded: false,
  counters: {
    commands: 2,
    queries: 1,
    blocked: 1,
    pending: 1,
    approved: 0,
    rejected: 0,
    maskedFields: 2,
    bytes: 0,
  },
  usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.5 },
  labels: {},
} as unknown as Session;

const at = (s: number) => new Date(Date.parse('2026-11-01T10:00:00.000Z') + s * 1000).toISOString();
const base = (seq: number) => ({ id: `с${seq}`, sessionId: 'сессия-1', seq, time: at(seq) });
const cyrillicEvents = [
  {
    ...base(1),
    type: 'command',
    text: 'лс',
    exitCode: 1,
    durationMs: 1500,
    output: 'ю'.repeat(5000),
    outputTruncated: true,
  },
  {
    ...base(2),
    type: 'query',
    sql: 'ВЫБРАТЬ имя',
    columns: [{ name: 'имя' }],
    rows: [['иван'], ['мария']],
    rowCount: 5,
    truncated: true,
    resultRef: 'рез',
    durationMs: 12,
  },
  { ...base(3), type: 'masking', subjectId: 'с2', count: 2, fields: ['почта'] },
  { ...base(4), type: 'query', sql: 'УДАЛИТЬ таблицу', rowCount: 1 },
  {
    ...base(5),
    type: 'policy',
    subjectId: 'с4',
    verdict: 'blocked',
    reason: 'опасно',
    rule: 'правило',
  },
  {
    ...base(6),
    type: 'tool_call',
    tool: 'Оболочка',
    input: { команда: 'лс' },
    output: 'готово',
    error: 'сбой',
  },
  {
    ...base(7),
    type: 'llm_call',
    model: 'модель',
    inputTokens: 1200,
    outputTokens: 30,
    costUsd: 0.01,
  },
  { ...base(8), type: 'file', operation: 'write', path: '/дом/файл' },
  { ...base(9), type: 'outbound', url: '//пример.рф/путь', status: 200 },
  { ...base(10), type: 'command', text: 'удалить всё' },
  {
    ...base(11),
    type: 'policy',
    subjectId: 'с10',
    verdict: 'pending',
    reviewId: 'обзор',
    reason: 'ждём',
  },
  { ...base(12), type: 'policy', subjectId: 'с13', verdict: 'approved', reviewer: 'рита' },
  { ...base(13), type: 'command', text: 'перезапуск' },
  { ...base(14), type: 'lifecycle', action: 'drop' },
  { ...base(15), type: 'lifecycle', action: 'end', exitCode: 0, reason: 'выход' },
] as unknown as StoredEvent[];

const cyrillicViewer: Viewer = {
  org: 'орг',
  token: { id: 'т', name: 'т' },
  permissions: ['revoke', 'review', 'download_recording'],
  downloadsEnabled: false,
};

describe('SessionDetail messages and icons', () => {
  it('shows only the messages it is given: no English left in text, labels or the dialog', async () => {
    const screen = await render(
      <AuditlaneProvider messages={pseudoMessages()}>
        <SessionDetail
          session={cyrillicSession}
          activity={buildActivity(cyrillicEvents)}
          viewer={cyrillicViewer}
          onRevoke={() => {}}
          onDecide={() => {}}
          onRerun={() => {}}
          onSelectEvent={() => {}}
          messages={{ sessionDetail: { revoke: 'Отозвать' } }}
        />
      </AuditlaneProvider>,
    );
    await expect
      .element(screen.getByRole('heading', { level: 2, name: /«sessionDetail\.title/ }))
      .toBeVisible();
    // Every kind of entry is there, and the review buttons.
    expect(screen.container.querySelector('.al-timeline__item')?.getAttribute('aria-setsize')).toBe(
      '11',
    );
    await expect
      .element(screen.getByRole('button', { name: '«sessionDetail.approve»' }))
      .toBeVisible();
    await screen.getByRole('button', { name: '«sessionDetail.showAllOutput»' }).click();
    expect(untranslated(document.body, ['Отозвать'])).toEqual([]);
    expect(document.body.textContent).not.toMatch(ICON_GLYPHS);
    // The response status follows an SVG arrow, not "→".
    const outbound = screen.container.querySelector('[data-kind="outbound"]') as HTMLElement;
    expect(outbound.querySelector('svg[aria-hidden="true"]')).not.toBeNull();
    // The component's own prop wins over the provider's messages; the dialog is translated too.
    await screen.getByRole('button', { name: 'Отозвать' }).click();
    await expect.element(screen.getByRole('alertdialog')).toBeVisible();
    expect(untranslated(document.body, ['Отозвать'])).toEqual([]);
    await userEvent.keyboard('{Escape}');
    expect(await axeViolations(screen.container)).toEqual([]);
  });
});

const RLO = '\u202e';
/** Recorded text with bidirectional controls: a command, a query, a file, a verdict's reason. */
const bidiEvents = [
  { ...base(1), type: 'command', text: `cat ${RLO}txt.exe`, output: `done ${RLO}olleh\r\n` },
  { ...base(2), type: 'query', sql: `SELECT 1 -- ${RLO}gnp.`, rowCount: 1 },
  { ...base(3), type: 'file', operation: 'read', path: `/srv/${RLO}fdp.sh` },
  {
    ...base(4),
    type: 'policy',
    subjectId: 'с1',
    verdict: 'blocked',
    rule: `rule\u2066x\u2069`,
    reason: `no ${RLO}thgir`,
  },
] as unknown as StoredEvent[];

describe('SessionDetail recorded text with bidirectional controls', () => {
  it('shows the controls as code points: nothing recorded reorders what the auditor reads', async () => {
    const screen = await render(
      <SessionDetail session={cyrillicSession} activity={buildActivity(bidiEvents)} />,
    );
    const list = screen.getByRole('list', { name: 'Activity' });
    await expect.element(list.getByText('cat <U+202E>txt.exe')).toBeVisible();
    await expect.element(list.getByText('SELECT 1 -- <U+202E>gnp.')).toBeVisible();
    await expect.element(list.getByText('/srv/<U+202E>fdp.sh')).toBeVisible();
    const text = list.element().textContent ?? '';
    expect(text).toContain('done <U+202E>olleh');
    expect(text).toContain('no <U+202E>thgir');
    expect(text).toContain('rule<U+2066>x<U+2069>');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});

/** A part of the host's own reading the Root's context, counting its renders. */
const probe = { renders: 0 };
const Probe = memo(function Probe() {
  useSessionDetailContext('Probe');
  probe.renders++;
  return null;
});

/** A host that renders again (its own state) around a Root given the same props. */
function RerenderingHost() {
  const [count, setCount] = useState(0);
  const activity = useMemo(() => buildActivity(cyrillicEvents), []);
  return (
    <>
      <button type="button" onClick={() => setCount((c) => c + 1)}>
        {`again ${count}`}
      </button>
      <SessionDetail.Root session={cyrillicSession} activity={activity}>
        <Probe />
      </SessionDetail.Root>
    </>
  );
}

describe('SessionDetail Root', () => {
  it('names each section by its own title: two details of one session have distinct title ids', async () => {
    const screen = await render(
      <>
        <SessionDetail session={cyrillicSession} activity={buildActivity(cyrillicEvents)} />
        <SessionDetail session={cyrillicSession} activity={buildActivity(cyrillicEvents)} />
      </>,
    );
    const titles = [...screen.container.querySelectorAll('h2')];
    expect(titles).toHaveLength(2);
    const ids = titles.map((t) => t.id);
    expect(new Set(ids).size).toBe(2);
    const sections = [...screen.container.querySelectorAll('section.al-session-detail')];
    expect(sections.map((s) => s.getAttribute('aria-labelledby'))).toEqual(ids);
  });

  it('refuses the events and reviews of 0.1.0 by name, in the component and the hook, instead of showing an empty log', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const old = [{ events: cyrillicEvents }, { reviews: [] }] as object[];
    for (const props of old) {
      const screen = await render(
        <Catch>
          <SessionDetail session={cyrillicSession} {...props} />
        </Catch>,
      );
      await expect
        .element(screen.getByRole('alert'))
        .toHaveTextContent(
          "SessionDetail takes the activity, not `events` or `reviews`: pass activity={buildActivity(events, reviews)} (import { buildActivity } from '@auditlane/react/session-detail'), memoised over the events",
        );
      await screen.unmount();
    }
    const hook = await render(
      <Catch>
        <HookWith options={{ session: cyrillicSession, events: cyrillicEvents }} />
      </Catch>,
    );
    await expect
      .element(hook.getByRole('alert'))
      .toHaveTextContent('useSessionDetail takes the activity, not `events` or `reviews`');
    spy.mockRestore();
  });

  it('refuses an array of entries as the activity by naming buildActivity, instead of failing on it', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const entries = buildActivity(cyrillicEvents).items as unknown as LocalActivity;
    const screen = await render(
      <Catch>
        <SessionDetail session={cyrillicSession} activity={entries} />
      </Catch>,
    );
    await expect
      .element(screen.getByRole('alert'))
      .toHaveTextContent(
        "SessionDetail takes the activity, not `events` or `reviews`: pass activity={buildActivity(events, reviews)} (import { buildActivity } from '@auditlane/react/session-detail'), memoised over the events",
      );
    spy.mockRestore();
  });

  it('shows the review a pending command waits on, from the reviews given beside the events', async () => {
    const review = { id: 'обзор', status: 'pending' } as unknown as Review;
    const items = buildActivity(cyrillicEvents, [review]);
    const held = items.items.find((i) => i.id === 'с10');
    expect(held?.pendingReviewId).toBe('обзор');
    expect(held?.review).toBe(review);
    expect(buildActivity(cyrillicEvents).items.find((i) => i.id === 'с10')?.review).toBeNull();
    const screen = await render(
      <SessionDetail
        session={cyrillicSession}
        activity={items}
        viewer={cyrillicViewer}
        onDecide={() => {}}
      />,
    );
    await expect.element(screen.getByRole('group', { name: 'Review' })).toBeVisible();
    expect(screen.container.querySelectorAll('.al-review')).toHaveLength(1);
  });

  it('reads the session again when the activity it follows ends: the header says ended, Revoke goes', async () => {
    const ids = createIdGenerator();
    const startedAt = Date.now();
    const sessionId = ids.sessionId(startedAt);
    let reads = 0;
    const client = createClient({
      baseUrl: servers.url,
      token: servers.scratchToken,
      retries: 0,
      fetch: (input, init) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
        if (path === `/v1/sessions/${sessionId}`) reads++;
        return fetch(input, init);
      },
    });
    const at = (ms: number) => new Date(startedAt + ms).toISOString();
    await client.ingest([
      {
        id: ids.eventId(),
        sessionId,
        seq: 0,
        time: at(0),
        type: 'lifecycle',
        action: 'start',
        session: {
          actor: { type: 'human', id: 'u_ends' },
          resource: { name: 'web-9', type: 'ssh', environment: 'staging' },
          mode: 'interactive',
        },
      },
      { id: ids.eventId(), sessionId, seq: 1, time: at(1), type: 'command', text: 'uptime' },
    ]);
    const screen = await render(
      <AuditlaneProvider
        client={client}
        viewer={{ ...cyrillicViewer, permissions: ['revoke'], downloadsEnabled: true }}
      >
        <SessionDetail sessionId={sessionId} />
      </AuditlaneProvider>,
    );
    const status = screen.container.querySelector.bind(screen.container);
    await expect.poll(() => status('header [data-status]')?.textContent).toBe('active');
    await expect.element(screen.getByRole('button', { name: 'Revoke' })).toBeVisible();
    // Following the active session (its window polling at the end) reads it once.
    await expect.poll(() => screen.container.querySelector('[data-live]')).not.toBeNull();
    expect(reads).toBe(1);
    await client.ingest([
      {
        id: ids.eventId(),
        sessionId,
        seq: 2,
        time: at(2),
        type: 'lifecycle',
        action: 'end',
        exitCode: 0,
      },
    ]);
    await expect
      .poll(() => status('header [data-status]')?.textContent, { timeout: 8000 })
      .toBe('ended');
    expect(screen.getByRole('button', { name: 'Revoke' }).query()).toBeNull();
    expect(reads).toBe(2);
  });

  it('asks the server for the viewer once', async () => {
    const asked: string[] = [];
    const client = createClient({
      baseUrl: servers.url,
      token: servers.adminToken,
      retries: 0,
      fetch: (input, init) => {
        asked.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
        return fetch(input, init);
      },
    });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByRole('button', { name: 'Download logs' })).toBeEnabled();
    expect(asked.filter((path) => path === '/v1/me')).toEqual(['/v1/me']);
  });

  it('keeps its context value when the host renders again with the same props', async () => {
    const screen = await render(<RerenderingHost />);
    await expect.element(screen.getByRole('button', { name: 'again 0' })).toBeVisible();
    const before = probe.renders;
    expect(before).toBeGreaterThan(0);
    await screen.getByRole('button', { name: 'again 0' }).click();
    await screen.getByRole('button', { name: 'again 1' }).click();
    await expect.element(screen.getByRole('button', { name: 'again 2' })).toBeVisible();
    expect(probe.renders).toBe(before);
  });
});
