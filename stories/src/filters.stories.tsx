import { AuditlaneProvider } from '@auditlane/react';
import {
  Filters,
  type FiltersValue,
  toListParams,
  useFiltersSearchParams,
} from '@auditlane/react/filters';
import { SessionTable } from '@auditlane/react/session-table';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { storyClient } from './client';
import { apiHandlers } from './handlers';

const meta = {
  title: 'Components/Filters',
  component: Filters,
  parameters: { msw: { handlers: apiHandlers() } },
} satisfies Meta<typeof Filters>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Uncontrolled: Story = {};

/** Translated through the provider: its messages (partial) are merged over English. */
export const Translated: Story = {
  decorators: [
    (Story) => (
      <AuditlaneProvider
        messages={{
          filters: {
            label: 'Sitzungsfilter',
            search: 'Suche',
            searchPlaceholder: 'Befehle, Abfragen, Ausgaben…',
            user: 'Person',
            userPlaceholder: 'ID oder E-Mail',
            resource: 'Ressource',
            resourcePlaceholder: 'Name',
            type: 'Typ',
            environment: 'Umgebung',
            any: 'Alle',
            selectedCount: (count) => `${count} gewählt`,
            period: 'Zeitraum',
            periodPreset: { '1h': '1 Std.', '24h': '24 Std.', '7d': '7 Tage', '30d': '30 Tage' },
            periodCustom: 'Eigener',
            from: 'Von',
            to: 'Bis',
            reset: 'Zurücksetzen',
          },
        }}
      >
        <Story />
      </AuditlaneProvider>
    ),
  ],
};

export const Prefilled: Story = {
  args: {
    defaultValue: {
      q: 'DROP TABLE',
      status: ['blocked'],
      environment: ['production'],
      period: '7d',
    },
  },
};

function FiltersWithTable() {
  const [value, setValue] = useState<FiltersValue>({});
  return (
    <AuditlaneProvider client={storyClient()}>
      <Filters value={value} onValueChange={setValue} />
      <div style={{ height: 12 }} />
      <SessionTable params={toListParams(value)} height={420} />
    </AuditlaneProvider>
  );
}

/** Controlled, driving the table through the mocked server. */
export const WithSessionTable: Story = { render: () => <FiltersWithTable /> };

function UrlSynced() {
  const [value, setValue] = useFiltersSearchParams();
  return (
    <>
      <Filters value={value} onValueChange={setValue} />
      <pre>{window.location.search || '(no search params)'}</pre>
    </>
  );
}

/** Kept in the URL's search parameters (shareable links). */
export const SyncedWithUrl: Story = { render: () => <UrlSynced /> };
