import type { ShellAnalyzer } from './shell';

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
}

export interface CommandLine {
  /** The commands that run, wrappers removed (`sudo -u x rm -rf /` → `rm -rf /`). */
  commands: (string | null)[][];
  sql: EmbeddedSql[];
  hasError: boolean;
}

export function basename(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1);
}

/**
 * Expands a command line into what runs: wrappers unwrapped, `sh -c '...'` parsed again, and
 * SQL given to psql, mysql or sqlite3 collected for the SQL analyzer.
 */
export function expandCommandLine(shell: ShellAnalyzer, line: string, depth = 0): CommandLine {
  const parsed = shell.analyze(line);
  const out: CommandLine = { commands: [], sql: [], hasError: parsed.hasError };
  for (const c of parsed.commands) expandCommand(shell, c.argv, out, depth, c.stdin);
  return out;
}

function expandCommand(
  shell: ShellAnalyzer,
  argv: (string | null)[],
  out: CommandLine,
  depth: number,
  stdin?: string | null,
): void {
  let args = argv;
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
  }
  out.commands.push(args);
  const program = args[0] ? basename(args[0]) : null;
  if (!program) {
    // A program known only at run time (`$TOOL -rf /`): the policy cannot tell what runs.
    if (args.length > 0) out.hasError = true;
    return;
  }
  if (program === 'eval' && depth < 4) {
    const script = args.slice(1);
    if (script.some((a) => a === null)) out.hasError = true;
    else nested(shell, script.join(' '), out, depth);
    return;
  }

  // A shell (or su) running a string: parse the string as well.
  if ((SHELLS.has(program) || program === 'su') && depth < 4) {
    const at = args.findIndex(
      (a, i) => i > 0 && a !== null && (/^-[a-z]*c[a-z]*$/.test(a) || a === '--command'),
    );
    let script = at > 0 ? args[at + 1] : undefined;
    if (script === '--') script = args[at + 2];
    if (typeof script === 'string') nested(shell, script, out, depth);
    else if (at > 0) out.hasError = true;
  }
  const sql = embeddedSql(program, args, stdin);
  if (sql === 'opaque') out.hasError = true;
  else for (const s of sql) out.sql.push(s);
}

function nested(shell: ShellAnalyzer, script: string, out: CommandLine, depth: number): void {
  const inner = expandCommandLine(shell, script, depth + 1);
  out.commands.push(...inner.commands);
  out.sql.push(...inner.sql);
  out.hasError ||= inner.hasError;
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
 * SQL a database client is given: on its command line, or as a here-string or here-document.
 * `opaque` when it reads SQL the line does not show (a file, a pipe, a redirect).
 */
function embeddedSql(
  program: string,
  args: (string | null)[],
  stdin: string | null | undefined,
): EmbeddedSql[] | 'opaque' {
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
  if (program === 'psql') {
    dialect = 'postgres';
    known = add(optionValue(args, ['-c'], ['--command']), dialect);
    if (optionValue(args, ['-f'], ['--file']).length > 0) return 'opaque';
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
  if (found.length === 0 && stdin !== undefined) {
    if (stdin === null) return 'opaque';
    found.push({ sql: stdin, dialect, client: program });
  }
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
