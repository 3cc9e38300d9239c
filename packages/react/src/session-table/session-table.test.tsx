import { createClient, type Session } from '@auditlane/client';
import { describe, expect, inject, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../test/axe';
import { AuditlaneProvider } from '../provider';
import { SessionTable } from './session-table';

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
    const screen = await render(<SessionTable sessions={data} height={500} />);
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
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('shows the empty, loading and error states', async () => {
    const empty = await render(<SessionTable sessions={[]} emptyMessage="Nothing yet" />);
    await expect.element(empty.getByText('Nothing yet')).toBeVisible();
    empty.unmount();
    const loading = await render(<SessionTable sessions={[]} loading />);
    await expect.element(loading.getByText('Loading sessions…')).toBeVisible();
    loading.unmount();
    const failed = await render(<SessionTable sessions={[]} error={new Error('boom')} />);
    await expect
      .element(failed.getByRole('alert'))
      .toHaveTextContent('Could not load sessions: boom');
    expect(failed.container.querySelector('[data-state="error"]')).not.toBeNull();
  });
});
