import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import type { QueryTables } from '@auditlane/client';
import { sqlOfTool } from '../policy/policy';
import type { Analyzers, RecordedSession } from '../recorder';
import { commandFacts, resolvePath } from './shell';
import { outboundOfUrl } from './url';

/** The data model's bounds on `query.tables`. */
const MAX_TABLES = 500;
const MAX_TABLE_CHARS = 256;

const list = (names: ReadonlySet<string>) =>
  [...names]
    .filter((n) => n.length > 0 && n.length <= MAX_TABLE_CHARS)
    .sort()
    .slice(0, MAX_TABLES);

/**
 * The tables a SQL text reads and writes, from its parse tree; undefined when it does not parse
 * (the query is recorded without them).
 */
export function queryTables(
  analyzers: Analyzers | undefined,
  sql: string,
  dialect?: 'postgres' | 'mysql' | 'sqlite',
): QueryTables | undefined {
  if (!analyzers || !sql.trim()) return undefined;
  try {
    const a = analyzers.sql.analyze(sql, { dialect });
    return { read: list(a.read), written: list(a.written) };
  } catch {
    // SqlParseError, or anything else: the query is recorded all the same.
    return undefined;
  }
}

export interface FactContext {
  /** The event the facts were seen in (the command or tool call). */
  subjectId?: string;
  /** Where the action runs (absolute); relative paths are skipped without it. */
  cwd?: string;
  /** What `~` stands for. Default: this process's home directory. */
  home?: string;
}

function sensitiveOf(session: RecordedSession): ((name: string) => boolean) | undefined {
  const m = session.recorder.masker;
  return m ? (name) => m.sensitiveField(name) !== null : undefined;
}

/**
 * Records the files and hosts a command line names, pointing at the command's event, and the
 * SQL it gives a database client as `query` events with their tables.
 */
export function recordCommandFacts(
  session: RecordedSession,
  analyzers: Analyzers | undefined,
  line: string,
  context: FactContext,
): void {
  if (!analyzers) return;
  try {
    const facts = commandFacts(analyzers.shell, line, {
      cwd: context.cwd,
      home: context.home ?? homedir(),
      sensitive: sensitiveOf(session),
      remoteUrl: gitRemoteUrl,
    });
    for (const f of facts.files) session.file({ subjectId: context.subjectId, ...f });
    for (const o of facts.outbound) session.outbound({ subjectId: context.subjectId, ...o });
    for (const s of facts.sql) {
      const tables = queryTables(analyzers, s.sql, s.dialect);
      if (tables) session.query({ sql: s.sql, tables });
    }
  } catch (error) {
    session.recorder.onError(
      new Error(`the command's files and hosts were not recorded: ${(error as Error).message}`),
    );
  }
}

/**
 * The URL of the remote `name` of the git repository `cwd` is in (its `.git` directory, or the
 * main repository's of a worktree), from its configuration; undefined when there is none.
 */
