import type { ShellAnalyzer, SimpleCommand } from './shell';
import { classifyCommand, type ShellAction } from './shell-rules';

/** Programs that run the command after their own options. */
const WRAPPERS: Record<string, { withValue: Set<string> }> = {
  sudo: { withValue: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U']) },
  doas: { withValue: new Set(['-u', '-C']) },
  env: { withValue: new Set(['-u', '-C', '-S']) },
  nohup: { withValue: new Set() },
  nice: { withValue: new Set(['-n']) },
  ionice: { withValue: new Set(['-c', '-n', '-p']) },
  time: { withValue: new Set(['-f', '-o']) },
  timeout: { withValue: new Set(['-s', '-k']) },
  command: { withValue: new Set() },
  exec: { withValue: new Set(['-a']) },
  xargs: { withValue: new Set(['-n', '-P', '-I', '-L', '-d', '-s', '-E']) },
  watch: { withValue: new Set(['-n', '-d']) },
  stdbuf: { withValue: new Set(['-i', '-o', '-e']) },
};
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish']);

/** SQL handed to a database client on its command line. */
export interface EmbeddedSql {
  sql: string;
  dialect: 'postgres' | 'mysql' | 'sqlite';
  client: string;
  /** Read from a file (its parse errors are not quoted: the file may hold anything). */
  fromFile?: boolean;
}

export interface CommandLine {
  /** The commands that run, wrappers removed (`sudo -u x rm -rf /` → `rm -rf /`). */
  commands: (string | null)[][];
  /** The same commands with their redirections, in the order they are written. */
  simple: SimpleCommand[];
  sql: EmbeddedSql[];
  /** What the commands do, by the built-in shell rules (`shell-rules.ts`). */
  actions: Set<ShellAction>;
  /**
   * Why the line cannot be decided completely: a program, script or SQL known only at run time,
   * a SQL file that cannot be read.
   */
  unknown: string[];
  /** The line does not parse (an unclosed quote, say). */
  hasError: boolean;
}

export interface ExpandOptions {
  /**
   * Reads a SQL file a database client is given (`psql -f x.sql`, `psql < x.sql`,
   * `cat x.sql | psql`): its text, or a reason it cannot be read. Without it, such SQL is unknown.
   */
  readFile?: (path: string) => { text: string } | { error: string };
}

export function basename(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1);
}

/**
 * Expands a command line into what runs: wrappers unwrapped, `sh -c '...'` parsed again, and
 * SQL given to psql, mysql or sqlite3 collected for the SQL analyzer.
 */
export function expandCommandLine(
  shell: ShellAnalyzer,
  line: string,
  depth = 0,
  options: ExpandOptions = {},
): CommandLine {
  const parsed = shell.analyze(line);
  const out: CommandLine = {
    commands: [],
    simple: [],
    sql: [],
    actions: new Set(),
    unknown: [],
    hasError: parsed.hasError,
  };
  for (const c of parsed.commands) expandCommand(shell, c, out, depth, options);
  return out;
}

