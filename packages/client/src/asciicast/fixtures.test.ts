import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAsciicast } from './parser';
import { readAsciicast } from './reader';
import type { AsciicastItem } from './types';
import { stringifyAsciicast } from './writer';

const fixtureDir = new URL('../../../../internal/fixtures/cast/', import.meta.url);

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, fixtureDir)));
}

function text(name: string): string {
  return new TextDecoder().decode(fixture(name));
}

async function readInChunks(bytes: Uint8Array, size: number): Promise<AsciicastItem[]> {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
      controller.close();
    },
  });
  const items: AsciicastItem[] = [];
  for await (const item of readAsciicast(stream)) items.push(item);
  return items;
}

describe('golden files', () => {
  it('v2-basic.cast', () => {
    const { header, events } = parseAsciicast(text('v2-basic.cast'));
    expect(header).toMatchObject({
      version: 2,
      term: { cols: 80, rows: 24, theme: { fg: '#d0d0d0', bg: '#212121' } },
      timestamp: 1504467315,
      duration: 6.541828,
      idle_time_limit: 2.5,
      title: 'Demo ✓',
      env: { SHELL: '/bin/bash', TERM: 'xterm-256color' },
    });
    expect(events).toHaveLength(7);
    expect(events.map((event) => event.code).join('')).toBe('ooimoro');
    expect(events[0]?.data).toBe('\u001b[1;31mHello \u001b[32mWorld!\u001b[0m\r\n');
    expect(events[4]?.data).toBe('Grüße, 世界 🌍\r\n');
    expect(events.at(-1)?.time).toBe(6.541828);
  });

  it('v3-basic.cast', () => {
    const { header, events } = parseAsciicast(text('v3-basic.cast'));
    expect(header).toMatchObject({
      version: 3,
      term: { cols: 80, rows: 24, type: 'xterm-256color', version: 'VTE(7802)' },
      timestamp: 1509091818,
      tags: ['demo', 'fixtures'],
    });
    expect(events).toHaveLength(8);
    expect(events.map((event) => event.code).join('')).toBe('oomoriox');
    expect(events[3]?.data).toBe('Now... ñ 日本語 🚀');
    expect(events[4]).toMatchObject({ code: 'r', data: '90x30' });
    expect(events.at(-1)).toMatchObject({ code: 'x', data: '0' });
    expect(events.at(-1)?.time).toBeCloseTo(9.57, 9);
  });

  it('v3-extensions.cast: unknown header fields and event codes are ignored', () => {
    const { header, events } = parseAsciicast(text('v3-extensions.cast'));
    expect(header).toEqual({
      version: 3,
      term: { cols: 120, rows: 40 },
      env: { SHELL: '/bin/zsh' },
    });
    expect(events).toEqual([
      { time: 0.5, code: 'o', data: 'a' },
      { time: 1, code: 'o', data: 'b' },
      { time: 2.5, code: 'x', data: '130' },
    ]);
  });

  it('streams each fixture in small byte chunks to the same result', async () => {
    for (const name of ['v2-basic.cast', 'v3-basic.cast', 'v3-extensions.cast']) {
      const { header, events } = parseAsciicast(text(name));
      const expected: AsciicastItem[] = [
        { kind: 'header', header },
        ...events.map((event): AsciicastItem => ({ kind: 'event', event })),
      ];
      for (const size of [1, 3, 7, 64]) {
        expect(await readInChunks(fixture(name), size)).toEqual(expected);
      }
    }
  });

  it('re-encodes each fixture losslessly in its own version', () => {
    for (const name of ['v2-basic.cast', 'v3-basic.cast', 'v3-extensions.cast']) {
      const original = parseAsciicast(text(name));
      const again = parseAsciicast(stringifyAsciicast(original.header, original.events));
      expect(again.header).toEqual(original.header);
      expect(again.events.map((event) => event.data)).toEqual(
        original.events.map((event) => event.data),
      );
      again.events.forEach((event, index) => {
        expect(Math.abs(event.time - (original.events[index]?.time ?? Number.NaN))).toBeLessThan(
          1e-6,
        );
      });
    }
  });
});
