/**
 * The keyframe scanner: feeds a recording's blocks, in order, to a terminal without a view
 * (@xterm/headless) and takes a serialized snapshot every `spacing` characters of output, at an
 * event boundary where the terminal's parser is in its ground state: recorders cut events inside
 * escape sequences (asciinema: `ESC[0` in one event, `1;32m` in the next), and the output
 * replayed after a keyframe must not start in the middle of one (nor with a combining mark, which
 * joins the character printed before it). When there are more than `maxKeyframes`, every other
 * one is dropped and the spacing doubles, so memory stays bounded whatever the length of the
 * recording. It reports what it did as operations (add a keyframe, thin out) so a keyframe index
 * elsewhere (the main thread, when this runs in a worker) applies the same. It also packs each
 * block and each snapshot.
 */
import { canPack, packText } from './pack';
import { OUTPUT, RESIZE } from './recording';
import { joinsPrevious, SequenceTracker } from './sequence-tracker';
import { type SnapshotTerminal, screenSize } from './terminal';

export interface ScannedKeyframe {
  /** Index of the first event not included in the snapshot. */
  index: number;
  cols: number;
  rows: number;
  /** The snapshot, packed when compression is available. */
  snapshot: string | Uint8Array;
}

/** Add a keyframe, or 'thin': keep the first and every other one after it. */
export type KeyframeOp = ScannedKeyframe | 'thin';

/** A block as the scanner receives it (structured-cloneable). */
export interface BlockInput {
  first: number;
  codes: Uint8Array;
  offsets: Uint32Array;
  text: string;
}

export interface ScanResult {
  ops: KeyframeOp[];
  /** The block's text packed (null without compression). */
  packed: Uint8Array | null;
}

export interface ScannerOptions {
  /** Output between keyframes at first, UTF-16 units. Default 32 K. */
  spacing?: number;
  /** Most keyframes kept. Default 1024. */
  maxKeyframes?: number;
}

/** Keeps the first keyframe and every other one after it (the rule both sides apply). */
export function thin<T>(keyframes: T[]): T[] {
  return keyframes.filter((_, i) => i === 0 || i % 2 === 0);
}

export class KeyframeScanner {
  private spacing: number;
  private readonly maxKeyframes: number;
  private sinceLast = 0;
  /** Keyframes kept, the blank one at index 0 included. */
  private kept = 1;
  /** Where the terminal's parser stands after the output written so far. */
  private readonly parser = new SequenceTracker();
  /**
   * A keyframe taken at the last boundary, not yet reported: a character of zero width at the
   * start of the next output joins the one printed before it, which a restored screen does not
   * know (xterm's join state is the parser's), so the keyframe is dropped then.
   */
  private held: ScannedKeyframe | null = null;

  constructor(
    private readonly terminal: SnapshotTerminal,
    options: ScannerOptions = {},
  ) {
    this.spacing = options.spacing ?? 32 * 1024;
    this.maxKeyframes = options.maxKeyframes ?? 1024;
  }

  private commit(ops: KeyframeOp[], snapshots: Promise<void>[]): void {
    const keyframe = this.held as ScannedKeyframe;
    this.held = null;
    if (canPack) {
      snapshots.push(
        packText(keyframe.snapshot as string).then((packed) => {
          keyframe.snapshot = packed;
        }),
      );
    }
    ops.push(keyframe);
    this.sinceLast = 0;
    if (++this.kept > this.maxKeyframes) {
      ops.push('thin');
      this.kept = Math.ceil(this.kept / 2);
      this.spacing *= 2;
    }
  }

  async scan(block: BlockInput): Promise<ScanResult> {
    const ops: KeyframeOp[] = [];
    const snapshots: Promise<void>[] = [];
    const { codes, offsets, text } = block;
    let batchStart = -1;
    let batchEnd = -1;
    const flush = async () => {
      if (batchStart >= 0) await this.terminal.write(text.slice(batchStart, batchEnd));
      batchStart = -1;
    };
    for (let k = 0; k < codes.length; k++) {
      const start = offsets[k] as number;
      const end = offsets[k + 1] as number;
      if (codes[k] === OUTPUT) {
        if (this.held && end > start) {
          // A keyframe here would part a combining mark from the character it joins.
          if (joinsPrevious(text, start)) this.held = null;
          else this.commit(ops, snapshots);
        }
        // Consecutive output is written in one piece (the text is contiguous).
        if (batchStart < 0) batchStart = start;
        batchEnd = end;
        this.sinceLast += end - start;
        this.parser.feed(text, start, end);
      } else {
        // Any other event (input, marker, exit, resize) sits between output in the text: the
        // piece ends before it, so its data never reaches the screen.
        await flush();
        if (codes[k] === RESIZE) {
          const size = screenSize(text.slice(start, end));
          if (size) this.terminal.resize(size.cols, size.rows);
        }
      }
      // Due, and the parser is between sequences (else the next boundary where it is): taken
      // now, kept once the output that follows does not join onto the text before.
      if (!this.held && this.sinceLast >= this.spacing && this.parser.ground) {
        await flush();
        this.held = {
          index: block.first + k + 1,
          cols: this.terminal.cols,
          rows: this.terminal.rows,
          snapshot: this.terminal.snapshot(),
        };
      }
    }
    await flush();
    const packed = canPack ? await packText(text) : null;
    await Promise.all(snapshots);
    return { ops, packed };
  }
}
