import { describe, expect, it } from 'vitest';
import { AsciicastParseError } from './errors';
import { createAsciicastParser, parseAsciicast } from './parser';
import type { AsciicastItem } from './types';

const H2 = '{"version": 2, "width": 80, "height": 24}';
const H3 = '{"version": 3, "term": {"cols": 80, "rows": 24}}';

function parseError(text: string): AsciicastParseError {
  try {
    parseAsciicast(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AsciicastParseError);
    return error as AsciicastParseError;
  }
  throw new Error('expected parseAsciicast to throw');
}

function expectParseError(text: string, line: number, reason: string): void {
  const error = parseError(text);
  expect({ line: error.line, reason: error.reason }).toEqual({ line, reason });
  expect(error.message).toBe(`asciicast line ${line}: ${reason}`);
  expect(error.name).toBe('AsciicastParseError');
}

describe('parseAsciicast: v2', () => {
  it('converts the header and keeps absolute times', () => {
    const text = [
      '{"version": 2, "width": 100, "height": 30, "timestamp": 1504467315, "duration": 3.5,',
      ' "idle_time_limit": 2, "command": "/bin/bash", "title": "Demo", "env": {"SHELL": "/bin/sh"},',
      ' "theme": {"fg": "#ffffff", "bg": "#000000", "palette": "#000000:#111111"}}',
      '\n[0.5, "o", "hello"]\n[1.25, "i", "x"]\n[1.25, "m", ""]\n[2.0, "r", "90x20"]\n',
    ].join('');
    expect(parseAsciicast(text)).toEqual({
      header: {
        version: 2,
        term: {
          cols: 100,
          rows: 30,
          theme: { fg: '#ffffff', bg: '#000000', palette: '#000000:#111111' },
        },
        timestamp: 1504467315,
        idle_time_limit: 2,
        command: '/bin/bash',
        title: 'Demo',
        env: { SHELL: '/bin/sh' },
        duration: 3.5,
      },
      events: [
        { time: 0.5, code: 'o', data: 'hello' },
        { time: 1.25, code: 'i', data: 'x' },
        { time: 1.25, code: 'm', data: '' },
        { time: 2, code: 'r', data: '90x20' },
      ],
    });
  });

  it('accepts a header only, with or without a final newline', () => {
    const expected = { header: { version: 2, term: { cols: 80, rows: 24 } }, events: [] };
    expect(parseAsciicast(H2)).toEqual(expected);
    expect(parseAsciicast(`${H2}\n`)).toEqual(expected);
  });

  it('drops null env values (asciinema 2.x writes null for unset variables)', () => {
    const { header } = parseAsciicast(
      '{"version": 2, "width": 80, "height": 24, "env": {"SHELL": "/bin/sh", "TERM": null}}',
    );
    expect(header.env).toEqual({ SHELL: '/bin/sh' });
  });

  it('treats null optional header fields as absent', () => {
    const { header } = parseAsciicast(
      '{"version": 2, "width": 80, "height": 24, "title": null, "theme": null}',
    );
    expect(header).toEqual({ version: 2, term: { cols: 80, rows: 24 } });
  });

  it('keeps an env key named __proto__ as a plain own property', () => {
    const { header } = parseAsciicast(
      '{"version": 2, "width": 80, "height": 24, "env": {"__proto__": "x"}}',
    );
    expect(Object.getPrototypeOf(header.env)).toBe(Object.prototype);
    expect(Object.keys(header.env ?? {})).toEqual(['__proto__']);
  });

  it('ignores v3-only header fields in a v2 file', () => {
    const { header } = parseAsciicast(
      '{"version": 2, "width": 80, "height": 24, "tags": ["a"], "term": {"cols": 1}}',
    );
    expect(header).toEqual({ version: 2, term: { cols: 80, rows: 24 } });
  });
});

