import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import {
  type Actor,
  globMatch,
  isProduction,
  type RecordingRule,
  type Resource,
  resourceMatches,
} from '@auditlane/client';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { expandCommandLine, matchesCommand, parseCommandPattern } from './commands';
import { DEFAULT_RULES } from './defaults';
import {
  type PolicyFile,
  type PolicyVerdict,
  policyFileSchema,
  type Rule,
  ruleSchema,
} from './rules';
import { ShellAnalyzer } from './shell';
import type { ShellAction } from './shell-rules';
import { type SqlAction, SqlAnalyzer, SqlParseError } from './sql';

/** What is about to happen, for the policy to decide on before it does. */
export type Subject =
  | { kind: 'sql'; text: string; dialect?: 'postgres' | 'mysql' | 'sqlite' }
  /** `cwd`: where the command runs, for SQL files it gives a database client (default: the process's). */
  | { kind: 'command'; text: string; cwd?: string }
  | { kind: 'tool'; tool: string; input?: unknown; cwd?: string };

/** The largest SQL file (`psql -f`, `< file.sql`) the policy reads to decide; larger ones are unparsable. */
export const MAX_SQL_FILE_BYTES = 256 * 1024;

/** Where it happens and who does it. */
export interface PolicyScope {
  resource?: Pick<Resource, 'name' | 'type' | 'environment'>;
  actor?: Pick<Actor, 'type' | 'id'> & { email?: string };
}

export interface Decision {
  verdict: PolicyVerdict;
  /** The rule that decided (absent when nothing matched). */
  rule?: string;
  reason?: string;
}

export class PolicyFileError extends Error {
  override name = 'PolicyFileError';
}

const ALLOW: Decision = { verdict: 'allow' };

/**
 * Decides on parsed content: SQL with PostgreSQL's parser, command lines with bash's grammar
 * (wrappers unwrapped, `sh -c` and `psql -c` followed). Rules are checked in order and the first
 * that matches decides; the built-in rules come after a policy's own.
 */
export class Policy {
  private readonly rules: { rule: Rule; commands: ReturnType<typeof parseCommandPattern>[] }[];

  private constructor(
    private readonly sql: SqlAnalyzer,
    private readonly shell: ShellAnalyzer,
    private readonly file: z.output<typeof policyFileSchema>,
  ) {
    const rules = [...file.rules, ...(file.defaults ? DEFAULT_RULES : [])];
    this.rules = rules.map((rule) => ({
      rule,
      commands: (rule.match.command ?? []).map(parseCommandPattern),
    }));
  }

  /** A policy from rules (or none: the built-in rules alone). */
  static async create(file: PolicyFile = {}): Promise<Policy> {
    const parsed = policyFileSchema.safeParse(file);
    if (!parsed.success) throw new PolicyFileError(describe(parsed.error, 'policy'));
    const [sql, shell] = await Promise.all([
      SqlAnalyzer.load(parsed.data.functions),
      ShellAnalyzer.load(),
    ]);
    return new Policy(sql, shell, parsed.data);
  }

  /** A policy from a YAML or JSON rule file; errors name the file and the field. */
  static async fromFile(path: string): Promise<Policy> {
    let data: unknown;
    try {
      data = parseYaml(await readFile(path, 'utf8'));
    } catch (error) {
      throw new PolicyFileError(`${path}: ${(error as Error).message}`);
    }
    const parsed = policyFileSchema.safeParse(data ?? {});
    if (!parsed.success) throw new PolicyFileError(describe(parsed.error, path));
    return Policy.create(parsed.data);
  }

  /** Checks one rule (for rule files written by hand). */
  static validateRule(rule: unknown): Rule {
    const parsed = ruleSchema.safeParse(rule);
    if (!parsed.success) throw new PolicyFileError(describe(parsed.error, 'rule'));
    return parsed.data;
  }

  /** The parsers the policy decides with (the recorder reads the same trees for its facts). */
  get analyzers(): { sql: SqlAnalyzer; shell: ShellAnalyzer } {
    return { sql: this.sql, shell: this.shell };
  }

  /** The policy file's recording rules (checked before the built-in ones of @auditlane/client). */
  get recording(): readonly RecordingRule[] {
    return this.file.recording;
  }

  /** Whether failures to decide block (closed) or let through (open) in this scope. */
  failsClosed(scope: PolicyScope = {}): boolean {
    if (this.file.onError) return this.file.onError === 'closed';
    return isProduction(scope.resource?.environment ?? '');
  }

