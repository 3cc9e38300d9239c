/**
 * A recording as the player sees it, built incrementally while it downloads: the header, then
 * events in time order. Times are "play times": seconds on the player's clock, with idle
 * stretches cut to the idle-time limit; the original time stays available for display.
 * No React, no xterm, no DOM.
 */
import type { AsciicastEvent, AsciicastHeader } from '@auditlane/client/asciicast';

export interface Marker {
  /** Play time, seconds. */
  time: number;
  label: string;
  kind: 'marker' | 'command' | 'blocked' | 'review' | 'other';
  /** An id of the host's (an event id), for linking the activity log to the player. */
  id?: string;
}

/** A stretch without output longer than the inactivity threshold (shown on the seek bar). */
export interface Inactivity {
  start: number;
  end: number;
}

export class Recording {
  header: AsciicastHeader | null = null;
  /** Play time of each event (idle-limited), seconds. */
  readonly times: number[] = [];
  /** Original time of each event, seconds since the start. */
  readonly originalTimes: number[] = [];
  readonly codes: string[] = [];
  readonly data: string[] = [];
  readonly markers: Marker[] = [];
  readonly inactivity: Inactivity[] = [];
  /** Bytes of output (UTF-16 code units) so far. */
  outputSize = 0;
  /** The whole recording has arrived. */
  complete = false;
  /** Why reading stopped early (a malformed or truncated recording). */
  error: { message: string; time: number } | null = null;
  private idleLimit = Number.POSITIVE_INFINITY;
  private lastOriginal = 0;
  private playTime = 0;
  private readonly inactiveAfter: number;

  constructor(options: { idleTimeLimit?: number; inactiveAfter?: number } = {}) {
    if (options.idleTimeLimit !== undefined) this.idleLimit = options.idleTimeLimit;
    this.inactiveAfter = options.inactiveAfter ?? 5;
  }

  setHeader(header: AsciicastHeader): void {
    this.header = header;
    if (this.idleLimit === Number.POSITIVE_INFINITY && header.idle_time_limit) {
      this.idleLimit = header.idle_time_limit;
    }
  }

  get length(): number {
    return this.times.length;
  }

  /** Play time of the last event. */
  get duration(): number {
    return this.playTime;
  }

  append(event: AsciicastEvent): void {
    const gap = Math.max(0, event.time - this.lastOriginal);
    const start = this.playTime;
    this.playTime += Math.min(gap, this.idleLimit);
    this.lastOriginal = Math.max(this.lastOriginal, event.time);
    if (gap >= this.inactiveAfter) this.inactivity.push({ start, end: this.playTime });
    this.times.push(this.playTime);
    this.originalTimes.push(event.time);
    this.codes.push(event.code);
    this.data.push(event.data);
    if (event.code === 'o') this.outputSize += event.data.length;
    if (event.code === 'm') {
      this.markers.push({ time: this.playTime, label: event.data, kind: 'marker' });
    }
  }

  /** Index of the first event with play time > t (events before it are on screen at t). */
  indexAfter(t: number): number {
    return upperBound(this.times, t);
  }

  /** Play time of an original time (for markers from the session's events). */
  playTimeOf(originalSeconds: number): number {
    const lo = upperBound(this.originalTimes, originalSeconds);
    if (lo === 0) return 0;
    const i = lo - 1;
    const extra = Math.min(originalSeconds - (this.originalTimes[i] as number), this.idleLimit);
    return (this.times[i] as number) + Math.max(0, extra);
  }

  /** The text of the output, with the play time where each piece starts (for search). */
  *outputChunks(): Generator<{ index: number; time: number; text: string }> {
    for (let i = 0; i < this.codes.length; i++) {
      if (this.codes[i] === 'o') {
        yield { index: i, time: this.times[i] as number, text: this.data[i] as string };
      }
    }
  }
}

/** Index of the first value > x in an ascending array. */
function upperBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
