/**
 * Statement shapes: what two runs of "the same statement" with other values have in common, for
 * grouping a session's activity ("120 × INSERT INTO customers VALUES (…)"). Pure functions, no
 * schema: used by the server (it groups) and by anything that shows a shape.
 */
import type { EventInput } from './event';

/** Stands for a literal, a bound parameter or an argument in a shape. */
export const SHAPE_HOLE = '…';

/** Longest shape kept: statements longer than this share a shape by their start. */
export const MAX_SHAPE_CHARS = 500;

const cap = (text: string) =>
  text.length > MAX_SHAPE_CHARS ? `${text.slice(0, MAX_SHAPE_CHARS - 1)}${SHAPE_HOLE}` : text;

/**
 * An SQL statement with its literals (strings, numbers, `TRUE`/`FALSE`/`NULL` stay words),
 * bound parameters (`$1`, `?`, `:name`, `@name`) replaced by `?`, comments removed, whitespace
 * collapsed to one space, lists of only values collapsed to `(…)` (`IN (1, 2, 3)`, `VALUES (…),
 * (…)`), and keywords and unquoted names upper-cased for comparison only where asked.
 *
 * @example sqlFingerprint("INSERT INTO customers VALUES (7, 'Ann')") // 'INSERT INTO customers VALUES (…)'
 * @example sqlFingerprint('SELECT * FROM t WHERE id IN (1,2,3)') // 'SELECT * FROM t WHERE id IN (…)'
 */
export function sqlFingerprint(sql: string): string {
  const out: string[] = [];
  let i = 0;
  const n = sql.length;
  const push = (token: string) => out.push(token);
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    // Strings: '...' ('' inside), E'...' (backslash escapes), N'...', X'...'.
    if (c === "'" || (/[eEnNxXbB]/.test(c) && next === "'" && !/\w/.test(sql[i - 1] ?? ''))) {
      const escapes = c === 'e' || c === 'E';
      i += c === "'" ? 1 : 2;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      push('?');
      continue;
    }
    // Dollar quoting ($$...$$, $tag$...$tag$) and positional parameters ($1).
    if (c === '$') {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        push('?');
        continue;
      }
      const param = /^\$\d+/.exec(sql.slice(i, i + 12));
      if (param) {
        i += param[0].length;
        push('?');
        continue;
      }
    }
    if (c === '?' && next !== '|' && next !== '&') {
      i++;
      while (i < n && /\d/.test(sql[i]!)) i++;
      push('?');
      continue;
    }
    if ((c === ':' || c === '@') && /[A-Za-z_]/.test(next ?? '') && sql[i - 1] !== ':') {
      i++;
      while (i < n && /\w/.test(sql[i]!)) i++;
      push('?');
      continue;
    }
    // Numbers (a minus sign before one is kept as an operator: `- ?`).
    if (/\d/.test(c) || (c === '.' && /\d/.test(next ?? ''))) {
      const num = /^(?:0x[0-9a-fA-F]+|\d*\.?\d+(?:[eE][+-]?\d+)?)/.exec(sql.slice(i, i + 64));
      i += num ? num[0].length : 1;
      push('?');
      continue;
    }
    // Quoted names stay as written.
    if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      while (j < n && !(sql[j] === close && sql[j + 1] !== close)) j += sql[j] === close ? 2 : 1;
      push(sql.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$\u0080-\uffff]/.test(sql[j]!)) j++;
      push(sql.slice(i, j));
      i = j;
      continue;
    }
    // Operators and punctuation, one character at a time (`::`, `<=` stay together below).
    push(c);
    i++;
  }
  return cap(collapseLists(join(out)));
}

/** Tokens back to text: a space between words, none inside `(`…`)` or before `,` `;` `.`. */
function join(tokens: string[]): string {
  let text = '';
  let prev = '';
  for (const t of tokens) {
    const glue =
      prev === '' ||
      prev === '(' ||
      prev === '.' ||
      t === ')' ||
      t === ',' ||
      t === ';' ||
      t === '.' ||
      (prev === ':' && t === ':') ||
      (/^[<>!=:|]$/.test(prev) && /^[=>|]$/.test(t));
    text += glue ? t : ` ${t}`;
    prev = t;
  }
  return text.replace(/ ?; ?$/, '');
}

/** `(?, ?, ?)` → `(…)`; `VALUES (…), (…)` → `VALUES (…)`; `IN (…)` stays. */
function collapseLists(text: string): string {
  let out = text.replace(/\((?:\s*-?\s*\?\s*,)*\s*-?\s*\?\s*\)/g, `(${SHAPE_HOLE})`);
  out = out.replace(
    new RegExp(`\\(${SHAPE_HOLE}\\)(?:\\s*,\\s*\\(${SHAPE_HOLE}\\))+`, 'g'),
    `(${SHAPE_HOLE})`,
  );
  return out;
}

