/**
 * The tables a parsed statement reads and writes, from libpg-query's parse tree.
 *
 * A table is written when it is the target of INSERT, UPDATE, DELETE, MERGE, COPY … FROM,
 * TRUNCATE, ALTER, DROP, a RENAME, REFRESH MATERIALIZED VIEW, or created (CREATE TABLE, CREATE
 * TABLE … AS, SELECT … INTO, CREATE VIEW, CREATE INDEX and CREATE TRIGGER on it); every other
 * table named in the statement is read: FROM and JOIN items, subqueries, USING, MERGE's source,
 * COPY … TO, CTE bodies, foreign keys' referenced tables. The targets of GRANT, LOCK, VACUUM and
 * the like are neither. A CTE's name is not a table, in the statement it belongs to.
 */

/** What one statement reads and writes (names as the parser gives them). */
export interface TableAccess {
  read: Set<string>;
  written: Set<string>;
}

type Role = 'read' | 'written' | 'none';

/** Statement fields that hold the statement's target (`RangeVar` not wrapped in a node). */
const TARGETS: Record<string, Record<string, Role>> = {
  InsertStmt: { relation: 'written' },
  UpdateStmt: { relation: 'written' },
  DeleteStmt: { relation: 'written' },
  MergeStmt: { relation: 'written' },
  TruncateStmt: { relations: 'written' },
  AlterTableStmt: { relation: 'written' },
  RenameStmt: { relation: 'written' },
  RefreshMatViewStmt: { relation: 'written' },
  CreateStmt: { relation: 'written' },
  CreateForeignTableStmt: { base: 'written' },
  ViewStmt: { view: 'written' },
  IndexStmt: { relation: 'written' },
  CreateTrigStmt: { relation: 'written' },
  CreatePolicyStmt: { table: 'written' },
  AlterPolicyStmt: { table: 'written' },
  CreateTableAsStmt: { into: 'written' },
  SelectStmt: { intoClause: 'written' },
  GrantStmt: { objects: 'none' },
  LockStmt: { relations: 'none' },
  VacuumStmt: { rels: 'none' },
  ClusterStmt: { relation: 'none' },
  ReindexStmt: { relation: 'none' },
};

/** DROP of these object types drops tables (or what reads as one). */
const DROPPED_TABLES = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_FOREIGN_TABLE',
]);

const MAX_DEPTH = 200;

/** Adds what `stmt` (one parsed statement) reads and writes to `out`. */
export function tableAccess(stmt: unknown, out: TableAccess): void {
  visit(stmt, 'read', new Set(), out, 0);
}

function nameOf(rangeVar: Record<string, unknown>): string | undefined {
  const rel = rangeVar.relname;
  if (typeof rel !== 'string' || !rel) return undefined;
  const parts = [rangeVar.catalogname, rangeVar.schemaname, rel].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  return parts.join('.');
}

function add(role: Role, name: string, out: TableAccess): void {
  if (role === 'read') out.read.add(name);
  else if (role === 'written') out.written.add(name);
}

function visit(
  node: unknown,
  role: Role,
  ctes: ReadonlySet<string>,
  out: TableAccess,
  depth: number,
): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) visit(item, role, ctes, out, depth + 1);
    return;
  }
  const object = node as Record<string, unknown>;
  // A RangeVar, wrapped (`{ RangeVar: {...} }` in lists) or not (a statement's `relation`).
  if (typeof object.relname === 'string' && 'relpersistence' in object) {
    const name = nameOf(object);
    // An unqualified name that a WITH clause in scope defines is the CTE, not a table.
    if (name && !(object.schemaname === undefined && ctes.has(name))) add(role, name, out);
    return;
  }
  for (const [key, value] of Object.entries(object)) {
    if (key === 'RangeVar') {
      visit(value, role, ctes, out, depth + 1);
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      visit(value, role, ctes, out, depth + 1);
      continue;
    }
    statement(key, value as Record<string, unknown>, role, ctes, out, depth + 1);
  }
}

/** A node under its type name: statements set the role of their targets and their CTE scope. */
function statement(
  type: string,
  v: Record<string, unknown>,
  role: Role,
  outer: ReadonlySet<string>,
  out: TableAccess,
  depth: number,
): void {
  let ctes = outer;
  const withClause = v.withClause as { ctes?: unknown[] } | undefined;
  if (withClause?.ctes?.length) {
    const names = new Set(outer);
    for (const c of withClause.ctes) {
      const name = (c as { CommonTableExpr?: { ctename?: unknown } }).CommonTableExpr?.ctename;
      if (typeof name === 'string') names.add(name);
    }
    ctes = names;
  }
  if (type === 'DropStmt') {
    if (DROPPED_TABLES.has(String(v.removeType)))
      for (const o of (v.objects as unknown[]) ?? []) {
        const items = (o as { List?: { items?: { String?: { sval?: string } }[] } }).List?.items;
        const name = (items ?? [])
          .map((i) => i.String?.sval)
          .filter(Boolean)
          .join('.');
        if (name) out.written.add(name);
      }
    return;
  }
  if (type === 'ExplainStmt') {
    // Planned without ANALYZE, run with it: either way its tables are seen (read).
    visit(v.query, 'read', ctes, out, depth + 1);
    return;
  }
  const targets = TARGETS[type];
  for (const [key, value] of Object.entries(v)) {
    if (key === 'withClause' && withClause) {
      // CTE bodies see the names too (WITH RECURSIVE refers to itself).
      visit(value, 'read', ctes, out, depth + 1);
      continue;
    }
    // The parts of a GRANT's or VACUUM's targets are neither read nor written; anything else
    // inside a statement is read unless it is the statement's target.
    let r: Role = role === 'none' && !type.endsWith('Stmt') ? 'none' : 'read';
    if (targets && Object.hasOwn(targets, key)) r = targets[key] as Role;
    if (type === 'CopyStmt' && key === 'relation') r = v.is_from ? 'written' : 'read';
    // CREATE TABLE … AS and SELECT … INTO: the new table is in `rel`.
    if ((key === 'into' || key === 'intoClause') && r === 'written') {
      visit((value as { rel?: unknown }).rel, 'written', ctes, out, depth + 1);
      continue;
    }
    visit(value, r, ctes, out, depth + 1);
  }
}