  /**
   * Decides on one action. SQL is parsed; a command line is parsed and its commands classified,
   * SQL it gives a database client (on its command line, stdin, a here-document or a file) parsed
   * too; a tool's input is read for a command line (Bash) and for SQL in `sql`, `statement` or
   * (for a database tool) `query` fields at any depth.
   */
  decide(subject: Subject, scope: PolicyScope = {}): Decision {
    const actions = new Set<SqlAction>();
    const shellActions = new Set<ShellAction>();
    let commands: (string | null)[][] = [];
    let unparsable: string | undefined;
    const addSql = (
      text: string,
      dialect?: 'postgres' | 'mysql' | 'sqlite',
      options: { ignoreErrors?: boolean; fromFile?: boolean } = {},
    ) => {
      try {
        for (const a of this.sql.analyze(text, { dialect }).actions) actions.add(a);
      } catch (error) {
        if (!(error instanceof SqlParseError)) throw error;
        if (options.ignoreErrors) return;
        // A file's text is not quoted into the reason: it may hold anything.
        unparsable ??= options.fromFile
          ? 'the SQL file does not parse'
          : `the SQL does not parse: ${error.message}`;
      }
    };
    if (subject.kind === 'sql') addSql(subject.text, subject.dialect);
    else {
      const line =
        subject.kind === 'command' ? subject.text : commandOfTool(subject.tool, subject.input);
      if (line !== undefined) {
        const expanded = expandCommandLine(this.shell, line, 0, {
          readFile: (path) => readSqlFile(path, subject.cwd),
        });
        commands = expanded.commands;
        for (const a of expanded.actions) shellActions.add(a);
        for (const s of expanded.sql) addSql(s.sql, s.dialect, { fromFile: s.fromFile });
        if (expanded.unknown.length > 0) unparsable ??= expanded.unknown[0];
        if (expanded.hasError) unparsable ??= 'the command line does not parse';
      }
      if (subject.kind === 'tool')
        for (const field of sqlOfTool(subject.tool, subject.input))
          addSql(field.sql, field.dialect, { ignoreErrors: !field.surely });
    }
    for (const { rule, commands: patterns } of this.rules) {
      const m = rule.match;
      if (!inScope(rule, scope)) continue;
      if (m.tool && !(subject.kind === 'tool' && m.tool.some((t) => globMatch(t, subject.tool))))
        continue;
      const content = m.sql || m.command || m.shell;
      if (content) {
        const sqlHit = m.sql?.some((a) => actions.has(a)) ?? false;
        const shellHit = m.shell?.some((a) => shellActions.has(a)) ?? false;
        const commandHit = patterns.some((p) => commands.some((argv) => matchesCommand(p, argv)));
        if (!sqlHit && !commandHit && !shellHit) continue;
      }
      return { verdict: rule.verdict, rule: rule.id, reason: rule.reason };
    }
    if (unparsable) {
      const verdict =
        this.file.unparsable ??
        (isProduction(scope.resource?.environment ?? '') ? 'review' : 'allow');
      if (verdict !== 'allow') return { verdict, rule: 'unparsable', reason: unparsable };
    }
    return ALLOW;
  }
}

/** A SQL file a command gives a database client, read to decide on it (small regular files). */
function readSqlFile(path: string, cwd?: string): { text: string } | { error: string } {
  // The shell expands a leading ~ before the client sees the path.
  const expanded = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  const full = resolve(cwd ?? process.cwd(), expanded);
  try {
    const stat = statSync(full);
    if (!stat.isFile()) return { error: `the SQL file ${path} is not a regular file` };
    if (stat.size > MAX_SQL_FILE_BYTES)
      return { error: `the SQL file ${path} is larger than ${MAX_SQL_FILE_BYTES} bytes` };
    return { text: readFileSync(full, 'utf8') };
  } catch (error) {
    return {
      error: `the SQL file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    };
  }
}

/** Field names that hold SQL in any tool's input. */
const SQL_FIELDS = /^(sql|statements?|sql_?query|sql_?text|raw_?sql|query_?sql)$|sql$/i;
/** `query` holds SQL only in a database tool's input (a search tool's query is not SQL). */
const DATABASE_TOOL =
  /sql|postgres|\bpg|mysql|maria|sqlite|database|\bdb|db\b|_db|db_|supabase|neon|snowflake|bigquery|redshift|clickhouse|duckdb|cockroach|warehouse/i;

/**
 * SQL in a tool's input: strings (or lists of strings) under SQL field names at any depth up to
 * 8. `surely`: a `sql`/`statement` field, whose text must parse; a database tool's `query` field
 * counts only when it parses.
 */
export function sqlOfTool(
  tool: string,
  input: unknown,
): { sql: string; dialect?: 'postgres' | 'mysql' | 'sqlite'; surely: boolean }[] {
  const found: { sql: string; dialect?: 'postgres' | 'mysql' | 'sqlite'; surely: boolean }[] = [];
  const dialect = /mysql|maria/i.test(tool) ? 'mysql' : /sqlite/i.test(tool) ? 'sqlite' : undefined;
  const database = DATABASE_TOOL.test(tool);
  const visit = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const surely = SQL_FIELDS.test(key);
      if (surely || (database && /^query(_?text)?$/i.test(key))) {
        const texts = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
        for (const t of texts)
          if (typeof t === 'string' && t.trim()) found.push({ sql: t, dialect, surely });
      }
      visit(v, depth + 1);
    }
  };
  visit(input, 0);
  return found;
}

/** Tools that run a command line: `Bash`, `shell`, `mcp__ssh__exec`, `mcp__x__run_command`. */
const COMMAND_TOOL = /(^|_)(bash|shell|terminal|exec|execute|run_command|execute_command|ssh)$/i;

/** The command line an agent tool runs, for tools that run one (a `command` or `cmd` field). */
function commandOfTool(tool: string, input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const { command, cmd } = input as { command?: unknown; cmd?: unknown };
  const line = typeof command === 'string' ? command : typeof cmd === 'string' ? cmd : undefined;
  return line !== undefined && COMMAND_TOOL.test(tool) ? line : undefined;
}

function inScope(rule: Rule, scope: PolicyScope): boolean {
  const m = rule.match;
  if (!resourceMatches(m, scope.resource ?? {})) return false;
  if (m.actorType && !(scope.actor && m.actorType.includes(scope.actor.type))) return false;
  if (m.actor) {
    const who = [scope.actor?.id, scope.actor?.email].filter(Boolean) as string[];
    if (!m.actor.some((a) => who.some((w) => globMatch(a, w)))) return false;
  }
  return true;
}

function describe(error: z.ZodError, where: string): string {
  const first = error.issues[0];
  const path =
    first?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
  return `${where}: ${path.replace(/^\./, '') || '(root)'}: ${first?.message ?? 'invalid'}`;
}