describe('parseAsciicast: v3', () => {
  it('parses the full header and turns intervals into absolute times', () => {
    const text = [
      JSON.stringify({
        version: 3,
        term: {
          cols: 80,
          rows: 24,
          type: 'xterm-256color',
          version: 'VTE(7802)',
          theme: { fg: '#d0d0d0', bg: '#212121', palette: '#151515:#ac4142' },
        },
        timestamp: 1509091818,
        idle_time_limit: 2,
        command: '/bin/bash',
        title: 'Demo',
        env: { SHELL: '/bin/bash' },
        tags: ['demo', 'tutorial'],
      }),
      '[0.25, "o", "a"]',
      '[0.5, "m", "label"]',
      '[0, "i", "\\r"]',
      '[1.25, "x", "0"]',
      '',
    ].join('\n');
    const { header, events } = parseAsciicast(text);
    expect(header).toEqual({
      version: 3,
      term: {
        cols: 80,
        rows: 24,
        type: 'xterm-256color',
        version: 'VTE(7802)',
        theme: { fg: '#d0d0d0', bg: '#212121', palette: '#151515:#ac4142' },
      },
      timestamp: 1509091818,
      idle_time_limit: 2,
      command: '/bin/bash',
      title: 'Demo',
      env: { SHELL: '/bin/bash' },
      tags: ['demo', 'tutorial'],
    });
    expect(events).toEqual([
      { time: 0.25, code: 'o', data: 'a' },
      { time: 0.75, code: 'm', data: 'label' },
      { time: 0.75, code: 'i', data: '\r' },
      { time: 2, code: 'x', data: '0' },
    ]);
  });

  it('skips comments and blank lines (including whitespace-only and CRLF ones)', () => {
    const text = `\n\r\n${H3}\r\n# a comment\r\n\r\n   \n  # indented comment\n[1, "o", "a"]\r\n\n#\n[1, "o", "b"]`;
    expect(parseAsciicast(text).events).toEqual([
      { time: 1, code: 'o', data: 'a' },
      { time: 2, code: 'o', data: 'b' },
    ]);
  });

  it('ignores unknown header fields and v2-only ones', () => {
    const { header } = parseAsciicast(
      '{"version": 3, "term": {"cols": 80, "rows": 24, "pixels": 3}, "future": {"x": 1}, "duration": 9, "width": 1, "theme": 5}',
    );
    expect(header).toEqual({ version: 3, term: { cols: 80, rows: 24 } });
  });

  it('skips unknown event codes silently, but their intervals still count', () => {
    const text = `${H3}\n[1, "o", "a"]\n[1, "s", "subtitle"]\n[1, "zz", {"any": ["data"]}]\n[1, "o", "b"]\n`;
    expect(parseAsciicast(text).events).toEqual([
      { time: 1, code: 'o', data: 'a' },
      { time: 4, code: 'o', data: 'b' },
    ]);
  });

  it('strips a UTF-8 byte order mark before the header', () => {
    expect(parseAsciicast(`\uFEFF${H3}\n[1, "o", "a"]\n`).events).toHaveLength(1);
  });

  it('keeps escape sequences and non-ASCII text intact', () => {
    const text = `${H3}\n[0.1, "o", "\\u001b[1;31mrot\\u001b[0m ñ 世界 🌍 \\ud83d\\ude80"]\n`;
    expect(parseAsciicast(text).events[0]?.data).toBe('\u001b[1;31mrot\u001b[0m ñ 世界 🌍 🚀');
  });
});

