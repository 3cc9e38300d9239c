import '@xterm/xterm/css/xterm.css';
import '../styles.css';
import { Component, type ReactNode, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../test/axe';
import { busySession, cast } from '../../test/casts';
import { ICON_GLYPHS, pseudoMessages, untranslated } from '../../test/messages';
import { AuditlaneProvider } from '../provider';
import { ReplayPlayer } from './replay-player';

class Catch extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children;
  }
}

function AsChildHost(props: { src: string; buttonRef: { current: HTMLButtonElement | null } }) {
  return (
    <ReplayPlayer.Root src={props.src} asChild>
      <section>
        <ReplayPlayer.Viewport />
        <ReplayPlayer.PlayButton
          asChild
          ref={(node) => {
            props.buttonRef.current = node;
          }}
        >
          <button type="button" className="host-button">
            Go
          </button>
        </ReplayPlayer.PlayButton>
      </section>
    </ReplayPlayer.Root>
  );
}

/** Keeps the speed at 1 until `apply` is set; records what was asked. */
function SpeedHost(props: { src: string; asked: number[]; apply: { current: boolean } }) {
  const [speed, setSpeed] = useState(1);
  return (
    <ReplayPlayer
      src={props.src}
      speed={speed}
      onSpeedChange={(next) => {
        props.asked.push(next);
        if (props.apply.current) setSpeed(next);
      }}
    />
  );
}

/** Playing as the test sets it (`host.set`); records what was asked. */
function PlayingHost(props: {
  src: string;
  asked: boolean[];
  host: { set: (playing: boolean) => void };
}) {
  const [playing, setPlaying] = useState(false);
  props.host.set = setPlaying;
  return (
    <ReplayPlayer src={props.src} playing={playing} onPlayingChange={(p) => props.asked.push(p)} />
  );
}

