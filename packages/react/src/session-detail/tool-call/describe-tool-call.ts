import type {
  FileEdit,
  NotebookCell,
  SearchDescription,
  ToolCallData,
  ToolCallDescription,
  ToolField,
} from './tool-call.types';

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
/** The first field of `objects` that is a string, under any of `names`. */
const first = (objects: Fields[], ...names: string[]): string | null => {
  for (const o of objects) {
    for (const n of names) {
      const v = str(o[n]);
      if (v !== null) return v;
    }
  }
  return null;
};

const MCP = /^mcp__(.+?)__(.+)$/;

/**
 * What a tool call did, in the tool's own terms, from its recorded event: Claude Code's tools by
 * their documented input fields (`Bash`'s `command`, `Edit`'s `file_path`, `old_string` and
 * `new_string`, `WebFetch`'s `url`…) and the output shapes their hooks report (`stdout` and
 * `stderr`, `file.content`, `filenames`…), MCP tools (`mcp__<server>__<tool>`) as server, tool
 * and arguments, anything else as its input's fields. A result recorded without its input (the
 * attempt is an event of its own) is described from what its output holds. Never throws:
 * a field of an unexpected type is left out (null), and the raw event still shows it.
 */
export function describeToolCall(event: ToolCallData): ToolCallDescription {
  const tool = event.tool;
  const input = isObject(event.input) ? event.input : {};
  const output = isObject(event.output) ? event.output : {};
  const base = {
    tool,
    error: typeof event.error === 'string' && event.error ? event.error : null,
    durationMs: num(event.durationMs),
  };
  switch (tool) {
    case 'Bash': {
      const text = typeof event.output === 'string' ? event.output : null;
      return {
        ...base,
        kind: 'bash',
        command: str(input.command),
        description: str(input.description),
        background: input.run_in_background === true,
        timeoutMs: num(input.timeout),
        stdout: text ?? str(output.stdout),
        stderr: str(output.stderr),
        interrupted: output.interrupted === true,
      };
    }
    case 'Read':
    case 'NotebookRead': {
      const file = isObject(output.file) ? output.file : {};
      return {
        ...base,
        kind: 'file-read',
        path: first([input, file, output], 'file_path', 'notebook_path', 'filePath'),
        offset: num(input.offset),
        limit: num(input.limit),
        content: typeof event.output === 'string' ? event.output : str(file.content),
      };
    }
    case 'Write':
      return {
        ...base,
        kind: 'file-write',
        path: first([input, output], 'file_path', 'filePath'),
        content: first([input, output], 'content'),
      };
    case 'Edit':
    case 'MultiEdit':
    case 'NotebookEdit':
      return { ...base, kind: 'file-edit', ...edits(tool, input, output) };
    case 'WebFetch':
      return {
        ...base,
        kind: 'fetch',
        url: first([input, output], 'url'),
        prompt: str(input.prompt),
        status: num(output.code) ?? num(output.status),
        result: typeof event.output === 'string' ? event.output : str(output.result),
      };
    case 'WebSearch':
    case 'Grep':
    case 'Glob':
      return { ...base, ...search(tool, input, output, event.output) };
  }
  const mcp = MCP.exec(tool);
  if (mcp) {
    return {
      ...base,
      kind: 'mcp',
      server: mcp[1] as string,
      name: mcp[2] as string,
      arguments: fieldsOf(event.input),
      result: resultText(event.output),
    };
  }
  return {
    ...base,
    kind: 'other',
    fields: fieldsOf(event.input),
    result: resultText(event.output),
  };
}

