/** asciicast format version: 2 (asciinema CLI 2.x) or 3 (asciinema CLI 3.x). */
export type AsciicastVersion = 2 | 3;

/**
 * Event codes understood by this package: output, input, marker, resize, exit.
 * Events with other codes are skipped when reading (the spec says readers must ignore them).
 */
export type AsciicastCode = 'o' | 'i' | 'm' | 'r' | 'x';

/** Terminal colour theme: CSS `#rrggbb` colours, `palette` is 8 or 16 colours joined by `:`. */
export interface AsciicastTheme {
  fg: string;
  bg: string;
  palette: string;
}

/**
 * Normalised header. It mirrors the v3 JSON header; a v2 header is converted on read
 * (`width`/`height` become `term.cols`/`term.rows`, `theme` becomes `term.theme`).
 */
export interface AsciicastHeader {
  version: AsciicastVersion;
  term: {
    cols: number;
    rows: number;
    /** Terminal type, e.g. `xterm-256color` (v3 only). */
    type?: string;
    /** Terminal version as reported by XTVERSION (v3 only). */
    version?: string;
    theme?: AsciicastTheme;
  };
  /** Unix timestamp (seconds) of the start of the recording. */
  timestamp?: number;
  idle_time_limit?: number;
  command?: string;
  title?: string;
  env?: Record<string, string>;
  /** v3 only. */
  tags?: string[];
  /** Duration of the whole recording in seconds (v2 only). */
  duration?: number;
}

/** One event. `time` is absolute: seconds since the start of the recording, for both versions. */
export interface AsciicastEvent {
  time: number;
  code: AsciicastCode;
  data: string;
}

export type AsciicastItem =
  | { kind: 'header'; header: AsciicastHeader }
  | { kind: 'event'; event: AsciicastEvent };

export const ASCIICAST_CODES: readonly AsciicastCode[] = ['o', 'i', 'm', 'r', 'x'];

export function isAsciicastCode(code: string): code is AsciicastCode {
  return (ASCIICAST_CODES as readonly string[]).includes(code);
}
