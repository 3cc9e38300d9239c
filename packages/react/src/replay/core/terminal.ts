/**
 * What the player needs of a terminal: the visible one (xterm.js) and the one that takes
 * keyframes (@xterm/headless) both fit. The core never imports xterm.
 */
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

/** Parses "COLSxROWS" of a resize event. */
export function parseSize(data: string): { cols: number; rows: number } | null {
  const m = /^(\d+)x(\d+)$/.exec(data.trim());
  if (!m) return null;
  const cols = Number(m[1]);
  const rows = Number(m[2]);
  return cols > 0 && rows > 0 && cols <= 10_000 && rows <= 10_000 ? { cols, rows } : null;
}
