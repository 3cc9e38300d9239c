/**
 * One CSV line (RFC 4180). Recorded content is attacker-controlled, so a text cell that a
 * spreadsheet could read as a formula is prefixed with a quote and kept as text (OWASP, CSV
 * injection): one that starts with `=`, `+`, `-` or `@` (or their full-width and small forms),
 * also after leading whitespace, line breaks or invisible characters, and one that starts with a
 * tab, CR, LF or NUL. A cell holding a field separator of any common dialect (`,` `;` tab) or a
 * line break is quoted, so no dialect splits it into a new cell.
 */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

const FORMULA_START =
  /^(?:[\s\p{Cc}\p{Cf}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\uFE6B\u2212]|[\t\r\n\0])/u;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A number or boolean prints as itself (a negative number stays a number).
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
