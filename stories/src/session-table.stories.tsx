import { AuditlaneProvider } from '@auditlane/react';
import {
  rowSelectionFeature,
  SessionTable,
  type SortingState,
  sortedRowModel,
} from '@auditlane/react/session-table';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useMemo, useState } from 'react';
import { storyClient } from './client';
import { makeSessions } from './fixtures';
import { apiHandlers } from './handlers';

const meta = {
  title: 'Components/SessionTable',
  component: SessionTable,
  decorators: [
    (Story) => (
      <AuditlaneProvider client={storyClient()}>
        <Story />
      </AuditlaneProvider>
    ),
  ],
  args: { pageSize: 50, height: 520 },
  parameters: { msw: { handlers: apiHandlers() } },
} satisfies Meta<typeof SessionTable>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Pages loaded through the client as you scroll (300 sessions on the mocked server). */
export const Default: Story = {};

export const RankedBySignificance: Story = {
  args: { defaultSorting: [{ id: 'significance', desc: true }] },
};

/** Row selection is opt-in: its TanStack Table feature is registered by the table that uses it. */
export const WithSelection: Story = {
  args: { features: { rowSelectionFeature }, enableRowSelection: true },
};

export const Loading: Story = { parameters: { msw: { handlers: apiHandlers({ loading: true }) } } };

export const Empty: Story = {
  parameters: { msw: { handlers: apiHandlers({ sessions: [] }) } },
};

export const ServerError: Story = {
  parameters: { msw: { handlers: apiHandlers({ failing: true }) } },
};

const many = makeSessions(10_000);

/**
 * 10,000 sessions given directly (no server): virtualised rows, sorted in the browser (its
 * sorted row model registered by the table that sorts).
 */
export const ThousandsOfRows: Story = { args: { sessions: many, features: { sortedRowModel } } };

/** Sessions given directly and sorted by the host: `manualSorting`, a ranking asked for. */
export const SortedByHost: Story = {
  render: function SortedByHostStory() {
    const [sorting, setSorting] = useState<SortingState>([{ id: 'startedAt', desc: true }]);
    const bySignificance = sorting[0]?.id === 'significance';
    const sessions = useMemo(
      () =>
        bySignificance
          ? [...many].sort((a, b) => (b.significance?.score ?? -1) - (a.significance?.score ?? -1))
          : many,
      [bySignificance],
    );
    return (
      <SessionTable
        sessions={sessions}
        manualSorting
        sorting={sorting}
        onSortingChange={setSorting}
      />
    );
  },
};

export const GivenDataEmpty: Story = {
  args: {
    sessions: [],
    features: { sortedRowModel },
    messages: { sessionTable: { empty: 'No sessions recorded yet.' } },
  },
};

/** Translated: the strings come from a messages object (partial, merged over English). */
export const Translated: Story = {
  args: {
    sessions: many,
    features: { sortedRowModel },
    messages: {
      sessionTable: {
        label: 'Sitzungen',
        count: (count, atLeast) =>
          `${new Intl.NumberFormat('de-DE').format(count)}${atLeast ? '+' : ''} ${
            new Intl.PluralRules('de-DE').select(count) === 'one' ? 'Sitzung' : 'Sitzungen'
          }`,
        rank: 'Sitzungen ordnen',
        rankRecent: 'Neueste',
        rankSignificance: 'Wichtigste',
        columnsMenu: 'Spalten',
        column: {
          actor: 'Person oder Agent',
          resource: 'Ressource',
          environment: 'Umgebung',
          id: 'Sitzung',
          startedAt: 'Beginn',
          duration: 'Dauer',
          status: 'Status',
          cost: 'Kosten',
          significance: 'Bedeutung',
        },
        copyId: (id) => `Sitzungs-ID ${id} kopieren`,
        significance: (score) => `Bedeutung ${Math.round(score)} von 100`,
      },
      common: {
        status: { active: 'aktiv', ended: 'beendet', blocked: 'blockiert', revoked: 'widerrufen' },
      },
    },
  },
};

/**
 * The parts, composed by the host: its own toolbar (the count and the ranking, no columns
 * menu) and rows of its own element (`asChild`) with a class of its own.
 */
export const Parts: Story = {
  args: { sessions: many, features: { sortedRowModel } },
  render: (args) => (
    <SessionTable.Root {...args}>
      <SessionTable.Toolbar>
        <SessionTable.Count />
        <SessionTable.Rank />
      </SessionTable.Toolbar>
      <SessionTable.Viewport>
        <SessionTable.Table>
          <SessionTable.Header />
          <SessionTable.Body>
            {(row, index) => (
              <SessionTable.Row row={row} index={index} asChild>
                <tr className="story-row" data-story-row="">
                  {row.getVisibleCells().map((cell) => (
                    <SessionTable.Cell key={cell.id} cell={cell} />
                  ))}
                </tr>
              </SessionTable.Row>
            )}
          </SessionTable.Body>
        </SessionTable.Table>
        <SessionTable.Status />
      </SessionTable.Viewport>
    </SessionTable.Root>
  ),
};
