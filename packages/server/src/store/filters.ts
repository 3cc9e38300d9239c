import { PERIOD_MS, parseEntityId, type SessionListQuery } from '@auditlane/client';
import { CursorError, decodeCursor } from './cursor';

/** What differs between the SQL of the two adapters. */
export interface SqlDialect {
  /** Adds a parameter and returns its placeholder (`?` or `$n`). */
  param(value: unknown): string;
  /**
   * A condition on the sessions row: the label `key` equals `value`. `common` (many sessions
   * carry it) asks for a test per row, so a list walks its order index and stops after a page;
   * otherwise the labelled sessions are looked up first.
   */
  labelEquals(org: string, key: string, value: string, common: boolean): string;
  /** SQL of `{ n }`: how many sessions carry the label, counting up to `limit`. */
  labelProbe(org: string, key: string, value: string, limit: number): string;
  /** A condition on the sessions row: one of its events matches the free text. */
  textMatch(org: string, text: string): string;
  /**
   * The search chunks matching the free text, newest session start first: rows of
   * `{ k, started_at, session_id }` (k: where the next call continues), at most `n`, starting
   * after `from.after` or at sessions started at or before `from.startedAtMax`.
   */
  textWalk(org: string, text: string, from: WalkFrom, n: number): string;
  /**
   * A condition on `activity` (columns prefixed with `alias`): its text contains `text`, which
   * is lower case, as a substring. Answered from the store's text index where it has one (a
   * trigram index: `text` of 3 characters or more), else by reading the session's entries; the
   * rows are the same either way. The index is asked only within the session's own entries
   * (`org`, `sessionId`), so its cost follows that session, not what other tenants stored.
   */
  activityText(alias: string, text: string, org: string, sessionId: string): string;
}

/** Where a walk over text matches starts: the beginning, a session start, or after a chunk. */
export type WalkFrom =
  | { startedAtMax?: undefined; after?: undefined }
  | { startedAtMax: number; after?: undefined }
  | { after: WalkKey; startedAtMax?: undefined };

export interface WalkKey {
  k: string;
  started_at: number;
  session_id: string;
}

/** The WHERE conditions of the sessions list (and export) for an org. */
export function sessionConditions(
  org: string,
  q: Omit<SessionListQuery, 'sort' | 'cursor' | 'limit' | 'count'>,
  now: number,
  d: SqlDialect,
  /** Labels (`key=value`) that many sessions carry (see labelEquals). */
  commonLabels: ReadonlySet<string> = new Set(),
): string[] {
  const where = [`org = ${d.param(org)}`];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0)
      where.push(`${column} IN (${values.map((v) => d.param(v)).join(', ')})`);
  };
  inList('status', q.status);
  inList('environment', q.environment);
  inList('resource_type', q.type);
  inList('resource_name', q.resource);
  inList('actor_type', q.actorType);
  if (q.user && q.user.length > 0) {
    // Two indexed lookups rather than an OR that neither index answers alone. Parameters are
    // added in the order their placeholders appear (SQLite's are positional).
    const byId = `SELECT id FROM sessions WHERE org = ${d.param(org)} AND actor_id IN (${q.user.map((u) => d.param(u)).join(', ')})`;
    const byEmail = `SELECT id FROM sessions WHERE org = ${d.param(org)} AND actor_email IN (${q.user.map((u) => d.param(u.toLowerCase())).join(', ')})`;
    where.push(`id IN (${byId} UNION ALL ${byEmail})`);
  }
  if (q.period) where.push(`started_at >= ${d.param(now - PERIOD_MS[q.period])}`);
  if (q.from) where.push(`started_at >= ${d.param(Date.parse(q.from))}`);
  if (q.to) where.push(`started_at < ${d.param(Date.parse(q.to))}`);
  if (q.minSignificance !== undefined) where.push(`score >= ${d.param(q.minSignificance)}`);
  for (const label of q.label ?? []) {
    const at = label.indexOf('=');
    where.push(
      d.labelEquals(org, label.slice(0, at), label.slice(at + 1), commonLabels.has(label)),
    );
  }
  for (const id of q.entity ?? []) {
    const ref = parseEntityId(id);
    if (!ref) continue;
    where.push(
      `id IN (SELECT session_id FROM session_entities WHERE org = ${d.param(org)} AND kind = ${d.param(ref.kind)} AND key = ${d.param(ref.key)})`,
    );
  }
  if (q.reason && q.reason.length > 0)
    where.push(
      `id IN (SELECT session_id FROM session_reasons WHERE org = ${d.param(org)} AND code IN (${q.reason.map((r) => d.param(r)).join(', ')}))`,
    );
  if (q.q) where.push(d.textMatch(org, q.q));
  return where;
}

/** ORDER BY, the keyset condition after a cursor, and the cursor of a row, for each sort. */
export function sessionOrder(
  sort: SessionListQuery['sort'],
  cursor: string | undefined,
  d: SqlDialect,
) {
  if (sort === 'significance') {
    let after: string | null = null;
    if (cursor) {
      const [score, started, id] = decodeCursor(cursor, ['number', 'int', 'string']);
      after = `(score, started_at, id) < (${d.param(score)}, ${d.param(started)}, ${d.param(id)})`;
    }
    return {
      orderBy: 'score DESC, started_at DESC, id DESC',
      after,
      key: (row: { score: number; started_at: number; id: string }) => [
        row.score,
        Number(row.started_at),
        row.id,
      ],
    };
  }
  let after: string | null = null;
  if (cursor) {
    const [started, id] = decodeCursor(cursor, ['int', 'string']);
    after = `(started_at, id) < (${d.param(started)}, ${d.param(id)})`;
  }
  return {
    orderBy: 'started_at DESC, id DESC',
    after,
    key: (row: { score: number; started_at: number; id: string }) => [
      Number(row.started_at),
      row.id,
    ],
  };
}

export { CursorError };

/** A LIKE pattern (escape `\\`) of the rows containing `text`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The trigram indexes answer a substring of 3 characters (code points) or more. */
export const TRIGRAM_MIN = 3;

/** A free-text query as one FTS phrase per word run: never FTS syntax from the user. */
export function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}
