import { describe, expect, it } from 'vitest';
import { parseAsciicast } from './parser';
import { readAsciicast } from './reader';
import type { AsciicastEvent, AsciicastHeader } from './types';
import { asciicastEncoderStream, createAsciicastWriter, stringifyAsciicast } from './writer';

const theme = { fg: '#d0d0d0', bg: '#212121', palette: '#151515:#ac4142:#7e8e50:#e5b567' };

const v2Header: AsciicastHeader = {
  version: 2,
  term: { cols: 120, rows: 40, theme },
  timestamp: 1504467315,
  idle_time_limit: 1.5,
  command: '/bin/zsh -l',
  title: 'Démo "quoted" ✓',
  env: { SHELL: '/bin/zsh', TERM: 'xterm-256color' },
  duration: 12.75,
};

const v3Header: AsciicastHeader = {
  version: 3,
  term: { cols: 80, rows: 24, type: 'xterm-256color', version: 'VTE(7802)', theme },
  timestamp: 1509091818,
  idle_time_limit: 2,
  command: '/bin/bash',
  title: 'Demo',
  env: { SHELL: '/bin/bash' },
  tags: ['demo', 'tutorial'],
};

const events: AsciicastEvent[] = [
  { time: 0.1 + 0.2, code: 'o', data: '\u001b[1;31mHello\u001b[0m\r\n' },
  { time: 1 / 3, code: 'i', data: '\u0003' },
  { time: 1 / 3, code: 'm', data: 'chapter "one"' },
  { time: 2.123456789, code: 'o', data: 'ñ 世界 🌍 \\ back\\slash \t tab' },
  { time: 3.5, code: 'r', data: '100x30' },
  { time: 10.000001, code: 'o', data: '' },
];

function expectEventsClose(actual: AsciicastEvent[], expected: AsciicastEvent[]): void {
  expect(actual.map(({ code, data }) => ({ code, data }))).toEqual(
    expected.map(({ code, data }) => ({ code, data })),
  );
  actual.forEach((event, index) => {
    expect(Math.abs(event.time - (expected[index]?.time ?? Number.NaN))).toBeLessThanOrEqual(1e-6);
  });
}

async function readAll(stream: ReadableStream<string>): Promise<string> {
  let text = '';
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += value;
  }
}

