/**
 * The replayer (createReplayer) in Node on a fake terminal, a fake scan host and a clock the
 * test moves: its states, which action applies in which, and what the others leave alone.
 */
import type { AsciicastItem } from '@auditlane/client/asciicast';
import { describe, expect, it, vi } from 'vitest';
import type { ReplayClock } from '../src/replay/core/clock';
import { createReplayer, REPLAYER_TRANSITIONS } from '../src/replay/core/replayer';
import type {
  Replayer,
  ReplayerAction,
  ReplayerOptions,
  ReplayerState,
} from '../src/replay/core/replayer.types';
import { asciicastSource, type ReplaySource } from '../src/replay/core/source';
import { screenSize } from '../src/replay/core/terminal';
import { cast } from './casts';

/** A clock at 0 ms that moves when told; frames run when told. */
function fakeClock() {
  let now = 0;
  let frames: (() => void)[] = [];
  const clock: ReplayClock = {
    now: () => now,
    frame(callback) {
      frames.push(callback);
      return () => {
        frames = frames.filter((f) => f !== callback);
      };
    },
    paint: () => Promise.resolve(),
    yield: () => Promise.resolve(),
  };
  return {
    clock,
    /** Moves the clock by `ms` and runs the frames asked for. */
    advance(ms: number) {
      now += ms;
      const due = frames;
      frames = [];
      for (const f of due) f();
    },
  };
}

/** A terminal that keeps what was written since its last reset. */
class FakeTerminal {
  text = '';
  disposed = false;
  constructor(
    public cols: number,
    public rows: number,
  ) {}
  write(data: string) {
    this.text += data;
    return Promise.resolve();
  }
  resize(cols: number, rows: number) {
    this.cols = cols;
    this.rows = rows;
  }
  reset() {
    this.text = '';
    return Promise.resolve();
  }
  dispose() {
    this.disposed = true;
  }
}

const fakeScanHost = () => ({
  kind: 'thread' as const,
  scan: () => Promise.resolve({ ops: [], packed: null }),
  dispose: () => {},
});

/** Ten seconds of output: "line 0" at 0.5 s … "line 9" at 9.5 s. */
const TEN_LINES = cast(
  40,
  10,
  Array.from({ length: 10 }, (_, i) => [i + 0.5, 'o', `line ${i}\r\n`] as [number, string, string]),
).text;

function make(overrides: Partial<ReplayerOptions> = {}) {
  const time = fakeClock();
  const terminals: FakeTerminal[] = [];
  const replayer = createReplayer({
    source: asciicastSource(TEN_LINES),
    terminal: ({ cols, rows }) => {
      const t = new FakeTerminal(cols, rows);
      terminals.push(t);
      return t;
    },
    scanHost: fakeScanHost,
    clock: time.clock,
    ...overrides,
  });
  const states: ReplayerState[] = [];
  replayer.subscribe(() => {
    const s = replayer.getSnapshot().state;
    if (states.at(-1) !== s) states.push(s);
  });
  return { replayer, time, terminals, states };
}

function until(replayer: Replayer, state: ReplayerState): Promise<void> {
  return vi.waitFor(() => expect(replayer.getSnapshot().state).toBe(state), { timeout: 5_000 });
}

const ACTIONS: ReplayerAction[] = [
  'load',
  'play',
  'pause',
  'toggle',
  'seek',
  'search',
  'setSpeed',
  'setSkipInactivity',
  'setMarkers',
  'jumpToLive',
  'dispose',
];

const SETTINGS = ['setSpeed', 'setSkipInactivity', 'setMarkers', 'dispose'];
const SHOWN = [...SETTINGS, 'seek', 'search', 'toggle'];
/** The documented table, written out: which action applies in which state. */
const EXPECTED: Record<ReplayerState, string[]> = {
  idle: ['load', ...SETTINGS],
  loading: SETTINGS,
  scanning: [...SHOWN, 'play', 'jumpToLive'],
  ready: [...SHOWN, 'play', 'jumpToLive'],
  playing: [...SHOWN, 'pause', 'jumpToLive'],
  live: [...SHOWN, 'pause'],
  paused: [...SHOWN, 'play', 'jumpToLive'],
  ended: [...SHOWN, 'play', 'jumpToLive'],
  error: ['dispose'],
};

