import type { EntityKind, Event, Session } from '@auditlane/client';
import {
  type EdgeFacts,
  edgeKey,
  eventEntities,
  foldMention,
  mergeEdge,
  opsText,
} from '../domain/entities';
import { eventEvidence } from '../domain/significance';
import type { SqlRunner } from './runner';

export type ColumnType = 'text' | 'bigint' | 'int' | 'float8';

/** Rows as a relation in FROM (`v`, columns `column1`...), with the parameters it takes. */
export interface RowsSql {
  from: string;
  params: unknown[];
}

/** A transaction's SQL, with what differs between the stores. */
export interface IndexSql extends SqlRunner {
  /** Appended to a SELECT to lock the rows of its table `t` until the transaction ends. */
  readonly forUpdate: string;
  /** Rows as relations: as many as the store needs (each used in a statement of its own). */
  rows(types: readonly ColumnType[], rows: unknown[][]): RowsSql[];
}

/** SQLite: `VALUES` lists in a few fixed sizes (each statement shape prepared once). */
export function valuesRows(_types: readonly ColumnType[], rows: unknown[][]): RowsSql[] {
  return chunks(rows).map((part) => ({
    from: `(VALUES ${values(part)}) AS v`,
    params: part.flat(),
  }));
}

/** PostgreSQL: one `unnest` of typed arrays, whatever the number of rows (one statement). */
export function unnestRows(types: readonly ColumnType[], rows: unknown[][]): RowsSql[] {
  if (rows.length === 0) return [];
  return [
    {
      from: `unnest(${types.map((t) => `?::${t}[]`).join(', ')}) AS v(${types.map((_, i) => `column${i + 1}`).join(', ')})`,
      params: types.map((_, i) => rows.map((r) => r[i])),
    },
  ];
}

interface EdgeRow {
  session_id: string;
  kind: EntityKind;
  key: string;
  first_at: number;
  last_at: number;
  first_seq: number;
  first_event: string;
  events: number;
  ops: string;
}

interface EntityRow {
  kind: EntityKind;
  key: string;
  label: string;
  first_at: number;
  last_at: number;
  first_session: string;
  sessions: number;
  actors: number;
  attrs: string;
}

interface EntityActorRow {
  kind: EntityKind;
  key: string;
  actor_id: string;
  first_at: number;
  first_session: string;
  sessions: number;
}

/** One accepted event of a batch, with the session it was folded into. */
export interface IndexedEvent {
  event: Event;
  session: Session;
}

const DAY_MS = 86_400_000;
/** Most actors of one credential a reason names (the first by id). */
export const CREDENTIAL_ACTORS = 50;
/**
 * Rows per statement, largest first: a list of rows is cut greedily into these sizes, so each
 * statement has one of a few shapes (SQLite prepares and keeps each shape once).
 */
const CHUNK_SIZES = [256, 64, 16, 4, 1];

export function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const size of CHUNK_SIZES) {
    while (rows.length - at >= size) {
      out.push(rows.slice(at, at + size));
      at += size;
    }
  }
  return out;
}

/** `(?, ?), (?, ?)`: the placeholders of `rows` (all of one width). */
function values(rows: unknown[][]): string {
  const width = rows[0]?.length ?? 0;
  const row = `(${'?, '.repeat(Math.max(0, width - 1))}?)`;
  return `${row}, `.repeat(rows.length - 1) + row;
}

/** `(a, b)` before `(c, d)`: the earlier time, then the smaller session id. */
function earlier(at: number, session: string, thanAt: number, thanSession: string): boolean {
  return at < thanAt || (at === thanAt && session < thanSession);
}

/**
 * The entity index step of ingest: folds the batch's accepted events into session ↔ entity edges,
 * the entities and their actors, keeps the events reasons name as evidence, and queues for
 * rescoring the batch's sessions and every session whose context the batch changed. Each table is
 * written with one statement per 500 rows. Everything it stores is a function of the stored events
 * (minima, sums, unions), so any order or batching of the same events leaves the same rows.
 */
