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

/** FNV-1a (32 bits) of a string, as 8 hex digits. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * A shape cut to MAX_SHAPE_CHARS: its start, `…` and a hash of the whole shape (`#1a2b3c4d`), so
 * two long statements that differ past the cut never share a shape.
 */
const cap = (text: string) =>
  text.length > MAX_SHAPE_CHARS
    ? `${text.slice(0, MAX_SHAPE_CHARS - 10)}${SHAPE_HOLE}#${fnv1a(text)}`
    : text;

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
  return cap(fingerprint(sql));
}

function fingerprint(sql: string): string {
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
  return collapseLists(join(out));
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
 * Commands that run another command: kept with the shape of the one they run. `valued`: their
 * flags that take a value (the next word); `args`: words before the command (`timeout 5 …`).
 */
const WRAPPERS: Readonly<Record<string, { valued: readonly string[]; args?: number }>> = {
  sudo: { valued: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '-R'] },
  doas: { valued: ['-u', '-C'] },
  env: { valued: ['-u', '-C', '-S', '--unset', '--chdir'] },
  nice: { valued: ['-n', '--adjustment'] },
  nohup: { valued: [] },
  time: { valued: ['-f', '-o', '--format', '--output'] },
  timeout: { valued: ['-s', '-k', '--signal', '--kill-after'], args: 1 },
  xargs: {
    valued: ['-n', '-I', '-i', '-P', '-d', '-L', '-l', '-s', '-E', '-e', '-a', '--arg-file'],
  },
};

/** Shells whose `-c` script is shaped as a command line of its own. */
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh']);

/** SQL clients whose statement flag (`psql -c`, `mysql -e`) is shaped as SQL. */
const SQL_CLIENTS: Readonly<Record<string, { statement: readonly string[]; valued: string }>> = {
  psql: { statement: ['-c', '--command'], valued: 'UdhpfoFPRTvL' },
  mysql: { statement: ['-e', '--execute'], valued: 'uphPDSe' },
  mariadb: { statement: ['-e', '--execute'], valued: 'uphPDSe' },
};

/** Short flags that take a value attached to them (`-pS3cret`), by tool. */
const ATTACHED: Readonly<Record<string, string>> = {
  psql: SQL_CLIENTS.psql!.valued,
  mysql: SQL_CLIENTS.mysql!.valued,
  mariadb: SQL_CLIENTS.mariadb!.valued,
  mysqldump: 'uphPS',
  pg_dump: 'UdhpfF',
};

/** How deep `bash -c "sudo sh -c '…'"` is followed. */
const MAX_DEPTH = 8;

/**
 * A command line's shape: each command of it (split at `|`, `&&`, `||`, `;`, newlines) as its
 * name (with its subcommand for tools that have them: `git push`, `kubectl delete`, `aws s3 cp`)
 * and its flags, with arguments replaced by `…` (a run of arguments by one) and flag values too
 * (`--output=…`, `-p…`). Leading `VAR=value` assignments are dropped, and a path before the name.
 * Wrappers (`sudo`, `env`, `nice`, `nohup`, `time`, `timeout`, `xargs`, `doas`) keep the shape
 * of what they run, a shell's `-c` script its command shape, `psql -c`/`mysql -e` the SQL's
 * fingerprint; redirections stay, their target a `…`.
 *
 * @example commandShape('rm -rf /tmp/a /tmp/b && ls -l /tmp') // 'rm -rf … && ls -l …'
 * @example commandShape('kubectl delete namespace billing') // 'kubectl delete …'
 * @example commandShape("sudo bash -c 'rm -rf /'") // "sudo bash -c 'rm -rf …'"
 */
export function commandShape(text: string): string {
  return cap(lineShape(text, 0));
}

function lineShape(text: string, depth: number): string {
  const parts: string[] = [];
  let command: Word[] = [];
  for (const word of shellWords(text)) {
    if (word.kind === 'sep') {
      if (command.length > 0) parts.push(simpleShape(command, depth));
      command = [];
      parts.push(word.text);
    } else command.push(word);
  }
  if (command.length > 0) parts.push(simpleShape(command, depth));
  return parts.join(' ');
}

const isFlag = (w: Word) => w.kind === 'word' && /^--?[A-Za-z]/.test(w.text);

/** A flag as the shape keeps it: a value after `=` or attached to a short flag is a hole. */
function flagShape(flag: string, attached: string | undefined): string {
  const eq = flag.indexOf('=');
  if (eq > 0) return `${flag.slice(0, eq)}=${SHAPE_HOLE}`;
  if (flag.startsWith('--') || flag.length <= 2) return flag;
  const letters = flag.slice(1);
  if (attached?.includes(letters[0]!)) return `${flag.slice(0, 2)}${SHAPE_HOLE}`;
  // A cluster of flags (`-rf`, `-lah`) is letters, none twice; anything else holds a value.
  if (/^[A-Za-z]+$/.test(letters) && new Set(letters).size === letters.length) return flag;
  return `${flag.slice(0, 2)}${SHAPE_HOLE}`;
}

