import { AuditlaneProvider } from '@auditlane/react';
import { SessionTable } from '@auditlane/react/session-table';
import type { Meta, StoryObj } from '@storybook/react-vite';
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

export const WithSelection: Story = { args: { enableRowSelection: true } };

export const Loading: Story = { parameters: { msw: { handlers: apiHandlers({ loading: true }) } } };

export const Empty: Story = {
  parameters: { msw: { handlers: apiHandlers({ sessions: [] }) } },
};

export const ServerError: Story = {
  parameters: { msw: { handlers: apiHandlers({ failing: true }) } },
};

const many = makeSessions(10_000);

/** 10,000 sessions given directly (no server): virtualised rows, sorting in the browser. */
export const ThousandsOfRows: Story = { args: { sessions: many } };

export const GivenDataEmpty: Story = {
  args: { sessions: [], emptyMessage: 'No sessions recorded yet.' },
};
