import { readFile } from 'node:fs/promises';
import { type Actor, isProduction, type RecordingRule, type Resource } from '@auditlane/client';
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
import { type SqlAction, SqlAnalyzer, SqlParseError } from './sql';

/** What is about to happen, for the policy to decide on before it does. */
export type Subject =
  | { kind: 'sql'; text: string; dialect?: 'postgres' | 'mysql' | 'sqlite' }
  | { kind: 'command'; text: string }
  | { kind: 'tool'; tool: string; input?: unknown };

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
    const [sql, shell] = await Promise.all([SqlAnalyzer.load(), ShellAnalyzer.load()]);
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

  /** The policy file's recording rules (checked before the built-in ones of @auditlane/client). */
  get recording(): readonly RecordingRule[] {
    return this.file.recording;
  }

  /** Whether failures to decide block (closed) or let through (open) in this scope. */
  failsClosed(scope: PolicyScope = {}): boolean {
    if (this.file.onError) return this.file.onError === 'closed';
    return isProduction(scope.resource?.environment ?? '');
  }

  decide(subject: Subject, scope: PolicyScope = {}): Decision {
    let actions = new Set<SqlAction>();
    let commands: (string | null)[][] = [];
    let unparsable: string | undefined;
    const addSql = (text: string, dialect?: 'postgres' | 'mysql' | 'sqlite') => {
      try {
        for (const a of this.sql.analyze(text, { dialect }).actions) actions.add(a);
      } catch (error) {
        if (!(error instanceof SqlParseError)) throw error;
        unparsable ??= `the SQL does not parse: ${error.message}`;
      }
    };
    if (subject.kind === 'sql') addSql(subject.text, subject.dialect);
    else {
      const line =
        subject.kind === 'command' ? subject.text : commandOfTool(subject.tool, subject.input);
      if (line !== undefined) {
        const expanded = expandCommandLine(this.shell, line);
        commands = expanded.commands;
        for (const s of expanded.sql) addSql(s.sql, s.dialect);
        if (expanded.hasError) unparsable ??= 'the command line does not parse';
      }
    }
    actions = new Set(actions);
    for (const { rule, commands: patterns } of this.rules) {
      const m = rule.match;
      if (!inScope(rule, scope)) continue;
      if (m.tool && !(subject.kind === 'tool' && m.tool.some((t) => glob(t, subject.tool))))
        continue;
      const content = m.sql || m.command;
      if (content) {
        const sqlHit = m.sql?.some((a) => actions.has(a)) ?? false;
        const commandHit = patterns.some((p) => commands.some((argv) => matchesCommand(p, argv)));
        if (!sqlHit && !commandHit) continue;
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

/** The command line an agent tool runs, for tools that run one. */
function commandOfTool(tool: string, input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const command = (input as { command?: unknown; cmd?: unknown }).command;
  if (typeof command === 'string' && /^(bash|shell|terminal|exec|run_command)$/i.test(tool))
    return command;
  return undefined;
}

function inScope(rule: Rule, scope: PolicyScope): boolean {
  const m = rule.match;
  const env = scope.resource?.environment;
  if (m.environment) {
    if (!env) return false;
    const ok = m.environment.some((e) =>
      e === 'production' ? isProduction(env) : e.toLowerCase() === env.toLowerCase(),
    );
    if (!ok) return false;
  }
  if (m.resource && !m.resource.some((r) => glob(r, scope.resource?.name ?? ''))) return false;
  if (m.resourceType && !m.resourceType.includes(scope.resource?.type ?? '')) return false;
  if (m.actorType && !(scope.actor && m.actorType.includes(scope.actor.type))) return false;
  if (m.actor) {
    const who = [scope.actor?.id, scope.actor?.email].filter(Boolean) as string[];
    if (!m.actor.some((a) => who.some((w) => glob(a, w)))) return false;
  }
  return true;
}

function glob(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

function describe(error: z.ZodError, where: string): string {
  const first = error.issues[0];
  const path =
    first?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
  return `${where}: ${path.replace(/^\./, '') || '(root)'}: ${first?.message ?? 'invalid'}`;
}
