import { readResize } from './resize';
import type { AsciicastHeader } from './types';

/** What a recording's opening event says besides its size (the data model's `RecordingHeader`). */
export interface RecordingHeaderFacts {
  term?: { type?: string; version?: string };
  timestamp?: number;
  command?: string;
  title?: string;
  env?: Record<string, string>;
  tags?: string[];
}

/** The terminal size a recording without its initial size is shown in (asciinema's default). */
export const DEFAULT_TERMINAL_SIZE = { cols: 80, rows: 24 } as const;

/**
 * The asciicast header of a recording kept as terminal events, from its first event. A recorder
 * opens a recording with an `r` event holding the initial size (and `header`, the rest of what its
 * local `.cast` file's header says); that event becomes the header and is not an event of the
 * file (`sizeEvent: true`). Without one the size is 80×24 and the first event is an event.
 * `fallback` fills what the recording does not say (the server's timestamp and title).
 */
export function recordingHeader(
  first: { code: string; data: string; header?: RecordingHeaderFacts },
  fallback: { timestamp?: number; title?: string } = {},
): { header: AsciicastHeader; sizeEvent: boolean } {
  const size = first.code === 'r' ? (readResize(first.data) ?? undefined) : undefined;
  const facts = size ? first.header : undefined;
  const header: AsciicastHeader = {
    version: 3,
    term: { ...(size ?? DEFAULT_TERMINAL_SIZE) },
  };
  if (facts?.term?.type !== undefined) header.term.type = facts.term.type;
  if (facts?.term?.version !== undefined) header.term.version = facts.term.version;
  const timestamp = facts?.timestamp ?? fallback.timestamp;
  if (timestamp !== undefined) header.timestamp = timestamp;
  if (facts?.command !== undefined) header.command = facts.command;
  const title = facts?.title ?? fallback.title;
  if (title !== undefined) header.title = title;
  if (facts?.env !== undefined) header.env = { ...facts.env };
  if (facts?.tags !== undefined) header.tags = [...facts.tags];
  return { header, sizeEvent: size !== undefined };
}
