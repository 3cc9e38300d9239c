/**
 * The player core in Node with @xterm/headless as the screen: seeking through keyframes gives
 * the frame that writing from the start gives, in any order of seeks.
 */
import { readFileSync } from 'node:fs';
import { readAsciicast } from '@auditlane/client/asciicast';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { ReplayDriver } from '../src/replay/core/driver';
import { KeyframeIndex } from '../src/replay/core/keyframes';
import { Recording } from '../src/replay/core/recording';
import { SEQUENCE_STATES, SequenceTracker } from '../src/replay/core/sequence-tracker';
import { type ReplayTerminal, screenSize } from '../src/replay/core/terminal';
import { createScanHost } from '../src/replay/view/scan-host';
import { createSnapshotTerminal } from '../src/replay/view/snapshot-terminal';
import { fixIntensity, wrap, type XtermLike } from '../src/replay/view/terminal-state';
import { safeLink } from '../src/replay/view/xterm-screen';
import {
  busySession,
  type Cast,
  cast,
  castOf,
  referenceScreen,
  resplit,
  sequenceZoo,
} from './casts';

async function load(c: Cast, spacing: number, maxKeyframes?: number) {
  const recording = new Recording();
  const host = await createScanHost({ cols: c.cols, rows: c.rows, spacing, maxKeyframes });
  expect(host.kind).toBe('thread');
  let keyframes: KeyframeIndex | null = null;
  for await (const item of readAsciicast(c.text)) {
    if (item.kind === 'header') {
      recording.setHeader(item.header);
      keyframes = new KeyframeIndex(recording, host);
    } else recording.append(item.event);
  }
  recording.finish();
  recording.seal();
  if (!keyframes) throw new Error('no header');
  await keyframes.drained();
  expect(keyframes.scanned).toBe(recording.length);
  const screen = await createSnapshotTerminal(c.cols, c.rows);
  const driver = new ReplayDriver(recording, keyframes, screen, { schedule: () => () => {} });
  driver.markReady();
  return { recording, keyframes, driver, screen };
}

/** A driver on a clock the test moves: `advance(ms)`, then `frame()` draws the frame asked for. */
async function clockedDriver(
  c: Cast,
  recording: Recording,
  keyframes: KeyframeIndex,
  given?: ReplayTerminal & { serialize(): string; snapshot(): string },
) {
  const screen = given ?? (await createSnapshotTerminal(c.cols, c.rows));
  let clock = 0;
  let pending: (() => void) | null = null;
  const driver = new ReplayDriver(recording, keyframes, screen, {
    now: () => clock,
    schedule: (callback) => {
      pending = callback;
      return () => {
        pending = null;
      };
    },
  });
  driver.markReady();
  return {
    driver,
    screen,
    advance: (ms: number) => {
      clock += ms;
    },
    frame: () => (pending as (() => void) | null)?.(),
  };
}

/** A recording made by asciinema 2.2 (ls, gcc, grep, vim; see internal/fixtures/cast/README.md). */
function asciinemaCast(): Cast {
  return castOf(
    readFileSync(
      new URL('../../../internal/fixtures/cast/asciinema-ls-gcc-vim.cast', import.meta.url),
      'utf8',
    ),
  );
}

/** xterm's own parser: its state and whether it holds half a surrogate pair (test-only internals). */
function xtermParser(term: Terminal): { state: number; held: boolean } {
  const handler = (
    term as unknown as {
      _core: {
        _inputHandler: { _parser: { currentState: number }; _stringDecoder: { _interim: number } };
      };
    }
  )._core._inputHandler;
  return { state: handler._parser.currentState, held: handler._stringDecoder._interim !== 0 };
}

/** Writes at once, bypassing the write queue (nothing here is asynchronous). */
function writeNow(term: Terminal, data: string): void {
  (term as unknown as { _core: { writeSync(d: string): void } })._core.writeSync(data);
}

/**
 * A headless terminal of the test's own: its state as a keyframe holds it (screen, scroll region,
 * charsets, saved cursor, modes), and what is only seen, read from xterm (cursor shown, its shape
 * and blinking, synchronized output, the colours it was told to use): `now()` is all of it, to
 * compare.
 */
