import type { EntityKind, Session, Significance } from '@auditlane/client';
import { entityId } from '@auditlane/client';
import { type Baseline, median, type SessionFacts } from '../domain/significance';
import { CREDENTIAL_ACTORS, chunks, type IndexSql } from './entity-index';
import type { SqlRunner } from './runner';

/** A session waiting for its score, as queued. */
export interface QueuedScore {
  org: string;
  sessionId: string;
  queuedAt: number;
}

/** What differs between the stores in the scoring SQL. */
export interface ScoringSql extends IndexSql {
  /** The stored session document (text in SQLite, JSONB already parsed in PostgreSQL). */
  session(doc: unknown): Session;
  /** SQL of a session row's cost (`doc.usage.costUsd`). */
  readonly costExpr: string;
  /** SQL of the session document with `significance` replaced by the JSON text `json` (SQL). */
  docWithSignificance(json: string): string;
}

const DAY_MS = 86_400_000;
/** Most earlier sessions a baseline reads (the most recent ones of its window). */
const BASELINE_ROWS = 1000;

const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const tuples = (rows: unknown[][]) =>
  rows.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ');

/** The oldest queued sessions, at most `limit`. */
export async function queuedScores(sql: SqlRunner, limit: number): Promise<QueuedScore[]> {
  const rows = await sql.all<{ org: string; session_id: string; queued_at: number }>(
    'SELECT org, session_id, queued_at FROM score_queue ORDER BY queued_at, org, session_id LIMIT ?',
    [limit],
  );
  return rows.map((r) => ({ org: r.org, sessionId: r.session_id, queuedAt: Number(r.queued_at) }));
}

