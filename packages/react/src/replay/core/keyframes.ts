/**
 * Keyframes: serialized terminal states taken while the recording is first scanned, so a seek
 * costs one restore plus a short replay, never a replay from the start. Spacing adapts to size:
 * when there are more than `maxKeyframes`, every other one is dropped and the spacing doubles,
 * so memory stays bounded whatever the length of the recording.
 */
import type { Recording } from './recording';
import { parseSize, type SnapshotTerminal } from './terminal';

export interface Keyframe {
  /** Index of the first event not included in the snapshot. */
  index: number;
  /** Play time of the snapshot (the time of event index - 1, or 0). */
  time: number;
  cols: number;
  rows: number;
  snapshot: string;
}

export interface KeyframeOptions {
  /** Output between keyframes at first, in UTF-16 units. Default 32 K. */
  spacing?: number;
  /** Most keyframes kept. Default 1024 (a keyframe is one screen: a few KB). */
  maxKeyframes?: number;
}

export class KeyframeIndex {
  readonly keyframes: Keyframe[] = [];
  /** Events scanned so far. */
  scanned = 0;
  private spacing: number;
  private readonly maxKeyframes: number;
  private sinceLast = 0;

  constructor(
    private readonly recording: Recording,
    private readonly terminal: SnapshotTerminal,
    options: KeyframeOptions = {},
  ) {
    this.spacing = options.spacing ?? 32 * 1024;
    this.maxKeyframes = options.maxKeyframes ?? 1024;
    const header = recording.header;
    if (header) terminal.resize(header.term.cols, header.term.rows);
    this.keyframes.push({
      index: 0,
      time: 0,
      cols: terminal.cols,
      rows: terminal.rows,
      snapshot: '',
    });
  }

  /**
   * Feeds the events that arrived since the last call to the scanning terminal, taking
   * keyframes on the way. Yields to the caller every `budgetMs` (returns false when not done).
   */
  async scan(budgetMs = 12, now: () => number = () => performance.now()): Promise<boolean> {
    const r = this.recording;
    const start = now();
    let batch = '';
    const flush = async () => {
      if (batch) await this.terminal.write(batch);
      batch = '';
    };
    while (this.scanned < r.length) {
      const i = this.scanned;
      const code = r.codes[i];
      const data = r.data[i] as string;
      if (code === 'o') {
        batch += data;
        this.sinceLast += data.length;
      } else if (code === 'r') {
        const size = parseSize(data);
        if (size) {
          await flush();
          this.terminal.resize(size.cols, size.rows);
        }
      }
      this.scanned = i + 1;
      if (this.sinceLast >= this.spacing) {
        await flush();
        this.take();
      }
      if (batch.length > 256 * 1024) await flush();
      if (now() - start > budgetMs) {
        await flush();
        return false;
      }
    }
    await flush();
    return true;
  }

  private take(): void {
    const r = this.recording;
    this.sinceLast = 0;
    this.keyframes.push({
      index: this.scanned,
      time: this.scanned > 0 ? (r.times[this.scanned - 1] as number) : 0,
      cols: this.terminal.cols,
      rows: this.terminal.rows,
      snapshot: this.terminal.snapshot(),
    });
    if (this.keyframes.length > this.maxKeyframes) {
      // Keep the first and every other one after it; space the next ones twice as far.
      const kept = this.keyframes.filter((_, i) => i === 0 || i % 2 === 0);
      this.keyframes.length = 0;
      this.keyframes.push(...kept);
      this.spacing *= 2;
    }
  }

  /** The last keyframe at or before event index `index`. */
  before(index: number): Keyframe {
    let lo = 0;
    let hi = this.keyframes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.keyframes[mid] as Keyframe).index <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.keyframes[lo] as Keyframe;
  }

  /** Bytes held by snapshots (UTF-16 units). */
  get size(): number {
    return this.keyframes.reduce((n, k) => n + k.snapshot.length, 0);
  }
}
