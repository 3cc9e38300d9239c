import '@xterm/xterm/css/xterm.css';
import { AuditlaneProvider } from '@auditlane/react';
import { ReplayPlayer } from '@auditlane/react/replay';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { hostileSession, shellSession } from './casts';
import { storyClient } from './client';
import { makeSessions } from './fixtures';
import { apiHandlers } from './handlers';

const liveSessions = makeSessions(3);

const meta = {
  title: 'Components/ReplayPlayer',
  component: ReplayPlayer,
  args: { src: shellSession() },
} satisfies Meta<typeof ReplayPlayer>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Markers from the recording, an idle stretch on the seek bar, a full-screen program. */
export const Default: Story = {};

export const AutoPlayFast: Story = { args: { autoPlay: true, speed: 4 } };

/** OSC 52 clipboard writes ignored, javascript: links never opened, HTML shown as text. */
export const InertContent: Story = { args: { src: hostileSession() } };

/** A recording cut in the middle plays up to the damage and says where and why it stopped. */
export const Truncated: Story = {
  args: { src: `${shellSession().slice(0, 4000)}\n[0.5, "o", "cut` },
};

/**
 * An active session followed live: its recording so far, then a log line every 500 ms over SSE.
 * The player stays at the live edge; after a seek back, "Jump to live" returns there.
 */
export const LiveSession: Story = {
  args: { src: undefined, sessionId: liveSessions[0]?.id, live: true },
  decorators: [
    (Story) => (
      <AuditlaneProvider client={storyClient()}>
        <Story />
      </AuditlaneProvider>
    ),
  ],
  parameters: { msw: { handlers: apiHandlers({ sessions: liveSessions, liveTerminal: true }) } },
};