describe('parseAsciicast: errors', () => {
  it('reports an empty file', () => {
    expectParseError('', 1, 'empty file');
    expectParseError('\n  \n', 2, 'empty file');
  });

  it('reports a header that is not JSON', () => {
    expectParseError('not json\n[1, "o", "a"]\n', 1, 'header is not valid JSON: "not json"');
    expectParseError('\n\n{"version": 2,\n', 3, 'header is not valid JSON: "{\\"version\\": 2,"');
  });

  it('reports a header that is not an object', () => {
    expectParseError('[0.5, "o", "a"]\n', 1, 'header must be a JSON object, got array');
    expectParseError('null\n', 1, 'header must be a JSON object, got null');
    expectParseError('"v2"\n', 1, 'header must be a JSON object, got string');
  });

  it('reports a comment before the header', () => {
    expectParseError(`# comment\n${H3}\n`, 1, 'the first line must be the header, not a comment');
  });

  it('reports a missing or unsupported version', () => {
    expectParseError(
      '{"width": 80, "height": 24}',
      1,
      'header is missing required field "version"',
    );
    expectParseError(
      '{"version": 1, "width": 80, "height": 24}',
      1,
      'unsupported asciicast version 1 (expected 2 or 3)',
    );
    expectParseError(
      '{"version": "3", "term": {"cols": 80, "rows": 24}}',
      1,
      'unsupported asciicast version "3" (expected 2 or 3)',
    );
  });

  it('reports a missing or invalid v2 width and height', () => {
    expectParseError('{"version": 2, "height": 24}', 1, 'header is missing required field "width"');
    expectParseError('{"version": 2, "width": 80}', 1, 'header is missing required field "height"');
    expectParseError(
      '{"version": 2, "width": 0, "height": 24}',
      1,
      'header "width" must be a positive integer, got 0',
    );
    expectParseError(
      '{"version": 2, "width": 80, "height": 24.5}',
      1,
      'header "height" must be a positive integer, got 24.5',
    );
    expectParseError(
      '{"version": 2, "width": "80", "height": 24}',
      1,
      'header "width" must be a positive integer, got "80"',
    );
  });

  it('reports a missing or invalid v3 term', () => {
    expectParseError('{"version": 3}', 1, 'header is missing required field "term"');
    expectParseError(
      '{"version": 3, "term": "80x24"}',
      1,
      'header "term" must be an object, got "80x24"',
    );
    expectParseError(
      '{"version": 3, "term": {"cols": -80, "rows": 24}}',
      1,
      'header "term.cols" must be a positive integer, got -80',
    );
    expectParseError(
      '{"version": 3, "term": {"cols": 80}}',
      1,
      'header is missing required field "term.rows"',
    );
  });

  it('reports header values of the wrong type, naming the field', () => {
    const v3 = (extra: string) => `{"version": 3, "term": {"cols": 80, "rows": 24}, ${extra}}`;
    const v3Term = (extra: string) => `{"version": 3, "term": {"cols": 80, "rows": 24, ${extra}}}`;
    const v2 = (extra: string) => `{"version": 2, "width": 80, "height": 24, ${extra}}`;
    const cases: [string, string][] = [
      [v3('"title": 5'), 'header "title" must be a string, got 5'],
      [v3('"command": ["ls"]'), 'header "command" must be a string, got ["ls"]'],
      [v3('"env": ["SHELL"]'), 'header "env" must be an object of strings, got ["SHELL"]'],
      [v3('"env": {"SHELL": 1}'), 'header "env.SHELL" must be a string, got 1'],
      [v3('"tags": "demo"'), 'header "tags" must be an array of strings, got "demo"'],
      [v3('"tags": ["a", 2]'), 'header "tags[1]" must be a string, got 2'],
      [v3('"timestamp": "today"'), 'header "timestamp" must be a number, got "today"'],
      [
        v3('"idle_time_limit": -1'),
        'header "idle_time_limit" must be a non-negative number, got -1',
      ],
      [v3Term('"type": 256'), 'header "term.type" must be a string, got 256'],
      [v3Term('"version": true'), 'header "term.version" must be a string, got true'],
      [v3Term('"theme": "dark"'), 'header "term.theme" must be an object, got "dark"'],
      [
        v3Term('"theme": {"fg": "#fff", "bg": "#000"}'),
        'header "term.theme.palette" must be a string, got undefined',
      ],
      [
        v2('"theme": {"fg": 1, "bg": "#000", "palette": ""}'),
        'header "theme.fg" must be a string, got 1',
      ],
      [v2('"duration": -2'), 'header "duration" must be a non-negative number, got -2'],
    ];
    for (const [text, reason] of cases) expectParseError(text, 1, reason);
  });

  it('reports an event line that is not JSON', () => {
    expectParseError(
      `${H2}\n[0.5, "o", "a"]\n[0.6, "o", "b"\n[0.7, "o", "c"]\n`,
      3,
      'event is not valid JSON: "[0.6, \\"o\\", \\"b\\""',
    );
  });

  it('reports a comment line in a v2 file as invalid JSON', () => {
    expectParseError(`${H2}\n# comment\n`, 2, 'event is not valid JSON: "# comment"');
  });

  it('reports an event that is not a 3-element array', () => {
    expectParseError(
      `${H3}\n{"time": 1}\n`,
      2,
      'event must be a JSON array [time, code, data], got object',
    );
    expectParseError(
      `${H3}\n[1, "o"]\n`,
      2,
      'event must be a 3-element array [time, code, data], got 2 elements',
    );
    expectParseError(
      `${H3}\n[1, "o", "a", "b"]\n`,
      2,
      'event must be a 3-element array [time, code, data], got 4 elements',
    );
  });

  it('reports an invalid time (v2) or interval (v3), with the line number', () => {
    const events = '[0.1, "o", "a"]\n[0.2, "o", "b"]\n';
    expectParseError(
      `${H2}\n${events}["abc", "o", "c"]\n`,
      4,
      'event time must be a non-negative number, got "abc"',
    );
    expectParseError(
      `${H3}\n${events}[-0.5, "o", "c"]\n`,
      4,
      'event interval must be a non-negative number, got -0.5',
    );
    expectParseError(
      `${H3}\n[null, "o", "c"]\n`,
      2,
      'event interval must be a non-negative number, got null',
    );
    expectParseError(
      `${H2}\n[1e999, "o", "c"]\n`,
      2,
      'event time must be a non-negative number, got Infinity',
    );
  });

  it('reports v2 time going backwards', () => {
    expectParseError(
      `${H2}\n[1.0, "o", "a"]\n[2.0, "o", "b"]\n[1.5, "o", "c"]\n`,
      4,
      'event time must not go backwards: 1.5 is before 2',
    );
  });

  it('reports a code or data that is not a string', () => {
    expectParseError(`${H3}\n[1, 111, "a"]\n`, 2, 'event code must be a string, got 111');
    expectParseError(`${H3}\n[1, "o", 5]\n`, 2, 'event data must be a string, got 5');
    expectParseError(`${H2}\n[1, "m", null]\n`, 2, 'event data must be a string, got null');
  });

  it('reports resize data that is not COLSxROWS', () => {
    expectParseError(
      `${H3}\n[1, "r", "80by24"]\n`,
      2,
      'resize event data must be "COLSxROWS", got "80by24"',
    );
    expectParseError(
      `${H2}\n[1, "r", "0x24"]\n`,
      2,
      'resize event data must be "COLSxROWS", got "0x24"',
    );
  });

  it('reports a file that ends in the middle of an event or of the header', () => {
    expectParseError(
      `${H3}\n[1, "o", "a"]\n[0.5, "o", "hel`,
      3,
      'file ends in the middle of an event (truncated last line)',
    );
    expectParseError(
      `${H2}\r\n[1, "o", "a"]\r\n[`,
      3,
      'file ends in the middle of an event (truncated last line)',
    );
    expectParseError(
      '{"version": 2, "wid',
      1,
      'file ends in the middle of the header (truncated first line)',
    );
  });

  it('counts CRLF lines like LF lines', () => {
    expectParseError(
      `${H3}\r\n\r\n# c\r\n[1, 2, "a"]\r\n`,
      4,
      'event code must be a string, got 2',
    );
  });

  it('truncates long values in messages', () => {
    const error = parseError(`${H3}\n[1, "o", ${'9'.repeat(100)}]\n`);
    expect(error.reason).toBe(`event data must be a string, got ${Number('9'.repeat(100))}`);
    const long = parseError(`${H3}\n[1, "o", "${'x'.repeat(100)}"\n[`);
    expect(long.reason).toBe(`event is not valid JSON: "[1, \\"o\\", \\"${'x'.repeat(26)}…`);
  });
});

