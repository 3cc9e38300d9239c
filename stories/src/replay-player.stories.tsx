import '@xterm/xterm/css/xterm.css';
import { AuditlaneProvider } from '@auditlane/react';
import { ReplayPlayer, type UseReplayOptions } from '@auditlane/react/replay';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { hostileSession, shellSession } from './casts';
import { storyClient } from './client';
import { makeSessions } from './fixtures';
import { apiHandlers } from './handlers';

const liveSessions = makeSessions(3);

function ControlledPlayer({ src }: Pick<UseReplayOptions, 'src'>) {
  const [speed, setSpeed] = useState(1);
  const [playing, setPlaying] = useState(false);
  return (
    <div>
      <p>
        Host state: {playing ? 'playing' : 'paused'} at {speed}×{' '}
        <button type="button" className="al-button" onClick={() => setPlaying((p) => !p)}>
          {playing ? 'Pause from outside' : 'Play from outside'}
        </button>
      </p>
      <ReplayPlayer
        src={src}
        speed={speed}
        onSpeedChange={setSpeed}
        playing={playing}
        onPlayingChange={setPlaying}
      />
    </div>
  );
}

const meta = {
  title: 'Components/ReplayPlayer',
  component: ReplayPlayer,
  args: { src: shellSession() },
} satisfies Meta<typeof ReplayPlayer>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Markers from the recording, an idle stretch on the seek bar, a full-screen program. */
export const Default: Story = {};

/** Uncontrolled: playing at 4× from the first frame (`defaultPlaying`, `defaultSpeed`). */
export const AutoPlayFast: Story = { args: { defaultPlaying: true, defaultSpeed: 4 } };

/** Controlled speed and playing: the host's own state, shown beside the player. */
export const Controlled: Story = {
  render: (args) => <ControlledPlayer src={args.src} />,
};

/**
 * The parts composed by the host: its own layout, its own play button (`asChild`), the speeds it
 * offers, no search.
 */
export const CustomLayout: Story = {
  render: (args) => (
    <ReplayPlayer.Root src={args.src} defaultSpeed={2} className="al-replay">
      <ReplayPlayer.Viewport className="al-replay__viewport" />
      <ReplayPlayer.Loading className="al-replay__message" />
      <ReplayPlayer.Damage className="al-replay__message al-error" />
      <div className="al-replay__controls">
        <ReplayPlayer.PlayButton asChild>
          <button type="button" className="al-button">
            Play / pause
          </button>
        </ReplayPlayer.PlayButton>
        <ReplayPlayer.Timeline className="al-replay__timeline">
          <ReplayPlayer.Seek className="al-replay__seek" />
          <ReplayPlayer.Marks
            className="al-replay__marks"
            idleClassName="al-replay__idle"
            markerClassName="al-replay__marker"
          />
        </ReplayPlayer.Timeline>
        <ReplayPlayer.Time className="al-replay__time" />
        <ReplayPlayer.Speed className="al-input" speeds={[1, 2, 4]} />
      </div>
    </ReplayPlayer.Root>
  ),
};

/**
 * Translated: the player's strings come from the messages' `replay` group (partial, merged
 * over English), here through the component's own `messages`.
 */
export const Translated: Story = {
  args: {
    'aria-label': 'Terminalaufzeichnung',
    messages: {
      replay: {
        play: 'Abspielen',
        pause: 'Anhalten',
        previousMarker: 'Vorige Marke',
        nextMarker: 'Nächste Marke',
        seek: 'Springen',
        // The strings of `clock`, then the seconds.
        seekValue: (_current, _duration, current, duration) =>
          `${Math.round(current)} von ${Math.round(duration)} Sekunden`,
        skipInactivity: 'Pausen überspringen',
        speed: 'Tempo',
        speedOption: (speed) => `${new Intl.NumberFormat('de-DE').format(speed)}×`,
        search: 'Aufzeichnung durchsuchen',
        searchInput: 'Aufzeichnung durchsuchen',
        searchPlaceholder: 'Text in der Ausgabe',
        searchSubmit: 'Suchen',
        searchResults: 'Treffer',
        noMatch: 'Kein Treffer',
        loading: 'Aufzeichnung wird geladen…',
      },
    },
  },
};

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
