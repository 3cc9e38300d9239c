import type { EntityKind, Session, Significance } from '@auditlane/client';
import { entityId } from '@auditlane/client';
import {
  type Baseline,
  blankFacts,
  learnedBaseline,
  median,
  type SessionFacts,
  type SignificanceConfig,
} from '../domain/significance';
import {
  before,
  credentialFirstActors,
  firstSessions,
  type IndexedFacts,
  type IndexSql,
  perItem,
  type Start,
} from './entity-index';
import { kpiColumns } from './kpis';
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

/** The baseline settings loadFacts reads with (see SignificanceConfig.baseline). */
export type BaselineSettings = SignificanceConfig['baseline'];

/** A session the caller holds in memory, newer than its stored row (ingest, mid-transaction). */
export interface KnownSession {
  session: Session;
  /** Its events, this batch's included. */
  events: number;
}

/**
 * Reads the stored facts the scores of these sessions of an org are computed from. `known`
 * sessions (the batch being ingested) are taken from memory instead of their stored rows, in
 * their own facts and in every baseline they fall in; their edges and evidence must be written.
 */
export async function loadFacts(
  sql: ScoringSql,
  org: string,
  sessionIds: string[],
  settings: BaselineSettings,
  known: ReadonlyMap<string, KnownSession> = new Map(),
  /** What the index step of the batch of the `known` sessions returned. */
  indexed?: IndexedFacts,
): Promise<Map<string, SessionFacts>> {
  const out = new Map<string, SessionFacts>();
  if (sessionIds.length === 0) return out;
  const unknown: string[] = [];
  for (const id of sessionIds) {
    const k = known.get(id);
    if (k) out.set(id, blankFacts(k.session, k.events));
    else unknown.push(id);
  }
  if (unknown.length > 0) {
    const sessions = await sql.all<{ id: string; doc: unknown; event_count: number }>(
      `SELECT id, doc, event_count FROM sessions WHERE org = ? AND id IN (${list(unknown.length)})`,
      [org, ...unknown],
    );
    for (const row of sessions)
      out.set(row.id, blankFacts(sql.session(row.doc), Number(row.event_count)));
  }
  const ids = [...out.keys()];
  if (ids.length === 0) return out;
  // What the index step of this batch knows already is not read again.
  const unread = ids.filter((id) => !indexed?.edges.has(id));
  for (const id of ids) {
    const f = out.get(id)!;
    for (const e of indexed?.evidence.get(id) ?? []) f.evidence.push(e);
    for (const e of indexed?.edges.get(id) ?? []) f.edges.push(e);
  }
  if (unread.length > 0) {
    const evidence = await sql.all<{
      session_id: string;
      code: string;
      seq: number;
      event_id: string;
    }>(
      `SELECT session_id, code, seq, event_id FROM session_evidence WHERE org = ? AND session_id IN (${list(unread.length)})`,
      [org, ...unread],
    );
    for (const e of evidence)
      out
        .get(e.session_id)!
        .evidence.push({ code: e.code, seq: Number(e.seq), eventId: e.event_id });
    const edges = await sql.all<{
      session_id: string;
      kind: EntityKind;
      key: string;
      first_seq: number;
      first_event: string;
    }>(
      `SELECT session_id, kind, key, first_seq, first_event FROM session_entities WHERE org = ? AND session_id IN (${list(unread.length)})`,
      [org, ...unread],
    );
    for (const e of edges)
      out.get(e.session_id)!.edges.push({
        kind: e.kind,
        key: e.key,
        firstSeq: Number(e.first_seq),
        firstEvent: e.first_event,
      });
  }
  const entityFirst = new Map(indexed?.entityFirst);
  const credentialActors = new Map(indexed?.credentialActors);
  const pairFirst = new Map(indexed?.pairFirst);
  const firstOf = new Map<string, [string, string]>();
  const credentials = new Set<string>();
  const pairs = new Map<string, [string, string, string]>();
  for (const facts of out.values()) {
    for (const e of facts.edges) {
      const id = entityId(e);
      if ((e.kind === 'host' || e.kind === 'resource') && !entityFirst.has(id))
        firstOf.set(id, [e.kind, e.key]);
      if (e.kind === 'credential' && !credentialActors.has(e.key)) credentials.add(e.key);
      if (e.kind === 'endpoint' || e.kind === 'resource') {
        const actor = facts.session.actor.id;
        const k = `${id}\u0000${actor}`;
        if (!pairFirst.has(k)) pairs.set(k, [e.kind, e.key, actor]);
      }
    }
  }
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
  for (const [key, actors] of await credentialFirstActors(sql, org, [...credentials]))
    credentialActors.set(key, actors);
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
  await loadBaselines(sql, org, all, settings, known, indexed);
  return out;
}

