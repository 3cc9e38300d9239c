/**
 * asciicast v2/v3 without DOM or Node: `parseAsciicast`, `readAsciicast` (streaming),
 * `createAsciicastWriter`, `terminalEventsToAsciicast`, `readResize`.
 */
export { AsciicastParseError } from './errors';
export type { AsciicastParser } from './parser';
export { createAsciicastParser, parseAsciicast } from './parser';
export type { AsciicastSource, ReadAsciicastOptions } from './reader';
export { readAsciicast } from './reader';
export { DEFAULT_TERMINAL_SIZE, type RecordingHeaderFacts, recordingHeader } from './recording';
export {
  formatResize,
  isTerminalDimension,
  MAX_TERMINAL_DIMENSION,
  parseResize,
  readResize,
  type TerminalSize,
} from './resize';
export {
  type TerminalEventLike,
  type TerminalHeaderFallback,
  terminalEventsToAsciicast,
} from './terminal-events';
export type {
  AsciicastCode,
  AsciicastEvent,
  AsciicastHeader,
  AsciicastItem,
  AsciicastTheme,
  AsciicastVersion,
} from './types';
export type { AsciicastWriter, AsciicastWriterOptions } from './writer';
export { asciicastEncoderStream, createAsciicastWriter, stringifyAsciicast } from './writer';