/** Reads the stored facts the scores of these sessions of an org are computed from. */
export async function loadFacts(
  sql: ScoringSql,
  org: string,
  sessionIds: string[],
  windowDays: number,
): Promise<Map<string, SessionFacts>> {
  const out = new Map<string, SessionFacts>();
  if (sessionIds.length === 0) return out;
  const sessions = await sql.all<{ id: string; doc: unknown; event_count: number }>(
    `SELECT id, doc, event_count FROM sessions WHERE org = ? AND id IN (${list(sessionIds.length)})`,
    [org, ...sessionIds],
  );
  for (const row of sessions) {
    out.set(row.id, {
      session: sql.session(row.doc),
      events: Number(row.event_count),
      evidence: [],
      edges: [],
      entityFirst: new Map(),
      credentialActors: new Map(),
      pairFirst: new Map(),
      actorHasHistory: false,
      actorBaseline: null,
      credentialBaseline: null,
    });
  }
  const ids = [...out.keys()];
  if (ids.length === 0) return out;
  const evidence = await sql.all<{
    session_id: string;
    code: string;
    seq: number;
    event_id: string;
  }>(
    `SELECT session_id, code, seq, event_id FROM session_evidence WHERE org = ? AND session_id IN (${list(ids.length)})`,
    [org, ...ids],
  );
  for (const e of evidence)
    out.get(e.session_id)!.evidence.push({ code: e.code, seq: Number(e.seq), eventId: e.event_id });
  const edges = await sql.all<{
    session_id: string;
    kind: EntityKind;
    key: string;
    first_seq: number;
    first_event: string;
  }>(
    `SELECT session_id, kind, key, first_seq, first_event FROM session_entities WHERE org = ? AND session_id IN (${list(ids.length)})`,
    [org, ...ids],
  );
  const firstOf = new Map<string, [string, string]>();
  const credentials = new Set<string>();
  const pairs = new Map<string, [string, string, string]>();
  for (const e of edges) {
    const facts = out.get(e.session_id)!;
    facts.edges.push({
      kind: e.kind,
      key: e.key,
      firstSeq: Number(e.first_seq),
      firstEvent: e.first_event,
    });
    if (e.kind === 'host' || e.kind === 'resource') firstOf.set(entityId(e), [e.kind, e.key]);
    if (e.kind === 'credential') credentials.add(e.key);
    if (e.kind === 'endpoint' || e.kind === 'resource') {
      const actor = facts.session.actor.id;
      pairs.set(`${entityId(e)}\u0000${actor}`, [e.kind, e.key, actor]);
    }
  }
  const entityFirst = new Map<string, string>();
  const firstKeys = [...firstOf.values()];
  for (const part of sql.rows(['text', 'text'], firstKeys)) {
    const rows = await sql.all<{ kind: EntityKind; key: string; first_session: string }>(
      `SELECT t.kind, t.key, t.first_session FROM ${part.from}
       JOIN entities AS t ON t.org = ? AND t.kind = v.column1 AND t.key = v.column2`,
      [...part.params, org],
    );
    for (const r of rows) entityFirst.set(entityId(r), r.first_session);
  }
  // The first actors of each credential: one statement for a chunk of keys.
  const credentialActors = new Map<string, string[]>();
  for (const part of chunks([...credentials])) {
    const rows = await sql.all<{ key: string; actor_id: string }>(
      part
        .map(
          () =>
            `SELECT * FROM (SELECT key, actor_id FROM entity_actors WHERE org = ? AND kind = 'credential' AND key = ? ORDER BY actor_id LIMIT ${CREDENTIAL_ACTORS}) AS c`,
        )
        .join(' UNION ALL '),
      part.flatMap((key) => [org, key]),
    );
    for (const key of part) credentialActors.set(key, []);
    for (const r of rows) credentialActors.get(r.key)!.push(r.actor_id);
  }
  const pairFirst = new Map<string, string>();
  const pairKeys = [...pairs.values()];
  for (const part of sql.rows(['text', 'text', 'text'], pairKeys)) {
    const rows = await sql.all<{
      kind: EntityKind;
      key: string;
      actor_id: string;
      first_session: string;
    }>(
      `SELECT t.kind, t.key, t.actor_id, t.first_session FROM ${part.from}
       JOIN entity_actors AS t ON t.org = ? AND t.kind = v.column1 AND t.key = v.column2 AND t.actor_id = v.column3`,
      [...part.params, org],
    );
    for (const r of rows) pairFirst.set(`${entityId(r)}\u0000${r.actor_id}`, r.first_session);
  }
  const windowMs = windowDays * DAY_MS;
  const all = [...out.values()];
  for (const facts of all) {
    const actor = facts.session.actor.id;
    for (const [id, first] of entityFirst) facts.entityFirst.set(id, first);
    for (const [key, actors] of credentialActors) facts.credentialActors.set(key, actors);
    for (const [k, first] of pairFirst) {
      const at = k.lastIndexOf('\u0000');
      if (k.slice(at + 1) === actor) facts.pairFirst.set(k.slice(0, at), first);
    }
  }
  // Each session's own lookups, as subqueries of one statement per chunk of sessions (each
  // still bounded and index-backed: the actor's or credential's sessions just before it).
  const startOf = (f: SessionFacts) => Date.parse(f.session.startedAt);
  const before = '(started_at < ? OR (started_at = ? AND id < ?))';
  const actorRows = await perSession<BaselineRow>(sql, all, (f) => ({
    text: `SELECT started_at, event_count, ${sql.costExpr} AS cost FROM sessions
       WHERE org = ? AND actor_id = ? AND started_at >= ? AND ${before}
       ORDER BY started_at DESC, id DESC LIMIT ${BASELINE_ROWS}`,
    params: [org, f.session.actor.id, startOf(f) - windowMs, startOf(f), startOf(f), f.session.id],
  }));
  // A session in the window is history; without one, an earlier one may still be.
  const noneInWindow = all.filter((_, i) => actorRows[i]!.length === 0);
  const earlier = await perSession<{ one: number }>(sql, noneInWindow, (f) => ({
    text: `SELECT 1 AS one FROM sessions WHERE org = ? AND actor_id = ? AND ${before} LIMIT 1`,
    params: [org, f.session.actor.id, startOf(f), startOf(f), f.session.id],
  }));
  const older = new Set(noneInWindow.filter((_, i) => earlier[i]!.length > 0));
  all.forEach((f, i) => {
    f.actorHasHistory = actorRows[i]!.length > 0 || older.has(f);
    if (f.actorHasHistory) f.actorBaseline = baseline(actorRows[i]!, startOf(f));
  });
  const onCredential = all.filter(
    (f) => f.actorHasHistory && f.session.credential && f.session.credential.kind !== 'none',
  );
  const credentialRows = await perSession<BaselineRow>(sql, onCredential, (f) => ({
    text: `SELECT s.started_at, s.event_count, ${sql.costExpr.replaceAll('doc', 's.doc')} AS cost
         FROM session_entities AS e JOIN sessions AS s ON s.org = e.org AND s.id = e.session_id
         WHERE e.org = ? AND e.kind = 'credential' AND e.key = ? AND e.started_at >= ?
           AND (e.started_at < ? OR (e.started_at = ? AND e.session_id < ?))
         ORDER BY e.started_at DESC, e.session_id DESC LIMIT ${BASELINE_ROWS}`,
    params: [
      org,
      f.session.credential!.fingerprint,
      startOf(f) - windowMs,
      startOf(f),
      startOf(f),
      f.session.id,
    ],
  }));
  onCredential.forEach((f, i) => {
    f.credentialBaseline = baseline(credentialRows[i]!, startOf(f));
  });
  return out;
}

