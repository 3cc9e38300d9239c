/**
 * A JSON value as indented text, with the line breaks inside its strings as line breaks (a
 * `"\n"` escape becomes a new line; `"\\n"`, a backslash and an n, stays as it is). Other
 * control characters stay escaped (`\u001b`), so nothing in it acts on a terminal or a page.
 */
export function formatJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(value);
  return text.replace(/\\\\|\\r\\n|\\n/g, (sequence) => (sequence === '\\\\' ? sequence : '\n'));
}
