/** Opaque keyset cursors: base64url JSON of the sort key of the last row of a page. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export class CursorError extends Error {}

export function decodeCursor(cursor: string, shape: ('string' | 'number')[]): (string | number)[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is not one this server issued');
  }
  if (
    !Array.isArray(value) ||
    value.length !== shape.length ||
    value.some((v, i) => typeof v !== shape[i])
  ) {
    throw new CursorError('cursor is not one this server issued (or was issued for another sort)');
  }
  return value as (string | number)[];
}