export async function indexBatch(
  sql: IndexSql,
  org: string,
  accepted: IndexedEvent[],
  queuedAt: number,
  baselineDays: number,
  /** Sessions this batch started (nothing of them is stored yet). */
  started: ReadonlySet<string> = new Set(),
): Promise<void> {
  if (accepted.length === 0) return;
  const sessions = new Map<string, Session>();
  const batchEdges = new Map<string, Map<string, EdgeFacts>>();
  const evidence: unknown[][] = [];
  for (const { event, session } of accepted) {
    sessions.set(session.id, session);
    let edges = batchEdges.get(session.id);
    if (!edges) {
      edges = new Map();
      batchEdges.set(session.id, edges);
    }
    const at = { seq: event.seq, eventId: event.id, time: Date.parse(event.time) };
    for (const mention of eventEntities(event)) foldMention(edges, mention, at);
    for (const code of eventEvidence(event)) evidence.push([session.id, code, event.seq, event.id]);
  }

  // Edges: merged with what is stored (the session is locked: no one else writes its edges).
  // A session this batch started has no stored edges: only the others' are looked up.
  const keys = [...batchEdges]
    .filter(([sessionId]) => !started.has(sessionId))
    .flatMap(([sessionId, edges]) => [...edges.values()].map((e) => [sessionId, e.kind, e.key]));
  const stored = new Map<string, EdgeRow>();
  for (const part of sql.rows(['text', 'text', 'text'], keys)) {
    const rows = await sql.all<EdgeRow>(
      `SELECT t.session_id, t.kind, t.key, t.first_at, t.last_at, t.first_seq, t.first_event, t.events, t.ops
       FROM ${part.from} JOIN session_entities AS t
         ON t.org = ? AND t.session_id = v.column1 AND t.kind = v.column2 AND t.key = v.column3`,
      [...part.params, org],
    );
    for (const r of rows) stored.set(`${r.session_id}\u0000${edgeKey(r.kind, r.key)}`, r);
  }
  const newEdges = new Set<EdgeFacts>();
  const edgeRows: unknown[][] = [];
  for (const [sessionId, edges] of batchEdges) {
    const session = sessions.get(sessionId)!;
    for (const edge of edges.values()) {
      const before = stored.get(`${sessionId}\u0000${edgeKey(edge.kind, edge.key)}`);
      if (before) {
        mergeEdge(edge, {
          label: edge.label,
          attrs: {},
          firstAt: Number(before.first_at),
          lastAt: Number(before.last_at),
          firstSeq: before.first_seq,
          firstEvent: before.first_event,
          events: before.events,
          ops: before.ops ? before.ops.split(',') : [],
        });
      } else newEdges.add(edge);
      edgeRows.push([
        sessionId,
        edge.kind,
        edge.key,
        session.actor.id,
        Date.parse(session.startedAt),
        edge.firstAt,
        edge.lastAt,
        edge.firstSeq,
        edge.firstEvent,
        edge.events,
        opsText(edge.ops),
      ]);
    }
  }
  const EDGE_COLUMNS = [
    'text',
    'text',
    'text',
    'text',
    'bigint',
    'bigint',
    'bigint',
    'int',
    'text',
    'int',
    'text',
  ] as const;
  for (const part of sql.rows(EDGE_COLUMNS, edgeRows)) {
    await sql.run(
      `INSERT INTO session_entities (org, session_id, kind, key, actor_id, started_at, first_at, last_at, first_seq, first_event, events, ops)
       SELECT CAST(? AS TEXT), ${columns(EDGE_COLUMNS.length)} FROM ${part.from} WHERE true
       ON CONFLICT (org, session_id, kind, key) DO UPDATE SET first_at = excluded.first_at, last_at = excluded.last_at,
         first_seq = excluded.first_seq, first_event = excluded.first_event, events = excluded.events, ops = excluded.ops`,
      [org, ...part.params],
    );
  }

  // Entity actors: one row per (entity, actor); a new edge adds a session to its actor's row.
  const pairs = new Map<string, EntityActorRow>();
  for (const [sessionId, edges] of batchEdges) {
    const actor = sessions.get(sessionId)!.actor.id;
    for (const edge of edges.values()) {
      const k = `${edgeKey(edge.kind, edge.key)}\u0000${actor}`;
      const isNew = newEdges.has(edge);
      const row = pairs.get(k);
      if (!row) {
        pairs.set(k, {
          kind: edge.kind,
          key: edge.key,
          actor_id: actor,
          first_at: edge.firstAt,
          first_session: sessionId,
          sessions: isNew ? 1 : 0,
        });
      } else {
        if (earlier(edge.firstAt, sessionId, row.first_at, row.first_session)) {
          row.first_at = edge.firstAt;
          row.first_session = sessionId;
        }
        if (isNew) row.sessions++;
      }
    }
  }
  const pairList = [...pairs.values()].sort((a, b) =>
    cmp3(edgeKey(a.kind, a.key), a.actor_id, edgeKey(b.kind, b.key), b.actor_id),
  );
  const freshPairs = new Set<string>();
  const storedPairs = new Map<string, EntityActorRow>();
  const PAIR_COLUMNS = ['text', 'text', 'text', 'bigint', 'text', 'int'] as const;
  const pairRows = pairList.map((p) => [
    p.kind,
    p.key,
    p.actor_id,
    p.first_at,
    p.first_session,
    p.sessions,
  ]);
  for (const part of sql.rows(PAIR_COLUMNS, pairRows)) {
    const inserted = await sql.all<{ kind: string; key: string; actor_id: string }>(
      `INSERT INTO entity_actors (org, kind, key, actor_id, first_at, first_session, sessions)
       SELECT CAST(? AS TEXT), ${columns(PAIR_COLUMNS.length)} FROM ${part.from} WHERE true
       ON CONFLICT (org, kind, key, actor_id) DO NOTHING RETURNING kind, key, actor_id`,
      [org, ...part.params],
    );
    for (const r of inserted) freshPairs.add(`${edgeKey(r.kind, r.key)}\u0000${r.actor_id}`);
  }
  const restPairs = pairList
    .filter((p) => !freshPairs.has(`${edgeKey(p.kind, p.key)}\u0000${p.actor_id}`))
    .map((p) => [p.kind, p.key, p.actor_id]);
  for (const part of sql.rows(['text', 'text', 'text'], restPairs)) {
    const found = await sql.all<EntityActorRow>(
      `SELECT t.kind, t.key, t.actor_id, t.first_at, t.first_session, t.sessions
       FROM ${part.from} JOIN entity_actors AS t
         ON t.org = ? AND t.kind = v.column1 AND t.key = v.column2 AND t.actor_id = v.column3
       ${locked(sql, 't.kind, t.key, t.actor_id')}`,
      [...part.params, org],
    );
    for (const r of found) storedPairs.set(`${edgeKey(r.kind, r.key)}\u0000${r.actor_id}`, r);
  }
  const queue = new Set<string>(sessions.keys());
  const updatePairs: unknown[][] = [];
  for (const [k, p] of pairs) {
    const before = storedPairs.get(k);
    if (!before) continue;
    const moved = earlier(
      p.first_at,
      p.first_session,
      Number(before.first_at),
      before.first_session,
    );
    if (moved) {
      queue.add(before.first_session);
      queue.add(p.first_session);
    }
    if (!moved && p.sessions === 0) continue;
    updatePairs.push([
      p.kind,
      p.key,
      p.actor_id,
      moved ? p.first_at : Number(before.first_at),
      moved ? p.first_session : before.first_session,
      before.sessions + p.sessions,
    ]);
  }
  for (const part of sql.rows(PAIR_COLUMNS, updatePairs)) {
    await sql.run(
      `INSERT INTO entity_actors (org, kind, key, actor_id, first_at, first_session, sessions)
       SELECT CAST(? AS TEXT), ${columns(PAIR_COLUMNS.length)} FROM ${part.from} WHERE true
       ON CONFLICT (org, kind, key, actor_id) DO UPDATE SET first_at = excluded.first_at,
         first_session = excluded.first_session, sessions = excluded.sessions`,
      [org, ...part.params],
    );
  }

  // Entities: first and last seen, sessions and actors.
  const entities = new Map<string, EntityRow>();
  for (const [sessionId, edges] of batchEdges) {
    for (const edge of edges.values()) {
      const k = edgeKey(edge.kind, edge.key);
      const isNew = newEdges.has(edge) ? 1 : 0;
      const row = entities.get(k);
      if (!row) {
        entities.set(k, {
          kind: edge.kind,
          key: edge.key,
          label: edge.label,
          first_at: edge.firstAt,
          last_at: edge.lastAt,
          first_session: sessionId,
          sessions: isNew,
          actors: 0,
          attrs: JSON.stringify(edge.attrs),
        });
      } else {
        if (earlier(edge.firstAt, sessionId, row.first_at, row.first_session)) {
          row.first_at = edge.firstAt;
          row.first_session = sessionId;
          row.label = edge.label;
          row.attrs = JSON.stringify(edge.attrs);
        }
        row.last_at = Math.max(row.last_at, edge.lastAt);
        row.sessions += isNew;
      }
    }
  }
  for (const [k, p] of pairs) {
    if (freshPairs.has(k)) entities.get(edgeKey(p.kind, p.key))!.actors++;
  }
  const entityList = [...entities.values()].sort((a, b) => cmp3(a.kind, a.key, b.kind, b.key));
  const freshEntities = new Set<string>();
  const storedEntities = new Map<string, EntityRow>();
  const ENTITY_COLUMNS = [
    'text',
    'text',
    'text',
    'bigint',
    'bigint',
    'text',
    'int',
    'int',
    'text',
  ] as const;
  const entityRow = (e: EntityRow) => [
    e.kind,
    e.key,
    e.label,
    e.first_at,
    e.last_at,
    e.first_session,
    e.sessions,
    e.actors,
    e.attrs,
  ];
  for (const part of sql.rows(ENTITY_COLUMNS, entityList.map(entityRow))) {
    const inserted = await sql.all<{ kind: string; key: string }>(
      `INSERT INTO entities (org, kind, key, label, first_at, last_at, first_session, sessions, actors, attrs)
       SELECT CAST(? AS TEXT), ${columns(ENTITY_COLUMNS.length)} FROM ${part.from} WHERE true
       ON CONFLICT (org, kind, key) DO NOTHING RETURNING kind, key`,
      [org, ...part.params],
    );
    for (const r of inserted) freshEntities.add(edgeKey(r.kind, r.key));
  }
  const restEntities = entityList
    .filter((e) => !freshEntities.has(edgeKey(e.kind, e.key)))
    .map((e) => [e.kind, e.key]);
  for (const part of sql.rows(['text', 'text'], restEntities)) {
    const found = await sql.all<EntityRow>(
      `SELECT t.kind, t.key, t.label, t.first_at, t.last_at, t.first_session, t.sessions, t.actors, t.attrs
       FROM ${part.from} JOIN entities AS t ON t.org = ? AND t.kind = v.column1 AND t.key = v.column2
       ${locked(sql, 't.kind, t.key')}`,
      [...part.params, org],
    );
    for (const r of found) storedEntities.set(edgeKey(r.kind, r.key), r);
  }
  const updateEntities: unknown[][] = [];
  const shared: { kind: string; key: string }[] = [];
  for (const [k, e] of entities) {
    const before = storedEntities.get(k);
    if (!before) continue;
    const moved = earlier(
      e.first_at,
      e.first_session,
      Number(before.first_at),
      before.first_session,
    );
    if (moved) {
      queue.add(before.first_session);
      queue.add(e.first_session);
    }
    const actors = before.actors + e.actors;
    // A credential that gained an actor and is now shared: every session on it has a new reason.
    if (e.kind === 'credential' && e.actors > 0 && actors >= 2)
      shared.push({ kind: e.kind, key: e.key });
    updateEntities.push(
      entityRow({
        ...e,
        label: moved ? e.label : before.label,
        attrs: moved ? e.attrs : before.attrs,
        first_at: moved ? e.first_at : Number(before.first_at),
        first_session: moved ? e.first_session : before.first_session,
        last_at: Math.max(e.last_at, Number(before.last_at)),
        sessions: before.sessions + e.sessions,
        actors,
      }),
    );
  }
  for (const part of sql.rows(ENTITY_COLUMNS, updateEntities)) {
    await sql.run(
      `INSERT INTO entities (org, kind, key, label, first_at, last_at, first_session, sessions, actors, attrs)
       SELECT CAST(? AS TEXT), ${columns(ENTITY_COLUMNS.length)} FROM ${part.from} WHERE true
       ON CONFLICT (org, kind, key) DO UPDATE SET label = excluded.label, first_at = excluded.first_at,
         last_at = excluded.last_at, first_session = excluded.first_session, sessions = excluded.sessions,
         actors = excluded.actors, attrs = excluded.attrs`,
      [org, ...part.params],
    );
  }

  for (const part of sql.rows(['text', 'text', 'int', 'text'], evidence)) {
    await sql.run(
      `INSERT INTO session_evidence (org, session_id, code, seq, event_id)
       SELECT CAST(? AS TEXT), ${columns(4)} FROM ${part.from} WHERE true
       ON CONFLICT (org, session_id, code, seq) DO NOTHING`,
      [org, ...part.params],
    );
  }

  // The queue: the batch's sessions, the ones whose first-seen facts moved, every session on a
  // credential that became shared, and (for baselines and an actor's history) the actor's and the
  // credential's sessions started in the window after each of the batch's sessions. Read first,
  // then queued with one statement in id order (concurrent transactions lock queue rows in the
  // same order: no deadlock).
  const found = async (text: string, params: unknown[]) => {
    for (const r of await sql.all<{ id: string | null }>(text, params)) if (r.id) queue.add(r.id);
  };
  const freshActors = new Map<string, string[]>();
  for (const [k, p] of pairs) {
    if (p.kind !== 'credential' || !freshPairs.has(k)) continue;
    const list = freshActors.get(p.key) ?? [];
    list.push(p.actor_id);
    freshActors.set(p.key, list);
  }
  for (const e of shared) {
    // Reasons name the credential's first actors only (by id, as scoring reads them): when it
    // has that many already and none of its new actors is among them, no reason changes.
    const first = await sql.all<{ actor_id: string }>(
      `SELECT actor_id FROM entity_actors WHERE org = ? AND kind = 'credential' AND key = ? ORDER BY actor_id LIMIT ${CREDENTIAL_ACTORS}`,
      [org, e.key],
    );
    const named = new Set(first.map((r) => r.actor_id));
    const fresh = freshActors.get(e.key) ?? [];
    if (first.length === CREDENTIAL_ACTORS && !fresh.some((a) => named.has(a))) continue;
    await found(
      'SELECT session_id AS id FROM session_entities WHERE org = ? AND kind = ? AND key = ?',
      [org, e.kind, e.key],
    );
  }
  await baselineDependents(sql, org, sessions.values(), baselineDays, queue);
  await queueScores(sql, org, queue, queuedAt);
}

