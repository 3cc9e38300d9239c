'use client';
/**
 * `ToolCallView` and its parts, `describeToolCall`, `EditDiff`, `TerminalText`,
 * `parseTerminalText`: agent tool calls in their tool's shape (SessionDetail loads this entry's
 * code when a session shows a tool call)
 */
export { describeToolCall } from './describe-tool-call';
export { EditDiff, type EditDiffProps } from './edit-diff';
export { PlainText, TerminalText, type TextBlockProps } from './terminal-text';
export {
  type ParsedTerminalText,
  parseTerminalText,
  type TerminalColor,
  type TerminalSpan,
  type TerminalStyle,
  terminalStyleCss,
} from './terminal-text.utils';
export { ToolCallView } from './tool-call';
export { type ToolCallMessages, toolCallDefaults, toolCallMessages } from './tool-call.messages';
export type { RawProps as ToolCallRawProps } from './tool-call.parts';
export type {
  BashDescription,
  FetchDescription,
  FileEdit,
  FileEditDescription,
  FileReadDescription,
  FileWriteDescription,
  McpDescription,
  NotebookCell,
  OtherDescription,
  SearchDescription,
  ToolCallData,
  ToolCallDescription,
  ToolCallKind,
  ToolCallRootProps,
  ToolCallViewProps,
  ToolField,
} from './tool-call.types';
