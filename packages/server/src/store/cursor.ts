/** Opaque keyset cursors: base64url JSON of the sort key of the last row of a page. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor this server did not issue (malformed, forged, or from another sort): a 400. */
export class CursorError extends Error {}

/**
 * What each part of a cursor holds: `int`, a safe integer (times in ms, fit for a BIGINT);
 * `number`, a finite number (a score); `string`, an id (at most 256 characters, no U+0000).
 */
export type CursorPart = 'int' | 'number' | 'string';

const MAX_STRING = 256;

function fits(value: unknown, part: CursorPart): boolean {
  switch (part) {
    case 'int':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string' && value.length <= MAX_STRING && !value.includes('\0');
  }
}

/**
 * Reads a cursor back, refusing anything the stores could not compare with: every part is
 * checked against its kind, so a forged value (1e308, 2^63, a string with U+0000) is a
 * CursorError, never a database error.
 */
export function decodeCursor(cursor: string, shape: CursorPart[]): (string | number)[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor: not one this server issued');
  }
  if (
    !Array.isArray(value) ||
    value.length !== shape.length ||
    value.some((v, i) => !fits(v, shape[i]!))
  ) {
    throw new CursorError('cursor: not one this server issued (or it was issued for another sort)');
  }
  return value as (string | number)[];
}
