import '../styles.css';
import { createClient, type Session } from '@auditlane/client';
import { createRef, memo, useSyncExternalStore } from 'react';
import { describe, expect, inject, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../test/axe';
import { Catch } from '../../test/catch';
import { ICON_GLYPHS, pseudoMessages, untranslated } from '../../test/messages';
import { AuditlaneProvider } from '../provider';
import { rowSelectionFeature, sortedRowModel } from '.';
import { SessionTable } from './session-table';
import type { SessionTableRow } from './session-table.parts';
import type {
  SessionTableProps,
  SortingState,
  UseSessionTableOptions,
} from './session-table.types';
import { useSessionTable } from './use-session-table';

const servers = inject('servers');
const client = () => createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });

function rows(container: Element) {
  return [...container.querySelectorAll('tbody tr[data-index]')];
}

function fakeSessions(n: number): Session[] {
  const start = Date.parse('2026-11-01T00:00:00Z');
  return Array.from({ length: n }, (_, i) => ({
    id: `sess_01JD5Z8Q7Y3M4N5P6Q7R8S${String(i).padStart(4, '0')}`.slice(0, 31),
    org: 'acme',
    actor: { type: 'human', id: `u${i % 13}`, email: `user${i % 13}@example.com` },
    resource: {
      name: `db-${i % 7}`,
      type: 'database',
      environment: i % 3 ? 'staging' : 'production',
    },
    endpoint: null,
    model: null,
    credential: null,
    mode: 'interactive',
    reason: null,
    status: i % 10 ? 'ended' : 'active',
    startedAt: new Date(start + ((i * 7919) % n) * 60_000).toISOString(),
    endedAt: null,
    durationMs: (i * 31) % 5000,
    closeReason: null,
    droppedAt: null,
    recorded: false,
    counters: {
      commands: 1,
      queries: 0,
      blocked: 0,
      pending: 0,
      approved: 0,
      rejected: 0,
      maskedFields: 0,
      bytes: 0,
    },
    usage: { inputTokens: 0, outputTokens: 0, costUsd: (i % 17) / 10 },
    labels: {},
    significance: { score: (i * 37) % 100, reasons: [] },
  }));
}