function headless(c: Cast) {
  const term = new Terminal({
    cols: c.cols,
    rows: c.rows,
    scrollback: 0,
    allowProposedApi: true,
    logLevel: 'off',
  });
  const serializer = new SerializeAddon();
  term.loadAddon(serializer as never);
  const state = wrap(term as unknown as XtermLike, serializer);
  state.write = (data: string) => {
    writeNow(term, data);
    return Promise.resolve();
  };
  const { coreService } = (
    term as unknown as {
      _core: {
        coreService: {
          isCursorHidden: boolean;
          decPrivateModes: { cursorStyle?: string; cursorBlink?: boolean };
        };
      };
    }
  )._core;
  // The colours the terminal was told to use (what a browser's theme would show), from its events.
  const colours = new Map<number, string>();
  (
    term as unknown as {
      _core: {
        _inputHandler: {
          onColor(
            listener: (e: { type: number; index?: number; color?: number[] }[]) => void,
          ): void;
        };
      };
    }
  )._core._inputHandler.onColor((event) => {
    for (const { type, index, color } of event) {
      if (type === 1 && index !== undefined) colours.set(index, String(color));
      if (type === 2 && index !== undefined) colours.delete(index);
      if (type === 2 && index === undefined) {
        for (const i of [...colours.keys()]) if (i < 256) colours.delete(i);
      }
    }
  });
  const now = () => {
    const { cursorStyle, cursorBlink } = coreService.decPrivateModes;
    const cursor = `${coreService.isCursorHidden ? 'hidden' : 'shown'} ${cursorStyle} ${cursorBlink}`;
    const palette = [...colours].sort((a, b) => a[0] - b[0]).join(' ');
    return `${state.snapshot()}\ncursor ${cursor}, synchronized output ${term.modes.synchronizedOutputMode}, colours ${palette}`;
  };
  return { term, state, now };
}

/**
 * Every way the player reaches event boundary n, for every n, shows what writing events [0, n)
 * from the start shows: a seek to n (a keyframe restored, the rest replayed), playing on from
 * there past the end of the sequence under way (what a keyframe failed to carry shows there),
 * and a seek back to 0 from wherever the screen was, then playing to n. Keyframes are due at
 * every boundary; the test also checks each one sits where xterm's parser is in ground.
 */
async function expectEveryBoundary(c: Cast) {
  const { recording, keyframes } = await load(c, 1, 1_000_000);
  // The player's screen: a terminal of this test's own, so its modes can be read too.
  const raw = headless(c);
  const { driver, advance, frame } = await clockedDriver(c, recording, keyframes, raw.state);
  const length = recording.length;
  // The reference: events written one by one; the screen and xterm's parser after each.
  const reference = headless(c);
  const expected: string[] = [reference.now()];
  const ground: boolean[] = [true];
  for (const [, code, data] of c.events) {
    if (code === 'o') writeNow(reference.term, data);
    if (code === 'r') {
      const size = screenSize(data);
      if (size) reference.term.resize(size.cols, size.rows);
    }
    expected.push(reference.now());
    const parser = xtermParser(reference.term);
    ground.push(parser.state === 0 && !parser.held);
  }
  reference.term.dispose();
  const inside = ground.filter((g) => !g).length;
  // The material cuts sequences, and keyframes are taken only where xterm's parser is in ground.
  expect(inside).toBeGreaterThan(length / 10);
  expect(keyframes.keyframes.length).toBeGreaterThan((length - inside) / 2);
  for (const k of keyframes.keyframes) expect(ground[k.index], `keyframe at ${k.index}`).toBe(true);
  // A play time that shows events [0, n): between event n - 1 and event n.
  const at = (n: number) =>
    n === 0
      ? 0
      : n >= length
        ? recording.timeAt(length - 1)
        : (recording.timeAt(n - 1) + recording.timeAt(n)) / 2;
  const playTo = async (n: number) => {
    driver.play();
    advance((at(n) - driver.getCurrentTime()) * 1000);
    frame();
    await driver.settled();
    driver.pause();
  };
  const around = (n: number) =>
    JSON.stringify(
      c.events
        .slice(Math.max(0, n - 2), n + 1)
        .map(([, , d]) => (d.length > 40 ? `${d.slice(0, 16)}…${d.slice(-16)}` : d)),
    );
  for (let n = 1; n < length; n++) {
    await driver.seek(at(n));
    await driver.settled();
    expect(raw.now(), `seek to ${n} ${around(n)}`).toBe(expected[n]);
    // On over a few events, to where the sequence under way (if any) has ended.
    let m = Math.min(length - 1, n + 3);
    while (m < length - 1 && m < n + 64 && !ground[m]) m++;
    await playTo(m);
    expect(raw.now(), `from ${n} played on to ${m} ${around(n)}`).toBe(expected[m]);
    await driver.seek(0);
    await driver.settled();
    expect(raw.now(), `back to 0 from ${m} ${around(m)}`).toBe(expected[0]);
    await playTo(n);
    expect(raw.now(), `from 0 played to ${n} ${around(n)}`).toBe(expected[n]);
  }
  driver.dispose();
}