/** `can` agrees with the table in the state the replayer is in (jumpToLive: live sources). */
function expectCanMatchesTable(replayer: Replayer, live = false) {
  const state = replayer.getSnapshot().state;
  expect([...REPLAYER_TRANSITIONS[state]].sort()).toEqual([...EXPECTED[state]].sort());
  for (const action of ACTIONS) {
    const listed = EXPECTED[state].includes(action);
    expect(replayer.can(action), `${action} in ${state}`).toBe(
      action === 'jumpToLive' ? listed && live : listed,
    );
  }
}

describe('createReplayer: states and transitions', () => {
  it('goes idle → loading → scanning → ready on load, and nothing before load moves it', async () => {
    const { replayer, terminals, states } = make();
    expect(replayer.getSnapshot().state).toBe('idle');
    expectCanMatchesTable(replayer);
    // Not allowed in idle: no-ops that leave the state and resolve at once.
    replayer.play();
    replayer.pause();
    replayer.toggle();
    await replayer.seek(3);
    expect(await replayer.search('line')).toEqual([]);
    await replayer.jumpToLive();
    expect(replayer.getSnapshot().state).toBe('idle');
    expect(terminals).toHaveLength(0);
    // Settings apply in any state, and show in the snapshot.
    replayer.setSpeed(2);
    replayer.setSkipInactivity(true);
    expect(replayer.getSnapshot()).toMatchObject({ speed: 2, skipInactivity: true });

    replayer.load();
    await until(replayer, 'ready');
    // (idle: published by the settings above.)
    expect(states).toEqual(['idle', 'loading', 'scanning', 'ready']);
    expect(replayer.getSnapshot()).toMatchObject({ complete: true, duration: 9.5, speed: 2 });
    expectCanMatchesTable(replayer);
    // load applies once.
    replayer.load();
    expect(replayer.getSnapshot().state).toBe('ready');
    expect(terminals).toHaveLength(1);
  });

  it('stays loading while the terminal is made: play and seek are no-ops then', async () => {
    let open: (t: FakeTerminal) => void = () => {};
    const made = new Promise<FakeTerminal>((resolve) => {
      open = resolve;
    });
    const { replayer } = make({ terminal: () => made });
    replayer.load();
    await until(replayer, 'loading');
    expectCanMatchesTable(replayer);
    replayer.play();
    await replayer.seek('50%');
    expect(replayer.getSnapshot()).toMatchObject({ state: 'loading', currentTime: 0 });
    const terminal = new FakeTerminal(40, 10);
    open(terminal);
    await until(replayer, 'ready');
    expect(replayer.getSnapshot().currentTime).toBe(0);
    expect(terminal.text).toBe('');
  });

  it('with a poster, stays loading until the poster frame is shown (seeks before then are no-ops)', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const lines = TEN_LINES.split('\n').filter(Boolean);
    const source: ReplaySource = {
      live: false,
      async *read(signal) {
        const { readAsciicast } = await import('@auditlane/client/asciicast');
        let n = 0;
        for await (const item of readAsciicast(lines.join('\n'), { signal })) {
          // The rest of the recording waits after the fourth event.
          if (n++ === 4) await held;
          yield item;
        }
      },
    };
    const { replayer, terminals, states } = make({ source, poster: '50%' });
    replayer.load();
    await vi.waitFor(() => expect(terminals).toHaveLength(1));
    expect(replayer.getSnapshot().state).toBe('loading');
    expectCanMatchesTable(replayer);
    await replayer.seek(2);
    replayer.play();
    expect(replayer.getSnapshot()).toMatchObject({ state: 'loading', currentTime: 0 });
    release();
    await until(replayer, 'ready');
    // The first frame shown is the poster's.
    expect(states).toEqual(['loading', 'ready']);
    expect(replayer.getCurrentTime()).toBe(4.75);
    expect(terminals[0]?.text).toBe('line 0\r\nline 1\r\nline 2\r\nline 3\r\nline 4\r\n');
  });

  it('plays on the clock, pauses, ends at the end, and a seek back from the end pauses', async () => {
    const { replayer, time, terminals, states } = make();
    replayer.load();
    await until(replayer, 'ready');
    replayer.play();
    expect(replayer.getSnapshot().state).toBe('playing');
    expectCanMatchesTable(replayer);
    time.advance(2_000);
    await replayer.settled();
    expect(replayer.getCurrentTime()).toBeCloseTo(2, 5);
    expect(terminals[0]?.text).toBe('line 0\r\nline 1\r\n');
    replayer.pause();
    expect(replayer.getSnapshot().state).toBe('paused');
    expectCanMatchesTable(replayer);
    // Paused, the clock moves and the time does not.
    time.advance(3_000);
    expect(replayer.getCurrentTime()).toBeCloseTo(2, 5);
    replayer.toggle();
    expect(replayer.getSnapshot().state).toBe('playing');
    time.advance(20_000);
    await replayer.settled();
    expect(replayer.getSnapshot()).toMatchObject({ state: 'ended', currentTime: 9.5 });
    expectCanMatchesTable(replayer);
    // Not allowed when ended: pause.
    replayer.pause();
    expect(replayer.getSnapshot().state).toBe('ended');
    await replayer.seek('40%');
    await replayer.settled();
    expect(replayer.getSnapshot().state).toBe('paused');
    expect(replayer.getCurrentTime()).toBeCloseTo(3.8, 5);
    expect(terminals[0]?.text).toBe('line 0\r\nline 1\r\nline 2\r\nline 3\r\n');
    expect(states).toEqual([
      'loading',
      'scanning',
      'ready',
      'playing',
      'paused',
      'playing',
      'ended',
      'paused',
    ]);
  });

  it('publishes time at most once a frame while playing, a new state at once', async () => {
    const { replayer, time } = make();
    replayer.load();
    await until(replayer, 'ready');
    const seen: number[] = [];
    replayer.subscribe(() => seen.push(replayer.getSnapshot().currentTime));
    replayer.play();
    expect(seen).toEqual([0]);
    time.advance(500);
    time.advance(500);
    // One snapshot per frame, the same object between frames.
    expect(seen).toHaveLength(3);
    expect(replayer.getSnapshot()).toBe(replayer.getSnapshot());
  });

  it('speed: changes how fast time moves while playing; a speed that is not positive throws', async () => {
    const { replayer, time } = make({ speed: 4 });
    replayer.load();
    await until(replayer, 'ready');
    replayer.play();
    time.advance(1_000);
    expect(replayer.getCurrentTime()).toBeCloseTo(4, 5);
    replayer.setSpeed(0.5);
    time.advance(2_000);
    expect(replayer.getCurrentTime()).toBeCloseTo(5, 5);
    expect(replayer.getSnapshot().speed).toBe(0.5);
    expect(() => replayer.setSpeed(0)).toThrow(RangeError);
    expect(() => replayer.setSpeed(Number.NaN)).toThrow(/speed must be a positive number/);
    expect(replayer.getSnapshot().speed).toBe(0.5);
  });

  it('skip inactivity: while playing, an idle stretch is jumped over, not waited', async () => {
    const idle = cast(40, 10, [
      [0.5, 'o', 'before\r\n'],
      [30.5, 'o', 'after\r\n'],
    ]).text;
    const { replayer, time, terminals } = make({ source: asciicastSource(idle) });
    replayer.load();
    await until(replayer, 'ready');
    expect(replayer.getSnapshot().inactivity).toEqual([{ start: 0.5, end: 30.5 }]);
    replayer.play();
    time.advance(1_000);
    expect(replayer.getCurrentTime()).toBeCloseTo(1, 5);
    replayer.setSkipInactivity(true);
    expect(replayer.getSnapshot().skipInactivity).toBe(true);
    time.advance(16);
    await replayer.settled();
    expect(replayer.getSnapshot()).toMatchObject({ state: 'ended', currentTime: 30.5 });
    expect(terminals[0]?.text).toBe('before\r\nafter\r\n');
  });

  it('error: a recording without a header cannot be played, and only dispose applies', async () => {
    const onError = vi.fn();
    const { replayer, terminals, states } = make({
      source: asciicastSource('this is not a recording\n'),
      onError,
    });
    replayer.load();
    await until(replayer, 'error');
    expect(states).toEqual(['loading', 'error']);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(replayer.getSnapshot().damage?.message).toBeTruthy();
    expectCanMatchesTable(replayer);
    replayer.play();
    await replayer.seek(1);
    replayer.load();
    expect(replayer.getSnapshot().state).toBe('error');
    expect(terminals).toHaveLength(0);
  });

  it('a truncated recording plays up to the damage and says where it stopped', async () => {
    const onError = vi.fn();
    const { replayer } = make({
      source: asciicastSource(`${TEN_LINES.split('\n').slice(0, 5).join('\n')}\n[1.0, "o", "cut`),
      onError,
    });
    replayer.load();
    await until(replayer, 'ready');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(replayer.getSnapshot().damage).toMatchObject({ time: 3.5 });
    expect(replayer.getSnapshot().duration).toBe(3.5);
  });

  it('search: the newest search is the one in the snapshot; an empty query clears it', async () => {
    const { replayer } = make();
    replayer.load();
    await until(replayer, 'ready');
    const shown: unknown[] = [];
    replayer.subscribe(() => shown.push(replayer.getSnapshot().search));
    const first = replayer.search('line 3');
    expect(replayer.getSnapshot().search).toEqual({ query: 'line 3', hits: null });
    const second = replayer.search('LINE 7');
    expect(await first).toEqual([{ time: 3.5, context: 'line 3' }]);
    expect(await second).toEqual([{ time: 7.5, context: 'line 7' }]);
    // The older search's hits were never shown: it was overtaken.
    expect(shown).toEqual([
      { query: 'line 3', hits: null },
      { query: 'LINE 7', hits: null },
      { query: 'LINE 7', hits: [{ time: 7.5, context: 'line 7' }] },
    ]);
    expect(await replayer.search('')).toEqual([]);
    expect(replayer.getSnapshot().search).toBeNull();
  });

  it('host markers are placed once the recording is in, and seek by marker goes between them', async () => {
    const { replayer } = make({
      markers: [{ id: 'evt_b', originalTime: 6, label: 'rm -rf', kind: 'blocked' }],
    });
    replayer.load();
    await until(replayer, 'ready');
    replayer.setMarkers([
      { id: 'evt_a', originalTime: 2, label: 'ls', kind: 'command' },
      { id: 'evt_b', originalTime: 6, label: 'rm -rf', kind: 'blocked' },
    ]);
    expect(replayer.getSnapshot().markers.map((m) => [m.id, m.time])).toEqual([
      ['evt_a', 2],
      ['evt_b', 6],
    ]);
    await replayer.seek({ marker: 'next' });
    expect(replayer.getCurrentTime()).toBe(2);
    await replayer.seek({ marker: 'next' });
    expect(replayer.getCurrentTime()).toBe(6);
    await replayer.seek({ marker: 'prev' });
    expect(replayer.getCurrentTime()).toBe(2);
    await replayer.seek({ marker: 1 });
    expect(replayer.getCurrentTime()).toBe(6);
  });

  it('seeks to an original time: where an event happened, idle stretches cut or not', async () => {
    // Output at 0.5 s, then nothing until 60.5 s; idle stretches cut to 2 s.
    const text = cast(40, 10, [
      [0.5, 'o', 'first\r\n'],
      [60.5, 'o', 'second\r\n'],
      [61.5, 'o', 'third\r\n'],
    ]).text;
    const { replayer, terminals } = make({ source: asciicastSource(text), idleTimeLimit: 2 });
    replayer.load();
    await until(replayer, 'ready');
    expect(replayer.getDuration()).toBeCloseTo(3.5);
    // An event of the session at 61 s (between "second" and "third") plays at 3 s.
    await replayer.seek({ originalTime: 61 });
    expect(replayer.getCurrentTime()).toBeCloseTo(3);
    expect(terminals.at(-1)?.text).toContain('second');
    expect(terminals.at(-1)?.text).not.toContain('third');
    // Inside the cut stretch: where the cut ends ("second" comes then).
    await replayer.seek({ originalTime: 30 });
    expect(replayer.getCurrentTime()).toBeCloseTo(2.5);
    await replayer.seek({ originalTime: 1.5 });
    expect(replayer.getCurrentTime()).toBeCloseTo(1.5);
    expect(terminals.at(-1)?.text).toContain('first');
    expect(terminals.at(-1)?.text).not.toContain('second');
    // Beyond either end: clamped.
    await replayer.seek({ originalTime: 500 });
    expect(replayer.getCurrentTime()).toBeCloseTo(3.5);
    await replayer.seek({ originalTime: -5 });
    expect(replayer.getCurrentTime()).toBe(0);
  });

  it('dispose: the terminal is let go, listeners are not called again, every action is a no-op', async () => {
    const { replayer, terminals, time } = make();
    replayer.load();
    await until(replayer, 'ready');
    replayer.play();
    const listener = vi.fn();
    replayer.subscribe(listener);
    replayer.dispose();
    expect(terminals[0]?.disposed).toBe(true);
    time.advance(1_000);
    replayer.pause();
    replayer.setSpeed(2);
    await replayer.seek(5);
    expect(listener).not.toHaveBeenCalled();
    for (const action of ACTIONS) expect(replayer.can(action), action).toBe(false);
  });

  it('live: plays at the newest moment once the history is in, leaves it on a seek back, jumps back', async () => {
    // The session's history (three lines), then the tail, which the test feeds.
    let push: (item: AsciicastItem | null) => void = () => {};
    const tail: (AsciicastItem | null)[] = [];
    let wake: (() => void) | null = null;
    push = (item) => {
      tail.push(item);
      wake?.();
    };
    const source: ReplaySource = {
      live: true,
      async *read(_signal, onCaughtUp) {
        yield { kind: 'header', header: { version: 3, term: { cols: 40, rows: 10 } } };
        for (let i = 0; i < 3; i++) {
          yield { kind: 'event', event: { time: i + 0.5, code: 'o', data: `old ${i}\r\n` } };
        }
        onCaughtUp();
        for (;;) {
          if (tail.length === 0) await new Promise<void>((r) => (wake = r));
          const item = tail.shift();
          if (!item) return;
          yield item;
        }
      },
    };
    const { replayer, time, terminals } = make({ source });
    replayer.load();
    push({ kind: 'event', event: { time: 3.5, code: 'o', data: 'new 3\r\n' } });
    await until(replayer, 'live');
    expect(replayer.getSnapshot().live).toBe(true);
    expectCanMatchesTable(replayer, true);
    push({ kind: 'event', event: { time: 4, code: 'o', data: 'new 4\r\n' } });
    await vi.waitFor(() => expect(replayer.getDuration()).toBe(4));
    time.advance(1_000);
    await replayer.settled();
    expect(terminals[0]?.text).toContain('new 4');
    await replayer.seek(0.6);
    expect(replayer.getSnapshot().state).toBe('playing');
    replayer.pause();
    expect(replayer.getSnapshot().state).toBe('paused');
    expectCanMatchesTable(replayer, true);
    await replayer.jumpToLive();
    expect(replayer.getSnapshot().state).toBe('live');
    push(null);
    replayer.dispose();
  });

  it('live: a session that ends while followed is no longer live: it plays to its end', async () => {
    let push: (item: AsciicastItem | null) => void = () => {};
    const tail: (AsciicastItem | null)[] = [];
    let wake: (() => void) | null = null;
    push = (item) => {
      tail.push(item);
      wake?.();
    };
    const source: ReplaySource = {
      live: true,
      async *read(_signal, onCaughtUp) {
        yield { kind: 'header', header: { version: 3, term: { cols: 40, rows: 10 } } };
        yield { kind: 'event', event: { time: 0.5, code: 'o', data: 'old\r\n' } };
        onCaughtUp();
        for (;;) {
          if (tail.length === 0) await new Promise<void>((r) => (wake = r));
          const item = tail.shift();
          if (!item) return;
          yield item;
        }
      },
    };
    const { replayer, time, terminals } = make({ source });
    replayer.load();
    push({ kind: 'event', event: { time: 1, code: 'o', data: 'new\r\n' } });
    await until(replayer, 'live');
    expect(replayer.getSnapshot().live).toBe(true);
    // The session ends: its stream closes after the last output.
    push({ kind: 'event', event: { time: 1.5, code: 'o', data: 'bye\r\n' } });
    push(null);
    await vi.waitFor(() => expect(replayer.getSnapshot().live).toBe(false));
    time.advance(1_000);
    await until(replayer, 'ended');
    await replayer.settled();
    expect(terminals[0]?.text).toContain('bye');
    expect(replayer.getSnapshot()).toMatchObject({ state: 'ended', live: false, complete: true });
    expect(replayer.can('jumpToLive')).toBe(false);
    expectCanMatchesTable(replayer, false);
    // Played again from the start it ends at the end, never "live".
    replayer.play();
    time.advance(5_000);
    await until(replayer, 'ended');
    replayer.dispose();
  });

  it('live: host markers show once their events are in, and more as events append', async () => {
    const tail: (AsciicastItem | null)[] = [];
    let wake: (() => void) | null = null;
    const push = (item: AsciicastItem | null) => {
      tail.push(item);
      wake?.();
    };
    const source: ReplaySource = {
      live: true,
      async *read(_signal, onCaughtUp) {
        yield { kind: 'header', header: { version: 3, term: { cols: 40, rows: 10 } } };
        yield { kind: 'event', event: { time: 0.5, code: 'o', data: 'old 0\r\n' } };
        // A long idle stretch (cut to 2 s): markers after it sit at their play times.
        yield { kind: 'event', event: { time: 30.5, code: 'o', data: 'old 1\r\n' } };
        onCaughtUp();
        for (;;) {
          if (tail.length === 0) await new Promise<void>((r) => (wake = r));
          const item = tail.shift();
          if (!item) return;
          yield item;
        }
      },
    };
    const { replayer, time } = make({
      source,
      idleTimeLimit: 2,
      markers: [
        { id: 'evt_a', originalTime: 30.5, label: 'ls', kind: 'command' },
        { id: 'evt_c', originalTime: 40, label: 'rm -rf', kind: 'blocked' },
      ],
    });
    replayer.load();
    push({ kind: 'event', event: { time: 31, code: 'o', data: 'new 2\r\n' } });
    await until(replayer, 'live');
    expect(replayer.getSnapshot().complete).toBe(false);
    const placed = () => replayer.getSnapshot().markers.map((m) => [m.id, m.time]);
    // The first marker's event is in: shown at its play time; the second's is not yet.
    await vi.waitFor(() => expect(placed()).toEqual([['evt_a', 2.5]]));
    // Markers the host polls while live arrive while the recording streams.
    replayer.setMarkers([
      { id: 'evt_a', originalTime: 30.5, label: 'ls', kind: 'command' },
      { id: 'evt_b', originalTime: 31, label: 'cat', kind: 'command' },
      { id: 'evt_c', originalTime: 40, label: 'rm -rf', kind: 'blocked' },
    ]);
    expect(placed()).toEqual([
      ['evt_a', 2.5],
      ['evt_b', 3],
    ]);
    // The events reach the third marker's time: it is placed as they append.
    time.advance(300);
    push({ kind: 'event', event: { time: 40, code: 'o', data: 'new 3\r\n' } });
    await vi.waitFor(() =>
      expect(placed()).toEqual([
        ['evt_a', 2.5],
        ['evt_b', 3],
        ['evt_c', 5],
      ]),
    );
    push(null);
    replayer.dispose();
  });

  it("originalTimeOf: a play time as the session's own time, idle stretches counted back", async () => {
    // Output at 0.5 s, then nothing until 60.5 s; idle stretches cut to 2 s.
    const text = cast(40, 10, [
      [0.5, 'o', 'first\r\n'],
      [60.5, 'o', 'second\r\n'],
      [61.5, 'o', 'third\r\n'],
    ]).text;
    const { replayer } = make({ source: asciicastSource(text), idleTimeLimit: 2 });
    replayer.load();
    await until(replayer, 'ready');
    expect(replayer.originalTimeOf(0)).toBe(0);
    expect(replayer.originalTimeOf(0.5)).toBeCloseTo(0.5);
    expect(replayer.originalTimeOf(1.5)).toBeCloseTo(1.5);
    // "second" plays at 2.5 s and happened at 60.5 s; "third" a second later on both clocks.
    expect(replayer.originalTimeOf(2.5)).toBeCloseTo(60.5);
    expect(replayer.originalTimeOf(3)).toBeCloseTo(61);
    expect(replayer.originalTimeOf(3.5)).toBeCloseTo(61.5);
    // The inverse of a seek to an original time, at every event and between them.
    for (const original of [0.5, 1, 60.5, 61, 61.5]) {
      await replayer.seek({ originalTime: original });
      expect(replayer.originalTimeOf(replayer.getCurrentTime())).toBeCloseTo(original);
    }
    replayer.dispose();
  });

  it('sessionTimeOf: a play time as the moment of the session, from its start', async () => {
    const text = cast(40, 10, [
      [0.5, 'o', 'first\r\n'],
      [60.5, 'o', 'second\r\n'],
      [61.5, 'o', 'third\r\n'],
    ]).text;
    const { replayer } = make({ source: asciicastSource(text), idleTimeLimit: 2 });
    const startedAt = '2026-11-25T06:19:32.123Z';
    // Before the recording is read: the play time is the original time.
    expect(replayer.sessionTimeOf(1.5, startedAt)).toBe('2026-11-25T06:19:33.623Z');
    replayer.load();
    await until(replayer, 'ready');
    expect(replayer.sessionTimeOf(0, startedAt)).toBe(startedAt);
    expect(replayer.sessionTimeOf(0.5, startedAt)).toBe('2026-11-25T06:19:32.623Z');
    // "second" plays at 2.5 s (the idle minute cut to 2 s) and happened a minute in.
    expect(replayer.sessionTimeOf(2.5, startedAt)).toBe('2026-11-25T06:20:32.623Z');
    expect(replayer.sessionTimeOf(3, startedAt)).toBe('2026-11-25T06:20:33.123Z');
    // Any ISO 8601 time of the session's start, an offset too.
    expect(replayer.sessionTimeOf(2.5, '2026-11-25T07:19:32.123+01:00')).toBe(
      '2026-11-25T06:20:32.623Z',
    );
    // Where a seek to the session's moment lands, that moment back.
    await replayer.seek({ originalTime: 61 });
    expect(replayer.sessionTimeOf(replayer.getCurrentTime(), startedAt)).toBe(
      '2026-11-25T06:20:33.123Z',
    );
    expect(() => replayer.sessionTimeOf(1, 'yesterday')).toThrow(
      /startedAt must be an ISO 8601 time, got "yesterday"/,
    );
    // Date.parse takes these, in the viewer's time zone or as a year: an audit time must not.
    for (const loose of ['0', '2026-11-25T06:19:32', '2026-11-25'])
      expect(() => replayer.sessionTimeOf(1, loose)).toThrow(/startedAt must be an ISO 8601 time/);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => replayer.sessionTimeOf(bad, startedAt)).toThrow(
        /playSeconds must be a finite number/,
      );
    replayer.dispose();
  });

  it('a recording that is not live has no live state and jumpToLive does nothing', async () => {
    const { replayer } = make();
    replayer.load();
    await until(replayer, 'ready');
    expect(replayer.can('jumpToLive')).toBe(false);
    await replayer.jumpToLive();
    expect(replayer.getSnapshot()).toMatchObject({ state: 'ready', live: false, currentTime: 0 });
  });
});

describe('screenSize: resize events the driver and the scanner apply', () => {
  it("reads sizes by the client's rule and leaves out those larger than the player shows", () => {
    expect(screenSize('100x30')).toEqual({ cols: 100, rows: 30 });
    expect(screenSize('10000x1')).toEqual({ cols: 10_000, rows: 1 });
    // Sizes by the data model's rule, too large to show.
    expect(screenSize('10001x24')).toBeNull();
    expect(screenSize('80x99999')).toBeNull();
    // Not sizes.
    for (const data of ['0x0', '80x', ' 80x24', '80X24', '080x24', '100000x1']) {
      expect(screenSize(data), data).toBeNull();
    }
  });
});
