/**
 * A recording as the player sees it, built incrementally while it downloads: the header, then
 * events in time order. Times are "play times": seconds on the player's clock, with idle
 * stretches cut to the idle-time limit; the original time stays available for display.
 *
 * Memory stays small: times and codes live in typed arrays, and the events' data in blocks of
 * about 64 K characters. A sealed block is handed to `onBlock` (the keyframe scanner), which may
 * hand back a compressed copy (`setPacked`): the text is then dropped and unpacked again on
 * demand (a few blocks are cached), so a 100 MB recording keeps a fraction of its size.
 * No React, no xterm, no DOM.
 */
import type { AsciicastEvent, AsciicastHeader } from '@auditlane/client/asciicast';
import { unpackText } from './pack';
import { upperBound } from './search';

export interface Marker {
  /** Play time, seconds. */
  time: number;
  label: string;
  /**
   * `marker`: the recording's own; the host's: `command` (an action), `blocked` (blocked or
   * rejected), `review` (held for review, or approved), `masked` (values masked in it), `failed`
   * (a non-zero exit, an error), `other`.
   */
  kind: 'marker' | 'command' | 'blocked' | 'review' | 'masked' | 'failed' | 'other';
  /** An id of the host's (an event id), for linking the activity log to the player. */
  id?: string;
}

/** A stretch without output longer than the inactivity threshold (shown on the seek bar). */
export interface Inactivity {
  start: number;
  end: number;
}

/** Events [first, first + count) with their data: one string and where each event's part starts. */
export interface Block {
  readonly first: number;
  readonly count: number;
  /** count + 1 offsets into the text. */
  readonly offsets: Uint32Array;
  /** Event codes (char codes: 'o', 'i', 'r', 'm', …). */
  readonly codes: Uint8Array;
  /** The text, until a packed copy replaces it. */
  text: string | null;
  packed: Uint8Array | null;
}

/** What a reader gets for a range of events: codes and data, index for index. */
export interface EventSlice {
  codes: Uint8Array;
  data: string[];
}

export const OUTPUT = 111; // 'o'
export const RESIZE = 114; // 'r'
const MARKER = 109; // 'm'

const BLOCK_CHARS = 64 * 1024;
const CACHED_BLOCKS = 8;

export class Recording {
  private head: AsciicastHeader | null = null;
  private readonly markerList: Marker[] = [];
  private readonly inactive: Inactivity[] = [];
  private readonly sealed: Block[] = [];
  private done = false;
  private damage: { message: string; time: number } | null = null;
  /** Called with each sealed block (in order). */
  private onBlock: ((block: Block) => void) | null = null;
  private count = 0;
  private times = new Float64Array(1024);
  private originalTimes = new Float64Array(1024);
  private codes = new Uint8Array(1024);
  /** Data of the events after the last sealed block. */
  private open: string[] = [];
  private openChars = 0;
  private readonly cache = new Map<Block, string>();
  private idleLimit = Number.POSITIVE_INFINITY;
  private lastOriginal = 0;
  private playTime = 0;
  private readonly inactiveAfter: number;

  constructor(options: { idleTimeLimit?: number; inactiveAfter?: number } = {}) {
    if (options.idleTimeLimit !== undefined) this.idleLimit = options.idleTimeLimit;
    this.inactiveAfter = options.inactiveAfter ?? 5;
  }

  get header(): AsciicastHeader | null {
    return this.head;
  }

  /** Markers of the recording ('m' events), in time order. */
  get markers(): readonly Marker[] {
    return this.markerList;
  }

  /** Idle stretches, in time order. */
  get inactivity(): readonly Inactivity[] {
    return this.inactive;
  }

  /** The sealed blocks, in order. */
  get blocks(): readonly Block[] {
    return this.sealed;
  }

  /** The whole recording has arrived. */
  get complete(): boolean {
    return this.done;
  }

  /** Why reading stopped early (a malformed or truncated recording). */
  get error(): { message: string; time: number } | null {
    return this.damage;
  }

  /** The whole recording has arrived (a truncated one too: `fail` says where it stopped). */
  finish(): void {
    this.done = true;
  }

  /** Reading stopped at the current end, for this reason. */
  fail(message: string): void {
    this.damage = { message, time: this.playTime };
  }

  /** Sets who receives each block as it is sealed (the keyframe index); null lets go. */
  setBlockListener(listener: ((block: Block) => void) | null): void {
    this.onBlock = listener;
  }

  setHeader(header: AsciicastHeader): void {
    this.head = header;
    if (this.idleLimit === Number.POSITIVE_INFINITY && header.idle_time_limit) {
      this.idleLimit = header.idle_time_limit;
    }
  }

  get length(): number {
    return this.count;
  }

  /** Original time of the newest event in (0 before any). */
  get lastOriginalTime(): number {
    return this.lastOriginal;
  }

  /** Play time of the last event. */
  get duration(): number {
    return this.playTime;
  }

  /** Play time of event i. */
  timeAt(i: number): number {
    return this.times[i] as number;
  }

  append(event: AsciicastEvent): void {
    const gap = Math.max(0, event.time - this.lastOriginal);
    const start = this.playTime;
    this.playTime += Math.min(gap, this.idleLimit);
    this.lastOriginal = Math.max(this.lastOriginal, event.time);
    if (gap >= this.inactiveAfter) this.inactive.push({ start, end: this.playTime });
    if (this.count === this.times.length) this.grow();
    const i = this.count++;
    this.times[i] = this.playTime;
    this.originalTimes[i] = event.time;
    const code = event.code.length === 1 ? event.code.charCodeAt(0) : 63; // '?': unknown
    this.codes[i] = code;
    this.open.push(event.data);
    this.openChars += event.data.length;
    if (code === MARKER) {
      this.markerList.push({ time: this.playTime, label: event.data, kind: 'marker' });
    }
    if (this.openChars >= BLOCK_CHARS) this.seal();
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    this.times = times;
    const originals = new Float64Array(size);
    originals.set(this.originalTimes);
    this.originalTimes = originals;
    const codes = new Uint8Array(size);
    codes.set(this.codes);
    this.codes = codes;
  }

