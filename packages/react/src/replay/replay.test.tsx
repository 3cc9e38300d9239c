import '@xterm/xterm/css/xterm.css';
import '../styles.css';
import { useEffect } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import asciinemaText from '../../../../internal/fixtures/cast/asciinema-ls-gcc-vim.cast?raw';
import { axeViolations } from '../../test/axe';
import { busySession, cast, castOf, hostile, referenceScreen, resplit } from '../../test/casts';
import type { UseReplayOptions } from './replay.types';
import { ReplayPlayer } from './replay-player';
import { type UseReplayResult, useReplay } from './use-replay';

let api: UseReplayResult | null = null;
function Harness(props: UseReplayOptions) {
  const replay = useReplay(props);
  useEffect(() => {
    api = replay;
  });
  return <div ref={replay.containerRef} />;
}

async function mount(props: UseReplayOptions) {
  api = null;
  const screen = await render(<Harness {...props} />);
  await vi.waitFor(
    () => {
      expect(api?.snapshot.complete).toBe(true);
      expect(api?.snapshot.state).not.toBe('loading');
    },
    { timeout: 15_000 },
  );
  return { screen, replay: api as unknown as UseReplayResult };
}

describe('replay: seeking with keyframes', () => {
  it('shows after a seek exactly the frame that playing from the start shows', async () => {
    const c = busySession(90);
    const { replay } = await mount({ src: c.text, keyframeSpacing: 4_000 });
    const duration = replay.snapshot.duration;
    expect(duration).toBeGreaterThan(60);
    // Keyframes came from the scanning worker (the default), packed.
    expect(replay.snapshot.keyframesIn).toBe('worker');
    // Forward, backward, into the pager (alternate screen + scroll region), after resizes.
    const times = [
      0.5 * duration,
      0.95 * duration,
      0.2 * duration,
      0.21 * duration,
      0.7 * duration,
      3,
      0,
    ];
    for (const t of times) {
      await replay.seek(t);
      await replay.settled();
      expect(api?.serialize(), `at ${t.toFixed(2)} s`).toBe(await referenceScreen(c, t));
    }
  }, 60_000);

  it('a recording made by asciinema, cut inside escape sequences: seeks, and seeks back to 0, equal a replay from the start', async () => {
    // asciinema cut this one at `ESC[0` | `1;32mgenbrk`; around that, every offset is cut too.
    const real = castOf(asciinemaText);
    const all = real.events.map((e) => e[2]).join('');
    const split = all.indexOf('\u001b[01;32mgenbrk');
    expect(split).toBeGreaterThan(0);
    const c = resplit(real, split - 50, split + 50);
    // Keyframes due every 7 characters: some fall inside sequences, and wait for their end.
    const { replay } = await mount({ src: c.text, keyframeSpacing: 7 });
    expect(replay.snapshot.keyframesIn).toBe('worker');
    // Every boundary of the window (one character per event there).
    const first = c.events.findIndex((e) => e[2].length === 1);
    expect(first).toBeGreaterThan(10);
    for (let n = first; n <= first + 100; n++) {
      // Between event n - 1 and event n: the screen shows events [0, n).
      const t = ((c.events[n - 1]?.[0] as number) + (c.events[n]?.[0] as number)) / 2;
      await replay.seek(t);
      await replay.settled();
      expect(api?.serialize(), `seek to ${n}`).toBe(await referenceScreen(c, t));
      if (n % 3 === 0) {
        await replay.seek(0);
        await replay.settled();
        expect(api?.serialize(), `back to 0 from ${n}`).toBe(await referenceScreen(c, 0));
      }
    }
  }, 120_000);

  it('shows the colours a recording set after a seek to a keyframe, and the theme again back at 0', async () => {
    const ESC = '\u001b';
    const events: [number, string, string][] = [[0.1, 'o', 'plain\r\n']];
    events.push([0.2, 'o', `${ESC}]11;#102030\u0007${ESC}]4;1;#ff0000\u0007${ESC}[31mdark\r\n`]);
    for (let i = 0; i < 40; i++) events.push([0.3 + i / 100, 'o', `line ${i}\r\n`]);
    const c = cast(80, 24, events);
    const { screen, replay } = await mount({ src: c.text, keyframeSpacing: 20 });
    const background = () =>
      (screen.container.querySelector('.xterm-scrollable-element') as HTMLElement).style
        .backgroundColor;
    const theme = background();
    expect(theme).not.toBe('rgb(16, 32, 48)');
    // A keyframe after the OSC 11 is restored (the screen had never shown it).
    await replay.seek('100%');
    await replay.settled();
    expect(background()).toBe('rgb(16, 32, 48)');
    await replay.seek(0);
    await replay.settled();
    expect(background()).toBe(theme);
    await replay.seek(0.25);
    await replay.settled();
    expect(background()).toBe('rgb(16, 32, 48)');
  }, 60_000);

  it('takes keyframes on this thread when a worker may not start (a CSP without worker-src blob:)', async () => {
    const c = busySession(30);
    const RealWorker = globalThis.Worker;
    // What a policy refusal looks like to the page: the worker fails with an error event.
    class RefusedWorker extends EventTarget {
      onmessage: ((e: MessageEvent) => void) | null = null;
      onerror: ((e: Event) => void) | null = null;
      constructor() {
        super();
        setTimeout(() => this.onerror?.(new ErrorEvent('error', { message: 'refused by CSP' })));
      }
      postMessage() {}
      terminate() {}
    }
    globalThis.Worker = RefusedWorker as unknown as typeof Worker;
    try {
      const { replay } = await mount({ src: c.text, keyframeSpacing: 4_000 });
      expect(replay.snapshot.keyframesIn).toBe('thread');
      for (const t of [0.8 * replay.snapshot.duration, 0.3 * replay.snapshot.duration]) {
        await replay.seek(t);
        await replay.settled();
        expect(api?.serialize()).toBe(await referenceScreen(c, t));
      }
    } finally {
      globalThis.Worker = RealWorker;
    }
  }, 60_000);

  it('cuts idle stretches to the idle-time limit and marks them on the timeline', async () => {
    const c = busySession(60);
    const { replay } = await mount({ src: c.text, idleTimeLimit: 1, keyframeSpacing: 4_000 });
    const last = c.events.at(-1)?.[0] as number;
    expect(replay.snapshot.duration).toBeLessThan(last - 20);
    expect(replay.snapshot.inactivity.length).toBeGreaterThan(0);
    const t = replay.snapshot.duration * 0.6;
    await replay.seek(t);
    await replay.settled();
    expect(api?.serialize()).toBe(await referenceScreen(c, t, 1));
  }, 60_000);

  it('finds text in the recording and seeks to where it appeared', async () => {
    const c = busySession(40);
    const { replay } = await mount({ src: c.text });
    const hits = await replay.search('request 7.29');
    expect(hits).toHaveLength(1);
    await replay.seek(hits[0]?.time as number);
    await replay.settled();
    expect(api?.serialize()).toContain('request 7.29');
    expect(await replay.search('no such text anywhere')).toEqual([]);
  }, 60_000);
});