export function gitRemoteUrl(cwd: string, name: string): string | undefined {
  let dir = cwd;
  for (let depth = 0; depth < 64; depth++) {
    const dotGit = join(dir, '.git');
    let gitDir: string | undefined;
    try {
      const stat = statSync(dotGit);
      if (stat.isDirectory()) gitDir = dotGit;
      else if (stat.isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
        if (m?.[1]) gitDir = resolve(dir, m[1].trim());
      }
    } catch {}
    if (gitDir) {
      let common = gitDir;
      try {
        common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
      } catch {}
      try {
        return remoteInConfig(readFileSync(join(common, 'config'), 'utf8'), name);
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** `[remote "origin"] url = …` of a git configuration file. */
function remoteInConfig(text: string, name: string): string | undefined {
  let inRemote = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const section = /^\[\s*remote\s+"((?:[^"\\]|\\.)*)"\s*\]/.exec(line);
      inRemote = section?.[1] === name;
      continue;
    }
    const url = inRemote ? /^url\s*=\s*(.*)$/i.exec(line) : null;
    if (url?.[1]) return url[1].replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** Claude Code's file tools: which input field holds the path, and what the tool does to it. */
const FILE_TOOLS: Record<string, { field: string; operation: 'read' | 'write' }> = {
  Read: { field: 'file_path', operation: 'read' },
  Write: { field: 'file_path', operation: 'write' },
  Edit: { field: 'file_path', operation: 'write' },
  MultiEdit: { field: 'file_path', operation: 'write' },
  NotebookEdit: { field: 'notebook_path', operation: 'write' },
  NotebookRead: { field: 'notebook_path', operation: 'read' },
  // The directory (or file) a search reads.
  Glob: { field: 'path', operation: 'read' },
  Grep: { field: 'path', operation: 'read' },
  LS: { field: 'path', operation: 'read' },
};

/** How deep a tool's input is searched for URLs. */
const MAX_URL_DEPTH = 6;

/**
 * Records what an agent's tool call is seen to touch, pointing at the call's event:
 * Claude Code's file tools (`file`; Write of a file that does not exist yet is `create`),
 * WebFetch (`outbound`), WebSearch (`outbound` to the pseudo-host `web-search`, protocol
 * `search`: the search runs on the model provider's side, not from this machine), Bash (the
 * command line's files and hosts), other tools (MCP): outbound for values that are whole URLs,
 * and a `query` event with its tables for SQL in their input.
 */
export function recordToolFacts(
  session: RecordedSession,
  analyzers: Analyzers | undefined,
  tool: string,
  input: unknown,
  context: FactContext,
): void {
  if (session.recorder.options.facts === false) return;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return;
  const fields = input as Record<string, unknown>;
  const subjectId = context.subjectId;
  try {
    const spec = Object.hasOwn(FILE_TOOLS, tool) ? FILE_TOOLS[tool] : undefined;
    if (spec) {
      const raw = fields[spec.field];
      const path =
        typeof raw === 'string'
          ? resolvePath(raw, context.cwd, context.home ?? homedir())
          : undefined;
      if (path) {
        const operation =
          spec.operation === 'write' && tool === 'Write' && !existsSync(path)
            ? 'create'
            : spec.operation;
        session.file({ subjectId, path: posix.normalize(path), operation });
      }
      return;
    }
    if (tool === 'WebFetch') {
      const url = typeof fields.url === 'string' ? fields.url : undefined;
      const fact = url ? outboundOfUrl(url, { sensitive: sensitiveOf(session) }) : undefined;
      if (fact) session.outbound({ subjectId, ...fact, method: 'GET' });
      return;
    }
    if (tool === 'WebSearch') {
      session.outbound({ subjectId, protocol: 'search', host: 'web-search', method: 'SEARCH' });
      return;
    }
    if (tool === 'Bash') {
      if (typeof fields.command === 'string')
        recordCommandFacts(session, analyzers, fields.command, context);
      return;
    }
    // Any other tool (MCP): a value that is a whole URL is where the tool goes.
    const seen = new Set<string>();
    const visit = (value: unknown, depth: number) => {
      if (depth > MAX_URL_DEPTH || seen.size >= 20) return;
      if (typeof value === 'string') {
        if (!/^(https?|wss?):\/\/\S+$/i.test(value)) return;
        const fact = outboundOfUrl(value, { sensitive: sensitiveOf(session) });
        if (!fact || seen.has(fact.url ?? fact.host)) return;
        seen.add(fact.url ?? fact.host);
        session.outbound({ subjectId, ...fact });
      } else if (Array.isArray(value)) for (const v of value) visit(v, depth + 1);
      else if (value && typeof value === 'object')
        for (const v of Object.values(value)) visit(v, depth + 1);
    };
    visit(fields, 0);
    // SQL the tool sends (a database tool's `sql` or `query`): a query event with its tables.
    if (analyzers)
      for (const found of sqlOfTool(tool, input)) {
        const tables = queryTables(analyzers, found.sql, found.dialect);
        if (!tables && !found.surely) continue;
        session.query({ sql: found.sql, ...(tables ? { tables } : {}) });
      }
  } catch (error) {
    session.recorder.onError(
      new Error(`the tool call's files and hosts were not recorded: ${(error as Error).message}`),
    );
  }
}