function streamOf<T>(chunks: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe('createAsciicastWriter', () => {
  it('writes v2 lines with absolute times', () => {
    const writer = createAsciicastWriter({ version: 2, term: { cols: 80, rows: 24 } });
    expect(writer.header()).toBe('{"version":2,"width":80,"height":24}\n');
    expect(writer.event({ time: 0.5, code: 'o', data: 'a\u001b[0m' })).toBe(
      '[0.5, "o", "a\\u001b[0m"]\n',
    );
    expect(writer.event({ time: 2, code: 'm', data: '' })).toBe('[2.0, "m", ""]\n');
    expect(writer.event({ time: 2.0000004, code: 'o', data: 'é' })).toBe('[2.0, "o", "é"]\n');
    expect(writer.event({ time: 3.1234567, code: 'r', data: '90x30' })).toBe(
      '[3.123457, "r", "90x30"]\n',
    );
  });

  it('writes v3 lines with intervals', () => {
    const writer = createAsciicastWriter({ version: 3, term: { cols: 80, rows: 24 } });
    expect(writer.header()).toBe('{"version":3,"term":{"cols":80,"rows":24}}\n');
    expect(writer.event({ time: 0.25, code: 'o', data: 'a' })).toBe('[0.25, "o", "a"]\n');
    expect(writer.event({ time: 0.25, code: 'o', data: 'b' })).toBe('[0.0, "o", "b"]\n');
    expect(writer.event({ time: 1.000013, code: 'i', data: 'c' })).toBe('[0.750013, "i", "c"]\n');
    expect(writer.event({ time: 1.0000134, code: 'x', data: '0' })).toBe('[0.0, "x", "0"]\n');
    expect(writer.event({ time: 1e6 + 0.5, code: 'o', data: '' })).toBe(
      '[999999.499987, "o", ""]\n',
    );
  });

  it('never writes exponent notation for tiny or huge values', () => {
    const writer = createAsciicastWriter({ version: 3, term: { cols: 80, rows: 24 } });
    expect(writer.event({ time: 0.000001, code: 'o', data: '' })).toBe('[0.000001, "o", ""]\n');
    expect(writer.event({ time: 0.0000016, code: 'o', data: '' })).toBe('[0.000001, "o", ""]\n');
    const v2 = createAsciicastWriter({ version: 2, term: { cols: 80, rows: 24 } });
    expect(v2.event({ time: 1e-7, code: 'o', data: '' })).toBe('[0.0, "o", ""]\n');
    expect(v2.event({ time: 1e15, code: 'o', data: '' })).toBe('[1000000000000000.0, "o", ""]\n');
  });

  it('drops exit events when writing v2', () => {
    const writer = createAsciicastWriter(v3Header, { version: 2 });
    expect(writer.event({ time: 1, code: 'o', data: 'a' })).toBe('[1.0, "o", "a"]\n');
    expect(writer.event({ time: 2, code: 'x', data: '1' })).toBe('');
    expect(writer.event({ time: 3, code: 'o', data: 'b' })).toBe('[3.0, "o", "b"]\n');
  });

  it('throws for times going backwards and for invalid events', () => {
    const writer = createAsciicastWriter(v3Header);
    writer.event({ time: 2, code: 'o', data: 'a' });
    expect(() => writer.event({ time: 1.5, code: 'o', data: 'b' })).toThrow(
      'event time must not go backwards: 1.5 is before 2',
    );
    expect(() => writer.event({ time: -1, code: 'o', data: '' })).toThrow(
      'event time must be a non-negative number, got -1',
    );
    expect(() => writer.event({ time: Number.NaN, code: 'o', data: '' })).toThrow('got NaN');
    expect(() => writer.event({ time: 3, code: 'r', data: '80 x 24' })).toThrow(
      'invalid resize data "80 x 24": expected "COLSxROWS" with integers from 1 to 99999',
    );
    const untyped = { time: 3, code: 'q', data: '' } as unknown as AsciicastEvent;
    expect(() => writer.event(untyped)).toThrow('unknown event code "q"');
    const badData = { time: 3, code: 'o', data: 42 } as unknown as AsciicastEvent;
    expect(() => writer.event(badData)).toThrow('event data must be a string, got 42');
    // Equal times are fine, and a rejected event did not move the clock.
    expect(writer.event({ time: 2, code: 'o', data: 'c' })).toBe('[0.0, "o", "c"]\n');
  });

  it('throws for a header it could not read back', () => {
    expect(() => createAsciicastWriter({ version: 3, term: { cols: 0, rows: 24 } })).toThrow(
      'invalid asciicast header: header "term.cols" must be a positive integer, got 0',
    );
    expect(() => createAsciicastWriter({ version: 2, term: { cols: 80, rows: 2.5 } })).toThrow(
      'invalid asciicast header: header "height" must be a positive integer, got 2.5',
    );
    const badEnv = { ...v3Header, env: { A: 1 } } as unknown as AsciicastHeader;
    expect(() => createAsciicastWriter(badEnv)).toThrow('header "env.A" must be a string, got 1');
    const badVersion = { version: 4 } as unknown as { version: 2 };
    expect(() => createAsciicastWriter(v3Header, badVersion)).toThrow(
      'unsupported asciicast version 4',
    );
  });

  it('leaves out fields the target version cannot hold', () => {
    const v2Line = createAsciicastWriter(v3Header, { version: 2 }).header();
    expect(JSON.parse(v2Line)).toEqual({
      version: 2,
      width: 80,
      height: 24,
      timestamp: 1509091818,
      idle_time_limit: 2,
      command: '/bin/bash',
      title: 'Demo',
      env: { SHELL: '/bin/bash' },
      theme,
    });
    const v3Line = createAsciicastWriter(v2Header, { version: 3 }).header();
    expect(JSON.parse(v3Line)).toEqual({
      version: 3,
      term: { cols: 120, rows: 40, theme },
      timestamp: 1504467315,
      idle_time_limit: 1.5,
      command: '/bin/zsh -l',
      title: 'Démo "quoted" ✓',
      env: { SHELL: '/bin/zsh', TERM: 'xterm-256color' },
    });
  });
});

describe('round trips', () => {
  it('v2: parse(stringify(x)) equals x', () => {
    const text = stringifyAsciicast(v2Header, events);
    expect(text.split('\n')).toHaveLength(events.length + 2);
    const parsed = parseAsciicast(text);
    expect(parsed.header).toEqual(v2Header);
    expectEventsClose(parsed.events, events);
  });

  it('v3: parse(stringify(x)) equals x, exit event included', () => {
    const all: AsciicastEvent[] = [...events, { time: 11, code: 'x', data: '130' }];
    const parsed = parseAsciicast(stringifyAsciicast(v3Header, all));
    expect(parsed.header).toEqual(v3Header);
    expectEventsClose(parsed.events, all);
  });

  it('v2 -> v3 -> v2', () => {
    const asV3 = parseAsciicast(stringifyAsciicast(v2Header, events, { version: 3 }));
    const { duration: _duration, ...withoutDuration } = v2Header;
    expect(asV3.header).toEqual({ ...withoutDuration, version: 3 });
    expectEventsClose(asV3.events, events);

    const back = parseAsciicast(stringifyAsciicast(asV3.header, asV3.events, { version: 2 }));
    expect(back.header).toEqual(withoutDuration);
    expectEventsClose(back.events, events);
  });

  it('v3 -> v2 -> v3 loses only what v2 cannot hold', () => {
    const all: AsciicastEvent[] = [...events, { time: 11, code: 'x', data: '0' }];
    const asV2 = parseAsciicast(stringifyAsciicast(v3Header, all, { version: 2 }));
    expect(asV2.header).toEqual({
      version: 2,
      term: { cols: 80, rows: 24, theme },
      timestamp: 1509091818,
      idle_time_limit: 2,
      command: '/bin/bash',
      title: 'Demo',
      env: { SHELL: '/bin/bash' },
    });
    expectEventsClose(asV2.events, events);

    const back = parseAsciicast(stringifyAsciicast(asV2.header, asV2.events, { version: 3 }));
    expect(back.header).toEqual({ ...asV2.header, version: 3 });
    expectEventsClose(back.events, events);
  });

  it('does not drift: 10,000 intervals of 1.3 µs written as v3', () => {
    const interval = 0.0000013;
    const many: AsciicastEvent[] = [];
    let trueTime = 0;
    for (let i = 0; i < 10_000; i++) {
      trueTime += interval;
      many.push({ time: trueTime, code: 'o', data: '.' });
    }
    const parsed = parseAsciicast(stringifyAsciicast(v3Header, many));
    expect(parsed.events).toHaveLength(10_000);
    const last = parsed.events.at(-1)?.time ?? Number.NaN;
    expect(Math.abs(last - 10_000 * interval)).toBeLessThan(1e-5);
    expectEventsClose(parsed.events, many);
  });
});

describe('stringifyAsciicast', () => {
  it('writes only the header for no events, and accepts any iterable', () => {
    expect(stringifyAsciicast(v3Header, [])).toBe(createAsciicastWriter(v3Header).header());
    function* generate(): Generator<AsciicastEvent> {
      yield { time: 1, code: 'o', data: 'a' };
      yield { time: 2, code: 'x', data: '0' };
    }
    expect(stringifyAsciicast({ version: 2, term: { cols: 80, rows: 24 } }, generate())).toBe(
      '{"version":2,"width":80,"height":24}\n[1.0, "o", "a"]\n',
    );
  });
});

describe('asciicastEncoderStream', () => {
  it('emits the header first, then one line per event', async () => {
    const all: AsciicastEvent[] = [...events, { time: 11, code: 'x', data: '0' }];
    const text = await readAll(streamOf(all).pipeThrough(asciicastEncoderStream(v3Header)));
    expect(text).toBe(stringifyAsciicast(v3Header, all));
  });

  it('emits the header even without events, and skips exit events in v2', async () => {
    expect(
      await readAll(streamOf<AsciicastEvent>([]).pipeThrough(asciicastEncoderStream(v2Header))),
    ).toBe(stringifyAsciicast(v2Header, []));
    const withExit: AsciicastEvent[] = [
      { time: 1, code: 'o', data: 'a' },
      { time: 2, code: 'x', data: '0' },
    ];
    const text = await readAll(
      streamOf(withExit).pipeThrough(asciicastEncoderStream(v3Header, { version: 2 })),
    );
    expect(text.trimEnd().split('\n')).toHaveLength(2);
  });

  it('errors the stream when time goes backwards', async () => {
    const bad: AsciicastEvent[] = [
      { time: 2, code: 'o', data: 'a' },
      { time: 1, code: 'o', data: 'b' },
    ];
    await expect(
      readAll(streamOf(bad).pipeThrough(asciicastEncoderStream(v3Header))),
    ).rejects.toThrow('event time must not go backwards');
  });

  it('feeds readAsciicast directly', async () => {
    const lines = streamOf(events).pipeThrough(asciicastEncoderStream(v2Header, { version: 3 }));
    const read: AsciicastEvent[] = [];
    for await (const item of readAsciicast(lines)) {
      if (item.kind === 'event') read.push(item.event);
      else expect(item.header.version).toBe(3);
    }
    expectEventsClose(read, events);
  });
});
