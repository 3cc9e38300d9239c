/**
 * `createRecorder` and the instrumentation: `recordTerminal`, `instrumentPg`, `instrumentSqlite`,
 * `runCommand`, `wrapTool`, `wrapAnthropic`, `wrapOpenAI`, `instrumentNetwork`; `Policy`, the sinks
 * and `handleClaudeCodeHook`.
 */
export { type CommandFacts, commandFacts, type FileFact, type FileOperation } from './facts/shell';
export type { OutboundFact } from './facts/url';
export { type HookAnswer, type HookOptions, handleClaudeCodeHook } from './hook/claude-code';
export { type WrapToolOptions, wrapTool } from './instrument/agent';
export {
  ActionBlockedError,
  type BlockedKind,
  CommandBlockedError,
  QueryBlockedError,
  ToolBlockedError,
} from './instrument/blocked';
export { type CommandResult, type RunCommandOptions, runCommand } from './instrument/exec';
export {
  type AnthropicLike,
  costUsd,
  findModelPrices,
  type LlmWrapOptions,
  type ModelMatch,
  type ModelPrices,
  type OpenAILike,
  PRICES_SOURCE,
  type Price,
  type PricePeriod,
  type TieredPrice,
  type TokenUsage,
  wrapAnthropic,
  wrapOpenAI,
} from './instrument/llm';
export { instrumentNetwork, type NetworkInstrumentOptions } from './instrument/network';
export { type RecordTerminalOptions, recordTerminal, type TerminalResult } from './instrument/pty';
export { instrumentPg, instrumentSqlite, type SqlInstrumentOptions } from './instrument/sql';
export { DEFAULT_DETECTORS, type Detector, ibanValid, luhn } from './masking/detectors';
export { Masker, type MaskingOptions, MaskTally, StreamMasker } from './masking/masker';
export { DEFAULT_RULE_SET, DEFAULT_RULES, type DefaultRule } from './policy/defaults';
export {
  type Decision,
  Policy,
  PolicyFileError,
  type PolicyScope,
  type Subject,
} from './policy/policy';
export { recordingRuleSchema } from './policy/recording';
export { type PolicyFile, type PolicyVerdict, type Rule, SQL_ACTIONS } from './policy/rules';
export {
  type ShellAnalysis,
  ShellAnalyzer,
  type ShellWord,
  type SimpleCommand,
} from './policy/shell';
export { SHELL_ACTIONS, type ShellAction } from './policy/shell-rules';
export { type SqlAction, type SqlAnalysis, SqlAnalyzer, SqlParseError } from './policy/sql';
export { SIDE_EFFECT_FUNCTIONS } from './policy/sql-functions';
export {
  type Analyzers,
  type Authorization,
  type AuthorizeOptions,
  createRecorder,
  type Fields,
  RecordedSession,
  Recorder,
  type RecorderOptions,
  type VerdictExtra,
  type VerdictName,
} from './recorder';
export { RecordingRequiredError } from './recording';
export { FIELD_MASKING, type How } from './session/fields';
export { FileSink } from './sinks/file';
export { type DeliveryReport, HttpSink, type HttpSinkOptions } from './sinks/http';
export { DiscardSink, MemorySink, type Sink } from './sinks/sink';