describe('ReplayPlayer', () => {
  it('plays, pauses, changes speed and jumps by markers from the keyboard', async () => {
    const c = busySession(30);
    const screen = await render(<ReplayPlayer src={c.text} />);
    const region = screen.getByRole('region', { name: 'Terminal recording' });
    await expect
      .element(screen.getByRole('button', { name: 'Play' }), { timeout: 15_000 })
      .toBeEnabled();
    (region.element() as HTMLElement).focus();
    await userEvent.keyboard(' ');
    await expect.element(region).toHaveAttribute('data-state', 'playing');
    await userEvent.keyboard('+');
    await expect.element(screen.getByRole('combobox', { name: 'Speed' })).toHaveValue('1.5');
    await userEvent.keyboard('k');
    await expect.element(region).toHaveAttribute('data-state', 'paused');
    await userEvent.keyboard(']');
    const seek = screen.getByRole('slider', { name: 'Seek' });
    await vi.waitFor(() =>
      expect(Number((seek.element() as HTMLInputElement).value)).toBeGreaterThan(0),
    );
    await userEvent.keyboard('5');
    await vi.waitFor(() => {
      const value = Number((seek.element() as HTMLInputElement).value);
      const max = Number((seek.element() as HTMLInputElement).max);
      expect(Math.abs(value - max / 2)).toBeLessThan(0.5);
    });
    expect(
      await axeViolations(screen.container, { skipContrastIn: '.al-replay__viewport' }),
    ).toEqual([]);
  }, 60_000);

  it('keeps recorded content inert: no clipboard write, no javascript: link, no HTML', async () => {
    const clipboard = vi.spyOn(navigator.clipboard, 'writeText');
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { screen, replay } = await mount({ src: hostile().text });
    await replay.seek('100%');
    await replay.settled();
    const text = screen.container.textContent ?? '';
    expect(api?.serialize()).toContain('click me');
    expect(api?.serialize()).toContain('<img src=x');
    expect(screen.container.querySelector('img, script')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(clipboard).not.toHaveBeenCalled();
    void text;
    open.mockRestore();
  }, 30_000);

  it('plays a truncated recording up to the damage and says where and why it stopped', async () => {
    const c = busySession(20);
    const cut = `${c.text.slice(0, Math.floor(c.text.length / 2))}\n[1.0, "o", "unterminated`;
    const onError = vi.fn();
    const screen = await render(<ReplayPlayer src={cut} onError={onError} />);
    await expect
      .element(screen.getByRole('alert'), { timeout: 15_000 })
      .toHaveTextContent(/The recording stops at \d+:\d\d/);
    expect(onError).toHaveBeenCalledTimes(1);
    await expect.element(screen.getByRole('button', { name: 'Play' })).toBeEnabled();
  }, 30_000);
});
