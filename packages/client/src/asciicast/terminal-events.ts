import { type RecordingHeaderFacts, recordingHeader } from './recording';
import { readResize } from './resize';
import type { AsciicastItem } from './types';
import { isAsciicastCode } from './types';

/** What a stored terminal event holds that a recording is made of (the data model's `TerminalEvent`). */
export interface TerminalEventLike {
  code: string;
  data: string;
  /** Milliseconds since the recording started. */
  offsetMs: number;
  /** The rest of the asciicast header, on the recording's opening `r` event. */
  header?: RecordingHeaderFacts;
}

/** What fills the header where the recording does not say (the server's session facts). */
export interface TerminalHeaderFallback {
  /** Unix seconds of the start of the recording. */
  timestamp?: number;
  title?: string;
}

/**
 * Turns a session's terminal events, in order, into asciicast items: what the recording
 * endpoint writes as a `.cast` file and what the player reads live. Call the returned function
 * with each event; it returns the items the event makes (none, one, or the header and one).
 *
 * - The first event makes the header ({@link recordingHeader}): a recording opens with an `r`
 *   event holding its size (and `header`), which is then the header and not an event; without
 *   one the size is 80×24 and the first event is an event too.
 * - `time` is `offsetMs / 1000`, and never goes backwards: an event whose offset is before the
 *   one of the event before it (a producer's clock, out-of-order delivery) plays at that time.
 *   An offset that is not a finite number plays at the time of the event before it.
 * - A resize that is not a size (stored before the contract checked them, or emptied by
 *   retention) is left out, and so is an event with a code asciicast does not know: the rest of
 *   the recording still plays.
 */
export function terminalEventsToAsciicast(
  fallback: TerminalHeaderFallback = {},
): (event: TerminalEventLike) => AsciicastItem[] {
  let started = false;
  let time = 0;
  return (event) => {
    const items: AsciicastItem[] = [];
    if (!started) {
      started = true;
      const { header, sizeEvent } = recordingHeader(event, fallback);
      items.push({ kind: 'header', header });
      if (sizeEvent) return items;
    }
    const offset = event.offsetMs / 1000;
    if (Number.isFinite(offset)) time = Math.max(time, offset);
    const { code, data } = event;
    if (!isAsciicastCode(code) || typeof data !== 'string') return items;
    if (code === 'r' && !readResize(data)) return items;
    items.push({ kind: 'event', event: { time, code, data } });
    return items;
  };
}