describe('createAsciicastParser', () => {
  const sample = `${H3}\r\n# comment ñ\r\n\r\n[0.5, "o", "héllo 世界 🌍"]\r\n[0.25, "r", "100x40"]\n[1, "?", 1]\n[0.125, "x", "0"]`;
  const expected: AsciicastItem[] = [
    { kind: 'header', header: { version: 3, term: { cols: 80, rows: 24 } } },
    { kind: 'event', event: { time: 0.5, code: 'o', data: 'héllo 世界 🌍' } },
    { kind: 'event', event: { time: 0.75, code: 'r', data: '100x40' } },
    { kind: 'event', event: { time: 1.875, code: 'x', data: '0' } },
  ];

  function run(chunks: string[]): AsciicastItem[] {
    const parser = createAsciicastParser();
    const items = chunks.flatMap((chunk) => parser.push(chunk));
    return [...items, ...parser.end()];
  }

  it('gives the same items for every split into two and three chunks', () => {
    for (let i = 0; i <= sample.length; i++) {
      expect(run([sample.slice(0, i), sample.slice(i)])).toEqual(expected);
      for (let j = i; j <= sample.length; j += 7) {
        expect(run([sample.slice(0, i), sample.slice(i, j), sample.slice(j)])).toEqual(expected);
      }
    }
  });

  it('gives the same items when fed one character at a time', () => {
    expect(run([...sample])).toEqual(expected);
  });

  it('returns items as soon as their line is complete', () => {
    const parser = createAsciicastParser();
    expect(parser.push(`${H2.slice(0, 10)}`)).toEqual([]);
    expect(parser.push(`${H2.slice(10)}\n[1, "o", "a"]`)).toEqual([
      { kind: 'header', header: { version: 2, term: { cols: 80, rows: 24 } } },
    ]);
    expect(parser.push('\n')).toEqual([
      { kind: 'event', event: { time: 1, code: 'o', data: 'a' } },
    ]);
    expect(parser.end()).toEqual([]);
  });

  it('throws on end() without a header', () => {
    const parser = createAsciicastParser();
    expect(parser.push('\n\n')).toEqual([]);
    expect(() => parser.end()).toThrow('asciicast line 2: empty file');
  });

  it('keeps throwing the first error', () => {
    const parser = createAsciicastParser();
    expect(() => parser.push(`${H2}\n[1, "o"]\n`)).toThrow(AsciicastParseError);
    expect(() => parser.push('[2, "o", "b"]\n')).toThrow(
      'asciicast line 2: event must be a 3-element array [time, code, data], got 2 elements',
    );
    expect(() => parser.end()).toThrow('asciicast line 2:');
  });

  it('rejects push() after end()', () => {
    const parser = createAsciicastParser();
    parser.push(H2);
    expect(parser.end()).toHaveLength(1);
    expect(() => parser.push('\n')).toThrow('push() called after end()');
  });
});
