// What recorded text (commands, queries, paths, file content, arguments) shows: nothing in it
// acts on the page or hides from the reader. Dependency free: the activity's entries and the
// tool call view both render through it.

const VISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it shows.
  /\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that is not a terminal's (file content, arguments, results, JSON) as it is to be shown:
 * nothing acts, nothing is hidden. CRLF is a line break; other C0 controls are their Unicode
 * pictures (ESC is `␛`, CR `␍`, DEL `␡`); C1 controls and bidirectional marks, overrides and
 * isolates are their code points (`<U+009B>`, `<U+202E>`): a recorded RLO cannot reorder what
 * the reader sees.
 */
export function visibleText(text: string): string {
  return text.replace(VISIBLE, (c) => {
    if (c === '\r\n') return '\n';
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}
