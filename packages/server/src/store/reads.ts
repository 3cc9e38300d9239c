import type {
  EventListQuery,
  EventPage,
  Session,
  SessionListQuery,
  SessionPage,
  StoredEvent,
} from '@auditlane/client';
import { OPEN_STATUSES } from '@auditlane/client';
import { CursorError, decodeCursor, encodeCursor } from './cursor';
import {
  type SqlDialect,
  sessionConditions,
  sessionOrder,
  type WalkFrom,
  type WalkKey,
} from './filters';
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

export async function listSessions(
  r: SqlReader,
  org: string,
  query: SessionListQuery,
  options: ListOptions,
): Promise<SessionPage> {
  if (query.q && query.sort !== 'significance' && query.count !== 'exact') {
    const page = await listByText(r, org, query as SessionListQuery & { q: string }, options);
    if (page) return page;
  }
  const common = await commonLabels(r, org, query.label);
  const p = r.params();
  const where = sessionConditions(org, query, options.now, p, common);
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
  const result: SessionPage = {
    data: page.map((row) => r.session(row.doc)),
    nextCursor: more && last ? encodeCursor(order.key(last)) : null,
    count,
  };
  if (query.sort === 'significance') result.rescoring = await rescoring(r, org);
  return result;
}

/** Most queued sessions a significance page counts (a range of the queue's primary key). */
const RESCORING_CAP = 1_000;

/**
 * How many of the org's sessions wait to be rescored, up to RESCORING_CAP + 1: while any do,
 * scores may move between two pages of the significance sort (its cursor is a score).
 */
