import { describe, expect, it } from 'vitest';
import { AsciicastParseError } from './errors';
import { parseAsciicast } from './parser';
import { readAsciicast } from './reader';
import type { AsciicastItem } from './types';

const H3 = '{"version": 3, "term": {"cols": 80, "rows": 24}, "title": "Grüße"}';
const sample = `${H3}\r\n# comment: ñ 世界\n\n[0.5, "o", "é世🌍\\u001b[0m"]\r\n[0.25, "r", "100x40"]\n[0.125, "i", "ü"]\n[1, "x", "0"]\n`;

function expectedItems(text: string): AsciicastItem[] {
  const { header, events } = parseAsciicast(text);
  return [
    { kind: 'header', header },
    ...events.map((event): AsciicastItem => ({ kind: 'event', event })),
  ];
}

function streamOf<T>(chunks: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(source: AsyncIterable<AsciicastItem>): Promise<AsciicastItem[]> {
  const items: AsciicastItem[] = [];
  for await (const item of source) items.push(item);
  return items;
}

/** Collects items until the generator throws; returns both. */
async function collectUntilError(
  source: AsyncIterable<AsciicastItem>,
): Promise<{ items: AsciicastItem[]; error: unknown }> {
  const items: AsciicastItem[] = [];
  try {
    for await (const item of source) items.push(item);
  } catch (error) {
    return { items, error };
  }
  throw new Error('expected the reader to throw');
}

describe('readAsciicast', () => {
  const expected = expectedItems(sample);
  const bytes = new TextEncoder().encode(sample);

  it('sanity: the sample has multi-byte characters and 4 events', () => {
    expect(bytes.length).toBeGreaterThan(sample.length);
    expect(expected).toHaveLength(5);
    expect(expected[1]).toEqual({
      kind: 'event',
      event: { time: 0.5, code: 'o', data: 'é世🌍\u001b[0m' },
    });
  });

  it('reads a string', async () => {
    expect(await collect(readAsciicast(sample))).toEqual(expected);
  });

  it('reads a byte stream split at every possible point, inside multi-byte characters too', async () => {
    let insideCharacter = 0;
    for (let i = 0; i <= bytes.length; i++) {
      const byte = bytes[i];
      if (byte !== undefined && (byte & 0xc0) === 0x80) insideCharacter++;
      const stream = streamOf([bytes.slice(0, i), bytes.slice(i)]);
      expect(await collect(readAsciicast(stream))).toEqual(expected);
    }
    expect(insideCharacter).toBeGreaterThan(5);
  });

  it('reads a byte stream delivered one byte at a time', async () => {
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await collect(readAsciicast(streamOf(chunks)))).toEqual(expected);
  });

  it('reads a string stream and an async iterable of mixed chunks', async () => {
    const strings = [sample.slice(0, 17), sample.slice(17, 90), sample.slice(90)];
    expect(await collect(readAsciicast(streamOf(strings)))).toEqual(expected);

    async function* mixed() {
      yield bytes.slice(0, 40);
      yield new TextDecoder().decode(bytes.slice(40, 120));
      yield bytes.slice(120);
    }
    expect(await collect(readAsciicast(mixed()))).toEqual(expected);
  });

  it('strips a byte order mark from a byte stream', async () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    expect(await collect(readAsciicast(streamOf([withBom.slice(0, 2), withBom.slice(2)])))).toEqual(
      expected,
    );
  });

  it('reads a last line without a newline', async () => {
    const text = sample.trimEnd();
    expect(await collect(readAsciicast(streamOf([new TextEncoder().encode(text)])))).toEqual(
      expected,
    );
  });

  it('yields the items before a bad line, then throws, and cancels the stream', async () => {
    let cancelled = false;
    const stream = new ReadableStream<string>({
      start(controller) {
        controller.enqueue(`${H3}\n[1, "o", "a"]\n[1, "o", "b"]\n[x]\n`);
      },
      cancel() {
        cancelled = true;
      },
    });
    const { items, error } = await collectUntilError(readAsciicast(stream));
    expect(items).toHaveLength(3);
    expect(error).toBeInstanceOf(AsciicastParseError);
    expect((error as AsciicastParseError).line).toBe(4);
    expect(cancelled).toBe(true);
  });

  it('throws for an empty stream and a truncated last event', async () => {
    await expect(collect(readAsciicast(streamOf<Uint8Array>([])))).rejects.toThrow(
      'asciicast line 1: empty file',
    );
    const { items, error } = await collectUntilError(
      readAsciicast(streamOf([`${H3}\n[1, "o", "a"]\n[2, "o"`])),
    );
    expect(items).toHaveLength(2);
    expect((error as Error).message).toBe(
      'asciicast line 3: file ends in the middle of an event (truncated last line)',
    );
  });

  it('cancels the stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<string>({
      start(controller) {
        controller.enqueue(`${H3}\n[1, "o", "a"]\n`);
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const item of readAsciicast(stream)) {
      expect(item.kind).toBe('header');
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe('readAsciicast: AbortSignal', () => {
  it('throws the reason at once if the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(collect(readAsciicast(sample, { signal: controller.signal }))).rejects.toThrow(
      'stop now',
    );
  });

  it('stops between items', async () => {
    const controller = new AbortController();
    const items: AsciicastItem[] = [];
    const run = async () => {
      for await (const item of readAsciicast(sample, { signal: controller.signal })) {
        items.push(item);
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(items).toHaveLength(1);
  });

  it('interrupts a pending read of a stream that never ends, and cancels it', async () => {
    let cancelReason: unknown;
    const stream = new ReadableStream<string>({
      start(controller) {
        controller.enqueue(`${H3}\n`);
      },
      cancel(reason) {
        cancelReason = reason;
      },
    });
    const controller = new AbortController();
    const reader = readAsciicast(stream, { signal: controller.signal });
    const first = await reader.next();
    expect(first.value).toMatchObject({ kind: 'header' });
    const pending = reader.next();
    setTimeout(() => controller.abort(new Error('user aborted')), 5);
    await expect(pending).rejects.toThrow('user aborted');
    expect(cancelReason).toBeInstanceOf(Error);
    expect((cancelReason as Error).message).toBe('user aborted');
    expect(await reader.next()).toEqual({ done: true, value: undefined });
  });

  it('interrupts a pending async iterable and calls its return()', async () => {
    let returned = false;
    const never = new Promise<never>(() => {});
    const source: AsyncIterable<string> = {
      [Symbol.asyncIterator]() {
        let sent = false;
        return {
          async next() {
            if (!sent) {
              sent = true;
              return { done: false, value: `${H3}\n[1, "o", "a"]\n` };
            }
            return never;
          },
          async return() {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const controller = new AbortController();
    const items: AsciicastItem[] = [];
    const run = async () => {
      for await (const item of readAsciicast(source, { signal: controller.signal })) {
        items.push(item);
        if (items.length === 2) setTimeout(() => controller.abort(), 5);
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(items).toHaveLength(2);
    expect(returned).toBe(true);
  });
});