const SEPARATORS = new Set(['|', '||', '&&', ';', '&', '|&']);

/** Tools whose first word is a subcommand (kept in the shape), and how many words deep. */
const SUBCOMMANDS: Readonly<Record<string, number>> = {
  git: 1,
  kubectl: 1,
  docker: 1,
  podman: 1,
  helm: 1,
  npm: 1,
  pnpm: 1,
  yarn: 1,
  npx: 1,
  cargo: 1,
  go: 1,
  pip: 1,
  brew: 1,
  apt: 1,
  'apt-get': 1,
  systemctl: 1,
  terraform: 1,
  gh: 2,
  aws: 2,
  gcloud: 2,
  az: 2,
};

/**
 * A command line's shape: each command of it (split at `|`, `&&`, `||`, `;`) as its name (with
 * its subcommand for tools that have them: `git push`, `kubectl delete`, `aws s3 cp`) and its
 * flags, with arguments replaced by `…` (a run of arguments by one) and flag values too
 * (`--output=…`). Leading `VAR=value` assignments are dropped, and a path before the name.
 *
 * @example commandShape('rm -rf /tmp/a /tmp/b && ls -l /tmp') // 'rm -rf … && ls -l …'
 * @example commandShape('kubectl delete namespace billing') // 'kubectl delete …'
 */
export function commandShape(text: string): string {
  const parts: string[] = [];
  let first = true;
  let hole = false;
  let subcommands = 0;
  for (const word of shellWords(text)) {
    if (SEPARATORS.has(word)) {
      parts.push(word);
      first = true;
      hole = false;
      continue;
    }
    if (first) {
      if (/^[A-Za-z_]\w*=/.test(word)) continue;
      const name = word.replace(/^.*\//, '');
      parts.push(name);
      subcommands = SUBCOMMANDS[name] ?? 0;
      first = false;
      continue;
    }
    if (subcommands > 0 && /^[a-z][a-z0-9-]*$/.test(word)) {
      parts.push(word);
      subcommands--;
      continue;
    }
    subcommands = 0;
    if (/^--?[A-Za-z]/.test(word)) {
      const eq = word.indexOf('=');
      parts.push(eq > 0 ? `${word.slice(0, eq)}=${SHAPE_HOLE}` : word);
      hole = false;
      continue;
    }
    if (!hole) parts.push(SHAPE_HOLE);
    hole = true;
  }
  return cap(parts.join(' '));
}

/** Shell words, quotes removed (a quoted word is an argument like any other). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  const end = () => {
    if (word !== '' || quoted) words.push(word);
    word = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      word += text.slice(i + 1, close < 0 ? text.length : close);
      quoted = true;
      i = close < 0 ? text.length : close;
    } else if (c === '\\') {
      word += text[i + 1] ?? '';
      i++;
    } else if (/\s/.test(c)) {
      end();
    } else if (c === '|' || c === '&' || c === ';') {
      end();
      const two = text.slice(i, i + 2);
      const op = two === '||' || two === '&&' || two === '|&' ? two : c;
      words.push(op);
      i += op.length - 1;
    } else {
      word += c;
    }
  }
  end();
  return words;
}

/**
 * The shape of an action, as the activity of a session groups it: `null` for an event that never
 * groups (lifecycle, a verdict alone). Queries by SQL fingerprint, commands by command shape, tool
 * calls by tool and the shape of their input (Bash by its command), LLM calls by model, file
 * events by operation, outbound calls by method and host.
 */
export function statementShape(event: EventInput): string | null {
  switch (event.type) {
    case 'query':
      return sqlFingerprint(event.sql);
    case 'command':
      return commandShape(event.text);
    case 'tool_call': {
      const input = event.input;
      if (input && typeof input === 'object' && !Array.isArray(input)) {
        const command = (input as Record<string, unknown>).command;
        if (typeof command === 'string') return cap(`${event.tool}: ${commandShape(command)}`);
        const keys = Object.keys(input).sort();
        return cap(`${event.tool}(${keys.map((k) => `${k}: ${SHAPE_HOLE}`).join(', ')})`);
      }
      return event.tool;
    }
    case 'llm_call':
      return cap(`${event.provider ? `${event.provider} ` : ''}${event.model}`);
    case 'file':
      return `${event.operation} ${SHAPE_HOLE}`;
    case 'outbound':
      return cap(`${event.method ? `${event.method} ` : ''}${event.protocol}://${event.host}`);
    default:
      return null;
  }
}