  /** Closes the events since the last block into a block (and hands it to `onBlock`). */
  seal(): void {
    const count = this.open.length;
    if (count === 0) return;
    const first = this.count - count;
    const offsets = new Uint32Array(count + 1);
    let at = 0;
    for (let i = 0; i < count; i++) {
      offsets[i] = at;
      at += (this.open[i] as string).length;
    }
    offsets[count] = at;
    const block: Block = {
      first,
      count,
      offsets,
      codes: this.codes.slice(first, first + count),
      text: this.open.join(''),
      packed: null,
    };
    this.open = [];
    this.openChars = 0;
    this.sealed.push(block);
    this.onBlock?.(block);
  }

  /** A compressed copy of a block's text arrived: the text is let go. */
  setPacked(block: Block, packed: Uint8Array): void {
    block.packed = packed;
    block.text = null;
  }

  /** Index of the first event with play time > t (events before it are on screen at t). */
  indexAfter(t: number): number {
    return upperBound(this.count, t, (i) => this.times[i] as number);
  }

  /** Play time of an original time (for markers from the session's events). */
  playTimeOf(originalSeconds: number): number {
    const lo = upperBound(this.count, originalSeconds, (i) => this.originalTimes[i] as number);
    if (lo === 0) return 0;
    const i = lo - 1;
    const extra = Math.min(originalSeconds - (this.originalTimes[i] as number), this.idleLimit);
    return (this.times[i] as number) + Math.max(0, extra);
  }

  /**
   * Original time of a play time: the inverse of `playTimeOf` (a seek bar's value as the time it
   * shows in the session). Inside a cut idle stretch, the original time runs on from the event
   * before it; the event after the cut is at its own time.
   */
  originalTimeOf(playSeconds: number): number {
    const lo = upperBound(this.count, playSeconds, (i) => this.times[i] as number);
    if (lo === 0) return Math.max(0, playSeconds);
    const i = lo - 1;
    return (this.originalTimes[i] as number) + (playSeconds - (this.times[i] as number));
  }

  /** The data of events [from, to), unpacking the blocks that hold them. */
  async read(from: number, to: number): Promise<EventSlice> {
    to = Math.min(to, this.count);
    const data: string[] = [];
    if (to <= from) return { codes: new Uint8Array(0), data };
    let b = this.blockOf(from);
    let i = from;
    while (i < to && b < this.blocks.length) {
      const block = this.blocks[b] as Block;
      if (i >= block.first + block.count) {
        b++;
        continue;
      }
      const text = await this.textOf(block);
      const end = Math.min(to, block.first + block.count);
      for (; i < end; i++) {
        const k = i - block.first;
        data.push(text.slice(block.offsets[k], block.offsets[k + 1]));
      }
      b++;
    }
    // Events after the last sealed block.
    const openFirst = this.count - this.open.length;
    for (; i < to; i++) data.push(this.open[i - openFirst] as string);
    return { codes: this.codes.slice(from, to), data };
  }

  /** The text of the output, with the play time where each piece starts (for search). */
  async *outputChunks(): AsyncGenerator<{ index: number; time: number; text: string }> {
    const sealed = this.blocks.length;
    for (let b = 0; b < sealed; b++) {
      const block = this.blocks[b] as Block;
      const text = await this.textOf(block);
      for (let k = 0; k < block.count; k++) {
        if (block.codes[k] !== OUTPUT) continue;
        const index = block.first + k;
        yield {
          index,
          time: this.times[index] as number,
          text: text.slice(block.offsets[k], block.offsets[k + 1]),
        };
      }
    }
    const last = this.blocks[sealed - 1];
    const from = last ? last.first + last.count : 0;
    const { codes, data } = await this.read(from, this.count);
    for (let k = 0; k < codes.length; k++) {
      if (codes[k] === OUTPUT) {
        yield { index: from + k, time: this.times[from + k] as number, text: data[k] as string };
      }
    }
  }

  /** Bytes held by the events (typed arrays, texts not yet packed, packed copies). */
  get retainedBytes(): number {
    let n = this.times.byteLength + this.originalTimes.byteLength + this.codes.byteLength;
    for (const block of this.blocks) {
      n += block.offsets.byteLength + block.codes.byteLength;
      n += block.packed ? block.packed.byteLength : (block.text?.length ?? 0) * 2;
    }
    for (const text of this.cache.values()) n += text.length * 2;
    return n + this.openChars * 2;
  }

  private blockOf(index: number): number {
    const after = upperBound(this.blocks.length, index, (b) => (this.blocks[b] as Block).first);
    return Math.max(0, after - 1);
  }

  private async textOf(block: Block): Promise<string> {
    if (block.text !== null) return block.text;
    const cached = this.cache.get(block);
    if (cached !== undefined) {
      // Most recently used last.
      this.cache.delete(block);
      this.cache.set(block, cached);
      return cached;
    }
    const text = await unpackText(block.packed as Uint8Array);
    this.cache.set(block, text);
    if (this.cache.size > CACHED_BLOCKS) {
      const oldest = this.cache.keys().next().value as Block;
      this.cache.delete(oldest);
    }
    return text;
  }
}
