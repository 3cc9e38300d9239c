import { AsciicastParseError, describeValue } from './errors';
import { headerToJson, normaliseHeader } from './header';
import { parseResize } from './resize';
import type { AsciicastEvent, AsciicastHeader, AsciicastVersion } from './types';
import { isAsciicastCode } from './types';

export interface AsciicastWriterOptions {
  /** Format to write; defaults to `header.version`. */
  version?: AsciicastVersion;
}

export interface AsciicastWriter {
  /** The header line, ending in `\n`. */
  header(): string;
  /**
   * The event line, ending in `\n`, or `''` for an event the format cannot hold (`x` in v2).
   * Throws a plain `Error` for invalid events and for a time earlier than the previous event's.
   */
  event(event: AsciicastEvent): string;
}

const MICROS_PER_SECOND = 1_000_000;

/** `1500000` -> `"1.5"`, `13` -> `"0.000013"`, `2000000` -> `"2.0"`: exact, never exponent form. */
function formatMicros(micros: number): string {
  const seconds = Math.floor(micros / MICROS_PER_SECOND);
  const fraction = micros - seconds * MICROS_PER_SECOND;
  const digits = String(fraction).padStart(6, '0').replace(/0+$/, '');
  return `${seconds}.${digits || '0'}`;
}

/**
 * Creates a line writer. v2 writes absolute times, v3 intervals; times are rounded to
 * microseconds. v3 intervals are differences of the rounded absolute times already written,
 * so rounding never accumulates drift. Header fields the target version has no place for are
 * left out (v2: `term.type`, `term.version`, `tags`; v3: `duration`).
 */
export function createAsciicastWriter(
  header: AsciicastHeader,
  options: AsciicastWriterOptions = {},
): AsciicastWriter {
  const version = options.version ?? header.version;
  if (version !== 2 && version !== 3) {
    throw new Error(`unsupported asciicast version ${describeValue(version)} (expected 2 or 3)`);
  }
  const json = headerToJson(header, version);
  try {
    // Never write a header this package would refuse to read back.
    normaliseHeader(json, 1);
  } catch (error) {
    if (error instanceof AsciicastParseError) {
      throw new Error(`invalid asciicast header: ${error.reason}`);
    }
    throw error;
  }
  const headerLine = `${JSON.stringify(json)}\n`;
  let previousTime = 0;
  let previousMicros = 0;

  return {
    header: () => headerLine,
    event({ time, code, data }) {
      if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
        throw new Error(`event time must be a non-negative number, got ${describeValue(time)}`);
      }
      if (time < previousTime) {
        throw new Error(`event time must not go backwards: ${time} is before ${previousTime}`);
      }
      if (typeof code !== 'string' || !isAsciicastCode(code)) {
        throw new Error(`unknown event code ${describeValue(code)}`);
      }
      if (typeof data !== 'string') {
        throw new Error(`event data must be a string, got ${describeValue(data)}`);
      }
      if (code === 'r') parseResize(data);
      previousTime = time;
      if (code === 'x' && version === 2) return '';
      const micros = Math.max(Math.round(time * MICROS_PER_SECOND), previousMicros);
      const written = version === 2 ? micros : micros - previousMicros;
      previousMicros = micros;
      return `[${formatMicros(written)}, ${JSON.stringify(code)}, ${JSON.stringify(data)}]\n`;
    },
  };
}

/** A whole recording as text: header line, then one line per event. */
export function stringifyAsciicast(
  header: AsciicastHeader,
  events: Iterable<AsciicastEvent>,
  options: AsciicastWriterOptions = {},
): string {
  const writer = createAsciicastWriter(header, options);
  const lines = [writer.header()];
  for (const event of events) lines.push(writer.event(event));
  return lines.join('');
}

/** Encodes events to lines; the header line is emitted first, even with no events. */
export function asciicastEncoderStream(
  header: AsciicastHeader,
  options: AsciicastWriterOptions = {},
): TransformStream<AsciicastEvent, string> {
  const writer = createAsciicastWriter(header, options);
  return new TransformStream<AsciicastEvent, string>({
    start(controller) {
      controller.enqueue(writer.header());
    },
    transform(event, controller) {
      const line = writer.event(event);
      if (line !== '') controller.enqueue(line);
    },
  });
}
