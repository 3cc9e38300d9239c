import { loadModule, parseSync } from 'libpg-query';

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
  | 'other';

export interface SqlAnalysis {
  /** Statements in the text. */
  statements: number;
  actions: Set<SqlAction>;
  /** Tables named (schema.table when qualified). */
  tables: Set<string>;
}

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
  private constructor() {}

  /** Loads the parser (once per process; about 70 ms). */
  static async load(): Promise<SqlAnalyzer> {
    await loadModule();
    return new SqlAnalyzer();
  }

  /**
   * Analyzes a SQL text. `dialect: 'mysql'` reads backquoted identifiers; other MySQL or SQLite
   * syntax that PostgreSQL's grammar does not know throws SqlParseError.
   */
  analyze(sql: string, options: { dialect?: 'postgres' | 'mysql' | 'sqlite' } = {}): SqlAnalysis {
    // Quoted identifiers of MySQL (`x`) and SQLite (`x`, [x]) read as PostgreSQL's "x".
    let text = sql;
    if (options.dialect === 'mysql' || options.dialect === 'sqlite')
      text = text.replace(/`([^`]*)`/g, '"$1"');
    if (options.dialect === 'sqlite') text = text.replace(/\[([^\]]*)\]/g, '"$1"');
    if (!text.trim()) throw new SqlParseError('the statement is empty');
    let tree: { stmts?: { stmt?: unknown }[] };
    try {
      tree = parseSync(text) as typeof tree;
    } catch (error) {
      const e = error as { message?: string; sqlDetails?: { cursorPosition?: number } };
      const at = e.sqlDetails?.cursorPosition;
      throw new SqlParseError(e.message ?? String(error), at === undefined ? undefined : at + 1);
    }
    const analysis: SqlAnalysis = {
      statements: tree.stmts?.length ?? 0,
      actions: new Set(),
      tables: new Set(),
    };
    for (const s of tree.stmts ?? []) walk(s.stmt, analysis, 0);
    return analysis;
  }
}

const NODE_ACTIONS: Record<string, SqlAction> = {
  SelectStmt: 'select',
  InsertStmt: 'insert',
  MergeStmt: 'merge',
  TruncateStmt: 'truncate',
  DropdbStmt: 'drop_database',
  AlterTableStmt: 'alter',
  AlterDatabaseStmt: 'alter',
  AlterDatabaseSetStmt: 'alter',
  AlterRoleStmt: 'alter',
  AlterSystemStmt: 'alter',
  AlterObjectSchemaStmt: 'alter',
  AlterOwnerStmt: 'alter',
  RenameStmt: 'alter',
  CreateStmt: 'create',
  CreateTableAsStmt: 'create',
  IndexStmt: 'create',
  ViewStmt: 'create',
  CreateFunctionStmt: 'create',
  CreateRoleStmt: 'create',
  CreatedbStmt: 'create',
  CreateSchemaStmt: 'create',
  CreateTrigStmt: 'create',
  RuleStmt: 'create',
  GrantRoleStmt: 'grant',
  DoStmt: 'dynamic',
  TransactionStmt: 'transaction',
};

function walk(node: unknown, out: SqlAnalysis, depth: number): void {
  if (depth > 200 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, out, depth + 1);
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
      case 'CopyStmt':
        out.actions.add(v.is_program ? 'copy_program' : 'other');
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
        const action = NODE_ACTIONS[key] ?? (/^Drop\w*Stmt$/.test(key) ? 'drop' : undefined);
        if (action) out.actions.add(action);
        else if (key.endsWith('Stmt')) out.actions.add('other');
      }
    }
    walk(value, out, depth + 1);
  }
}