describe('ReplayPlayer parts', () => {
  it('a part outside its Root throws an error naming both', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (const [name, part] of [
        ['PlayButton', <ReplayPlayer.PlayButton key="p" />],
        ['Speed', <ReplayPlayer.Speed key="s" />],
        ['Viewport', <ReplayPlayer.Viewport key="v" />],
        ['SearchResults', <ReplayPlayer.SearchResults key="r" />],
      ] as const) {
        const screen = await render(<Catch>{part}</Catch>);
        await expect
          .element(screen.getByRole('alert'))
          .toHaveTextContent(`ReplayPlayer.${name} must be used within ReplayPlayer.Root`);
        await screen.unmount();
      }
    } finally {
      quiet.mockRestore();
    }
  });

  it("asChild renders the host's own element with the part's behaviour, state and ref", async () => {
    const c = busySession(20);
    const ref = { current: null as HTMLButtonElement | null };
    const screen = await render(<AsChildHost src={c.text} buttonRef={ref} />);
    const region = screen.getByRole('region', { name: 'Terminal recording' });
    expect((region.element() as HTMLElement).tagName).toBe('SECTION');
    const play = screen.getByRole('button', { name: 'Go' });
    await expect.element(play, { timeout: 15_000 }).toBeEnabled();
    const el = play.element() as HTMLButtonElement;
    // One element: the host's, with the part's props merged in.
    expect(el.className).toBe('host-button');
    expect(el.textContent).toBe('Go');
    expect(el.getAttribute('data-state')).toBe('paused');
    expect(ref.current).toBe(el);
    await play.click();
    await expect.element(region).toHaveAttribute('data-state', 'playing');
    await expect.element(play).toHaveAttribute('data-state', 'playing');
    expect(
      await axeViolations(screen.container, { skipContrastIn: '[aria-hidden="true"]' }),
    ).toEqual([]);
  }, 30_000);

  it('speed controlled: a change is asked for with onSpeedChange and shows once the host applies it', async () => {
    const c = busySession(20);
    const asked: number[] = [];
    const apply = { current: false };
    const screen = await render(<SpeedHost src={c.text} asked={asked} apply={apply} />);
    const select = screen.getByRole('combobox', { name: 'Speed' });
    await expect.element(select, { timeout: 15_000 }).toBeEnabled();
    // The host keeps 1: the select stays at 1.
    await select.selectOptions('4');
    expect(asked).toEqual([4]);
    await expect.element(select).toHaveValue('1');
    apply.current = true;
    await select.selectOptions('2');
    expect(asked).toEqual([4, 2]);
    await expect.element(select).toHaveValue('2');
  }, 30_000);

  it('leaves Ctrl, Cmd and Alt combinations to the browser and the host', async () => {
    const c = busySession(20);
    const onSpeedChange = vi.fn();
    const screen = await render(<ReplayPlayer src={c.text} onSpeedChange={onSpeedChange} />);
    await expect
      .element(screen.getByRole('combobox', { name: 'Speed' }), { timeout: 15_000 })
      .toBeEnabled();
    const region = screen.getByRole('region', { name: 'Terminal recording' }).element();
    const press = (init: KeyboardEventInit) => {
      const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
      region.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(press({ key: '+', ctrlKey: true })).toBe(false);
    expect(press({ key: '=', metaKey: true })).toBe(false);
    expect(press({ key: 'ArrowLeft', altKey: true })).toBe(false);
    expect(press({ key: 'k', ctrlKey: true })).toBe(false);
    expect(onSpeedChange).not.toHaveBeenCalled();
    // Without a modifier the key is the player's.
    expect(press({ key: '+' })).toBe(true);
    expect(onSpeedChange).toHaveBeenCalledTimes(1);
  }, 30_000);

  it('speed uncontrolled with a callback: the callback notifies, the player changes on its own', async () => {
    const c = busySession(20);
    const onSpeedChange = vi.fn();
    const screen = await render(
      <ReplayPlayer src={c.text} defaultSpeed={1.5} onSpeedChange={onSpeedChange} />,
    );
    const select = screen.getByRole('combobox', { name: 'Speed' });
    await expect.element(select, { timeout: 15_000 }).toHaveValue('1.5');
    await select.selectOptions('8');
    await expect.element(select).toHaveValue('8');
    expect(onSpeedChange).toHaveBeenCalledWith(8);
  }, 30_000);

  it('playing controlled: Play asks with onPlayingChange; the player plays when the host says so', async () => {
    const c = busySession(20);
    const asked: boolean[] = [];
    const host = { set: (_: boolean) => {} };
    const screen = await render(<PlayingHost src={c.text} asked={asked} host={host} />);
    const region = screen.getByRole('region', { name: 'Terminal recording' });
    const play = screen.getByRole('button', { name: 'Play' });
    await expect.element(play, { timeout: 15_000 }).toBeEnabled();
    await play.click();
    expect(asked).toEqual([true]);
    await new Promise((r) => setTimeout(r, 200));
    expect(region.element().getAttribute('data-state')).not.toBe('playing');
    host.set(true);
    await expect.element(region).toHaveAttribute('data-state', 'playing');
    host.set(false);
    await expect.element(region).toHaveAttribute('data-state', 'paused');
  }, 30_000);

  it("a host's handler runs first and preventDefault() keeps the part's action from running", async () => {
    const c = busySession(20);
    const screen = await render(
      <ReplayPlayer.Root src={c.text}>
        <ReplayPlayer.Viewport />
        <ReplayPlayer.PlayButton onClick={(e) => e.preventDefault()} />
        <ReplayPlayer.SkipInactivity />
      </ReplayPlayer.Root>,
    );
    const region = screen.getByRole('region', { name: 'Terminal recording' });
    const play = screen.getByRole('button', { name: 'Play' });
    await expect.element(play, { timeout: 15_000 }).toBeEnabled();
    await play.click();
    await new Promise((r) => setTimeout(r, 200));
    expect(region.element().getAttribute('data-state')).not.toBe('playing');
    // Skip idle: a toggle with its state as data-state.
    const skip = screen.getByRole('button', { name: 'Skip idle' });
    await expect.element(skip).toHaveAttribute('data-state', 'off');
  }, 30_000);
});

/** What a user sees and hears of a player, but its terminal (the recording, not the UI's text). */
function outsideTerminal(player: Element): Element {
  const copy = player.cloneNode(true) as Element;
  for (const viewport of copy.querySelectorAll('.al-replay__viewport')) viewport.remove();
  return copy;
}