function edits(
  tool: string,
  input: Fields,
  output: Fields,
): { path: string | null; edits: FileEdit[]; cell: NotebookCell | null } {
  if (tool === 'NotebookEdit') {
    const mode = first([input, output], 'edit_mode');
    const cell: NotebookCell = {
      id: first([input, output], 'cell_id'),
      type: first([input, output], 'cell_type'),
      mode: mode === 'insert' || mode === 'delete' ? mode : 'replace',
    };
    const source = first([input, output], 'new_source');
    return {
      path: first([input, output], 'notebook_path'),
      edits:
        cell.mode === 'delete' || source === null
          ? []
          : [{ oldString: '', newString: source, replaceAll: false }],
      cell,
    };
  }
  const path = first([input, output], 'file_path', 'filePath');
  // MultiEdit's `edits`; Edit's one replacement, from its input or (a result alone) its output.
  const list = Array.isArray(input.edits)
    ? input.edits
    : Array.isArray(output.edits)
      ? output.edits
      : [
          {
            old_string: first([input, output], 'old_string', 'oldString'),
            new_string: first([input, output], 'new_string', 'newString'),
            replace_all: input.replace_all ?? output.replaceAll,
          },
        ];
  const result: FileEdit[] = [];
  for (const e of list) {
    if (!isObject(e)) continue;
    const oldString = str(e.old_string) ?? str(e.oldString);
    const newString = str(e.new_string) ?? str(e.newString);
    if (oldString === null && newString === null) continue;
    result.push({
      oldString: oldString ?? '',
      newString: newString ?? '',
      replaceAll: e.replace_all === true || e.replaceAll === true,
    });
  }
  return { path, edits: result, cell: null };
}

/** The fields `describeToolCall` shows on their own, per search tool. */
const SEARCH_FIELDS = new Set([
  'query',
  'pattern',
  'path',
  'glob',
  'allowed_domains',
  'blocked_domains',
]);

function search(
  tool: 'WebSearch' | 'Grep' | 'Glob',
  input: Fields,
  output: Fields,
  raw: unknown,
): Omit<SearchDescription, 'tool' | 'error' | 'durationMs'> {
  const scope = tool === 'WebSearch' ? 'web' : tool === 'Grep' ? 'content' : 'files';
  const files = Array.isArray(output.filenames) ? strings(output.filenames) : null;
  return {
    kind: 'search',
    scope,
    query: scope === 'web' ? first([input, output], 'query') : str(input.pattern),
    path: str(input.path),
    glob: str(input.glob),
    options: Object.entries(input)
      .filter(([name]) => !SEARCH_FIELDS.has(name))
      .map(([name, value]) => ({ name, value })),
    allowedDomains: strings(input.allowed_domains),
    blockedDomains: strings(input.blocked_domains),
    files,
    result:
      typeof raw === 'string'
        ? raw
        : (str(output.content) ?? (scope === 'web' ? webResults(output.results) : null)),
  };
}

/** WebSearch's results as lines of text: each result's title and URL (never links). */
function webResults(results: unknown): string | null {
  if (!Array.isArray(results)) return null;
  const lines: string[] = [];
  const add = (item: unknown) => {
    if (typeof item === 'string') lines.push(item);
    else if (isObject(item)) {
      if (Array.isArray(item.content)) for (const c of item.content) add(c);
      else {
        const title = str(item.title);
        const url = str(item.url);
        if (title || url) lines.push([title, url].filter(Boolean).join('\n  '));
      }
    }
  };
  for (const r of results) add(r);
  return lines.length ? lines.join('\n') : null;
}

/** An input's fields, in order; an input that is not an object is one field without a name. */
function fieldsOf(input: unknown): ToolField[] {
  if (input === undefined) return [];
  if (isObject(input)) return Object.entries(input).map(([name, value]) => ({ name, value }));
  return [{ name: null, value: input }];
}

/**
 * The text of a tool's output: a string, or the text blocks of MCP content (`[{type: 'text',
 * text}]`, alone or as a result's `content`), or a command's `stdout` and `stderr`; null when the
 * output has no text of its own (the raw JSON shows it).
 */
function resultText(output: unknown): string | null {
  if (typeof output === 'string') return output;
  const blocks = Array.isArray(output)
    ? output
    : isObject(output) && Array.isArray(output.content)
      ? output.content
      : null;
  if (blocks) {
    const texts = blocks
      .map((b) =>
        typeof b === 'string' ? b : isObject(b) && b.type === 'text' ? str(b.text) : null,
      )
      .filter((t): t is string => t !== null);
    return texts.length ? texts.join('\n') : null;
  }
  if (isObject(output)) {
    const parts = [str(output.stdout), str(output.stderr)].filter((t): t is string => !!t);
    if (parts.length) return parts.join('\n');
  }
  return null;
}
