import { formatDuration } from '../../internal/format';
import { deepFreeze } from '../../provider/deep-freeze';
import type { Messages } from '../../provider/messages';
import type { NotebookCell } from './tool-call.types';

/** The strings a tool call's view shows. Hosts translate by passing their own (all or some). */
export interface ToolCallMessages {
  /** The tool label of an MCP tool (its server and name follow). */
  mcp: string;
  /** An MCP tool as "server › tool". */
  mcpTool: (server: string, tool: string) => string;
  description: string;
  timeout: string;
  background: string;
  yes: string;
  duration: string;
  formatDuration: (ms: number) => string;
  lines: string;
  /** Lines `offset` on, `limit` of them (either may be null). */
  lineRange: (offset: number | null, limit: number | null) => string;
  prompt: string;
  status: string;
  searchPath: string;
  searchGlob: string;
  allowedDomains: string;
  blockedDomains: string;
  cell: string;
  cellAction: (cell: NotebookCell) => string;
  /** The label of an input that is not an object (a wrapped function's argument). */
  input: string;
  output: string;
  stderr: string;
  content: string;
  result: string;
  files: (count: number) => string;
  noOutput: string;
  noArguments: string;
  interrupted: string;
  failed: string;
  /** The heading of one edit of several. */
  editOf: (index: number, count: number) => string;
  replaceAll: string;
  /** Read before a line of a diff, for those who do not see its colour. */
  added: string;
  removed: string;
  /** A diff's label, for assistive technologies. */
  diffLabel: (path: string | null) => string;
  noChange: string;
  raw: string;
  rawInput: string;
  rawOutput: string;
  showMore: string;
  charactersShown: (shown: number, total: number) => string;
  linesShown: (shown: number, total: number) => string;
}

const count = (n: number) => n.toLocaleString('en-US');

/** English, the default (frozen: translate by passing your own). */
export const toolCallMessages: ToolCallMessages = /* @__PURE__ */ deepFreeze<ToolCallMessages>({
  mcp: 'MCP',
  mcpTool: (server, tool) => `${server} › ${tool}`,
  description: 'Description',
  timeout: 'Timeout',
  background: 'In the background',
  yes: 'yes',
  duration: 'Took',
  formatDuration,
  lines: 'Lines',
  lineRange: (offset, limit) =>
    limit === null
      ? `from ${count(offset ?? 1)}`
      : `${count(offset ?? 1)}–${count((offset ?? 1) + limit - 1)}`,
  prompt: 'Prompt',
  status: 'Status',
  searchPath: 'In',
  searchGlob: 'Files',
  allowedDomains: 'Only from',
  blockedDomains: 'Not from',
  cell: 'Cell',
  cellAction: (cell) =>
    `${cell.mode === 'insert' ? 'inserted' : cell.mode === 'delete' ? 'deleted' : 'replaced'}${
      cell.id ? ` (${cell.id})` : ''
    }${cell.type ? `, ${cell.type}` : ''}`,
  input: 'Input',
  output: 'Output',
  stderr: 'Errors (stderr)',
  content: 'Content',
  result: 'Result',
  files: (n) => `${count(n)} ${n === 1 ? 'file' : 'files'}`,
  noOutput: 'No output',
  noArguments: 'No arguments',
  interrupted: 'Interrupted',
  failed: 'Failed',
  editOf: (index, n) => `Edit ${count(index)} of ${count(n)}`,
  replaceAll: 'every occurrence',
  added: 'added',
  removed: 'removed',
  diffLabel: (path) => (path ? `Changes to ${path}` : 'Changes'),
  noChange: 'No change',
  raw: 'Raw JSON',
  rawInput: 'Input',
  rawOutput: 'Output',
  showMore: 'Show more',
  charactersShown: (shown, total) => `Showing ${count(shown)} of ${count(total)} characters`,
  linesShown: (shown, total) => `Showing ${count(shown)} of ${count(total)} lines`,
});

/** ToolCallView's messages (its `useMessages` result). */
export type ToolCallMessageGroups = Pick<Messages, 'toolCall'>;

/** ToolCallView's English as a group (what it passes to `useMessages`). */
export const toolCallDefaults: ToolCallMessageGroups = /* @__PURE__ */ deepFreeze({
  toolCall: toolCallMessages,
});
