import '@xterm/xterm/css/xterm.css';
import { ReplayPlayer } from '@auditlane/react/replay';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { hostileSession, shellSession } from './casts';

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
