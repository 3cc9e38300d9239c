import type {
  EventListQuery,
  EventPage,
  Session,
  SessionListQuery,
  SessionPage,
  StoredEvent,
} from '@auditlane/client';
import { encodeCursor } from './cursor';
import { type SqlDialect, sessionConditions, sessionOrder } from './filters';
import type { ListOptions } from './types';
import { type ChainRow, storedEventJson } from './verify';

/** How an adapter runs the shared read queries. */
export interface SqlReader {
  /** A fresh parameter list with the adapter's placeholders and SQL dialect. */
  params(): SqlDialect & { values: unknown[] };
  all<T>(sql: string, values: unknown[]): Promise<T[]>;
  /** The stored session document (text in SQLite, JSONB already parsed in PostgreSQL). */
  session(doc: unknown): Session;
}

/** Sessions that may still grow: event pages hand back a cursor to poll from, even at the end. */
export const OPEN_STATUSES = new Set<Session['status']>(['active', 'pending_review', 'dropped']);

export async function listSessions(
  r: SqlReader,
  org: string,
  query: SessionListQuery,
  options: ListOptions,
): Promise<SessionPage> {
  const p = r.params();
  const where = sessionConditions(org, query, options.now, p);
  const filterValues = [...p.values];
  const order = sessionOrder(query.sort, query.cursor, p);
  const conditions = order.after ? [...where, order.after] : where;
  const limit = p.param(query.limit + 1);
  const rows = await r.all<{ id: string; doc: unknown; score: number; started_at: number }>(
    `SELECT id, doc, score, started_at FROM sessions WHERE ${conditions.join(' AND ')} ORDER BY ${order.orderBy} LIMIT ${limit}`,
    p.values,
  );
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  let count: SessionPage['count'] = { mode: 'none', value: null, capped: false };
  if (query.count !== 'none') {
    // A capped count stops after cap + 1 matches: a tenant with millions never pays for them.
    const sql =
      query.count === 'exact'
        ? `SELECT count(*) AS n FROM sessions WHERE ${where.join(' AND ')}`
        : `SELECT count(*) AS n FROM (SELECT 1 FROM sessions WHERE ${where.join(' AND ')} LIMIT ${options.countCap + 1}) AS capped`;
    const n = Number((await r.all<{ n: number }>(sql, filterValues))[0]?.n ?? 0);
    count =
      query.count === 'exact'
        ? { mode: 'exact', value: n, capped: false }
        : { mode: 'capped', value: Math.min(n, options.countCap), capped: n > options.countCap };
  }
  return {
    data: page.map((row) => r.session(row.doc)),
    nextCursor: more && last ? encodeCursor(order.key(last)) : null,
    count,
  };
}

export async function listEvents(
  r: SqlReader,
  session: Session,
  query: EventListQuery,
): Promise<EventPage> {
  // Parameters are added in the order their placeholders appear (SQLite's are positional).
  const p = r.params();
  let sql = `SELECT seq, body, received_at, hash, purged FROM events WHERE session_id = ${p.param(session.id)}`;
  sql += ` AND seq > ${p.param(query.after ?? -1)}`;
  if (query.type?.length) sql += ` AND type IN (${query.type.map((t) => p.param(t)).join(', ')})`;
  sql += ` ORDER BY seq LIMIT ${p.param(query.limit + 1)}`;
  const rows = await r.all<ChainRow>(sql, p.values);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return {
    data: page.map((row) => JSON.parse(storedEventJson(row)) as StoredEvent),
    nextCursor:
      more || OPEN_STATUSES.has(session.status) ? String(last?.seq ?? query.after ?? -1) : null,
  };
}
