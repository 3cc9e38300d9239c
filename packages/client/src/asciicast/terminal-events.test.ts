import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAsciicast } from './parser';
import { type TerminalEventLike, terminalEventsToAsciicast } from './terminal-events';
import type { AsciicastEvent, AsciicastHeader, AsciicastItem } from './types';
import { stringifyAsciicast } from './writer';

const fixtureDir = new URL('../../../../internal/fixtures/cast/', import.meta.url);

function convert(
  events: TerminalEventLike[],
  fallback?: { timestamp?: number; title?: string },
): AsciicastItem[] {
  const toAsciicast = terminalEventsToAsciicast(fallback);
  return events.flatMap((e) => toAsciicast(e));
}

function split(items: AsciicastItem[]): { header?: AsciicastHeader; events: AsciicastEvent[] } {
  const headers = items.flatMap((i) => (i.kind === 'header' ? [i.header] : []));
  expect(headers.length).toBeLessThanOrEqual(1);
  expect(items[0]?.kind ?? 'header').toBe('header');
  return {
    header: headers[0],
    events: items.flatMap((i) => (i.kind === 'event' ? [i.event] : [])),
  };
}

/** A `.cast` file as a recorder stores it: an opening `r` with the header, then its events. */
function asStored(text: string): TerminalEventLike[] {
  const { header, events } = parseAsciicast(text);
  const opening: TerminalEventLike = {
    code: 'r',
    data: `${header.term.cols}x${header.term.rows}`,
    offsetMs: 0,
    header: {
      term: { type: header.term.type, version: header.term.version },
      timestamp: header.timestamp,
      command: header.command,
      title: header.title,
      env: header.env,
      tags: header.tags,
    },
  };
  return [
    opening,
    ...events.map((e) => ({ code: e.code, data: e.data, offsetMs: Math.round(e.time * 1000) })),
  ];
}

describe('terminalEventsToAsciicast', () => {
  for (const name of [
    'asciinema-docs-v2.cast',
    'asciinema-docs-v3.cast',
    'asciinema-ls-gcc-vim.cast',
    'asciinema-top-tput.cast',
    'v3-basic.cast',
  ]) {
    it(`gives back ${name} (published and recorded files) from its stored events`, () => {
      const text = readFileSync(new URL(name, fixtureDir), 'utf8');
      const original = parseAsciicast(text);
      const { header, events } = split(convert(asStored(text)));
      expect(header?.term).toMatchObject({
        cols: original.header.term.cols,
        rows: original.header.term.rows,
      });
      expect(header?.timestamp).toBe(original.header.timestamp);
      expect(header?.title).toBe(original.header.title);
      expect(events.map((e) => [e.code, e.data])).toEqual(
        original.events.map((e) => [e.code, e.data]),
      );
      for (const [i, e] of events.entries())
        expect(Math.abs(e.time - original.events[i]!.time)).toBeLessThanOrEqual(0.0005);
      // What the recording endpoint writes from them reads back the same, in both versions.
      for (const version of [2, 3] as const) {
        const written = parseAsciicast(stringifyAsciicast(header!, events, { version }));
        expect(written.events.map((e) => e.data)).toEqual(
          events.filter((e) => version === 3 || e.code !== 'x').map((e) => e.data),
        );
      }
    });
  }

  it('makes the opening size event the header, filled from the fallback', () => {
    expect(
      convert(
        [
          { code: 'r', data: '100x30', offsetMs: 0, header: { term: { type: 'xterm' } } },
          { code: 'o', data: 'hi', offsetMs: 250 },
        ],
        { timestamp: 1_700_000_000, title: 'web-1 (ses_1)' },
      ),
    ).toEqual([
      {
        kind: 'header',
        header: {
          version: 3,
          term: { cols: 100, rows: 30, type: 'xterm' },
          timestamp: 1_700_000_000,
          title: 'web-1 (ses_1)',
        },
      },
      { kind: 'event', event: { time: 0.25, code: 'o', data: 'hi' } },
    ]);
  });

  it('without an opening size: 80×24, and the first event is an event too', () => {
    expect(convert([{ code: 'o', data: '$ ', offsetMs: 5 }])).toEqual([
      { kind: 'header', header: { version: 3, term: { cols: 80, rows: 24 } } },
      { kind: 'event', event: { time: 0.005, code: 'o', data: '$ ' } },
    ]);
    // An opening resize that is not a size is no size either (and is left out).
    expect(convert([{ code: 'r', data: '0x0', offsetMs: 0 }])).toEqual([
      { kind: 'header', header: { version: 3, term: { cols: 80, rows: 24 } } },
    ]);
  });

  it('never lets time go backwards', () => {
    const { events } = split(
      convert([
        { code: 'r', data: '80x24', offsetMs: 0 },
        { code: 'o', data: 'a', offsetMs: 2000 },
        { code: 'o', data: 'b', offsetMs: 1500 },
        { code: 'o', data: 'c', offsetMs: Number.NaN },
        { code: 'o', data: 'd', offsetMs: 2500 },
      ]),
    );
    expect(events.map((e) => [e.data, e.time])).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 2],
      ['d', 2.5],
    ]);
    // The writer takes them as they are.
    expect(() =>
      stringifyAsciicast({ version: 3, term: { cols: 80, rows: 24 } }, events),
    ).not.toThrow();
  });

  it('leaves out resizes that are not sizes and codes asciicast does not know', () => {
    const { events } = split(
      convert([
        { code: 'r', data: '80x24', offsetMs: 0 },
        { code: 'r', data: '0x0', offsetMs: 10 },
        { code: 'r', data: '80x', offsetMs: 20 },
        { code: 'r', data: ' 80x24', offsetMs: 30 },
        { code: 'r', data: '100000x24', offsetMs: 40 },
        { code: 'r', data: '', offsetMs: 50 },
        { code: 'q', data: 'what', offsetMs: 60 },
        { code: 'r', data: '120x40', offsetMs: 70 },
        { code: 'm', data: 'deploy', offsetMs: 80 },
        { code: 'i', data: 'ls\r', offsetMs: 90 },
        { code: 'x', data: '0', offsetMs: 100 },
      ]),
    );
    expect(events).toEqual([
      { time: 0.07, code: 'r', data: '120x40' },
      { time: 0.08, code: 'm', data: 'deploy' },
      { time: 0.09, code: 'i', data: 'ls\r' },
      { time: 0.1, code: 'x', data: '0' },
    ]);
  });

  it('keeps no state between two conversions', () => {
    const a = terminalEventsToAsciicast();
    const b = terminalEventsToAsciicast();
    a({ code: 'r', data: '80x24', offsetMs: 0 });
    a({ code: 'o', data: 'x', offsetMs: 9000 });
    expect(b({ code: 'o', data: 'y', offsetMs: 1000 })).toEqual([
      { kind: 'header', header: { version: 3, term: { cols: 80, rows: 24 } } },
      { kind: 'event', event: { time: 1, code: 'o', data: 'y' } },
    ]);
  });
});