function expandCommand(
  shell: ShellAnalyzer,
  command: SimpleCommand,
  out: CommandLine,
  depth: number,
  options: ExpandOptions,
): void {
  let args = command.argv;
  let words = command.words;
  // Peel wrappers: their options, then (for env) assignments, then the command.
  for (let guard = 0; guard < 8; guard++) {
    const program = args[0];
    if (program === null || program === undefined) break;
    const wrapper = WRAPPERS[basename(program)];
    if (!wrapper) break;
    let i = 1;
    while (i < args.length) {
      const a = args[i];
      if (a === '--') {
        i++;
        break;
      }
      if (a === null || a === undefined || !a.startsWith('-') || a === '-') break;
      // A cluster (`sudo -iu root`) takes a value when its last letter does.
      const takesValue =
        wrapper.withValue.has(a) ||
        (/^-[a-zA-Z]{2,}$/.test(a) && wrapper.withValue.has(`-${a.at(-1)}`));
      i += takesValue ? 2 : 1;
    }
    if (basename(program) === 'env') while (i < args.length && /^\w+=/.test(args[i] ?? '')) i++;
    if (basename(program) === 'timeout' && i < args.length) i++; // the duration
    if (basename(program) === 'nice' && /^-\d+$/.test(args[1] ?? '')) i = Math.max(i, 2);
    if (i >= args.length) break;
    args = args.slice(i);
    words = words.slice(i);
  }
  out.commands.push(args);
  const unwrapped = { ...command, argv: args, words };
  out.simple.push(unwrapped);
  for (const a of classifyCommand(unwrapped)) out.actions.add(a);
  const program = args[0] ? basename(args[0]) : null;
  if (!program) {
    // A program known only at run time (`$TOOL -rf /`): the policy cannot tell what runs.
    if (args.length > 0) out.unknown.push('the program is known only at run time');
    return;
  }
  if (program === 'eval' && depth < 4) {
    const script = args.slice(1);
    if (script.some((a) => a === null)) out.unknown.push('eval runs text known only at run time');
    else nested(shell, script.join(' '), out, depth, options);
    return;
  }

  // A shell (or su) running a string: parse the string as well.
  if ((SHELLS.has(program) || program === 'su') && depth < 4) {
    const at = args.findIndex(
      (a, i) => i > 0 && a !== null && (/^-[a-z]*c[a-z]*$/.test(a) || a === '--command'),
    );
    let script = at > 0 ? args[at + 1] : undefined;
    if (script === '--') script = args[at + 2];
    if (typeof script === 'string') nested(shell, script, out, depth, options);
    else if (at > 0) out.unknown.push(`${program} -c runs text known only at run time`);
  }
  const sql = embeddedSql(program, args, command, options);
  if (sql === 'opaque') out.unknown.push(`the SQL given to ${program} is known only at run time`);
  else if (typeof sql === 'string') out.unknown.push(sql);
  else for (const s of sql) out.sql.push(s);
}

function nested(
  shell: ShellAnalyzer,
  script: string,
  out: CommandLine,
  depth: number,
  options: ExpandOptions,
): void {
  const inner = expandCommandLine(shell, script, depth + 1, options);
  out.commands.push(...inner.commands);
  // It runs in a shell of its own: a `cd` in it changes nothing after it.
  for (const c of inner.simple) out.simple.push({ ...c, subshell: true });
  out.sql.push(...inner.sql);
  for (const a of inner.actions) out.actions.add(a);
  out.unknown.push(...inner.unknown);
  out.hasError ||= inner.hasError;
}

/**
 * What a command writes on stdout, when the line says: `echo`, `printf` with `%s` only,
 * `cat` of files or of its own here-document. A reason string when it cannot be known.
 */
function outputOf(command: SimpleCommand, options: ExpandOptions): string | { unknown: string } {
  const [program, ...rest] = command.argv;
  const name = program ? basename(program) : '';
  const unknown = {
    unknown: `what ${name || 'a command'} writes to the database client is not known`,
  };
  if (rest.some((a) => a === null)) return unknown;
  const args = rest as string[];
  if (name === 'echo') {
    let i = 0;
    while (i < args.length && /^-[neE]+$/.test(args[i] as string)) i++;
    return args.slice(i).join(' ');
  }
  if (name === 'printf') {
    const [format, ...values] = args;
    if (format === undefined || /%[^s%]/.test(format)) return unknown;
    let k = 0;
    return format
      .replace(/%[s%]/g, (m) => (m === '%%' ? '%' : (values[k++] ?? '')))
      .replace(/\\n/g, '\n');
  }
  if (name === 'cat') {
    const files = args.filter((a) => !a.startsWith('-') || a === '-');
    if (files.length === 0) {
      if (typeof command.stdin === 'string') return command.stdin;
      if (command.stdinFile) return readSql(command.stdinFile, options);
      return unknown;
    }
    let text = '';
    for (const f of files) {
      if (f === '-') return unknown;
      const r = readSql(f, options);
      if (typeof r !== 'string') return r;
      text += `${r}\n`;
    }
    return text;
  }
  return unknown;
}

function readSql(path: string, options: ExpandOptions): string | { unknown: string } {
  if (!options.readFile) return { unknown: `the SQL file ${path} is not read here` };
  const r = options.readFile(path);
  return 'text' in r ? r.text : { unknown: r.error };
}

function optionValue(args: (string | null)[], short: string[], long: string[]): (string | null)[] {
  const values: (string | null)[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === null || a === undefined) continue;
    if (short.includes(a) || long.includes(a)) values.push(args[i + 1] ?? null);
    for (const l of long) if (a.startsWith(`${l}=`)) values.push(a.slice(l.length + 1));
    for (const s of short)
      if (a.startsWith(s) && a.length > s.length && !a.startsWith('--'))
        values.push(a.slice(s.length));
  }
  return values;
}

