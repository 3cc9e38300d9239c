const RESIZE_PATTERN = /^(\d+)x(\d+)$/;

/**
 * Parses the data of an `r` (resize) event, `"{COLS}x{ROWS}"`, e.g. `"100x50"`.
 * Throws a plain `Error` unless both numbers are positive integers.
 */
export function parseResize(data: string): { cols: number; rows: number } {
  const match = typeof data === 'string' ? RESIZE_PATTERN.exec(data) : null;
  const cols = Number(match?.[1]);
  const rows = Number(match?.[2]);
  if (
    !match ||
    !Number.isSafeInteger(cols) ||
    !Number.isSafeInteger(rows) ||
    cols < 1 ||
    rows < 1
  ) {
    const shown = typeof data === 'string' ? JSON.stringify(data) : String(data);
    throw new Error(`invalid resize data ${shown}: expected "COLSxROWS" with positive integers`);
  }
  return { cols, rows };
}