/**
 * Adds to `queue` the sessions whose baselines and actor history read these sessions' facts
 * (their start, cost and volume): the actor's and the credential's sessions started in the
 * baseline window after each, and the actor's next session beyond that window (its history may
 * have just begun). Ingest and the telemetry receiver both call it when a session's facts change.
 */
export async function baselineDependents(
  sql: IndexSql,
  org: string,
  changed: Iterable<Session>,
  baselineDays: number,
  queue: Set<string>,
): Promise<void> {
  const found = async (text: string, params: unknown[]) => {
    for (const r of await sql.all<{ id: string | null }>(text, params)) if (r.id) queue.add(r.id);
  };
  const windowMs = baselineDays * DAY_MS;
  const windows = [...changed].map((x) => {
    const started = Date.parse(x.startedAt);
    return { session: x, lo: started, hi: started + windowMs };
  });
  const WINDOW = ['text', 'bigint', 'bigint'] as const;
  const byActor = windows.map((w) => [w.session.actor.id, w.lo, w.hi]);
  for (const part of sql.rows(WINDOW, byActor)) {
    await found(
      `SELECT s.id FROM ${part.from}
       JOIN sessions AS s ON s.org = ? AND s.actor_id = v.column1 AND s.started_at >= v.column2 AND s.started_at <= v.column3`,
      [...part.params, org],
    );
    // The actor's next session beyond the window: its history may have just begun.
    await found(
      `SELECT (SELECT s.id FROM sessions AS s WHERE s.org = ? AND s.actor_id = v.column1 AND s.started_at > v.column3
         ORDER BY s.started_at, s.id LIMIT 1) AS id FROM ${part.from}`,
      [org, ...part.params],
    );
  }
  const byCredential = windows
    .filter((w) => w.session.credential && w.session.credential.kind !== 'none')
    .map((w) => [w.session.credential!.fingerprint, w.lo, w.hi]);
  for (const part of sql.rows(WINDOW, byCredential)) {
    await found(
      `SELECT e.session_id AS id FROM ${part.from}
       JOIN session_entities AS e ON e.org = ? AND e.kind = 'credential' AND e.key = v.column1
         AND e.started_at >= v.column2 AND e.started_at <= v.column3`,
      [...part.params, org],
    );
  }
}

