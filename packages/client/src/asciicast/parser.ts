import { AsciicastParseError, describeValue } from './errors';
import { normaliseHeader } from './header';
import { readResize } from './resize';
import type { AsciicastEvent, AsciicastHeader, AsciicastItem } from './types';
import { isAsciicastCode } from './types';

export interface AsciicastParser {
  /** Feeds more text; returns the items completed by it (a partial last line is kept). */
  push(chunk: string): AsciicastItem[];
  /** Flushes a last line without a newline; throws if the input had no header. */
  end(): AsciicastItem[];
}

/** @internal Parser that appends to `out`, so items before a bad line survive the throw. */
export interface AsciicastParserCore {
  push(chunk: string, out: AsciicastItem[]): void;
  end(out: AsciicastItem[]): void;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** @internal */
export function createParserCore(): AsciicastParserCore {
  let pending: string[] = [];
  let lineNumber = 0;
  let header: AsciicastHeader | undefined;
  /** Absolute time of the previous event (of any code, known or not). */
  let previousTime = 0;
  let failure: AsciicastParseError | undefined;
  let ended = false;

  function parseHeaderLine(line: string, truncated: boolean): AsciicastHeader {
    if (line.trimStart().startsWith('#')) {
      throw new AsciicastParseError(lineNumber, 'the first line must be the header, not a comment');
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new AsciicastParseError(
        lineNumber,
        truncated
          ? 'file ends in the middle of the header (truncated first line)'
          : `header is not valid JSON: ${describeValue(line)}`,
      );
    }
    return normaliseHeader(value, lineNumber);
  }

  function parseEventLine(
    line: string,
    truncated: boolean,
    version: AsciicastHeader['version'],
  ): AsciicastEvent | undefined {
    const fail = (reason: string) => new AsciicastParseError(lineNumber, reason);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw fail(
        truncated
          ? 'file ends in the middle of an event (truncated last line)'
          : `event is not valid JSON: ${describeValue(line)}`,
      );
    }
    if (!Array.isArray(value)) {
      throw fail(`event must be a JSON array [time, code, data], got ${kindOf(value)}`);
    }
    if (value.length !== 3) {
      throw fail(
        `event must be a 3-element array [time, code, data], got ${value.length} elements`,
      );
    }
    const [time, code, data]: unknown[] = value;
    const timeName = version === 2 ? 'time' : 'interval';
    if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
      throw fail(`event ${timeName} must be a non-negative number, got ${describeValue(time)}`);
    }
    let absolute: number;
    if (version === 2) {
      if (time < previousTime) {
        throw fail(`event time must not go backwards: ${time} is before ${previousTime}`);
      }
      absolute = time;
    } else {
      absolute = previousTime + time;
    }
    if (typeof code !== 'string') {
      throw fail(`event code must be a string, got ${describeValue(code)}`);
    }
    previousTime = absolute;
    // The spec: readers must ignore events whose code they do not understand.
    if (!isAsciicastCode(code)) return undefined;
    if (typeof data !== 'string') {
      throw fail(`event data must be a string, got ${describeValue(data)}`);
    }
    if (code === 'r' && !readResize(data)) {
      throw fail(`resize event data must be "COLSxROWS", got ${describeValue(data)}`);
    }
    return { time: absolute, code, data };
  }

  function handleLine(raw: string, out: AsciicastItem[], truncated: boolean): void {
    lineNumber += 1;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineNumber === 1 && line.startsWith('\uFEFF')) line = line.slice(1);
    if (line.trim() === '') return;
    if (!header) {
      header = parseHeaderLine(line, truncated);
      out.push({ kind: 'header', header });
      return;
    }
    if (header.version === 3 && line.trimStart().startsWith('#')) return;
    const event = parseEventLine(line, truncated, header.version);
    if (event) out.push({ kind: 'event', event });
  }

  function guard(run: () => void): void {
    if (failure) throw failure;
    try {
      run();
    } catch (error) {
      if (error instanceof AsciicastParseError) failure = error;
      throw error;
    }
  }

  return {
    push(chunk, out) {
      if (ended && !failure) throw new Error('asciicast parser: push() called after end()');
      guard(() => {
        let start = 0;
        for (;;) {
          const newline = chunk.indexOf('\n', start);
          if (newline === -1) break;
          const piece = chunk.slice(start, newline);
          const line = pending.length > 0 ? pending.join('') + piece : piece;
          pending = [];
          start = newline + 1;
          handleLine(line, out, false);
        }
        if (start < chunk.length) pending.push(chunk.slice(start));
      });
    },
    end(out) {
      if (ended && !failure) return;
      guard(() => {
        ended = true;
        const rest = pending.join('');
        pending = [];
        if (rest !== '') handleLine(rest, out, true);
        if (!header) throw new AsciicastParseError(Math.max(1, lineNumber), 'empty file');
      });
    },
  };
}

/**
 * Incremental parser: feed text in chunks split anywhere (`\n` or `\r\n` line ends).
 * The first non-blank line is the header; blank lines, v3 `#` comments and events with
 * unknown codes are skipped. Errors are `AsciicastParseError`s; after one, the parser
 * throws it again on every call.
 */
export function createAsciicastParser(): AsciicastParser {
  const core = createParserCore();
  return {
    push(chunk) {
      const out: AsciicastItem[] = [];
      core.push(chunk, out);
      return out;
    },
    end() {
      const out: AsciicastItem[] = [];
      core.end(out);
      return out;
    },
  };
}

/** Parses a whole recording held in memory. */
export function parseAsciicast(text: string): {
  header: AsciicastHeader;
  events: AsciicastEvent[];
} {
  const core = createParserCore();
  const items: AsciicastItem[] = [];
  core.push(text, items);
  core.end(items);
  let header: AsciicastHeader | undefined;
  const events: AsciicastEvent[] = [];
  for (const item of items) {
    if (item.kind === 'header') header = item.header;
    else events.push(item.event);
  }
  if (!header) throw new AsciicastParseError(1, 'empty file');
  return { header, events };
}
