import { createParserCore } from './parser';
import type { AsciicastItem } from './types';

export type AsciicastSource =
  | string
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>;

export interface ReadAsciicastOptions {
  /** Aborting stops reading: the generator throws `signal.reason` and cancels the source. */
  signal?: AbortSignal;
}

interface ChunkSource {
  next(): Promise<{ done?: boolean | undefined; value?: Uint8Array | string | undefined }>;
  /** Stops the source early (abort, error or the consumer leaving the loop). */
  cancel(reason: unknown): void;
  /** Releases the source after it finished normally. */
  release(): void;
}

function isReadableStream(source: unknown): source is ReadableStream<Uint8Array | string> {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as { getReader?: unknown }).getReader === 'function'
  );
}

function openSource(
  source: ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
): ChunkSource {
  if (isReadableStream(source)) {
    const reader = source.getReader();
    return {
      next: () => reader.read(),
      cancel: (reason) => {
        reader.cancel(reason).catch(() => {});
      },
      release: () => reader.releaseLock(),
    };
  }
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    cancel: () => {
      Promise.resolve(iterator.return?.()).catch(() => {});
    },
    release: () => {},
  };
}

/** Resolves with the result of `promise`, or rejects with `signal.reason` once aborted. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Reads a recording from a string, a byte/string `ReadableStream` or an async iterable,
 * decoding UTF-8 incrementally (a character split across chunks is fine) and yielding the
 * header first, then each event. Items before a malformed line are yielded before the
 * `AsciicastParseError` is thrown.
 */
export async function* readAsciicast(
  source: AsciicastSource,
  options: ReadAsciicastOptions = {},
): AsyncGenerator<AsciicastItem> {
  const { signal } = options;
  signal?.throwIfAborted();
  const parser = createParserCore();

  function* drain(items: AsciicastItem[]): Generator<AsciicastItem> {
    for (const item of items) {
      signal?.throwIfAborted();
      yield item;
    }
    items.length = 0;
  }

  const out: AsciicastItem[] = [];
  // Items parsed before an error are delivered first, then the error is thrown.
  const attempt = (run: () => void): { error: unknown } | undefined => {
    try {
      run();
      return undefined;
    } catch (error) {
      return { error };
    }
  };

  if (typeof source === 'string') {
    const failure = attempt(() => {
      parser.push(source, out);
      parser.end(out);
    });
    yield* drain(out);
    if (failure) throw failure.error;
    return;
  }

  const chunks = openSource(source);
  const decoder = new TextDecoder('utf-8');
  let finished = false;
  try {
    for (;;) {
      const result = await raceAbort(chunks.next(), signal);
      signal?.throwIfAborted();
      if (result.done) break;
      const chunk = result.value;
      if (chunk === undefined) continue;
      const failure = attempt(() => {
        const text =
          typeof chunk === 'string'
            ? decoder.decode() + chunk
            : decoder.decode(chunk, { stream: true });
        parser.push(text, out);
      });
      yield* drain(out);
      if (failure) throw failure.error;
    }
    finished = true;
    const failure = attempt(() => {
      parser.push(decoder.decode(), out);
      parser.end(out);
    });
    yield* drain(out);
    if (failure) throw failure.error;
  } finally {
    if (finished) chunks.release();
    else chunks.cancel(signal?.aborted ? signal.reason : undefined);
  }
}
