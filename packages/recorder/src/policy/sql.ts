import { loadModule, parseSync } from 'libpg-query';
import { PG_FUNCTION_NAMES } from './pg-functions';
import {
  CATALOG_SCHEMAS,
  DIALECT_SIDE_EFFECT_FUNCTIONS,
  SIDE_EFFECT_FUNCTIONS,
  SQL_TEXT_FUNCTIONS,
} from './sql-functions';
import { tableAccess } from './sql-tables';

/**
 * What a SQL text does, found anywhere in its parse tree (a DELETE inside a CTE, an EXPLAIN
 * ANALYZE or a rule counts like a top-level one).
 */
export type SqlAction =
  | 'select'
  | 'insert'
  | 'update'
  | 'update_all'
  | 'delete'
  | 'delete_all'
  | 'merge'
  | 'drop'
  | 'drop_database'
  | 'truncate'
  | 'alter'
  | 'create'
  | 'grant'
  | 'revoke'
  | 'copy_program'
  | 'dynamic'
  | 'transaction'
  | 'other'
  /** CREATE/ALTER ROLE or USER, SET ROLE: who may do what. */
  | 'role'
  /** COPY to or from a file on the database server. */
  | 'copy_file'
  /** A call of a function that changes something (`SIDE_EFFECT_FUNCTIONS`). */
  | 'side_effect'
  /** A call of a function that is neither built in nor an extension's: its body is not seen. */
  | 'user_function';

/**
 * What the analyzer returns. The same text (and dialect) analyzed again returns the same object
 * from a small cache (the policy and the recorded `tables` read one parse), so it is read-only.
 */
export type SqlAnalysis = Readonly<{
  [K in keyof SqlFacts]: SqlFacts[K] extends Set<infer T> ? ReadonlySet<T> : SqlFacts[K];
}>;

/** What a SQL text does, filled in while its tree is walked. */
interface SqlFacts {
  /** Statements in the text. */
  statements: number;
  actions: Set<SqlAction>;
  /** Tables named (schema.table when qualified). */
  tables: Set<string>;
  /** Functions called (schema.name when qualified), lower-cased. */
  functions: Set<string>;
  /**
   * Tables read: named in FROM, JOIN, subqueries, CTE bodies, USING, MERGE's source, COPY … TO
   * (`schema.table` as written; unquoted names lower-cased by the parser). CTE names are not
   * tables. See `sql-tables.ts`.
   */
  read: Set<string>;
  /** Tables written: targets of INSERT, UPDATE, DELETE, MERGE, COPY … FROM, TRUNCATE, ALTER, DROP, CREATE. */
  written: Set<string>;
}

/** Analyses kept for texts seen again (a loop of one statement, the policy then the recording). */
const CACHED_ANALYSES = 256;
/** Longer texts (a migration, a dump) are parsed each time rather than kept. */
const CACHED_TEXT = 16_384;

export class SqlParseError extends Error {
  override name = 'SqlParseError';
  constructor(
    message: string,
    /** 1-based character position of the error, when the parser gave one. */
    readonly position?: number,
  ) {
    super(message);
  }
}

/**
 * PostgreSQL's own parser (libpg-query, compiled to WebAssembly): statements are classified
 * from their parse trees, never by matching words in the raw text.
 */
export class SqlAnalyzer {
  private readonly known: Set<string>;
  private readonly sideEffects: Set<string>;
  private readonly sqlText: Set<string>;

  private readonly readOnly: RegExp[];
  private readonly extraSideEffects: RegExp[];
  /** The latest analyses (or parse errors) by dialect and text, least recently used first. */
  private readonly recent = new Map<string, SqlAnalysis | SqlParseError>();

  private constructor(functions: SqlFunctionOptions) {
    this.known = new Set(PG_FUNCTION_NAMES.split(/\s+/).filter(Boolean));
    this.sideEffects = new Set(Object.values(SIDE_EFFECT_FUNCTIONS).flat());
    this.sqlText = new Set(SQL_TEXT_FUNCTIONS);
    this.readOnly = (functions.readOnly ?? []).map(globPattern);
    this.extraSideEffects = (functions.sideEffects ?? []).map(globPattern);
  }