/**
 * SQL a database client is given: on its command line, as a here-string or here-document, from
 * a pipe or a file. `opaque` when the line does not show it, a reason when it cannot be known.
 * psql's own commands in it (`\dt`, `\i file`, `\copy`) are resolved.
 */
function embeddedSql(
  program: string,
  args: (string | null)[],
  command: SimpleCommand,
  options: ExpandOptions,
): EmbeddedSql[] | 'opaque' | string {
  const found = clientSql(program, args, command, options);
  if (program !== 'psql' || typeof found === 'string') return found;
  const out: EmbeddedSql[] = [];
  for (const s of found) {
    const state = { readFile: false };
    const script = psqlScript(s.sql, options, 0, state);
    if (typeof script !== 'string') return script.unknown;
    if (script.trim())
      out.push(state.readFile ? { ...s, sql: script, fromFile: true } : { ...s, sql: script });
  }
  return out;
}

/** psql's commands that only show or set up the session (`\d users`, `\x`, `\timing`). */
const PSQL_SESSION_COMMANDS =
  /^\\(d[a-zA-Z]*\+?|l\+?|list|x|timing|conninfo|encoding|\?|h|help|pset|echo|qecho|warn|q|quit|sf\+?|sv\+?|z|a|C|f|H|t|T|errverbose|set|unset|c|connect|g|gx|gset|watch|bind|if|elif|else|endif|prompt|cd|r|reset|p|print|encoding)(\s|$)/;

/**
 * A psql script with its own commands resolved: session commands dropped, `\i file` read in,
 * `\copy` read as COPY; a reason for a command the policy cannot follow (`\!`, `\gexec`).
 */
function psqlScript(
  text: string,
  options: ExpandOptions,
  depth: number,
  state: { readFile: boolean },
): string | { unknown: string } {
  if (!text.includes('\\')) return text;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trimStart();
    if (!trimmed.startsWith('\\')) {
      // A query sent with \g or \gx at the end of its line.
      out.push(line.replace(/\\g(x|set)?(\s.*)?$/, ';'));
      continue;
    }
    const name = /^\\([a-zA-Z_]+|\?|!)/.exec(trimmed)?.[1] ?? '';
    const rest = trimmed.slice(name.length + 1).trim();
    if (PSQL_SESSION_COMMANDS.test(trimmed)) continue;
    if (name === 'copy') {
      // The client's copy: the file is on this side, the table is read or written as by COPY.
      const m = /^(.*)\s+(from|to)\s+.*$/is.exec(rest);
      if (!m) return { unknown: "psql's \\copy does not parse" };
      out.push(`COPY ${m[1]} ${m[2]?.toLowerCase() === 'from' ? 'FROM STDIN' : 'TO STDOUT'};`);
      continue;
    }
    if (['i', 'ir', 'include', 'include_relative'].includes(name) && depth < 4) {
      state.readFile = true;
      const file = readSql(rest.replace(/^'(.*)'$/, '$1'), options);
      if (typeof file !== 'string') return file;
      const inner = psqlScript(file, options, depth + 1, state);
      if (typeof inner !== 'string') return inner;
      out.push(inner);
      continue;
    }
    return { unknown: `psql's \\${name} is not followed by the policy` };
  }
  return out.join('\n');
}

