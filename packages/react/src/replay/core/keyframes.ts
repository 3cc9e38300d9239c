/**
 * Keyframes: serialized terminal states taken while the recording is first scanned, so a seek
 * costs one restore plus a short replay, never a replay from the start. The scanning itself
 * happens elsewhere (a `ScanHost`: a worker, or this thread when workers are unavailable); this
 * index receives its keyframes block by block and applies the same thinning as the scanner.
 */
import { unpackText } from './pack';
import type { Block, Recording } from './recording';
import { type BlockInput, type ScanResult, thin } from './scanner';
import { upperBound } from './search';

export interface Keyframe {
  /** Index of the first event not included in the snapshot. */
  index: number;
  /** Play time of the snapshot (the time of event index - 1, or 0). */
  time: number;
  cols: number;
  rows: number;
  /** The snapshot, packed or not ('' for the blank screen at the start). */
  snapshot: string | Uint8Array;
}

/** Where blocks are scanned: a worker, or this thread. Blocks are scanned in the order given. */
export interface ScanHost {
  scan(block: BlockInput): Promise<ScanResult>;
  dispose(): void;
}

/** Blocks handed to the scanning host at once (64 K characters each). */
const WINDOW = 16;
const ignore = () => {};

export class KeyframeIndex {
  private list: Keyframe[] = [];
  private scannedCount = 0;
  private failure: Error | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Results of the blocks handed to the host, in order (settled ones are let go). */
  private results: (Promise<ScanResult> | null)[] = [];

  constructor(
    private readonly recording: Recording,
    private readonly host: ScanHost,
    private readonly onProgress: () => void = () => {},
  ) {
    const header = recording.header;
    this.list.push({
      index: 0,
      time: 0,
      cols: header?.term.cols ?? 80,
      rows: header?.term.rows ?? 24,
      snapshot: '',
    });
    for (const block of recording.blocks) this.enqueue(block);
    recording.setBlockListener((block) => this.enqueue(block));
  }

  /** The keyframes kept, in event order (the blank screen at index 0 first). */
  get keyframes(): readonly Keyframe[] {
    return this.list;
  }

  /** Events scanned so far. */
  get scanned(): number {
    return this.scannedCount;
  }

  /** Why scanning stopped (seeks then replay from the last keyframe taken). */
  get error(): Error | null {
    return this.failure;
  }

  private enqueue(block: Block): void {
    const input: BlockInput = {
      first: block.first,
      codes: block.codes,
      offsets: block.offsets,
      text: block.text ?? '',
    };
    // Up to WINDOW blocks are with the host at once: it works while this thread parses, and
    // what waits for it stays bounded. The host scans them in order; results apply in order.
    const k = this.results.length;
    const earlier = k >= WINDOW ? this.results[k - WINDOW] : null;
    const result = (earlier ? earlier.then(ignore, ignore) : Promise.resolve()).then(() =>
      this.host.scan(input),
    );
    result.catch(ignore);
    this.results.push(result);
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        const { ops, packed } = await result;
        for (const op of ops) {
          if (op === 'thin') this.list = thin(this.list);
          else {
            const time = op.index > 0 ? this.recording.timeAt(op.index - 1) : 0;
            this.list.push({ ...op, time });
          }
        }
        if (packed) this.recording.setPacked(block, packed);
        this.scannedCount = block.first + block.count;
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
      // The window behind this block no longer needs it.
      if (k >= WINDOW) this.results[k - WINDOW] = null;
      this.onProgress();
    });
  }

  /** Resolves once every block sealed so far is scanned. */
  drained(): Promise<void> {
    return this.chain;
  }

  /** The last keyframe at or before event index `index`. */
  before(index: number): Keyframe {
    const after = upperBound(this.list.length, index, (k) => (this.list[k] as Keyframe).index);
    return this.list[Math.max(0, after - 1)] as Keyframe;
  }

  /** A keyframe's snapshot as text. */
  snapshotOf(keyframe: Keyframe): Promise<string> | string {
    return typeof keyframe.snapshot === 'string'
      ? keyframe.snapshot
      : unpackText(keyframe.snapshot);
  }

  dispose(): void {
    this.recording.setBlockListener(null);
    this.host.dispose();
  }
}
