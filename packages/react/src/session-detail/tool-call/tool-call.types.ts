import type { ToolCallEvent } from '@auditlane/client';
import type { ComponentPropsWithoutRef } from 'react';
import type { ToolCallMessages } from './tool-call.messages';

/** What a tool call's view reads of its event: a `ToolCallEvent` is one. */
export type ToolCallData = Pick<
  ToolCallEvent,
  'tool' | 'input' | 'output' | 'error' | 'durationMs'
>;

/** What every description has. */
interface DescriptionBase {
  /** The tool's name as recorded (`Bash`, `mcp__github__create_issue`). */
  tool: string;
  /** Why the call failed, when it did (the hook's PostToolUseFailure, a thrown error). */
  error: string | null;
  durationMs: number | null;
}

/** A shell command (Claude Code's `Bash`): the command line, its output as terminal text. */
export interface BashDescription extends DescriptionBase {
  kind: 'bash';
  /** Null on a result recorded without its input (the attempt is its own event). */
  command: string | null;
  /** What the agent said the command does. */
  description: string | null;
  background: boolean;
  timeoutMs: number | null;
  /** Null when the event has no output (an attempt, or a call still running). */
  stdout: string | null;
  stderr: string | null;
  interrupted: boolean;
}

/** A file read (`Read`, `NotebookRead`). */
export interface FileReadDescription extends DescriptionBase {
  kind: 'file-read';
  path: string | null;
  /** The first line read (as the tool counts) and how many lines, when the call named them. */
  offset: number | null;
  limit: number | null;
  /** What was read, when the output holds it as text. */
  content: string | null;
}

/** A file written whole (`Write`). */
export interface FileWriteDescription extends DescriptionBase {
  kind: 'file-write';
  path: string | null;
  content: string | null;
}

/** One replacement of an edit: `oldString` becomes `newString`. */
export interface FileEdit {
  oldString: string;
  newString: string;
  /** Every occurrence, not only the first. */
  replaceAll: boolean;
}

/** The cell a notebook edit changes. */
export interface NotebookCell {
  id: string | null;
  type: string | null;
  mode: 'replace' | 'insert' | 'delete';
}

/** A file changed in place (`Edit`, `MultiEdit`, `NotebookEdit`): its edits, as diffs. */
export interface FileEditDescription extends DescriptionBase {
  kind: 'file-edit';
  path: string | null;
  edits: FileEdit[];
  /** For a notebook edit: which cell, and how. */
  cell: NotebookCell | null;
}

/** A web page fetched (`WebFetch`). The URL is text, never a link. */
export interface FetchDescription extends DescriptionBase {
  kind: 'fetch';
  url: string | null;
  /** What the agent asked about the page. */
  prompt: string | null;
  /** The HTTP status, when the output says. */
  status: number | null;
  result: string | null;
}

/** A search: of the web (`WebSearch`), of file contents (`Grep`) or file names (`Glob`). */
export interface SearchDescription extends DescriptionBase {
  kind: 'search';
  scope: 'web' | 'content' | 'files';
  /** The query or pattern. */
  query: string | null;
  /** Where it searched, and which files (`Grep`, `Glob`). */
  path: string | null;
  glob: string | null;
  /** Other options as given (`output_mode`, `-i`, `type`, `multiline`…), in order. */
  options: ToolField[];
  allowedDomains: string[];
  blockedDomains: string[];
  /** The files found, when the output lists them. */
  files: string[] | null;
  /** Matched lines or search results as text, when the output has them. */
  result: string | null;
}

/** A tool of an MCP server, named `mcp__<server>__<tool>`. */
export interface McpDescription extends DescriptionBase {
  kind: 'mcp';
  server: string;
  name: string;
  arguments: ToolField[];
  result: string | null;
}

/** Any other tool (`Task`, `Agent`, `TodoWrite`, a wrapped function): its input's fields. */
export interface OtherDescription extends DescriptionBase {
  kind: 'other';
  fields: ToolField[];
  result: string | null;
}

/**
 * One named value of a tool's input. `name` is null when the input is not an object (a wrapped
 * function's first argument, say): the value is the whole input.
 */
export interface ToolField {
  name: string | null;
  value: unknown;
}

/** What a tool call did, in the tool's own terms: the view is picked by `kind`. */
export type ToolCallDescription =
  | BashDescription
  | FileReadDescription
  | FileWriteDescription
  | FileEditDescription
  | FetchDescription
  | SearchDescription
  | McpDescription
  | OtherDescription;

export type ToolCallKind = ToolCallDescription['kind'];

export interface ToolCallRootProps extends ComponentPropsWithoutRef<'div'> {
  event: ToolCallData;
  /**
   * The call's result when it is an event of its own (the hook's PostToolUse: an activity
   * entry's `result`): its output, error and duration are shown under the call's input.
   */
  result?: ToolCallData | null;
  /** The strings shown; English by default (`toolCallMessages`). */
  messages?: Partial<ToolCallMessages>;
  /** How many characters of a text (output, content, raw JSON) are rendered before "Show more". */
  maxChars?: number;
  /** Render the host's own element (its only child) instead of a `div`. */
  asChild?: boolean;
}

export interface ToolCallViewProps extends Omit<ToolCallRootProps, 'asChild' | 'children'> {
  /** The raw JSON disclosure, controlled or not. */
  rawOpen?: boolean;
  defaultRawOpen?: boolean;
  onRawOpenChange?: (open: boolean) => void;
}