describe('replay core', () => {
  it('seeks to any time through keyframes and shows the frame of a replay from the start', async () => {
    const c = busySession(90);
    const { keyframes, driver, screen } = await load(c, 4_000);
    expect(keyframes.keyframes.length).toBeGreaterThan(10);
    const duration = driver.getDuration();
    // Chosen cases (inside pagers, after resizes, backwards) and 12 pseudo-random ones.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const fractions = [0.5, 0.95, 0.2, 0.21, 0.7, 0.033, 0, 0.4, 0.41, 0.9, 0.1, 1];
    for (let i = 0; i < 12; i++) fractions.push(random());
    const times = fractions.map((f) => f * duration);
    for (const t of times) {
      await driver.seek(t);
      await driver.settled();
      expect(screen.serialize(), `at ${t.toFixed(2)} s`).toBe(await referenceScreen(c, t));
    }
  }, 60_000);

  it('keeps memory bounded: keyframes thin out and space further apart as the recording grows', async () => {
    const c = busySession(400);
    const { keyframes } = await load(c, 100);
    expect(keyframes.keyframes.length).toBeLessThanOrEqual(1024);
    const ordered = keyframes.keyframes.every(
      (k, i, all) => i === 0 || k.index > (all[i - 1]?.index ?? 0),
    );
    expect(ordered).toBe(true);
  }, 60_000);

  it('keeps event data packed in blocks and reads any range back exactly', async () => {
    const c = busySession(400);
    const { recording, keyframes } = await load(c, 32_000);
    expect(recording.blocks.length).toBeGreaterThan(3);
    expect(recording.blocks.every((b) => b.text === null && b.packed !== null)).toBe(true);
    const raw = c.events.reduce((n, e) => n + e[2].length * 2, 0);
    expect(recording.retainedBytes).toBeLessThan(raw / 2);
    // Ranges inside one block, across blocks, and the whole recording.
    const block = recording.blocks[1];
    const edges = [
      [0, 10],
      [(block?.first ?? 0) - 5, (block?.first ?? 0) + 5],
      [100, 4_000],
      [0, recording.length],
    ] as const;
    for (const [from, to] of edges) {
      const { codes, data } = await recording.read(from, to);
      expect(data.length).toBe(to - from);
      for (let k = 0; k < data.length; k++) {
        const [, code, text] = c.events[from + k] as [number, string, string];
        expect(String.fromCharCode(codes[k] as number)).toBe(code);
        expect(data[k]).toBe(text);
      }
    }
    // Snapshots are packed too, and unpack to terminal state.
    const last = keyframes.keyframes.at(-1);
    expect(last?.snapshot).toBeInstanceOf(Uint8Array);
    expect(await keyframes.snapshotOf(last as never)).toContain('\u001b[');
  }, 60_000);

  it('keeps input and markers between output out of keyframes', async () => {
    // Typed keys (recorded with --input) and markers sit between output events in a block.
    const base = busySession(120);
    const events: Cast['events'] = [];
    for (const e of base.events) {
      events.push(e);
      if (e[1] === 'o') events.push([e[0], 'i', 'TYPED\r']);
    }
    const c = cast(base.cols, base.rows, events);
    const { keyframes, driver, screen } = await load(c, 4_000);
    expect(keyframes.keyframes.length).toBeGreaterThan(20);
    for (const k of keyframes.keyframes.slice(1)) {
      expect(await keyframes.snapshotOf(k)).not.toContain('TYPED');
    }
    const duration = driver.getDuration();
    for (const f of [0.9, 0.35, 0.6]) {
      await driver.seek(f * duration);
      await driver.settled();
      expect(screen.serialize()).toBe(await referenceScreen(c, f * duration));
    }
  }, 120_000);

  it('scans many blocks in order on the page thread (no worker), seeks equal a replay from the start', async () => {
    const c = busySession(1_400);
    // The whole recording first, then the index: every block goes to the host at once.
    const recording = new Recording();
    for await (const item of readAsciicast(c.text)) {
      if (item.kind === 'header') recording.setHeader(item.header);
      else recording.append(item.event);
    }
    recording.seal();
    recording.finish();
    const host = await createScanHost({
      cols: c.cols,
      rows: c.rows,
      spacing: 8_000,
      worker: false,
    });
    const keyframes = new KeyframeIndex(recording, host);
    await keyframes.drained();
    const screen = await createSnapshotTerminal(c.cols, c.rows);
    const driver = new ReplayDriver(recording, keyframes, screen, { schedule: () => () => {} });
    driver.markReady();
    expect(recording.blocks.length).toBeGreaterThan(16);
    expect(keyframes.keyframes.length).toBeGreaterThan(100);
    const duration = driver.getDuration();
    for (const f of [0.97, 0.5, 0.12, 0.73]) {
      await driver.seek(f * duration);
      await driver.settled();
      expect(screen.serialize(), `at ${f}`).toBe(await referenceScreen(c, f * duration));
    }
  }, 180_000);

  it('seeking back while playing shows the frame of the new time, not of frames queued before', async () => {
    const c = busySession(90);
    const { recording, keyframes } = await load(c, 4_000);
    const { driver, screen, advance, frame } = await clockedDriver(c, recording, keyframes);
    await driver.seek(60);
    driver.play();
    advance(500);
    frame();
    const back = driver.seek(5);
    // A frame drawn while the seek works.
    advance(16);
    frame();
    await back;
    await driver.settled();
    const t = driver.getCurrentTime();
    expect(t).toBeLessThan(6);
    expect(screen.serialize()).toBe(await referenceScreen(c, t));
    driver.dispose();
  }, 60_000);

  it('a recording made by asciinema, its own cuts and a cut at every offset of a window: seeks equal a replay from the start', async () => {
    const c = asciinemaCast();
    // asciinema cut this one inside SGR sequences (`ESC[0` | `1;32m`, `ESC[0` | `m`, `ESC` | `[31m`).
    const all = c.events.map((e) => e[2]).join('');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequences counted.
    const cutInside = c.events.filter((e) => /\u001b(\[[0-9;]*)?$/.test(e[2])).length;
    expect(cutInside).toBeGreaterThanOrEqual(3);
    // A window of coloured compiler diagnostics, grep matches and UTF-8 text, cut everywhere.
    const from = all.indexOf('$ gcc');
    const to = all.indexOf('Grüße') + 80;
    expect(from).toBeGreaterThan(0);
    await expectEveryBoundary(resplit(c, from, to));
  }, 300_000);

  it('another asciinema recording, top and tput line drawing, the first screens cut at every offset', async () => {
    const c = castOf(
      readFileSync(
        new URL('../../../internal/fixtures/cast/asciinema-top-tput.cast', import.meta.url),
        'utf8',
      ),
    );
    // asciinema cut it between ESC and (B; tput writes ESC(0 alone, then the box.
    expect(c.events.some((e) => e[2].endsWith('\u001b'))).toBe(true);
    expect(c.events.some((e) => e[2] === '\u001b(0')).toBe(true);
    await expectEveryBoundary(resplit(c, 0, 1_500));
  }, 300_000);

  it("a seek from a screen stopped inside ESC[01;3 to a keyframe whose screen starts with 'r' sets no scroll region", async () => {
    const E = '\u001b';
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i}\r\n`).join('');
    const c = cast(40, 10, [
      [0.1, 'o', 'ready to go\r\n'],
      [0.2, 'o', `${E}[01;3`],
      [0.3, 'o', `1mred${E}[0m\r\n`],
      [0.4, 'o', lines],
    ]);
    const { keyframes, driver, screen } = await load(c, 10);
    // Not after event 1 (inside the sequence); the one after the last output waits for more.
    expect(keyframes.keyframes.map((k) => k.index)).toEqual([0, 1, 3]);
    // The screen stops inside the sequence, then the keyframe after 'ready to go' is restored.
    await driver.seek(0.25);
    await driver.settled();
    await driver.seek(0.15);
    await driver.settled();
    expect(screen.serialize()).toBe(await referenceScreen(c, 0.15));
    // The keyframe terminal writes out a scroll region when one is set (DECSTBM 1;3 here).
    expect(screen.snapshot()).not.toContain(`${E}[1;3r`);
    await driver.seek(0.35);
    await driver.settled();
    await driver.seek(0.15);
    await driver.settled();
    // Played on from there, the lines scroll the whole screen, not rows 1-3.
    await driver.seek(0.45);
    await driver.settled();
    expect(screen.serialize()).toBe(await referenceScreen(c, 0.45));
  });

  it('the same recording, every offset of vim drawing its screen cut (alternate screen, scroll region, 256 colours)', async () => {
    const c = asciinemaCast();
    const all = c.events.map((e) => e[2]).join('');
    const from = all.indexOf('\u001b[?1049h');
    expect(from).toBeGreaterThan(0);
    await expectEveryBoundary(resplit(c, from, from + 700));
  }, 300_000);

  it('every kind of sequence, the state they leave (charsets, saved cursor, origin mode) and 2- to 4-byte UTF-8, cut at every offset: seeks equal a replay from the start', async () => {
    await expectEveryBoundary(resplit(sequenceZoo()));
  }, 300_000);

  it('follows the parser state as xterm does, through every kind of sequence and random control soup', () => {
    const expectSame = (chunks: string[]) => {
      const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true, logLevel: 'off' });
      const tracker = new SequenceTracker();
      let seen = 0;
      for (const [k, chunk] of chunks.entries()) {
        writeNow(term, chunk);
        tracker.feed(chunk);
        const parser = xtermParser(term);
        const where = `after chunk ${k} ${JSON.stringify(chunks.slice(Math.max(0, k - 3), k + 1))}`;
        expect(tracker.state, where).toBe(SEQUENCE_STATES[parser.state]);
        expect(tracker.ground, where).toBe(parser.state === 0 && !parser.held);
        if (parser.state !== 0) seen |= 1 << parser.state;
      }
      term.dispose();
      return seen;
    };
    // Real and constructed recordings, one character at a time.
    for (const c of [asciinemaCast(), sequenceZoo(), busySession(20)]) {
      expectSame([...c.events.map((e) => (e[1] === 'o' ? e[2] : ''))].join('').split(''));
    }
    // Random soup of controls, sequence bytes, C1, text, surrogate halves and BOMs, in random cuts.
    const alphabet = [
      '\u001b',
      '[',
      ']',
      'P',
      'X',
      '^',
      '_',
      '\\',
      '(',
      ' ',
      '!',
      '$',
      '0',
      '1',
      ';',
      ':',
      '?',
      '<',
      '>',
      '=',
      'm',
      'H',
      'q',
      'r',
      'c',
      '~',
      '\u0007',
      '\u0018',
      '\u001a',
      '\u0008',
      '\r',
      '\n',
      '\u001c',
      '\u007f',
      '\u0090',
      '\u009b',
      '\u009c',
      '\u009d',
      '\u0098',
      '\u0085',
      'é',
      '世',
      '\ud83c',
      '\udf0d',
      '\ufeff',
      'a',
      'Z',
    ];
    let seed = 13;
    const random = (n: number) => {
      seed = (seed * 16807) % 2147483647;
      return seed % n;
    };
    let seen = 0;
    for (let round = 0; round < 40; round++) {
      const chunks: string[] = [];
      for (let k = 0; k < 300; k++) {
        let chunk = '';
        for (let n = random(6) + 1; n > 0; n--) chunk += alphabet[random(alphabet.length)];
        chunks.push(chunk);
      }
      seen |= expectSame(chunks);
    }
    // Every state other than ground was reached.
    expect(seen).toBe(0b11111111111110);
  });

  it('follows only http(s) links of a recording', () => {
    expect(safeLink('javascript:alert(document.domain)')).toBeNull();
    expect(safeLink('JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeLink('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeLink('file:///etc/passwd')).toBeNull();
    expect(safeLink('not a url')).toBeNull();
    expect(safeLink('https://example.com/docs?q=1')).toBe('https://example.com/docs?q=1');
  });

  it('keeps bold after dim in keyframes (SGR 22 first), and extended colours untouched', () => {
    const E = '\u001b';
    expect(fixIntensity(`${E}[32;1;22mx`)).toBe(`${E}[22;32;1mx`);
    expect(fixIntensity(`${E}[38;5;22;1mx`)).toBe(`${E}[38;5;22;1mx`);
    expect(fixIntensity(`${E}[38;2;22;22;22;22mx`)).toBe(`${E}[22;38;2;22;22;22mx`);
    expect(fixIntensity(`${E}[0mx`)).toBe(`${E}[0mx`);
  });

  it('skips inactive stretches while playing, when asked', async () => {
    const c = busySession(60);
    const { recording, keyframes } = await load(c, 4_000);
    const gap = recording.inactivity[0];
    expect(gap).toBeDefined();
    const { driver, advance, frame } = await clockedDriver(c, recording, keyframes);
    const start = gap?.start as number;
    const end = gap?.end as number;
    driver.play();
    advance((start + 0.5) * 1000);
    frame();
    expect(driver.getCurrentTime()).toBeCloseTo(start + 0.5, 3);
    driver.setSkipInactivity(true);
    advance(100);
    frame();
    expect(driver.getCurrentTime()).toBeCloseTo(end, 3);
    expect(end - start).toBeGreaterThan(5);
    driver.dispose();
  });
});