  /**
   * Loads the parser (once per process; about 70 ms). `functions` names your own functions
   * (`*` wildcard, schema-qualified or not): `readOnly` ones count as built-in reads (PostGIS's
   * `st_*`), `sideEffects` ones as side effects.
   */
  static async load(functions: SqlFunctionOptions = {}): Promise<SqlAnalyzer> {
    await loadModule();
    return new SqlAnalyzer(functions);
  }

  /**
   * Analyzes a SQL text. `dialect: 'mysql'` reads backquoted identifiers; other MySQL or SQLite
   * syntax that PostgreSQL's grammar does not know throws SqlParseError.
   */
  analyze(sql: string, options: { dialect?: 'postgres' | 'mysql' | 'sqlite' } = {}): SqlAnalysis {
    if (sql.length > CACHED_TEXT) return this.parse(sql, options);
    const key = `${options.dialect ?? 'postgres'}\u0000${sql}`;
    let found = this.recent.get(key);
    if (found) this.recent.delete(key);
    else {
      try {
        found = this.parse(sql, options);
      } catch (error) {
        if (!(error instanceof SqlParseError)) throw error;
        found = error;
      }
      if (this.recent.size >= CACHED_ANALYSES) this.recent.delete(this.recent.keys().next().value!);
    }
    this.recent.set(key, found);
    if (found instanceof SqlParseError) throw found;
    return found;
  }