/** One command (no separators): its words and redirections. */
function simpleShape(words: Word[], depth: number): string {
  const parts: string[] = [];
  const rest: Word[] = [];
  // Redirections, wherever they are, with their target a hole.
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.kind === 'redir') {
      if (/&(?:\d+|-)$/.test(w.text)) parts.push(w.text);
      else {
        parts.push(`${w.text} ${SHAPE_HOLE}`);
        if (words[i + 1]?.kind === 'word') i++;
      }
    } else rest.push(w);
  }
  const body = wordsShape(rest, depth);
  return [body, ...parts].filter((p) => p !== '').join(' ');
}

function wordsShape(words: Word[], depth: number): string {
  let i = 0;
  while (i < words.length && !words[i]!.quoted && /^[A-Za-z_]\w*=/.test(words[i]!.text)) i++;
  if (i >= words.length) return '';
  const name = words[i]!.text.replace(/^.*\//, '');
  i++;
  const parts = [name];
  const more = depth < MAX_DEPTH;
  const wrapper = WRAPPERS[name];
  if (wrapper && more) {
    let args = wrapper.args ?? 0;
    while (i < words.length) {
      const w = words[i]!;
      if (name === 'env' && !w.quoted && /^[A-Za-z_]\w*=/.test(w.text)) {
        i++;
        continue;
      }
      if (isFlag(w)) {
        parts.push(flagShape(w.text, undefined));
        if (wrapper.valued.includes(w.text) && i + 1 < words.length) {
          parts.push(SHAPE_HOLE);
          i++;
        }
        i++;
        continue;
      }
      if (args > 0) {
        parts.push(SHAPE_HOLE);
        args--;
        i++;
        continue;
      }
      break;
    }
    const inner = wordsShape(words.slice(i), depth + 1);
    return [...parts, inner].filter((p) => p !== '').join(' ');
  }
  if (SHELLS.has(name) && more) {
    for (let j = i; j < words.length; j++) {
      const w = words[j]!;
      if (!isFlag(w) || w.text.startsWith('--')) break;
      if (w.text.slice(1).includes('c') && j + 1 < words.length) {
        return `${name} -c '${lineShape(words[j + 1]!.text, depth + 1)}'`;
      }
    }
  }
  const client = SQL_CLIENTS[name];
  const attached = ATTACHED[name];
  let subcommands = SUBCOMMANDS[name] ?? 0;
  let hole = false;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (subcommands > 0 && /^[a-z][a-z0-9-]*$/.test(w.text)) {
      parts.push(w.text);
      subcommands--;
      continue;
    }
    subcommands = 0;
    if (isFlag(w)) {
      const eq = w.text.indexOf('=');
      const flag = eq > 0 ? w.text.slice(0, eq) : w.text;
      if (client?.statement.includes(flag)) {
        const sql = eq > 0 ? w.text.slice(eq + 1) : words[i + 1]?.text;
        if (eq <= 0) i++;
        parts.push(`${flag}${eq > 0 ? '=' : ' '}'${fingerprint(sql ?? '')}'`);
        hole = false;
        continue;
      }
      parts.push(flagShape(w.text, attached));
      hole = false;
      continue;
    }
    if (!hole) parts.push(SHAPE_HOLE);
    hole = true;
  }
  return parts.join(' ');
}

interface Word {
  text: string;
  kind: 'word' | 'sep' | 'redir';
  quoted: boolean;
}

/**
 * Shell words, quotes removed (a quoted word is an argument like any other), separators (a
 * newline is `;`) and redirections (`>`, `>>`, `<`, `2>`, `2>&1`, `&>`) apart.
 */
function shellWords(text: string): Word[] {
  const words: Word[] = [];
  let word = '';
  let quoted = false;
  const end = () => {
    if (word !== '' || quoted) words.push({ text: word, kind: 'word', quoted });
    word = '';
    quoted = false;
  };
  const sep = (op: string) => {
    end();
    if (op === ';' && words.at(-1)?.kind === 'sep') return;
    if (words.length === 0 && op === ';') return;
    words.push({ text: op, kind: 'sep', quoted: false });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      word += text.slice(i + 1, close < 0 ? text.length : close);
      quoted = true;
      i = close < 0 ? text.length : close;
    } else if (c === '\\') {
      if (text[i + 1] !== '\n') word += text[i + 1] ?? '';
      i++;
    } else if (c === '\n') {
      sep(';');
    } else if (/\s/.test(c)) {
      end();
    } else if (c === '>' || c === '<' || (c === '&' && text[i + 1] === '>')) {
      let fd = '';
      if (!quoted && /^\d+$/.test(word)) {
        fd = word;
        word = '';
      }
      end();
      const op = /^(?:&>>?|<<<|<<-?|<>|>>|>\||<|>)(?:&(?:\d+|-))?/.exec(text.slice(i, i + 8))![0];
      words.push({ text: `${fd}${op}`, kind: 'redir', quoted: false });
      i += op.length - 1;
    } else if (c === '|' || c === '&' || c === ';') {
      const two = text.slice(i, i + 2);
      const op = two === '||' || two === '&&' || two === '|&' ? two : c;
      sep(op);
      i += op.length - 1;
    } else {
      word += c;
    }
  }
  end();
  while (words.at(-1)?.kind === 'sep' && words.at(-1)!.text === ';') words.pop();
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