interface BaselineRow {
  started_at: number;
  event_count: number;
  cost: number;
}

/**
 * Runs one query for each of `items`, as the UNION ALL of their subqueries (one statement per
 * chunk), and returns each item's rows, in the order of `items`.
 */
async function perSession<T>(
  sql: SqlRunner,
  items: SessionFacts[],
  query: (item: SessionFacts) => { text: string; params: unknown[] },
): Promise<T[][]> {
  const out: T[][] = items.map(() => []);
  let at = 0;
  for (const part of chunks(items)) {
    const queries = part.map(query);
    const rows = await sql.all<T & { i: number }>(
      queries
        .map((q) => `SELECT CAST(? AS INT) AS i, q.* FROM (${q.text}) AS q`)
        .join(' UNION ALL '),
      queries.flatMap((q, k) => [at + k, ...q.params]),
    );
    for (const r of rows) out[Number(r.i)]!.push(r);
    at += part.length;
  }
  return out;
}

function baseline(rows: BaselineRow[], started: number): Baseline | null {
  if (rows.length === 0) return null;
  const earliest = Math.min(...rows.map((r) => Number(r.started_at)));
  return {
    sessions: rows.length,
    spanMs: started - earliest,
    medianCost: median(rows.map((r) => Number(r.cost ?? 0))),
    medianVolume: median(rows.map((r) => Number(r.event_count))),
  };
}

/**
 * Stores the significance of sessions of an org (score column, document, reason codes) and takes
 * the queued entries off the queue unless queued again since (`queuedAt` differs). One statement
 * per table, whatever the number of sessions.
 */
export async function saveScores(
  sql: ScoringSql,
  org: string,
  scored: { sessionId: string; significance: Significance }[],
  queued: QueuedScore[],
): Promise<void> {
  const byId = [...scored].sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1));
  const SCORE_COLUMNS = ['text', 'float8', 'text'] as const;
  const scoreRows = byId.map((x) => [
    x.sessionId,
    x.significance.score,
    JSON.stringify(x.significance),
  ]);
  for (const part of sql.rows(SCORE_COLUMNS, scoreRows)) {
    await sql.run(
      `UPDATE sessions SET score = v.column2, doc = ${sql.docWithSignificance('v.column3')}
       FROM ${part.from} WHERE sessions.org = ? AND sessions.id = v.column1`,
      [...part.params, org],
    );
  }
  const ids = byId.map((x) => [x.sessionId]);
  for (const part of sql.rows(['text'], ids)) {
    await sql.run(
      `DELETE FROM session_reasons WHERE org = ? AND session_id IN (SELECT v.column1 FROM ${part.from})`,
      [org, ...part.params],
    );
  }
  const reasonRows = byId.flatMap((x) =>
    [...new Set(x.significance.reasons.map((r) => r.code))].map((code) => [code, x.sessionId]),
  );
  for (const part of sql.rows(['text', 'text'], reasonRows)) {
    await sql.run(
      `INSERT INTO session_reasons (org, code, session_id)
       SELECT CAST(? AS TEXT), v.column1, v.column2 FROM ${part.from} WHERE true`,
      [org, ...part.params],
    );
  }
  const queueRows = [...queued]
    .sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1))
    .map((q) => [q.sessionId, q.queuedAt]);
  for (const part of sql.rows(['text', 'bigint'], queueRows)) {
    await sql.run(
      `DELETE FROM score_queue WHERE org = ? AND (session_id, queued_at) IN (SELECT v.column1, v.column2 FROM ${part.from})`,
      [org, ...part.params],
    );
  }
}

/** Queues sessions of an org for rescoring (a change outside ingest: a revoke, a decision). */
export async function enqueueScores(
  sql: SqlRunner,
  org: string,
  sessionIds: string[],
  queuedAt: number,
): Promise<void> {
  if (sessionIds.length === 0) return;
  await sql.run(
    `INSERT INTO score_queue (org, session_id, queued_at) VALUES ${tuples(sessionIds.map((id) => [org, id, queuedAt]))}
     ON CONFLICT (org, session_id) DO UPDATE SET queued_at =
       CASE WHEN excluded.queued_at > score_queue.queued_at THEN excluded.queued_at ELSE score_queue.queued_at + 1 END`,
    sessionIds.flatMap((id) => [org, id, queuedAt]),
  );
}