  private parse(sql: string, options: { dialect?: 'postgres' | 'mysql' | 'sqlite' }): SqlAnalysis {
    // Quoted identifiers of MySQL (`x`) and SQLite (`x`, [x]) read as PostgreSQL's "x".
    let text = sql;
    if (options.dialect === 'mysql' || options.dialect === 'sqlite')
      text = text.replace(/`([^`]*)`/g, '"$1"');
    if (options.dialect === 'sqlite') text = text.replace(/\[([^\]]*)\]/g, '"$1"');
    // Their parameters (`?`, `?1`, SQLite's `:name`, `@name`, `$name`) read as PostgreSQL's `$1`.
    if (options.dialect === 'mysql' || options.dialect === 'sqlite')
      text = parameters(text, options.dialect);
    if (!text.trim()) throw new SqlParseError('the statement is empty');
    let tree: { stmts?: { stmt?: unknown }[] };
    try {
      tree = parseSync(text) as typeof tree;
    } catch (error) {
      const e = error as { message?: string; sqlDetails?: { cursorPosition?: number } };
      const at = e.sqlDetails?.cursorPosition;
      throw new SqlParseError(e.message ?? String(error), at === undefined ? undefined : at + 1);
    }
    const analysis: SqlFacts = {
      statements: tree.stmts?.length ?? 0,
      actions: new Set(),
      tables: new Set(),
      functions: new Set(),
      read: new Set(),
      written: new Set(),
    };
    const context: WalkContext = {
      call: (call, out, at) => this.call(call, out, at),
      depth: 0,
      dialect: options.dialect ?? 'postgres',
    };
    for (const s of tree.stmts ?? []) {
      walk(s.stmt, analysis, context, 0);
      tableAccess(s.stmt, analysis);
    }
    return analysis;
  }

  /** What a function call does: nothing more than reading, a side effect, or unknown. */
  private call(call: FuncCallNode, out: SqlFacts, context: WalkContext): void {
    const parts = (call.funcname ?? []).map((p) => p.String?.sval?.toLowerCase() ?? '');
    const name = parts.at(-1) ?? '';
    const schema = parts.length > 1 ? parts.at(-2) : undefined;
    const full = parts.join('.');
    out.functions.add(full);
    const listed = (patterns: RegExp[]) => patterns.some((p) => p.test(name) || p.test(full));
    if (
      this.sideEffects.has(name) ||
      name.startsWith('binary_upgrade_') ||
      DIALECT_SIDE_EFFECT_FUNCTIONS[context.dialect]?.includes(name) ||
      listed(this.extraSideEffects)
    )
      out.actions.add('side_effect');
    else if (listed(this.readOnly)) {
      // Declared a read by the policy.
    } else if (context.dialect !== 'postgres') {
      // PostgreSQL's catalog says nothing of MySQL's or SQLite's functions.
    } else if (!this.known.has(name) || (schema !== undefined && !CATALOG_SCHEMAS.includes(schema)))
      out.actions.add('user_function');
    if (!this.sqlText.has(name)) return;
    // SQL given as text (dblink_exec('conn', 'DROP TABLE x')): analyzed like the query itself.
    let seen = false;
    for (const arg of call.args ?? []) {
      const text = (arg as { A_Const?: { sval?: { sval?: string } } }).A_Const?.sval?.sval;
      if (text === undefined) continue;
      if (context.depth >= 4) {
        out.actions.add('dynamic');
        return;
      }
      try {
        const inner = parseSync(text) as { stmts?: { stmt?: unknown }[] };
        seen = true;
        const nested = { ...context, depth: context.depth + 1 };
        for (const s of inner.stmts ?? []) walk(s.stmt, out, nested, 0);
      } catch {
        // A connection name or string, not SQL.
      }
    }
    if (!seen) out.actions.add('dynamic');
  }
}

/**
 * A MySQL or SQLite statement's parameters written as PostgreSQL's (`$1`), outside quotes and
 * comments: the statement parses as the driver sends it (`WHERE id = ?`).
 */
function parameters(text: string, dialect: 'mysql' | 'sqlite'): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    let end = i + 1;
    if (c === "'" || c === '"') {
      end = i + 1;
      while (end < text.length && !(text[end] === c && text[end + 1] !== c))
        end += text[end] === c ? 2 : 1;
      end++;
    } else if (c === '-' && next === '-') {
      end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
    } else if (c === '/' && next === '*') {
      end = text.indexOf('*/', i + 2);
      end = end < 0 ? text.length : end + 2;
    } else if (c === '?') {
      while (end < text.length && /\d/.test(text[end] as string)) end++;
      out += '$1';
      i = end;
      continue;
    } else if (
      dialect === 'sqlite' &&
      (c === ':' || c === '@' || c === '$') &&
      next !== undefined &&
      /[A-Za-z_]/.test(next) &&
      text[i - 1] !== ':'
    ) {
      while (end < text.length && /\w/.test(text[end] as string)) end++;
      out += '$1';
      i = end;
      continue;
    }
    out += text.slice(i, end);
    i = end;
  }
  return out;
}

/** Functions of your own the analyzer should know (see SqlAnalyzer.load). */
export interface SqlFunctionOptions {
  readOnly?: readonly string[];
  sideEffects?: readonly string[];
}

function globPattern(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

interface FuncCallNode {
  funcname?: { String?: { sval?: string } }[];
  args?: unknown[];
}

interface WalkContext {
  call: (call: FuncCallNode, out: SqlFacts, context: WalkContext) => void;
  /** Nesting of SQL given as text to a function. */
  depth: number;
  dialect: 'postgres' | 'mysql' | 'sqlite';
}

/** Whether EXPLAIN's options make it run the statement (ANALYZE, unless set false). */
function explainRuns(options: unknown[] | undefined): boolean {
  for (const o of options ?? []) {
    const d = (o as { DefElem?: { defname?: string; arg?: Record<string, unknown> } }).DefElem;
    if (d?.defname !== 'analyze') continue;
    const arg = d.arg;
    if (!arg) return true;
    const s = (arg.String as { sval?: string } | undefined)?.sval?.toLowerCase();
    if (s !== undefined) return !['false', 'off', '0', 'no'].includes(s);
    if (arg.Boolean) return (arg.Boolean as { boolval?: boolean }).boolval === true;
    if (arg.Integer) return ((arg.Integer as { ival?: number }).ival ?? 0) !== 0;
    return true;
  }
  return false;
}

const NODE_ACTIONS: Record<string, SqlAction> = {
  SelectStmt: 'select',
  InsertStmt: 'insert',
  MergeStmt: 'merge',
  TruncateStmt: 'truncate',
  DropdbStmt: 'drop_database',
  RenameStmt: 'alter',
  CommentStmt: 'alter',
  SecLabelStmt: 'alter',
  ReassignOwnedStmt: 'alter',
  IndexStmt: 'create',
  ViewStmt: 'create',
  RuleStmt: 'create',
  DefineStmt: 'create',
  CompositeTypeStmt: 'create',
  ImportForeignSchemaStmt: 'create',
  RefreshMatViewStmt: 'update',
  DoStmt: 'dynamic',
  LoadStmt: 'dynamic',
  TransactionStmt: 'transaction',
};

/** Statements that change who may do what, besides GRANT and REVOKE. */
const ROLE_STATEMENTS = new Set(['CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt']);

function walk(node: unknown, out: SqlFacts, context: WalkContext, depth: number): void {
  if (depth > 200 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, out, context, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const v = value as Record<string, unknown>;
    switch (key) {
      case 'DeleteStmt':
        out.actions.add(v.whereClause ? 'delete' : 'delete_all');
        break;
      case 'UpdateStmt':
        out.actions.add(v.whereClause ? 'update' : 'update_all');
        break;
      case 'DropStmt':
        out.actions.add(v.removeType === 'OBJECT_DATABASE' ? 'drop_database' : 'drop');
        for (const o of (v.objects as unknown[]) ?? []) {
          const names = (
            (o as { List?: { items?: { String?: { sval?: string } }[] } }).List?.items ?? []
          )
            .map((i) => i.String?.sval)
            .filter(Boolean);
          if (names.length && v.removeType === 'OBJECT_TABLE') out.tables.add(names.join('.'));
        }
        break;
      case 'GrantStmt':
        out.actions.add(v.is_grant ? 'grant' : 'revoke');
        break;
      case 'GrantRoleStmt':
        out.actions.add(v.is_grant ? 'grant' : 'revoke');
        break;
      case 'AlterDefaultPrivilegesStmt':
        out.actions.add(
          (v.action as { is_grant?: boolean } | undefined)?.is_grant ? 'grant' : 'revoke',
        );
        break;
      case 'CopyStmt':
        // COPY ... FROM writes the table; a file name is a file on the database server.
        if (v.is_program) out.actions.add('copy_program');
        else if (v.filename) out.actions.add('copy_file');
        if (v.is_from) out.actions.add('insert');
        else if (!v.is_program) out.actions.add('select');
        break;
      case 'SelectStmt':
        out.actions.add('select');
        // SELECT ... INTO creates a table.
        if (v.intoClause) out.actions.add('create');
        break;
      case 'VariableSetStmt':
        out.actions.add(v.name === 'role' || v.name === 'session_authorization' ? 'role' : 'other');
        break;
      case 'ExplainStmt':
        if (!explainRuns(v.options as unknown[] | undefined)) {
          // Planned, not run: what it names counts, not what it would do.
          const planned: SqlFacts = { ...out, actions: new Set() };
          walk(v.query, planned, context, depth + 1);
          out.actions.add('other');
          continue;
        }
        break;
      case 'FuncCall':
        context.call(v as FuncCallNode, out, context);
        break;
      case 'ExecuteStmt':
        out.actions.add('dynamic');
        break;
      case 'RangeVar': {
        const name = v.schemaname ? `${v.schemaname}.${v.relname}` : String(v.relname);
        out.tables.add(name);
        break;
      }
      case 'CallStmt':
        out.actions.add('dynamic');
        break;
      case 'CreateFunctionStmt':
        // A function body can do anything when it is called.
        out.actions.add('create');
        out.actions.add('dynamic');
        break;
      default: {
        if (ROLE_STATEMENTS.has(key)) out.actions.add('role');
        const action =
          (Object.hasOwn(NODE_ACTIONS, key) ? NODE_ACTIONS[key] : undefined) ??
          (/^Drop\w*Stmt$/.test(key)
            ? 'drop'
            : /^Create\w*Stmt$/.test(key)
              ? 'create'
              : /^Alter\w*Stmt$/.test(key)
                ? 'alter'
                : undefined);
        if (action) out.actions.add(action);
        else if (key.endsWith('Stmt')) out.actions.add('other');
      }
    }
    walk(value, out, context, depth + 1);
  }
}
