import { AsciicastParseError, describeValue } from './errors';
import type { AsciicastHeader, AsciicastTheme, AsciicastVersion } from './types';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Validation helpers bound to one line; optional fields treat `null` as absent. */
function fieldReader(line: number) {
  const invalid = (path: string, expected: string, value: unknown) =>
    new AsciicastParseError(
      line,
      `header "${path}" must be ${expected}, got ${describeValue(value)}`,
    );
  const missing = (path: string) =>
    new AsciicastParseError(line, `header is missing required field "${path}"`);

  return {
    positiveInteger(value: unknown, path: string): number {
      if (value === undefined || value === null) throw missing(path);
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
        throw invalid(path, 'a positive integer', value);
      }
      return value;
    },
    object(value: unknown, path: string): JsonObject {
      if (value === undefined || value === null) throw missing(path);
      if (!isObject(value)) throw invalid(path, 'an object', value);
      return value;
    },
    string(value: unknown, path: string): string | undefined {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') throw invalid(path, 'a string', value);
      return value;
    },
    number(value: unknown, path: string, nonNegative: boolean): number | undefined {
      if (value === undefined || value === null) return undefined;
      const ok =
        typeof value === 'number' && Number.isFinite(value) && (!nonNegative || value >= 0);
      if (!ok) throw invalid(path, nonNegative ? 'a non-negative number' : 'a number', value);
      return value;
    },
    /** Object of strings. `null` values are dropped: asciinema 2.x writes null for unset vars. */
    env(value: unknown, path: string): Record<string, string> | undefined {
      if (value === undefined || value === null) return undefined;
      if (!isObject(value)) throw invalid(path, 'an object of strings', value);
      const entries: [string, string][] = [];
      for (const [key, item] of Object.entries(value)) {
        if (item === null) continue;
        if (typeof item !== 'string') throw invalid(`${path}.${key}`, 'a string', item);
        entries.push([key, item]);
      }
      return Object.fromEntries(entries);
    },
    tags(value: unknown, path: string): string[] | undefined {
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value)) throw invalid(path, 'an array of strings', value);
      return value.map((item: unknown, index) => {
        if (typeof item !== 'string') throw invalid(`${path}[${index}]`, 'a string', item);
        return item;
      });
    },
    theme(value: unknown, path: string): AsciicastTheme | undefined {
      if (value === undefined || value === null) return undefined;
      if (!isObject(value)) throw invalid(path, 'an object', value);
      const color = (key: 'fg' | 'bg' | 'palette'): string => {
        const item = value[key];
        if (typeof item !== 'string') throw invalid(`${path}.${key}`, 'a string', item);
        return item;
      };
      return { fg: color('fg'), bg: color('bg'), palette: color('palette') };
    },
  };
}

/**
 * Validates a parsed header line and converts it to the normalised (v3-shaped) header.
 * Unknown fields are dropped, as the spec requires readers to ignore them.
 */
export function normaliseHeader(value: unknown, line: number): AsciicastHeader {
  if (!isObject(value)) {
    throw new AsciicastParseError(line, `header must be a JSON object, got ${kindOf(value)}`);
  }
  if (value.version === undefined) {
    throw new AsciicastParseError(line, 'header is missing required field "version"');
  }
  const version = value.version;
  if (version !== 2 && version !== 3) {
    throw new AsciicastParseError(
      line,
      `unsupported asciicast version ${describeValue(version)} (expected 2 or 3)`,
    );
  }
  const read = fieldReader(line);
  let header: AsciicastHeader;
  if (version === 2) {
    header = {
      version,
      term: {
        cols: read.positiveInteger(value.width, 'width'),
        rows: read.positiveInteger(value.height, 'height'),
      },
    };
    const theme = read.theme(value.theme, 'theme');
    if (theme) header.term.theme = theme;
  } else {
    const term = read.object(value.term, 'term');
    header = {
      version,
      term: {
        cols: read.positiveInteger(term.cols, 'term.cols'),
        rows: read.positiveInteger(term.rows, 'term.rows'),
      },
    };
    const type = read.string(term.type, 'term.type');
    if (type !== undefined) header.term.type = type;
    const termVersion = read.string(term.version, 'term.version');
    if (termVersion !== undefined) header.term.version = termVersion;
    const theme = read.theme(term.theme, 'term.theme');
    if (theme) header.term.theme = theme;
  }

  const timestamp = read.number(value.timestamp, 'timestamp', false);
  if (timestamp !== undefined) header.timestamp = timestamp;
  const idleTimeLimit = read.number(value.idle_time_limit, 'idle_time_limit', true);
  if (idleTimeLimit !== undefined) header.idle_time_limit = idleTimeLimit;
  const command = read.string(value.command, 'command');
  if (command !== undefined) header.command = command;
  const title = read.string(value.title, 'title');
  if (title !== undefined) header.title = title;
  const env = read.env(value.env, 'env');
  if (env) header.env = env;
  if (version === 3) {
    const tags = read.tags(value.tags, 'tags');
    if (tags) header.tags = tags;
  } else {
    const duration = read.number(value.duration, 'duration', true);
    if (duration !== undefined) header.duration = duration;
  }
  return header;
}

/**
 * The JSON header object for `version`. Fields the target version has no place for are left out:
 * v2 has no `term.type`, `term.version` or `tags`; v3 has no `duration`.
 */
export function headerToJson(
  header: AsciicastHeader,
  version: AsciicastVersion,
): Record<string, unknown> {
  const { term } = header;
  const theme = term.theme && { fg: term.theme.fg, bg: term.theme.bg, palette: term.theme.palette };
  const common = {
    timestamp: header.timestamp,
    idle_time_limit: header.idle_time_limit,
    command: header.command,
    title: header.title,
    env: header.env,
  };
  if (version === 2) {
    return {
      version: 2,
      width: term.cols,
      height: term.rows,
      timestamp: common.timestamp,
      duration: header.duration,
      idle_time_limit: common.idle_time_limit,
      command: common.command,
      title: common.title,
      env: common.env,
      theme,
    };
  }
  return {
    version: 3,
    term: { cols: term.cols, rows: term.rows, type: term.type, version: term.version, theme },
    ...common,
    tags: header.tags,
  };
}