interface BaselineRow {
  id: string;
  started_at: number;
  event_count: number;
  cost_micros: number;
}

/**
 * Each session's actor history and baselines: the actor's (and the credential's) sessions in the
 * window before it, the most recent BASELINE_ROWS of them. A baseline counts only once it spans
 * `minSpanDays`, so it is read only when the actor's (credential's) first session is at least that
 * long before the session: before then it is left out (null), which scores alike.
 */
async function loadBaselines(
  sql: ScoringSql,
  org: string,
  all: SessionFacts[],
  settings: BaselineSettings,
  known: ReadonlyMap<string, KnownSession>,
  indexed: IndexedFacts | undefined,
): Promise<void> {
  const windowMs = settings.windowDays * DAY_MS;
  const spanMs = settings.minSpanDays * DAY_MS;
  const startOf = (f: SessionFacts): Start => ({
    at: Date.parse(f.session.startedAt),
    id: f.session.id,
  });
  const credentialOf = (s: Session) =>
    s.credential && s.credential.kind !== 'none' ? s.credential.fingerprint : undefined;
  // Known sessions stand in for their stored rows (which may be older, or not stored yet).
  const knownRows = [...known.values()].map((k) => ({
    actor: k.session.actor.id,
    credential: credentialOf(k.session),
    row: {
      id: k.session.id,
      started_at: Date.parse(k.session.startedAt),
      event_count: k.events,
      cost_micros: kpiColumns(k.session).cost_micros,
    },
  }));
  const firstActor = new Map(indexed?.actorFirst);
  const actorsToRead = [...new Set(all.map((f) => f.session.actor.id))].filter(
    (a) => !firstActor.has(a),
  );
  const readActors = await firstSessions(
    sql,
    actorsToRead,
    (actor) => ({
      text: 'SELECT started_at, id FROM sessions WHERE org = ? AND actor_id = ? ORDER BY started_at, id LIMIT 1',
      params: [org, actor],
    }),
    (actor) =>
      knownRows
        .filter((k) => k.actor === actor)
        .map((k) => ({ at: k.row.started_at, id: k.row.id })),
  );
  for (const [actor, first] of readActors) firstActor.set(actor, first);
  for (const f of all) {
    const first = firstActor.get(f.session.actor.id);
    f.actorHasHistory = first !== undefined && before(first, startOf(f));
  }
  const window = (
    f: SessionFacts,
    rows: BaselineRow[],
    extra: { row: BaselineRow }[],
  ): Baseline | null => {
    const s = startOf(f);
    const inWindow = (r: BaselineRow) =>
      r.started_at >= s.at - windowMs && before({ at: r.started_at, id: r.id }, s);
    const merged = [
      ...rows
        .filter((r) => !known.has(r.id))
        .map((r) => ({ ...r, started_at: Number(r.started_at) })),
      ...extra.map((k) => k.row).filter(inWindow),
    ]
      .sort((a, b) => b.started_at - a.started_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, BASELINE_ROWS);
    return baseline(merged, s.at);
  };
  const span = (first: Start | undefined, f: SessionFacts) =>
    first !== undefined && startOf(f).at - first.at >= spanMs;
  const actorSide = all.filter(
    (f) => f.actorHasHistory && span(firstActor.get(f.session.actor.id), f),
  );
  const windowQuery = (f: SessionFacts, table: 'actor' | 'credential') => {
    const s = startOf(f);
    const extra = knownRows.filter((k) =>
      table === 'actor' ? k.actor === f.session.actor.id : k.credential === credentialOf(f.session),
    ).length;
    const limit = BASELINE_ROWS + extra;
    return table === 'actor'
      ? {
          text: `SELECT id, started_at, event_count, cost_micros FROM sessions
             WHERE org = ? AND actor_id = ? AND started_at >= ? AND (started_at < ? OR (started_at = ? AND id < ?))
             ORDER BY started_at DESC, id DESC LIMIT ${limit}`,
          params: [org, f.session.actor.id, s.at - windowMs, s.at, s.at, s.id],
        }
      : {
          text: `SELECT s.id, s.started_at, s.event_count, s.cost_micros
             FROM session_entities AS e JOIN sessions AS s ON s.org = e.org AND s.id = e.session_id
             WHERE e.org = ? AND e.kind = 'credential' AND e.key = ? AND e.started_at >= ?
               AND (e.started_at < ? OR (e.started_at = ? AND e.session_id < ?))
             ORDER BY e.started_at DESC, e.session_id DESC LIMIT ${limit}`,
          params: [org, credentialOf(f.session), s.at - windowMs, s.at, s.at, s.id],
        };
  };
  const actorRows = await perSession<BaselineRow>(sql, actorSide, (f) => windowQuery(f, 'actor'));
  actorSide.forEach((f, i) => {
    f.actorBaseline = window(
      f,
      actorRows[i]!,
      knownRows.filter((k) => k.actor === f.session.actor.id),
    );
  });
  // The credential's baseline stands in only where the actor's is not learned.
  const onCredential = all.filter(
    (f) =>
      f.actorHasHistory &&
      credentialOf(f.session) !== undefined &&
      !learnedBaseline(f.actorBaseline, settings),
  );
  const firstOnCredential = new Map(indexed?.credentialFirst);
  const readCredentials = await firstSessions(
    sql,
    [...new Set(onCredential.map((f) => credentialOf(f.session)!))].filter(
      (key) => !firstOnCredential.has(key),
    ),
    (key) => ({
      text: `SELECT started_at, session_id AS id FROM session_entities
         WHERE org = ? AND kind = 'credential' AND key = ? ORDER BY started_at, session_id LIMIT 1`,
      params: [org, key],
    }),
    (key) =>
      knownRows
        .filter((k) => k.credential === key)
        .map((k) => ({ at: k.row.started_at, id: k.row.id })),
  );
  for (const [key, first] of readCredentials) firstOnCredential.set(key, first);
  const credentialSide = onCredential.filter((f) =>
    span(firstOnCredential.get(credentialOf(f.session)!), f),
  );
  const credentialRows = await perSession<BaselineRow>(sql, credentialSide, (f) =>
    windowQuery(f, 'credential'),
  );
  credentialSide.forEach((f, i) => {
    f.credentialBaseline = window(
      f,
      credentialRows[i]!,
      knownRows.filter((k) => k.credential === credentialOf(f.session)),
    );
  });
}

const perSession = <T>(
  sql: SqlRunner,
  items: SessionFacts[],
  query: (item: SessionFacts) => { text: string; params: unknown[] },
) => perItem<T, SessionFacts>(sql, items, query);

function baseline(rows: BaselineRow[], started: number): Baseline | null {
  if (rows.length === 0) return null;
  const earliest = Math.min(...rows.map((r) => Number(r.started_at)));
  return {
    sessions: rows.length,
    spanMs: started - earliest,
    medianCost: median(rows.map((r) => Number(r.cost_micros) / 1_000_000)),
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
  await saveReasons(sql, org, byId);
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

/**
 * Stores the reason codes of sessions of an org (the list's reason filter), replacing what they
 * had. Sessions in `fresh` have none stored yet (started in this transaction).
 */
export async function saveReasons(
  sql: IndexSql,
  org: string,
  scored: { sessionId: string; significance: Significance }[],
  fresh: ReadonlySet<string> = new Set(),
): Promise<void> {
  const byId = [...scored].sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1));
  const ids = byId.filter((x) => !fresh.has(x.sessionId)).map((x) => [x.sessionId]);
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