describe('SessionTable on the reference server', () => {
  it('lists the recorded sessions, counts them, and has no accessibility violations', async () => {
    const screen = await render(
      <AuditlaneProvider client={client()}>
        <SessionTable params={{}} pageSize={50} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText(`${servers.bulkSessions + 4} sessions`)).toBeVisible();
    await expect.element(screen.getByText(/^user\d@example\.com$/).first()).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Sessions' });
    await expect.element(table).toHaveAttribute('aria-rowcount', String(servers.bulkSessions + 5));
    // Virtualised: far fewer rows in the DOM than sessions loaded.
    expect(rows(screen.container).length).toBeLessThan(50);
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('loads further pages while scrolling (infinite scroll)', async () => {
    const screen = await render(
      <AuditlaneProvider client={client()}>
        <SessionTable params={{}} pageSize={50} height={400} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText(/^user\d@example\.com$/).first()).toBeInTheDocument();
    const scroller = screen.container.querySelector('.al-session-table__scroll') as HTMLElement;
    await vi.waitFor(
      () => {
        scroller.scrollTop = scroller.scrollHeight;
        const last = Math.max(
          ...rows(screen.container).map((r) => Number(r.getAttribute('data-index'))),
        );
        expect(last).toBe(servers.bulkSessions + 3);
      },
      { timeout: 15_000, interval: 100 },
    );
  });

  it('ranks by significance on the server: the blocked and held sessions come first', async () => {
    const onSortingChange = vi.fn();
    const screen = await render(
      <AuditlaneProvider client={client()}>
        <SessionTable params={{}} onSortingChange={onSortingChange} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText(/^user\d@example\.com$/).first()).toBeInTheDocument();
    await screen.getByRole('radio', { name: 'Most significant' }).click();
    expect(onSortingChange).toHaveBeenLastCalledWith([{ id: 'significance', desc: true }]);
    await vi.waitFor(() => {
      const scores = rows(screen.container)
        .slice(0, 10)
        .map((r) => Number(r.querySelector('meter')?.getAttribute('value') ?? -1));
      expect(scores.length).toBe(10);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores[0]).toBeGreaterThan(scores[9] as number);
    });
    const header = screen.getByRole('columnheader', { name: /Significance/ });
    await expect.element(header).toHaveAttribute('aria-sort', 'descending');
  });

  it('moves between rows with the keyboard and opens one with Enter', async () => {
    const onRowClick = vi.fn();
    const screen = await render(
      <AuditlaneProvider client={client()}>
        <SessionTable params={{}} onRowClick={onRowClick} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText(/^user\d@example\.com$/).first()).toBeInTheDocument();
    const [first, second] = rows(screen.container) as HTMLElement[];
    first?.focus();
    await userEvent.keyboard('{ArrowDown}');
    await vi.waitFor(() => expect(document.activeElement).toBe(second));
    await userEvent.keyboard('{Enter}');
    expect(onRowClick).toHaveBeenCalledTimes(1);
    expect(onRowClick.mock.calls[0]?.[0].id).toBe(
      second?.querySelector('code')?.getAttribute('title'),
    );
  });
});

describe('SessionTable with data given directly', () => {
  it('renders thousands of sessions virtualised and sorts them in the browser', async () => {
    const data = fakeSessions(5000);
    const screen = await render(
      <SessionTable sessions={data} features={{ sortedRowModel }} height={500} />,
    );
    await expect.element(screen.getByText('5,000 sessions')).toBeVisible();
    expect(rows(screen.container).length).toBeLessThan(60);
    await screen.getByRole('button', { name: /Cost/ }).click();
    const header = screen.getByRole('columnheader', { name: /Cost/ });
    await expect.element(header).toHaveAttribute('aria-sort', 'descending');
    const costs = rows(screen.container)
      .slice(0, 5)
      .map((r) => r.querySelector('.al-col-cost')?.textContent);
    expect(costs).toEqual(['$1.60', '$1.60', '$1.60', '$1.60', '$1.60']);
    await screen.getByRole('button', { name: /Cost/ }).click();
    await expect.element(header).toHaveAttribute('aria-sort', 'ascending');
  });

  it('hides columns from the Columns menu and selects rows (controlled callbacks)', async () => {
    const onRowSelectionChange = vi.fn();
    const onColumnVisibilityChange = vi.fn();
    const data = fakeSessions(20);
    const screen = await render(
      <SessionTable
        sessions={data}
        features={{ rowSelectionFeature, sortedRowModel }}
        enableRowSelection
        onRowSelectionChange={onRowSelectionChange}
        onColumnVisibilityChange={onColumnVisibilityChange}
      />,
    );
    await screen.getByRole('button', { name: 'Columns' }).click();
    await screen.getByRole('menuitemcheckbox', { name: 'Cost' }).click();
    expect(onColumnVisibilityChange).toHaveBeenLastCalledWith({ cost: false });
    await userEvent.keyboard('{Escape}');
    expect(screen.container.querySelector('th.al-col-cost')).toBeNull();
    const id = data[0]?.id as string;
    await screen.getByRole('checkbox', { name: `Select session ${id}` }).click();
    expect(onRowSelectionChange).toHaveBeenLastCalledWith({ [id]: true });
    // Uncontrolled: the row shows its selection, the header checkbox is half checked.
    const row = screen.container.querySelector(`tr[aria-selected="true"]`);
    expect(row?.getAttribute('data-state')).toBe('selected');
    const all = screen.getByRole('checkbox', { name: 'Select all loaded sessions' });
    expect((all.element() as HTMLInputElement).indeterminate).toBe(true);
    await all.click();
    expect(Object.keys(onRowSelectionChange.mock.lastCall?.[0] ?? {})).toHaveLength(20);
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('shows a controlled selection, and changes it only through onRowSelectionChange', async () => {
    const data = fakeSessions(5);
    const [first, second] = data.map((s) => s.id) as [string, string];
    const onRowSelectionChange = vi.fn();
    const screen = await render(
      <SessionTable
        sessions={data}
        features={{ rowSelectionFeature, sortedRowModel }}
        enableRowSelection
        rowSelection={{ [first]: true }}
        onRowSelectionChange={onRowSelectionChange}
      />,
    );
    const box = (id: string) => screen.getByRole('checkbox', { name: `Select session ${id}` });
    await expect.element(box(first)).toBeChecked();
    await box(second).click();
    expect(onRowSelectionChange).toHaveBeenLastCalledWith({ [first]: true, [second]: true });
    // Controlled: the host did not pass the new selection on, so it is unchanged.
    await expect.element(box(second)).not.toBeChecked();
    expect(screen.container.querySelectorAll('tr[aria-selected="true"]')).toHaveLength(1);
  });

  it('shows a controlled selection with the checkboxes off, and changes it through onRowSelectionChange', async () => {
    // A selection made elsewhere (the feature registered, enableRowSelection off): the rows show
    // it, the user cannot change it, the table's selection methods still go through the host.
    const data = fakeSessions(5);
    const [first, second] = data.map((s) => s.id) as [string, string];
    const onRowSelectionChange = vi.fn();
    const screen = await render(
      <SessionTable
        sessions={data}
        features={{ rowSelectionFeature, sortedRowModel }}
        rowSelection={{ [first]: true }}
        onRowSelectionChange={onRowSelectionChange}
      />,
    );
    await expect.element(screen.getByText('5 sessions')).toBeVisible();
    const selected = screen.container.querySelectorAll('tr[data-state="selected"]');
    expect([...selected].map((r) => r.querySelector('code')?.getAttribute('title'))).toEqual([
      first,
    ]);
    expect(screen.container.querySelector('input[type="checkbox"]')).toBeNull();
    expect(screen.container.querySelector('tr[aria-selected]')).toBeNull();
    await screen.unmount();

    const hook = await render(
      <HostSelection
        sessions={data}
        rowSelection={{ [first]: true }}
        onRowSelectionChange={onRowSelectionChange}
      />,
    );
    await expect.element(hook.getByTestId('selected')).toHaveTextContent(first);
    expect(hook.getByTestId('can-select').element().textContent).toBe('false');
    await hook.getByRole('button', { name: 'select second' }).click();
    expect(onRowSelectionChange).toHaveBeenLastCalledWith({ [second]: true });
  });

  it('has no selection without the row selection feature, and says what to pass when asked for it', async () => {
    const data = fakeSessions(5);
    const plain = await render(<SessionTable sessions={data} features={{ sortedRowModel }} />);
    await expect.element(plain.getByText('5 sessions')).toBeVisible();
    expect(plain.container.querySelector('input[type="checkbox"]')).toBeNull();
    expect(plain.container.querySelector('tr[aria-selected]')).toBeNull();
    await plain.unmount();

    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const asked: SessionTableProps[] = [
      { enableRowSelection: true },
      { rowSelection: {} },
      { defaultRowSelection: { [data[0]?.id as string]: true } },
      { onRowSelectionChange: () => {} },
    ];
    for (const props of asked) {
      const name = Object.keys(props)[0];
      const screen = await render(
        <Catch>
          <SessionTable sessions={data} features={{ sortedRowModel }} {...props} />
        </Catch>,
      );
      await expect
        .element(screen.getByRole('alert'))
        .toHaveTextContent(
          `SessionTable: \`${name}\` needs features={{ rowSelectionFeature }} (import { rowSelectionFeature } from '@auditlane/react/session-table')`,
        );
      await screen.unmount();
    }
    // The headless hook, the same, named as the hook is called.
    const hook = await render(
      <Catch>
        <HeadlessSelection sessions={data} />
      </Catch>,
    );
    await expect
      .element(hook.getByRole('alert'))
      .toHaveTextContent(
        "useSessionTable: `enableRowSelection` needs features: { rowSelectionFeature } (import { rowSelectionFeature } from '@auditlane/react/session-table')",
      );
    spy.mockRestore();
  });

  it('registers its features once: a change of `features` throws, naming the way to change them', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const data = fakeSessions(3);
    const screen = await render(
      <Catch>
        <SessionTable sessions={data} features={{ rowSelectionFeature, sortedRowModel }} />
      </Catch>,
    );
    await expect.element(screen.getByText('3 sessions')).toBeVisible();
    // A new object with the same feature is no change.
    await screen.rerender(
      <Catch>
        <SessionTable
          sessions={data}
          features={{ rowSelectionFeature, sortedRowModel }}
          enableRowSelection
        />
      </Catch>,
    );
    await expect
      .element(screen.getByRole('checkbox', { name: 'Select all loaded sessions' }))
      .toBeVisible();
    await screen.rerender(
      <Catch>
        <SessionTable sessions={data} features={{ sortedRowModel }} />
      </Catch>,
    );
    await expect
      .element(screen.getByRole('alert'))
      .toHaveTextContent(
        'SessionTable: `features` changed after the first render: a table registers them once (a new `key` makes a new table)',
      );
    spy.mockRestore();
  });

  it('sorts new sessions given under the same sorting: the in-order shortcut is per data, not per sorting', async () => {
    const newestFirst = [...fakeSessions(12)].sort((a, b) =>
      b.startedAt.localeCompare(a.startedAt),
    );
    const ids = (container: Element) =>
      rows(container).map((r) => r.querySelector('code')?.getAttribute('title'));
    const screen = await render(
      <SessionTable sessions={newestFirst} features={{ sortedRowModel }} />,
    );
    await expect.element(screen.getByText('12 sessions')).toBeVisible();
    expect(ids(screen.container)).toEqual(newestFirst.map((s) => s.id));
    // The same sessions shuffled: sorted again, newest first.
    const shuffled = [...newestFirst].reverse();
    await screen.rerender(<SessionTable sessions={shuffled} features={{ sortedRowModel }} />);
    await expect.poll(() => ids(screen.container)).toEqual(newestFirst.map((s) => s.id));
  });

  it('is sorted by the host or by the browser: with neither, it throws an error naming both', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const data = fakeSessions(5);
    const neither =
      "SessionTable: sessions given directly need a sort: `manualSorting` (the host sorts them, `onSortingChange` asks it to) or features={{ sortedRowModel }} (the browser sorts them; import { sortedRowModel } from '@auditlane/react/session-table')";
    const screen = await render(
      <Catch>
        <SessionTable sessions={data} />
      </Catch>,
    );
    await expect.element(screen.getByRole('alert')).toHaveTextContent(neither);
    await screen.unmount();
    const hook = await render(
      <Catch>
        <TableApi sessions={data} features={{}} />
      </Catch>,
    );
    await expect
      .element(hook.getByRole('alert'))
      .toHaveTextContent(
        "useSessionTable: sessions given directly need a sort: `manualSorting: true` (the host sorts them, `onSortingChange` asks it to) or features: { sortedRowModel } (the browser sorts them; import { sortedRowModel } from '@auditlane/react/session-table')",
      );
    await hook.unmount();
    // `manualSorting` alone: the host would never hear of a header's sort.
    const unheard = await render(
      <Catch>
        <SessionTable sessions={data} manualSorting />
      </Catch>,
    );
    await expect
      .element(unheard.getByRole('alert'))
      .toHaveTextContent(
        'SessionTable: with `manualSorting` the host sorts the sessions it gives: pass `onSortingChange` (or `sorting`) to hear which sorting is asked for',
      );
    await unheard.unmount();
    spy.mockRestore();

    // The host sorts: the rows stay in its order, a sortable header asks it for a ranking.
    const onSortingChange = vi.fn();
    const byHost = [...data].reverse();
    const hosted = await render(
      <SessionTable sessions={byHost} manualSorting onSortingChange={onSortingChange} />,
    );
    await expect.element(hosted.getByText('5 sessions')).toBeVisible();
    const ids = () =>
      rows(hosted.container).map((r) => r.querySelector('code')?.getAttribute('title'));
    expect(ids()).toEqual(byHost.map((s) => s.id));
    await hosted.getByRole('button', { name: /Significance/ }).click();
    expect(onSortingChange).toHaveBeenLastCalledWith([{ id: 'significance', desc: true }]);
    expect(ids()).toEqual(byHost.map((s) => s.id));
    // Only the rankings a host is asked for are sortable.
    expect(hosted.container.querySelector('th.al-col-cost button')).toBeNull();
  });

  it('shows the empty, loading and error states', async () => {
    const empty = await render(
      <SessionTable
        sessions={[]}
        features={{ sortedRowModel }}
        messages={{ sessionTable: { empty: 'Nothing yet' } }}
      />,
    );
    await expect.element(empty.getByText('Nothing yet')).toBeVisible();
    await empty.unmount();
    const loading = await render(
      <SessionTable sessions={[]} features={{ sortedRowModel }} loading />,
    );
    await expect.element(loading.getByText('Loading sessions…')).toBeVisible();
    await loading.unmount();
    const failed = await render(
      <SessionTable sessions={[]} features={{ sortedRowModel }} error={new Error('boom')} />,
    );
    await expect
      .element(failed.getByRole('alert'))
      .toHaveTextContent('Could not load sessions: boom');
    expect(failed.container.querySelector('[data-state="error"]')).not.toBeNull();
  });
});

/** Sessions whose data is all Cyrillic: Latin letters rendered with them come from the UI. */
function cyrillicSessions(n: number): Session[] {
  return fakeSessions(n).map((s, i) => ({
    ...s,
    id: `сессия-${String(i).padStart(4, '0')}`,
    actor: { type: i % 2 ? 'agent' : 'human', id: `п${i}`, email: `пётр${i}@пример.рф` },
    resource: { name: `база-${i}`, type: 'database', engine: 'постгрес', environment: 'прод' },
    status: i === 0 ? 'active' : 'ended',
    durationMs: i === 0 ? null : s.durationMs,
  }));
}

/** A host's own selection over a table without checkboxes (the headless hook). */
function HostSelection(props: UseSessionTableOptions) {
  const { table, rows } = useSessionTable({
    ...props,
    manualSorting: true,
    features: { rowSelectionFeature },
  });
  return (
    <>
      <output data-testid="selected">
        {table
          .getSelectedRowModel()
          .rows.map((row) => row.id)
          .join(',')}
      </output>
      <output data-testid="can-select">{String(rows[0]?.getCanSelect())}</output>
      <button type="button" onClick={() => table.setRowSelection({ [rows[1]?.id ?? '']: true })}>
        select second
      </button>
    </>
  );
}

function HeadlessSelection({ sessions }: { sessions: Session[] }) {
  useSessionTable({ sessions, enableRowSelection: true, features: { sortedRowModel } });
  return null;
}

describe('SessionTable messages and icons', () => {
  it('shows only the messages it is given: no English left in text or labels', async () => {
    const messages = pseudoMessages();
    const data = cyrillicSessions(30);
    const screen = await render(
      <AuditlaneProvider messages={messages}>
        <SessionTable
          sessions={data}
          features={{ rowSelectionFeature, sortedRowModel }}
          enableRowSelection
          onRowClick={() => {}}
          activeSessionId={data[1]?.id}
        />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('«sessionTable.count(30,false)»')).toBeVisible();
    // The copy button's other names (copied, or refused), and the Columns menu (a portal).
    await screen
      .getByRole('button', { name: /^«sessionTable\.copyId\(сессия-\d+\)»$/ })
      .first()
      .click();
    await expect
      .element(screen.getByRole('button', { name: /«sessionTable\.(copiedId|copyFailed)»/ }))
      .toBeInTheDocument();
    await screen.getByRole('button', { name: '«sessionTable.columnsMenu»' }).click();
    await expect
      .element(screen.getByRole('menuitemcheckbox', { name: '«sessionTable.column.cost»' }))
      .toBeVisible();
    expect(untranslated(document.body)).toEqual([]);
    await userEvent.keyboard('{Escape}');

    const states = [
      { sessions: [], loading: true },
      { sessions: [], error: new Error('ошибка') },
      { sessions: [] },
      { sessions: data, loadingMore: true, hasMore: true },
    ];
    for (const state of states) {
      const other = await render(
        <AuditlaneProvider messages={messages}>
          <SessionTable {...state} features={{ sortedRowModel }} onReload={() => {}} />
        </AuditlaneProvider>,
      );
      await expect.element(other.getByRole(state.error ? 'alert' : 'status')).toBeVisible();
      expect(untranslated(other.container, ['ошибка'])).toEqual([]);
      await other.unmount();
    }
  });

  it("takes messages from its own prop over the provider's", async () => {
    const screen = await render(
      <AuditlaneProvider messages={{ sessionTable: { empty: 'Пусто' } }}>
        <SessionTable
          sessions={[]}
          features={{ sortedRowModel }}
          messages={{
            sessionTable: { columnsMenu: 'Столбцы' },
            common: { status: { ended: 'х' } },
          }}
        />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('Пусто')).toBeVisible();
    await expect.element(screen.getByRole('button', { name: 'Столбцы' })).toBeVisible();
    // The rest stays English.
    await expect.element(screen.getByRole('radio', { name: 'Newest' })).toBeVisible();
  });

  it('draws its icons as SVG, never as text glyphs', async () => {
    const data = fakeSessions(20);
    const screen = await render(<SessionTable sessions={data} features={{ sortedRowModel }} />);
    await screen.getByRole('button', { name: 'Columns' }).click();
    await expect.element(screen.getByRole('menuitemcheckbox', { name: 'Cost' })).toBeVisible();
    expect(document.body.textContent).not.toMatch(ICON_GLYPHS);
    const copy = screen.getByRole('button', { name: `Copy session id ${data[0]?.id}` }).element();
    expect(copy.textContent).toBe('');
    expect(copy.querySelector('svg[aria-hidden="true"]')).not.toBeNull();
    // Sort direction and the menu's check marks are SVG too.
    expect(screen.container.querySelectorAll('th .al-table__sort svg').length).toBeGreaterThan(3);
    expect(document.querySelector('.al-menu__indicator svg')).not.toBeNull();
    await userEvent.keyboard('{Escape}');
  });
});

function HeadlessCount({ sessions }: { sessions: Session[] }) {
  const table = useSessionTable({
    sessions,
    features: { sortedRowModel },
    defaultSorting: [{ id: 'cost', desc: true }],
  });
  return (
    <output data-testid="headless">
      {table.rows.length}:{table.rows[0]?.original.usage.costUsd}:{table.status}
    </output>
  );
}

/** Reads one state of the table through its own subscription (memoised: props never change). */
const SortingProbe = memo(function SortingProbe({
  atom,
}: {
  atom: {
    get: () => SortingState;
    subscribe: (listener: () => void) => { unsubscribe: () => void };
  };
}) {
  const sorting = useSyncExternalStore(
    (onChange) => atom.subscribe(onChange).unsubscribe,
    atom.get,
  );
  return <output data-testid="probe">{sorting.map((s) => `${s.id}:${s.desc}`).join()}</output>;
});

/** The hook's table, changed through its own API (buttons), and what it renders. */
function TableApi(props: UseSessionTableOptions) {
  const { table, rows } = useSessionTable({ features: { sortedRowModel }, ...props });
  return (
    <>
      <button type="button" onClick={() => table.setSorting([{ id: 'cost', desc: true }])}>
        by cost
      </button>
      <button type="button" onClick={() => table.getColumn('cost')?.toggleVisibility(false)}>
        hide cost
      </button>
      <output data-testid="rows">
        {rows
          .slice(0, 3)
          .map((r) => r.original.usage.costUsd)
          .join()}
      </output>
      <output data-testid="columns">
        {table
          .getVisibleLeafColumns()
          .map((c) => c.id)
          .join()}
      </output>
      <output data-testid="state">{table.state.sorting.map((s) => s.id).join()}</output>
      <SortingProbe atom={table.atoms.sorting} />
    </>
  );
}

describe("SessionTable's binding to TanStack Table's core", () => {
  it('renders what changes through the table API, and keeps the state a host controls', async () => {
    const data = fakeSessions(30);
    const screen = await render(<TableApi sessions={data} />);
    await expect.element(screen.getByTestId('probe')).toHaveTextContent('startedAt:true');
    await screen.getByRole('button', { name: 'by cost' }).click();
    await expect.element(screen.getByTestId('rows')).toHaveTextContent('1.6,1.5,1.4');
    await expect.element(screen.getByTestId('state')).toHaveTextContent(/^cost$/);
    // A component subscribed to the table's own atom (not rendered by the change) sees it: the
    // state the table rendered with is published to its atoms once committed.
    await expect.element(screen.getByTestId('probe')).toHaveTextContent('cost:true');
    await screen.getByRole('button', { name: 'hide cost' }).click();
    await expect.element(screen.getByTestId('columns')).not.toHaveTextContent('cost');
    expect(screen.getByTestId('columns').element().textContent).toContain('significance');
    await screen.unmount();

    // Controlled: the table asks the host, and shows the host's state until it changes.
    const onSortingChange = vi.fn();
    const onColumnVisibilityChange = vi.fn();
    const controlled = await render(
      <TableApi
        sessions={data}
        sorting={[{ id: 'cost', desc: false }]}
        onSortingChange={onSortingChange}
        columnVisibility={{}}
        onColumnVisibilityChange={onColumnVisibilityChange}
      />,
    );
    await expect.element(controlled.getByTestId('rows')).toHaveTextContent('0,0');
    await controlled.getByRole('button', { name: 'by cost' }).click();
    expect(onSortingChange).toHaveBeenLastCalledWith([{ id: 'cost', desc: true }]);
    await controlled.getByRole('button', { name: 'hide cost' }).click();
    expect(onColumnVisibilityChange).toHaveBeenLastCalledWith({ cost: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(controlled.getByTestId('rows').element().textContent).toMatch(/^0,0/);
    expect(controlled.getByTestId('probe').element().textContent).toBe('cost:false');
    expect(controlled.getByTestId('columns').element().textContent).toContain('cost');
    // The host passes the new state on: the table shows it, and its atom subscribers see it.
    await controlled.rerender(
      <TableApi
        sessions={data}
        sorting={[{ id: 'cost', desc: true }]}
        onSortingChange={onSortingChange}
      />,
    );
    await expect.element(controlled.getByTestId('rows')).toHaveTextContent('1.6,1.5,1.4');
    await expect.element(controlled.getByTestId('probe')).toHaveTextContent('cost:true');
  });
});

describe('SessionTable parts', () => {
  it('useSessionTable sorts what it is given and never fetches, even inside a provider', async () => {
    const fetched: string[] = [];
    const counting = createClient({
      baseUrl: servers.url,
      token: servers.adminToken,
      retries: 0,
      fetch: (input, init) => {
        fetched.push(String(input));
        return fetch(input, init);
      },
    });
    const screen = await render(
      <AuditlaneProvider client={counting} viewer={null}>
        <HeadlessCount sessions={fakeSessions(50)} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByTestId('headless')).toHaveTextContent('50:1.6:success');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fetched).toEqual([]);
  });

  it("composes: the host's own row elements (asChild), refs forwarded, vetoable clicks", async () => {
    const data = fakeSessions(40);
    const onRowClick = vi.fn();
    const rootRef = createRef<HTMLDivElement>();
    const tableRef = createRef<HTMLTableElement>();
    const screen = await render(
      <SessionTable.Root
        ref={rootRef}
        sessions={data}
        features={{ sortedRowModel }}
        onRowClick={onRowClick}
        height={300}
      >
        <SessionTable.Toolbar asChild>
          <nav aria-label="Таблица">
            <SessionTable.Count />
          </nav>
        </SessionTable.Toolbar>
        <SessionTable.Viewport>
          <SessionTable.Table ref={tableRef} aria-label="Мои сеансы">
            <SessionTable.Header />
            <SessionTable.Body>
              {(row, index) => (
                <SessionTable.Row
                  row={row}
                  index={index}
                  asChild
                  onClick={(event) => {
                    if (index === 1) event.preventDefault();
                  }}
                >
                  <tr className="host-row">
                    {row.getVisibleCells().map((cell) => (
                      <SessionTable.Cell key={cell.id} cell={cell} />
                    ))}
                  </tr>
                </SessionTable.Row>
              )}
            </SessionTable.Body>
          </SessionTable.Table>
        </SessionTable.Viewport>
      </SessionTable.Root>,
    );
    await expect.element(screen.getByText('40 sessions')).toBeVisible();
    expect(rootRef.current?.classList.contains('al-session-table')).toBe(true);
    expect(tableRef.current?.getAttribute('aria-label')).toBe('Мои сеансы');
    expect(screen.container.querySelector('nav.al-session-table__toolbar')).not.toBeNull();
    const hostRows = [...screen.container.querySelectorAll<HTMLElement>('tr.host-row')];
    expect(hostRows.length).toBeGreaterThan(3);
    expect(hostRows.length).toBeLessThan(40);
    expect(hostRows[0]?.getAttribute('data-index')).toBe('0');
    expect(hostRows[0]?.classList.contains('al-table__row')).toBe(true);
    hostRows[0]?.querySelector<HTMLElement>('.al-col-actor')?.click();
    expect(onRowClick).toHaveBeenCalledTimes(1);
    // The host's handler ran first and called preventDefault(): the row does not open.
    hostRows[1]?.querySelector<HTMLElement>('.al-col-actor')?.click();
    expect(onRowClick).toHaveBeenCalledTimes(1);
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('renders a row once while it stays in view: scrolling renders only the rows that enter', async () => {
    // Each render of a row reads its visible cells once: counted per row.
    const renders = new Map<string, number>();
    const counted = new WeakSet<object>();
    const count = (row: SessionTableRow) => {
      if (counted.has(row)) return row;
      counted.add(row);
      const read = row.getVisibleCells.bind(row);
      row.getVisibleCells = () => {
        renders.set(row.id, (renders.get(row.id) ?? 0) + 1);
        return read();
      };
      return row;
    };
    const screen = await render(
      <SessionTable.Root sessions={fakeSessions(2000)} features={{ sortedRowModel }} height={440}>
        <SessionTable.Toolbar />
        <SessionTable.Viewport>
          <SessionTable.Table>
            <SessionTable.Header />
            <SessionTable.Body>
              {(row, index) => <SessionTable.Row row={count(row)} index={index} />}
            </SessionTable.Body>
          </SessionTable.Table>
        </SessionTable.Viewport>
      </SessionTable.Root>,
    );
    await expect.element(screen.getByText('2,000 sessions')).toBeVisible();
    const scroller = screen.container.querySelector('.al-session-table__scroll') as HTMLElement;
    for (let step = 1; step <= 10; step++) {
      scroller.scrollTop = step * 110;
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    }
    // The rows at the top left the DOM: the table scrolled by about 25 rows.
    await vi.waitFor(() =>
      expect(Number(rows(screen.container)[0]?.getAttribute('data-index'))).toBeGreaterThan(5),
    );
    expect(renders.size).toBeGreaterThan(40);
    expect([...renders.values()].filter((n) => n > 1)).toEqual([]);
  });
  it('clips only the free-text cells, never an icon (with the default styles)', async () => {
    // A clip is a paint property of its own: rows entering on every scrolled frame pay for each.
    const screen = await render(
      <SessionTable sessions={fakeSessions(20)} features={{ sortedRowModel }} />,
    );
    await expect.element(screen.getByText('20 sessions')).toBeVisible();
    const row = rows(screen.container)[0] as HTMLElement;
    const clipped = [...row.querySelectorAll<Element>('*')]
      .filter((el) => getComputedStyle(el).overflow !== 'visible')
      .map((el) => el.getAttribute('class') ?? el.tagName);
    expect(clipped).toEqual([
      'al-table__cell al-col-actor',
      'al-table__cell al-col-resource',
      'al-table__cell al-col-environment',
    ]);
    const actor = row.querySelector('.al-col-actor') as HTMLElement;
    expect(getComputedStyle(actor).textOverflow).toBe('ellipsis');
  });

  it('keeps every cell within its column at larger text sizes (16px, 18px: WCAG 1.4.4)', async () => {
    const sessions = fakeSessions(20).map((s, i) =>
      // The widest values: a long status, a date with a two-digit day and hour.
      i === 0
        ? { ...s, status: 'pending_review' as const, startedAt: '2026-11-28T23:59:59.000Z' }
        : s,
    );
    for (const size of ['16px', '18px']) {
      const screen = await render(
        <div style={{ ['--al-font-size' as string]: size }}>
          <SessionTable sessions={sessions} features={{ sortedRowModel }} />
        </div>,
      );
      await expect.element(screen.getByText('20 sessions')).toBeVisible();
      for (const row of rows(screen.container).slice(0, 5)) {
        for (const cell of row.querySelectorAll<HTMLElement>('td')) {
          if (getComputedStyle(cell).overflow !== 'visible') continue;
          // What the cell paints, against its own box: nothing reaches into the next cell.
          const range = document.createRange();
          range.selectNodeContents(cell);
          const content = range.getBoundingClientRect();
          const box = cell.getBoundingClientRect();
          const name = `${cell.className} at ${size}`;
          if (content.width === 0) continue;
          expect(content.right, name).toBeLessThanOrEqual(box.right + 0.5);
          expect(content.left, name).toBeGreaterThanOrEqual(box.left - 0.5);
        }
      }
      await screen.unmount();
    }
  });
  it('throws an error naming the part and its Root when a part is used outside it', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const outside = await render(
      <Catch>
        <SessionTable.Toolbar />
      </Catch>,
    );
    await expect
      .element(outside.getByRole('alert'))
      .toHaveTextContent('SessionTable.Toolbar must be used within SessionTable.Root');
    await outside.unmount();
    const row = await render(
      <Catch>
        <table>
          <tbody>
            <SessionTable.Row row={{} as never} index={0} />
          </tbody>
        </table>
      </Catch>,
    );
    await expect
      .element(row.getByRole('alert'))
      .toHaveTextContent('SessionTable.Row must be used within SessionTable.Root');
    await row.unmount();
    const noBody = await render(
      <Catch>
        <SessionTable.Root sessions={[]} features={{ sortedRowModel }}>
          <table>
            <tbody>
              <SessionTable.Row row={{} as never} index={0} />
            </tbody>
          </table>
        </SessionTable.Root>
      </Catch>,
    );
    await expect
      .element(noBody.getByRole('alert'))
      .toHaveTextContent('SessionTable.Row must be used within SessionTable.Body');
    spy.mockRestore();
  });
});