describe('ReplayPlayer messages', () => {
  // The recordings' own text is Cyrillic: any Latin word left is a string not from the messages.
  const sound = cast(40, 6, [
    [0.5, 'o', 'привет мир\r\n'],
    [1, 'm', 'начало'],
    [2, 'o', 'ещё строка\r\n'],
    [70, 'o', 'конец\r\n'],
  ]);

  it('every text, aria-label and title of the parts comes from messages.replay', async () => {
    const screen = await render(
      <AuditlaneProvider messages={pseudoMessages()}>
        <ReplayPlayer src={sound.text} idleTimeLimit={100} />
      </AuditlaneProvider>,
    );
    const region = screen.getByRole('region', { name: '«replay.label»' });
    const play = screen.getByRole('button', { name: '«replay.play»' });
    await expect.element(play, { timeout: 15_000 }).toBeEnabled();
    await expect
      .element(screen.getByRole('slider', { name: '«replay.seek»' }))
      .toHaveAttribute(
        'aria-valuetext',
        '«replay.seekValue(«replay.clock(0)»,«replay.clock(70)»,0,70)»',
      );
    await expect
      .element(screen.getByText('«replay.time(«replay.clock(0)»,«replay.clock(70)»,0,70)»'))
      .toBeVisible();
    await expect
      .element(screen.getByRole('option', { name: '«replay.speedOption(1)»' }))
      .toBeInTheDocument();
    // A search with hits, each named by its time, then one with none.
    const input = screen.getByRole('searchbox', { name: '«replay.searchInput»' });
    await input.fill('строка');
    await screen.getByRole('button', { name: '«replay.searchSubmit»' }).click();
    const results = screen.getByRole('list', { name: '«replay.searchResults»' });
    await expect
      .element(results.getByRole('button', { name: '«replay.hit(«replay.clock(2)»,2)»' }))
      .toBeVisible();
    await input.fill('нет такого');
    await screen.getByRole('button', { name: '«replay.searchSubmit»' }).click();
    await expect.element(results.getByText('«replay.noMatch»')).toBeVisible();
    // Playing: the button says Pause.
    await play.click();
    await expect.element(screen.getByRole('button', { name: '«replay.pause»' })).toBeVisible();
    expect(untranslated(outsideTerminal(region.element()))).toEqual([]);
    expect(outsideTerminal(region.element()).textContent).not.toMatch(ICON_GLYPHS);
    expect(
      await axeViolations(screen.container, { skipContrastIn: '[aria-hidden="true"]' }),
    ).toEqual([]);
  }, 30_000);

  it('messages.replay.clock formats every time the player shows: the time, the seek value, a hit, the damage', async () => {
    const clock = (seconds: number) => `${seconds.toFixed(1)} s`;
    const damaged = `${sound.text.split('\n').slice(0, 3).join('\n')}\n[1.0, "o", "обрыв`;
    const screen = await render(
      <AuditlaneProvider messages={{ replay: { clock } }}>
        <ReplayPlayer src={sound.text} idleTimeLimit={100} aria-label="целая" />
        <ReplayPlayer src={damaged} aria-label="повреждённая" />
      </AuditlaneProvider>,
    );
    const whole = screen.getByRole('region', { name: 'целая' });
    await expect
      .element(whole.getByRole('button', { name: 'Play' }), { timeout: 15_000 })
      .toBeEnabled();
    await expect
      .element(whole.getByRole('slider', { name: 'Seek' }))
      .toHaveAttribute('aria-valuetext', '0.0 s of 70.0 s');
    await expect.element(whole.getByText('0.0 s / 70.0 s')).toBeVisible();
    const input = whole.getByRole('searchbox');
    await input.fill('строка');
    await whole.getByRole('button', { name: 'Find' }).click();
    await expect.element(whole.getByRole('button', { name: '2.0 s' })).toBeVisible();
    const broken = screen.getByRole('region', { name: 'повреждённая' });
    await expect
      .element(broken.getByRole('alert'), { timeout: 15_000 })
      .toHaveTextContent(/^The recording stops at \d+\.\d s: /);
  }, 30_000);

  it('a damaged and an unplayable recording say so in messages.replay, and a component prop wins', async () => {
    const damaged = `${sound.text.split('\n').slice(0, 3).join('\n')}\n[1.0, "o", "обрыв`;
    const screen = await render(
      <AuditlaneProvider messages={pseudoMessages()}>
        <ReplayPlayer src={damaged} aria-label="повреждённая" />
        <ReplayPlayer
          src="не запись"
          aria-label="неверная"
          messages={{ replay: { cannotPlay: () => 'Не воспроизвести' } }}
        />
      </AuditlaneProvider>,
    );
    const first = screen.getByRole('region', { name: 'повреждённая' });
    await expect
      .element(first.getByRole('alert'), { timeout: 15_000 })
      .toHaveTextContent(/^«replay\.damaged\(/);
    const second = screen.getByRole('region', { name: 'неверная' });
    await expect.element(second.getByRole('alert')).toHaveTextContent('Не воспроизвести');
    // The reader's reason is a value of the message (inside its «…»), nothing around it.
    await expect.element(first.getByRole('alert')).toHaveTextContent(/»$/);
    expect(untranslated(outsideTerminal(first.element()))).toEqual([]);
    expect(untranslated(outsideTerminal(second.element()))).toEqual([]);
  }, 30_000);
});
