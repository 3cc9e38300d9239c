/**
 * What the player needs of a terminal: the visible one (xterm.js) and the one that takes
 * keyframes (@xterm/headless) both fit. The core never imports xterm.
 */
import { readResize, type TerminalSize } from '@auditlane/client/asciicast';

export interface ReplayTerminal {
  readonly cols: number;
  readonly rows: number;
  write(data: string): Promise<void>;
  resize(cols: number, rows: number): void;
  /**
   * Back to a blank screen with default modes and the parser in its ground state, whatever the
   * last write left half-read (a recording's event may end inside an escape sequence).
   */
  reset(): Promise<void>;
}

/** A terminal whose state can be written out and read back (keyframes). */
export interface SnapshotTerminal extends ReplayTerminal {
  /** The screen, scrollback, cursor and modes as an escape sequence stream. */
  snapshot(): string;
}

/** Most columns or rows the player shows (a larger screen would take the page down). */
export const MAX_SCREEN_DIMENSION = 10_000;

/**
 * The size a resize event's data names, read by the client's rule (`readResize`), or null when
 * it is none or larger than the player shows: the driver and the keyframe scanner both apply it.
 */
export function screenSize(data: string): TerminalSize | null {
  const size = readResize(data);
  return size && size.cols <= MAX_SCREEN_DIMENSION && size.rows <= MAX_SCREEN_DIMENSION
    ? size
    : null;
}