/**
 * Queues sessions for rescoring with one statement per chunk, in id order (concurrent
 * transactions lock queue rows in the same order: no deadlock). A session queued already is
 * queued again (the scorer may be computing it from older facts): a later queued_at makes the
 * scorer's delete of the older entry leave it queued.
 */
export async function queueScores(
  sql: IndexSql,
  org: string,
  sessionIds: Iterable<string>,
  queuedAt: number,
): Promise<void> {
  const ids = [...new Set(sessionIds)].sort();
  for (const part of sql.rows(
    ['text'],
    ids.map((id) => [id]),
  )) {
    await sql.run(
      `INSERT INTO score_queue (org, session_id, queued_at)
       SELECT CAST(? AS TEXT), v.column1, CAST(? AS BIGINT) FROM ${part.from} WHERE true ORDER BY v.column1
       ON CONFLICT (org, session_id) DO UPDATE SET queued_at =
         CASE WHEN excluded.queued_at > score_queue.queued_at THEN excluded.queued_at ELSE score_queue.queued_at + 1 END`,
      [org, queuedAt, ...part.params],
    );
  }
}

/**
 * The rows' lock, taken in key order (concurrent transactions lock in one order: no deadlock).
 * Where there is no row lock (SQLite: one writer), no order either: an ORDER BY there makes the
 * planner walk the org's whole index instead of looking each row up.
 */
function locked(sql: IndexSql, order: string): string {
  return sql.forUpdate ? `ORDER BY ${order}${sql.forUpdate}` : '';
}

/** `v.column1, v.column2, ...`: the columns of a rows relation. */
function columns(n: number): string {
  return Array.from({ length: n }, (_, i) => `v.column${i + 1}`).join(', ');
}

function cmp3(a1: string, a2: string, b1: string, b2: string): number {
  return a1 < b1 ? -1 : a1 > b1 ? 1 : a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
}
