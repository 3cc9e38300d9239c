import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { terminalEventSchema } from '../model/event';
import { createIdGenerator } from '../model/ids';
import { parseAsciicast } from './parser';
import {
  formatResize,
  isTerminalDimension,
  MAX_TERMINAL_DIMENSION,
  parseResize,
  readResize,
} from './resize';

const fixtureDir = new URL('../../../../internal/fixtures/cast/', import.meta.url);

const NOT_SIZES = [
  '',
  '80',
  'x',
  '80x',
  'x24',
  '0x0',
  '0x24',
  '80x0',
  ' 80x24',
  '80x24 ',
  '80 x 24',
  '80x24\n',
  '80X24',
  '80×24',
  '80x24x1',
  '-1x2',
  '+80x24',
  '8.5x2',
  '1e2x24',
  '0x80x24',
  '080x24',
  '80x024',
  '100000x24',
  '80x100000',
  '99999999999999999999x24',
  `${Number.MAX_SAFE_INTEGER}x${Number.MAX_SAFE_INTEGER}`,
  'Infinityx24',
  'NaNxNaN',
  '８０x24', // full-width digits
];

describe('readResize', () => {
  it('reads COLSxROWS', () => {
    expect(readResize('100x50')).toEqual({ cols: 100, rows: 50 });
    expect(readResize('1x1')).toEqual({ cols: 1, rows: 1 });
    expect(readResize('99999x99999')).toEqual({ cols: 99_999, rows: 99_999 });
    expect(MAX_TERMINAL_DIMENSION).toBe(99_999);
  });

  it('is null for anything else', () => {
    for (const bad of NOT_SIZES) expect(readResize(bad), JSON.stringify(bad)).toBeNull();
    for (const bad of [undefined, null, 80, { cols: 80, rows: 24 }, ['80x24']])
      expect(readResize(bad)).toBeNull();
  });

  it('reads every resize of the asciinema docs and of the golden files', () => {
    // The examples of https://docs.asciinema.org/manual/asciicast/v2 and .../v3.
    expect(readResize('80x24')).toEqual({ cols: 80, rows: 24 });
    expect(readResize('90x30')).toEqual({ cols: 90, rows: 30 });
    let resizes = 0;
    for (const name of readdirSync(fixtureDir).filter((n) => n.endsWith('.cast'))) {
      const { events } = parseAsciicast(readFileSync(new URL(name, fixtureDir), 'utf8'));
      for (const e of events.filter((e) => e.code === 'r')) {
        resizes++;
        expect(readResize(e.data), `${name}: ${e.data}`).not.toBeNull();
      }
    }
    expect(resizes).toBeGreaterThan(0);
  });

  it('is the rule of the data model: a terminal event is valid exactly when its size reads', () => {
    const ids = createIdGenerator();
    const event = (data: string) =>
      terminalEventSchema.safeParse({
        id: ids.eventId(),
        sessionId: ids.sessionId(),
        seq: 1,
        time: '2026-11-25T06:19:32.123Z',
        type: 'terminal',
        code: 'r',
        data,
        offsetMs: 0,
      }).success;
    expect(event('80x24')).toBe(true);
    expect(event('99999x1')).toBe(true);
    // What retention leaves of a purged resize.
    expect(event('')).toBe(true);
    for (const bad of NOT_SIZES.filter((b) => b !== '')) expect(event(bad), bad).toBe(false);
  });
});

describe('parseResize', () => {
  it('returns the size', () => {
    expect(parseResize('120x40')).toEqual({ cols: 120, rows: 40 });
  });

  it('throws a plain Error naming the data and the rule', () => {
    for (const bad of NOT_SIZES) {
      expect(() => parseResize(bad)).toThrow(
        `invalid resize data ${JSON.stringify(bad)}: expected "COLSxROWS" with integers from 1 to 99999`,
      );
    }
  });
});

describe('formatResize and isTerminalDimension', () => {
  it('writes COLSxROWS that reads back', () => {
    expect(formatResize({ cols: 80, rows: 24 })).toBe('80x24');
    expect(readResize(formatResize({ cols: 99_999, rows: 1 }))).toEqual({ cols: 99_999, rows: 1 });
  });

  it('is null for a size that is not one (a detached terminal reports 0 columns)', () => {
    for (const [cols, rows] of [
      [0, 24],
      [80, 0],
      [-1, 24],
      [80.5, 24],
      [100_000, 24],
      [Number.NaN, 24],
      [Number.POSITIVE_INFINITY, 24],
    ] as const) {
      expect(formatResize({ cols, rows }), `${cols}x${rows}`).toBeNull();
    }
    expect(isTerminalDimension(1)).toBe(true);
    expect(isTerminalDimension(99_999)).toBe(true);
    expect(isTerminalDimension(0)).toBe(false);
    expect(isTerminalDimension('80')).toBe(false);
  });
});