async function rescoring(r: SqlReader, org: string): Promise<number> {
  const p = r.params();
  const rows = await r.all<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM score_queue WHERE org = ${p.param(org)} LIMIT ${RESCORING_CAP + 1}) AS q`,
    p.values,
  );
  return Number(rows[0]?.n ?? 0);
}

/** A label on more sessions than this is tested row by row rather than looked up first. */
const COMMON_LABEL = 2_000;

/** The labels of the query that many sessions carry (a cheap capped count each). */
async function commonLabels(
  r: SqlReader,
  org: string,
  labels: readonly string[] | undefined,
): Promise<Set<string>> {
  const common = new Set<string>();
  for (const label of labels ?? []) {
    const at = label.indexOf('=');
    const p = r.params();
    const sql = p.labelProbe(org, label.slice(0, at), label.slice(at + 1), COMMON_LABEL + 1);
    const n = Number((await r.all<{ n: number }>(sql, p.values))[0]?.n ?? 0);
    if (n > COMMON_LABEL) common.add(label);
  }
  return common;
}

/** Search chunks read per step of a text walk. */
const WALK_BATCH = 500;
/** Past this many chunks, a walk gives way to the set query (rare matches under tight filters). */
const WALK_LIMIT = 20_000;

/**
 * Free text, newest first: walks the matches in session-start order (the search index is keyed
 * by it) and stops once the page, and the capped count, are complete. A phrase that matches
 * most sessions costs a page, not a sort of every match.
 */
async function listByText(
  r: SqlReader,
  org: string,
  query: SessionListQuery & { q: string },
  options: ListOptions,
): Promise<SessionPage | null> {
  let after: [number, string] | undefined;
  if (query.cursor) {
    const [started, id] = decodeCursor(query.cursor, ['int', 'string']);
    after = [started as number, id as string];
  }
  const countTarget = query.count === 'capped' ? options.countCap + 1 : 0;
  const pageWalk = await walkText(r, org, query, options, {
    after,
    want: query.limit + 1,
    countTarget: after ? 0 : countTarget,
  });
  if (!pageWalk) return null;
  let countWalk = pageWalk;
  if (after && countTarget > 0) {
    const walked = await walkText(r, org, query, options, { want: 0, countTarget });
    if (!walked) return null;
    countWalk = walked;
  }
  const ids = pageWalk.matched.slice(0, query.limit + 1);
  const more = ids.length > query.limit;
  const pageIds = more ? ids.slice(0, query.limit) : ids;
  const docs = new Map<string, unknown>();
  if (pageIds.length > 0) {
    const p = r.params();
    const rows = await r.all<{ id: string; doc: unknown }>(
      `SELECT id, doc FROM sessions WHERE org = ${p.param(org)} AND id IN (${pageIds.map((m) => p.param(m.id)).join(', ')})`,
      p.values,
    );
    for (const row of rows) docs.set(row.id, row.doc);
  }
  const last = pageIds.at(-1);
  const n = countWalk.matched.length;
  return {
    data: pageIds.map((m) => r.session(docs.get(m.id))),
    nextCursor: more && last ? encodeCursor([last.started_at, last.id]) : null,
    count:
      query.count === 'capped'
        ? { mode: 'capped', value: Math.min(n, options.countCap), capped: n > options.countCap }
        : { mode: 'none', value: null, capped: false },
  };
}

async function walkText(
  r: SqlReader,
  org: string,
  query: SessionListQuery & { q: string },
  options: ListOptions,
  goal: { after?: [number, string]; want: number; countTarget: number },
): Promise<{ matched: { id: string; started_at: number }[] } | null> {
  const common = await commonLabels(r, org, query.label);
  // Filters beside the text (the org is always one condition).
  const filtered =
    sessionConditions(org, { ...query, q: undefined }, options.now, r.params()).length > 1;
  const seen = new Set<string>();
  const matched: { id: string; started_at: number }[] = [];
  let from: WalkFrom = goal.after ? { startedAtMax: goal.after[0] } : {};
  let chunks = 0;
  for (;;) {
    const p = r.params();
    const batch = await r.all<WalkKey>(p.textWalk(org, query.q, from, WALK_BATCH), p.values);
    chunks += batch.length;
    const fresh: string[] = [];
    for (const row of batch) {
      if (seen.has(row.session_id)) continue;
      seen.add(row.session_id);
      fresh.push(row.session_id);
    }
    if (fresh.length > 0 && !filtered) {
      // Only the text: the walk's rows say all there is (org, start, id).
      const starts = new Map(batch.map((row) => [row.session_id, Number(row.started_at)]));
      for (const id of fresh) {
        const started = starts.get(id) as number;
        if (
          goal.after &&
          !(started < goal.after[0] || (started === goal.after[0] && id < goal.after[1]))
        )
          continue;
        matched.push({ id, started_at: started });
      }
    } else if (fresh.length > 0) {
      // The other filters (and the cursor) on the sessions these chunks belong to.
      const q = r.params();
      const where = sessionConditions(org, { ...query, q: undefined }, options.now, q, common);
      if (goal.after)
        where.push(`(started_at, id) < (${q.param(goal.after[0])}, ${q.param(goal.after[1])})`);
      where.push(`id IN (${fresh.map((id) => q.param(id)).join(', ')})`);
      const rows = await r.all<{ id: string; started_at: number }>(
        `SELECT id, started_at FROM sessions WHERE ${where.join(' AND ')}`,
        q.values,
      );
      for (const row of rows) matched.push({ id: row.id, started_at: Number(row.started_at) });
    }
    if (batch.length < WALK_BATCH) break;
    const last = batch.at(-1) as WalkKey;
    from = { after: last };
    // Sessions not walked yet started at or before `last`: rows that started later are final.
    const lastStarted = Number(last.started_at);
    let sure = 0;
    for (const m of matched) if (m.started_at > lastStarted) sure++;
    if (sure >= goal.want && matched.length >= goal.countTarget) break;
    if (chunks >= WALK_LIMIT) return null;
  }
  matched.sort((a, b) => b.started_at - a.started_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { matched };
}

export async function listEvents(
  r: SqlReader,
  session: Session,
  query: EventListQuery,
): Promise<EventPage> {
  const stored = query.sort === 'stored';
  const after = query.after ?? -1;
  // Stored order resumes after the position of the event named by `after` (resolved first).
  const afterOrd = stored ? await positionOf(r, session, after) : -1;
  // Parameters are added in the order their placeholders appear (SQLite's are positional).
  const p = r.params();
  let sql = `SELECT seq, body, received_at, hash, purged FROM events WHERE org = ${p.param(session.org)} AND session_id = ${p.param(session.id)}`;
  sql += stored ? ` AND ord > ${p.param(afterOrd)}` : ` AND seq > ${p.param(after)}`;
  if (query.type?.length) sql += ` AND type IN (${query.type.map((t) => p.param(t)).join(', ')})`;
  sql += ` ORDER BY ${stored ? 'ord' : 'seq'} LIMIT ${p.param(query.limit + 1)}`;
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

/**
 * The position in the session's chain (the order events were stored) of its event with seq
 * `seq`; -1 for seq -1. Positions are taken under the session's write lock and committed in
 * order, so a reader never sees a later position before an earlier one: going on after a
 * position leaves no gap, even when a recorder sends seqs 6–10 before 1–5.
 */
async function positionOf(r: SqlReader, session: Session, seq: number): Promise<number> {
  if (seq < 0) return -1;
  const p = r.params();
  const rows = await r.all<{ ord: number }>(
    `SELECT ord FROM events WHERE org = ${p.param(session.org)} AND session_id = ${p.param(session.id)} AND seq = ${p.param(seq)}`,
    p.values,
  );
  if (!rows[0])
    throw new UnknownSeqError(
      `session ${session.id} has no event with seq ${seq}: pass the seq of the last event received, or -1 for the start`,
    );
  return Number(rows[0].ord);
}

/** `after` names no event of the session (stored order goes on after an event, not a number). */
export class UnknownSeqError extends CursorError {}
