import type { ToolCallData } from './tool-call.types';

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

/** A call and its result recorded apart (PreToolUse, PostToolUse): one call, as if recorded whole. */
export function withResult(
  call: ToolCallData,
  result: ToolCallData | null | undefined,
): ToolCallData {
  if (!result) return call;
  return {
    tool: call.tool,
    input: call.input ?? result.input,
    output: result.output ?? call.output,
    error: result.error ?? call.error,
    durationMs: result.durationMs ?? call.durationMs,
  };
}
