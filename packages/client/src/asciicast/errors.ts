/** Thrown for malformed input; `line` is 1-based, `reason` says what is wrong. */
export class AsciicastParseError extends Error {
  readonly line: number;
  readonly reason: string;

  constructor(line: number, reason: string) {
    super(`asciicast line ${line}: ${reason}`);
    this.name = 'AsciicastParseError';
    this.line = line;
    this.reason = reason;
  }
}

/** Short, deterministic rendering of an untrusted JSON value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
