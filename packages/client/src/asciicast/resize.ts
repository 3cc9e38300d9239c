/**
 * The data of an asciicast resize (`r`) event, `"{COLS}x{ROWS}"` (e.g. `"100x50"`): the one rule
 * the data model, the reader, the writer, the recorder, the server and the player share.
 */

/** Largest number of columns or rows of a terminal size (the data model's limit, 5 digits). */
export const MAX_TERMINAL_DIMENSION = 99_999;

/** A terminal's size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Digits without a leading zero, at most five: 1 to 99999. No sign, space or other separator. */
const RESIZE_PATTERN = /^([1-9]\d{0,4})x([1-9]\d{0,4})$/;

/** True when `n` is a whole number of columns or rows: 1 to {@link MAX_TERMINAL_DIMENSION}. */
export function isTerminalDimension(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_TERMINAL_DIMENSION;
}

/**
 * The size a resize event's data names, or `null` when it is not one: exactly `COLSxROWS`, each
 * 1 to 99999 written without a leading zero (`"0x0"`, `"80x"`, `" 80x24"`, `"80X24"`,
 * `"080x24"` and `"100000x1"` are not sizes).
 */
export function readResize(data: unknown): TerminalSize | null {
  if (typeof data !== 'string') return null;
  const match = RESIZE_PATTERN.exec(data);
  if (!match) return null;
  return { cols: Number(match[1]), rows: Number(match[2]) };
}

/**
 * Parses the data of an `r` (resize) event as {@link readResize} does, and throws a plain `Error`
 * naming the data when it is not a size.
 */
export function parseResize(data: string): TerminalSize {
  const size = readResize(data);
  if (!size) {
    const shown = typeof data === 'string' ? JSON.stringify(data) : String(data);
    throw new Error(
      `invalid resize data ${shown}: expected "COLSxROWS" with integers from 1 to ${MAX_TERMINAL_DIMENSION}`,
    );
  }
  return size;
}

/**
 * The data of a resize event for a size, `"COLSxROWS"`, or `null` when either number is not a
 * terminal dimension (a detached terminal reports 0 columns; a producer leaves such a resize out).
 */
export function formatResize(size: TerminalSize): string | null {
  return isTerminalDimension(size.cols) && isTerminalDimension(size.rows)
    ? `${size.cols}x${size.rows}`
    : null;
}