function clientSql(
  program: string,
  args: (string | null)[],
  command: SimpleCommand,
  options: ExpandOptions,
): EmbeddedSql[] | 'opaque' | string {
  const stdin = command.stdin;
  const found: EmbeddedSql[] = [];
  const add = (values: (string | null)[], dialect: EmbeddedSql['dialect']) => {
    for (const v of values) {
      if (v === null) return false;
      found.push({ sql: v, dialect, client: program });
    }
    return true;
  };
  let dialect: EmbeddedSql['dialect'] | undefined;
  let known = true;
  let files: (string | null)[] = [];
  if (program === 'psql') {
    dialect = 'postgres';
    known = add(optionValue(args, ['-c'], ['--command']), dialect);
    files = optionValue(args, ['-f'], ['--file']);
  } else if (program === 'mysql' || program === 'mariadb') {
    dialect = 'mysql';
    known = add(optionValue(args, ['-e'], ['--execute']), dialect);
  } else if (program === 'sqlite3') {
    dialect = 'sqlite';
    // sqlite3 [options] FILE [SQL...]: the words after the database file.
    const positional = args.slice(1).filter((a) => a === null || !a.startsWith('-'));
    known = add(positional.slice(1), dialect);
  }
  if (!dialect) return found;
  if (!known) return 'opaque';
  for (const f of files) {
    if (f === null) return 'opaque';
    if (f === '-') continue;
    const text = readSql(f, options);
    if (typeof text !== 'string') return text.unknown;
    found.push({ sql: text, dialect, client: program, fromFile: true });
  }
  if (found.length > 0 || stdin === undefined) return found;
  // SQL on stdin: a here-string or here-document, a file, or what the pipeline writes.
  let fromFile = false;
  const reading: ExpandOptions = {
    readFile: (path) => {
      fromFile = true;
      return options.readFile?.(path) ?? { error: `the SQL file ${path} is not read here` };
    },
  };
  let text: string | { unknown: string };
  if (stdin !== null) text = stdin;
  else if (command.stdinFile !== undefined)
    text =
      command.stdinFile === null
        ? { unknown: 'the file given on stdin is known only at run time' }
        : readSql(command.stdinFile, reading);
  else {
    const from = command.upstream?.at(-1);
    text = from
      ? outputOf(from, reading)
      : { unknown: 'what the database client reads is not known' };
  }
  if (typeof text !== 'string') return text.unknown;
  found.push(
    fromFile
      ? { sql: text, dialect, client: program, fromFile }
      : { sql: text, dialect, client: program },
  );
  return found;
}

/** A command pattern of a rule: `rm -rf /`, `kubectl delete`, `terraform apply -auto-approve`. */
interface CommandPattern {
  program: string;
  /** Words that must appear, in order, among the arguments that are not options. */
  words: string[];
  /** Single-letter options (`-rf` → r, f), in any cluster or spelled long. */
  letters: string[];
  /** Other options, as written (`--force`, `-auto-approve`). */
  options: string[];
}

/** Long spellings of single-letter options, per program. */
const LETTER_ALIASES: Record<string, Record<string, string>> = {
  rm: { '--recursive': 'r', '--force': 'f', R: 'r' },
  git: { '--force': 'f' },
  cp: { '--recursive': 'r', R: 'r', '--force': 'f' },
};

export function parseCommandPattern(pattern: string): CommandPattern {
  const [program = '', ...rest] = pattern.trim().split(/\s+/);
  const p: CommandPattern = { program, words: [], letters: [], options: [] };
  for (const t of rest) {
    if (/^-[a-zA-Z]+$/.test(t) && t.length <= 4) p.letters.push(...t.slice(1));
    else if (t.startsWith('-')) p.options.push(t);
    else p.words.push(t);
  }
  return p;
}

/** Whether a command (argv, wrappers removed) is an instance of the pattern. */
export function matchesCommand(pattern: CommandPattern, argv: (string | null)[]): boolean {
  const program = argv[0];
  if (typeof program !== 'string' || basename(program) !== pattern.program) return false;
  const aliases = LETTER_ALIASES[pattern.program] ?? {};
  const letters = new Set<string>();
  const options = new Set<string>();
  const positional: (string | null)[] = [];
  let afterDashes = false;
  for (const a of argv.slice(1)) {
    if (a === null) {
      positional.push(null);
      continue;
    }
    if (!afterDashes && a === '--') {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && a.startsWith('--')) {
      const name = a.split('=')[0] as string;
      options.add(name);
      const letter = aliases[name];
      if (letter) letters.add(letter);
    } else if (!afterDashes && a.startsWith('-') && a.length > 1) {
      options.add(a.split('=')[0] as string);
      if (/^-[a-zA-Z]+$/.test(a)) for (const ch of a.slice(1)) letters.add(aliases[ch] ?? ch);
    } else positional.push(a);
  }
  for (const l of pattern.letters) if (!letters.has(aliases[l] ?? l)) return false;
  for (const o of pattern.options) {
    const alt = o.startsWith('--') ? o.slice(1) : `-${o}`;
    const letter = aliases[o];
    if (!options.has(o) && !options.has(alt) && !(letter && letters.has(letter))) return false;
  }
  // Words in order among the positional arguments (a word known only at run time matches none).
  let i = 0;
  for (const w of pattern.words) {
    while (i < positional.length && positional[i] !== w) i++;
    if (i >= positional.length) return false;
    i++;
  }
  return true;
}
