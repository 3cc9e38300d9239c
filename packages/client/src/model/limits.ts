/**
 * Size and depth limits of recorded event content, and helpers that fit a value within them.
 * No schema here (zod-free): the event schemas use the limits, and a producer (the recorder)
 * fits what it records to them so an over-limit field is kept bounded and marked instead of
 * refused with its whole event.
 */

/** How deep a JSON value of an event (tool input and output, query parameters and rows) may nest. */
export const MAX_JSON_DEPTH = 64;
/** Largest tool input or output, query parameters, as JSON. */
export const MAX_JSON_CHARS = 1_000_000;
/** Largest query result rows on an ingested event, as JSON (the server keeps a preview on the event). */
export const MAX_ROWS_CHARS = 8_000_000;
/** Largest command line of a command event. */
export const MAX_COMMAND_CHARS = 100_000;
/** Largest command output, SQL text or terminal chunk. */
export const MAX_CONTENT_CHARS = 1_000_000;
/** Largest error message of a query or tool call. */
export const MAX_ERROR_CHARS = 10_000;
/** Largest working directory or file path. */
export const MAX_PATH_CHARS = 4096;

/** True when `value` nests arrays or objects more than `max` levels deep (iterative: no recursion). */
export function jsonDepthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    const children = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** What stands in for a JSON value over its limit: the start of its JSON text, marked. */
export interface TruncatedJson {
  truncated: true;
  /** Length of the original as JSON, when it could be measured. */
  originalChars?: number;
  /** Set when the original nested more than {@link MAX_JSON_DEPTH} levels. */
  tooDeep?: true;
  /** The start of the original's JSON text (levels past the limit shown as `"[too deep]"`). */
  preview: string;
}

/** Drops a trailing high surrogate a cut left without its pair. */
function cutAt(text: string, end: number): string {
  let cut = text.slice(0, Math.max(0, end));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** `text` cut to at most `max` characters, the cut marked at its end with the original length. */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `…[truncated: ${text.length} characters]`;
  return cutAt(text, max - marker.length) + marker;
}

/** A copy of `value` with containers deeper than `max` levels replaced (recursion at most `max` deep). */
function cutDepth(value: unknown, max: number, depth = 1): unknown {
  if (value === null || typeof value !== 'object') return value;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return cutDepth(json.call(value), max, depth);
  if (depth > max) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => cutDepth(v, max, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cutDepth(v, max, depth + 1);
  return out;
}

function stringifyOrUndefined(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // too deep for the serialiser's stack, a cycle or a BigInt
  }
}

/**
 * `value` when it nests at most `maxDepth` levels and is at most `maxChars` characters as JSON;
 * otherwise a {@link TruncatedJson} stand-in that is within both. Never throws on a value nested
 * too deep to serialise.
 */
export function fitJson(
  value: unknown,
  maxChars: number,
  maxDepth: number = MAX_JSON_DEPTH,
): unknown {
  if (value === undefined) return value;
  const tooDeep = jsonDepthOver(value, maxDepth);
  const json = tooDeep ? undefined : stringifyOrUndefined(value);
  if (json !== undefined && json.length <= maxChars) return value;
  const originalChars = json?.length ?? stringifyOrUndefined(value)?.length;
  const text =
    json ?? stringifyOrUndefined(cutDepth(value, Math.max(1, maxDepth - 1))) ?? String(value);
  const standIn: TruncatedJson = { truncated: true, preview: '' };
  if (originalChars !== undefined) standIn.originalChars = originalChars;
  if (tooDeep) standIn.tooDeep = true;
  // The preview is escaped once more inside the stand-in: shrink it until the whole fits.
  let end = Math.min(text.length, Math.floor(maxChars / 2));
  for (;;) {
    standIn.preview = cutAt(text, end);
    const size = JSON.stringify(standIn).length;
    if (size <= maxChars || end === 0) break;
    end = Math.max(0, end - (size - maxChars) - 16);
  }
  return standIn;
}

/**
 * Query result rows within `maxChars` as JSON: cells nested too deep are fitted, then the rows
 * past the bound are cut. `truncated` says whether anything was cut or replaced.
 */
export function fitRows(
  rows: readonly unknown[][],
  maxChars: number = MAX_ROWS_CHARS,
): { rows: unknown[][]; truncated: boolean } {
  let truncated = false;
  const out: unknown[][] = [];
  let size = 2; // the outer brackets
  for (const row of rows) {
    let fitted: unknown[] = row;
    if (jsonDepthOver(row, MAX_JSON_DEPTH - 1)) {
      truncated = true;
      fitted = row.map((cell) => fitJson(cell, maxChars, MAX_JSON_DEPTH - 2));
    }
    let chars = (stringifyOrUndefined(fitted)?.length ?? maxChars) + (out.length > 0 ? 1 : 0);
    if (size + chars > maxChars && out.length === 0) {
      // Not even the first row fits: keep it with each cell fitted to its share.
      const share = Math.floor((maxChars - 2) / (fitted.length + 1));
      fitted = fitted.map((cell) => fitJson(cell, share, MAX_JSON_DEPTH - 2));
      chars = stringifyOrUndefined(fitted)?.length ?? maxChars;
    }
    if (size + chars > maxChars) return { rows: out, truncated: true };
    out.push(fitted);
    size += chars;
  }
  return { rows: out, truncated };
}

/**
 * An event's recorded content fitted to the limits above (command, query, tool call and
 * terminal events; others are returned as they are): JSON fields over their depth or size become
 * {@link TruncatedJson} stand-ins, over-long text is cut with a marker, rows past the bound are cut
 * with `truncated` set (`outputTruncated` for a command's output). Returns a new object when
 * anything changed.
 */
export function fitEvent<T extends { type: string }>(event: T): T {
  const e = event as T & Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown) => {
    if (value === e[key]) return;
    out ??= { ...e };
    out[key] = value;
  };
  const text = (key: string, max: number) => {
    if (typeof e[key] === 'string') set(key, fitText(e[key] as string, max));
  };
  switch (e.type) {
    case 'command':
      text('text', MAX_COMMAND_CHARS);
      text('cwd', MAX_PATH_CHARS);
      if (typeof e.output === 'string' && e.output.length > MAX_CONTENT_CHARS) {
        set('output', fitText(e.output, MAX_CONTENT_CHARS));
        set('outputTruncated', true);
      }
      break;
    case 'query': {
      text('sql', MAX_CONTENT_CHARS);
      text('error', MAX_ERROR_CHARS);
      if (Array.isArray(e.params)) {
        const params = fitJson(e.params, MAX_JSON_CHARS);
        set('params', params === e.params ? params : [params]);
      }
      if (Array.isArray(e.rows)) {
        const fitted = fitRows(e.rows as unknown[][], MAX_ROWS_CHARS);
        if (fitted.truncated) {
          set('rows', fitted.rows);
          set('truncated', true);
        }
      }
      break;
    }
    case 'tool_call':
      set('input', fitJson(e.input, MAX_JSON_CHARS));
      set('output', fitJson(e.output, MAX_JSON_CHARS));
      text('error', MAX_ERROR_CHARS);
      break;
    case 'terminal':
      text('data', MAX_CONTENT_CHARS);
      break;
  }
  return (out ?? e) as T;
}
