import { type EntityKind, type Event, entityId, type Session } from '@auditlane/client';
import {
  type EdgeFacts,
  edgeKey,
  eventEntities,
  foldMention,
  mergeEdge,
  opsText,
} from '../domain/entities';
import { CREDENTIAL_ACTORS, eventEvidence, type FactEdge } from '../domain/significance';

import type { SqlRunner } from './runner';

export type ColumnType = 'text' | 'bigint' | 'int' | 'float8';

/** Rows as a relation in FROM (`v`, columns `column1`...), with the parameters it takes. */
export interface RowsSql {
  from: string;
  params: unknown[];
}

/** A transaction's SQL, with what differs between the stores. */
export interface IndexSql extends SqlRunner {
  /**
   * Takes the org's entity index lock until the transaction ends: the index steps of an org's
   * transactions run one at a time (each reads what the ones before it committed). A no-op where
   * there is one writer (SQLite).
   */
  lockIndex(org: string): Promise<void>;
  /** Rows as relations: as many as the store needs (each used in a statement of its own). */
  rows(types: readonly ColumnType[], rows: unknown[][]): RowsSql[];
}

/** SQLite: `VALUES` lists in a few fixed sizes (each statement shape prepared once). */
export function valuesRows(_types: readonly ColumnType[], rows: unknown[][]): RowsSql[] {
  return chunks(rows).map((part) => ({
    from: valuesFrom(part[0]?.length ?? 0, part.length),
    params: part.flat(),
  }));
}

/** `(VALUES (?, ?), (?, ?)) AS v` for `rows` rows of this width. */
function valuesFrom(width: number, rows: number): string {
  const row = `(${'?, '.repeat(Math.max(0, width - 1))}?)`;
  return `(VALUES ${`${row}, `.repeat(rows - 1)}${row}) AS v`;
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

/**
 * The scoring facts the index step of a batch knows once it is done (loadFacts reads the rest):
 * all of what the sessions it started have, and the entities, pairs and first sessions it touched.
 */
export interface IndexedFacts {
  /** By session (those the batch started): its edges and evidence. */
  edges: Map<string, FactEdge[]>;
  evidence: Map<string, { code: string; seq: number; eventId: string }[]>;
  /** By entity id (hosts and resources the batch touched): the first session. */
  entityFirst: Map<string, string>;
  /** By `entityId\u0000actor` (endpoints and resources the batch touched): the actor's first. */
  pairFirst: Map<string, string>;
  /** By key (credentials the batch touched): the first actors (empty: not shared). */
  credentialActors: Map<string, string[]>;
  /** By actor id, by credential key (the batch's): the first session, the batch's included. */
  actorFirst: Map<string, Start>;
  credentialFirst: Map<string, Start>;
}

/** One accepted event of a batch, with the session it was folded into. */
export interface IndexedEvent {
  event: Event;
  session: Session;
}

const DAY_MS = 86_400_000;
/**
 * The first actors of each of these credentials by first use (then by id), as reasons name
 * them (see CREDENTIAL_ACTORS); one statement per chunk of keys.
 */
export async function credentialFirstActors(
  sql: SqlRunner,
  org: string,
  keys: string[],
): Promise<Map<string, string[]>> {
  const rows = await perItem<{ actor_id: string; first_at: number }, string>(sql, keys, (key) => ({
    text: `SELECT actor_id, first_at FROM entity_actors WHERE org = ? AND kind = 'credential' AND key = ?
       ORDER BY first_at, actor_id LIMIT ${CREDENTIAL_ACTORS}`,
    params: [org, key],
  }));
  return new Map(
    keys.map((key, i) => [
      key,
      rows[i]!.map((r) => ({ actor: r.actor_id, at: Number(r.first_at) }))
        .sort((a, b) => a.at - b.at || (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : 0))
        .map((r) => r.actor),
    ]),
  );
}
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

/** `(a, b)` before `(c, d)`: the earlier time, then the smaller session id. */
function earlier(at: number, session: string, thanAt: number, thanSession: string): boolean {
  return at < thanAt || (at === thanAt && session < thanSession);
}

/**
 * The entity index step of ingest: folds the batch's accepted events into session ↔ entity edges,
 * the entities and their actors, keeps the events reasons name as evidence, and queues for
 * rescoring every session whose context the batch changed (and the batch's own, unless `inline`).
 * Each table is read and written with one statement per chunk of rows, under the org's index
 * lock (see IndexSql.lockIndex). Everything it stores is a function of the stored events (minima,
 * sums, unions), so any order or batching of the same events leaves the same rows. Returns the
 * scoring facts it knows (for loadFacts).
 */
export async function indexBatch(
  sql: IndexSql,
  org: string,
  accepted: IndexedEvent[],
  queuedAt: number,
  /** The baseline settings (or only its window, in days: then no span is assumed). */
  baseline: number | { windowDays: number; minSpanDays: number },
  /** Sessions this batch started (nothing of them is stored yet). */
  started: ReadonlySet<string> = new Set(),
  /**
   * The caller scores the batch's sessions itself, in this transaction, after this step (and
   * before it stores their rows): they are not queued, only the other sessions whose context the
   * batch changed are.
   */
  inline = false,
): Promise<IndexedFacts> {
  const facts: IndexedFacts = {
    edges: new Map(),
    evidence: new Map(),
    entityFirst: new Map(),
    pairFirst: new Map(),
    credentialActors: new Map(),
    actorFirst: new Map(),
    credentialFirst: new Map(),
  };
  if (accepted.length === 0) return facts;
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

  // Edges and evidence: the batch's sessions' own rows (the sessions are locked: no one else
  // writes them), merged with what is stored.
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
  for (const [sessionId, edges] of batchEdges)
    if (started.has(sessionId))
      facts.edges.set(
        sessionId,
        [...edges.values()].map((e) => ({
          kind: e.kind,
          key: e.key,
          firstSeq: e.firstSeq,
          firstEvent: e.firstEvent,
        })),
      );
  for (const [sessionId, code, seq, eventId] of evidence as [string, string, number, string][]) {
    if (!started.has(sessionId)) continue;
    const list = facts.evidence.get(sessionId) ?? [];
    list.push({ code, seq, eventId });
    facts.evidence.set(sessionId, list);
  }
  for (const sessionId of started) {
    if (!facts.edges.has(sessionId)) facts.edges.set(sessionId, []);
    if (!facts.evidence.has(sessionId)) facts.evidence.set(sessionId, []);
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

  for (const part of sql.rows(['text', 'text', 'int', 'text'], evidence)) {
    await sql.run(
      `INSERT INTO session_evidence (org, session_id, code, seq, event_id)
       SELECT CAST(? AS TEXT), ${columns(4)} FROM ${part.from} WHERE true
       ON CONFLICT (org, session_id, code, seq) DO NOTHING`,
      [org, ...part.params],
    );
  }

  // Then the org's index lock: every read below sees what the org's earlier index steps
  // committed, and none runs beside this one until it commits.
  await sql.lockIndex(org);

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
  const pairList = [...pairs.values()];
  const freshPairs = new Set<string>();
  const storedPairs = new Map<string, EntityActorRow>();
  const updatePairsFresh: unknown[][] = [];
  const PAIR_COLUMNS = ['text', 'text', 'text', 'bigint', 'text', 'int'] as const;
  const pairRows = pairList.map((p) => [
    p.kind,
    p.key,
    p.actor_id,
    p.first_at,
    p.first_session,
    p.sessions,
  ]);
  // Under the org's index lock: what is stored is read, and every row written once.
  for (const part of sql.rows(
    ['text', 'text', 'text'],
    pairRows.map((r) => r.slice(0, 3)),
  )) {
    const found = await sql.all<EntityActorRow>(
      `SELECT t.kind, t.key, t.actor_id, t.first_at, t.first_session, t.sessions
       FROM ${part.from} JOIN entity_actors AS t
         ON t.org = ? AND t.kind = v.column1 AND t.key = v.column2 AND t.actor_id = v.column3`,
      [...part.params, org],
    );
    for (const r of found) storedPairs.set(`${edgeKey(r.kind, r.key)}\u0000${r.actor_id}`, r);
  }
  for (const [k, p] of pairs) {
    if (storedPairs.has(k)) continue;
    freshPairs.add(k);
    updatePairsFresh.push([p.kind, p.key, p.actor_id, p.first_at, p.first_session, p.sessions]);
  }
  const queue = new Set<string>(inline ? [] : sessions.keys());
  const movedCredentialActors: EntityActorRow[] = [];
  const updatePairs: unknown[][] = updatePairsFresh;
  const pairFirst = (p: EntityActorRow, first: string) => {
    if (p.kind === 'endpoint' || p.kind === 'resource')
      facts.pairFirst.set(`${entityId(p)}\u0000${p.actor_id}`, first);
  };
  for (const [k, p] of pairs) {
    const before = storedPairs.get(k);
    if (!before) {
      pairFirst(p, p.first_session);
      continue;
    }
    const moved = earlier(
      p.first_at,
      p.first_session,
      Number(before.first_at),
      before.first_session,
    );
    pairFirst(p, moved ? p.first_session : before.first_session);
    if (moved && p.kind === 'credential') movedCredentialActors.push(p);
    // Scores read the actor's first session on an endpoint or a resource (and nothing else).
    if (moved && (p.kind === 'endpoint' || p.kind === 'resource')) {
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
  const entityList = [...entities.values()];
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
  for (const part of sql.rows(
    ['text', 'text'],
    entityList.map((e) => [e.kind, e.key]),
  )) {
    const found = await sql.all<EntityRow>(
      `SELECT t.kind, t.key, t.label, t.first_at, t.last_at, t.first_session, t.sessions, t.actors, t.attrs
       FROM ${part.from} JOIN entities AS t ON t.org = ? AND t.kind = v.column1 AND t.key = v.column2`,
      [...part.params, org],
    );
    for (const r of found) storedEntities.set(edgeKey(r.kind, r.key), r);
  }
  const updateEntities: unknown[][] = [];
  for (const [k, e] of entities) {
    if (storedEntities.has(k)) continue;
    freshEntities.add(k);
    updateEntities.push(entityRow(e));
  }
  const shared: { kind: string; key: string }[] = [];
  const firstOf = (e: EntityRow, first: string) => {
    if (e.kind === 'host' || e.kind === 'resource') facts.entityFirst.set(entityId(e), first);
  };
  // The credentials whose first actors the batch's sessions read (shared ones: two or more).
  const credentials = new Map<string, number>();
  for (const [k, e] of entities) {
    const before = storedEntities.get(k);
    if (!before) {
      firstOf(e, e.first_session);
      if (e.kind === 'credential') credentials.set(e.key, e.actors);
      continue;
    }
    const moved = earlier(
      e.first_at,
      e.first_session,
      Number(before.first_at),
      before.first_session,
    );
    // Scores read the first session of a host or a resource (and of nothing else).
    if (moved && (e.kind === 'host' || e.kind === 'resource')) {
      queue.add(before.first_session);
      queue.add(e.first_session);
    }
    firstOf(e, moved ? e.first_session : before.first_session);
    const actors = before.actors + e.actors;
    if (e.kind === 'credential') credentials.set(e.key, actors);
    // A shared credential that gained an actor (or one's first use moved): its sessions' reason
    // may name other actors now.
    if (e.kind === 'credential' && actors >= 2) shared.push({ kind: e.kind, key: e.key });
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

  // The queue: the batch's sessions (unless the caller scores them), the ones whose first-seen
  // facts moved, every session on a shared credential whose first actors changed, and (for
  // baselines and an actor's history) the actor's first session and the actor's and the
  // credential's sessions started in the window after each of the batch's sessions that may have
  // a baseline. Read first, then queued with one statement in id order (the scorer's transactions
  // lock queue rows in the same order: no deadlock).
  const found = async (text: string, params: unknown[]) => {
    for (const r of await sql.all<{ id: string | null }>(text, params)) if (r.id) queue.add(r.id);
  };
  // The actors of a shared credential that are new to it, or whose first use moved earlier.
  const changedActors = new Map<string, string[]>();
  const changedActor = (key: string, actor: string) => {
    const list = changedActors.get(key) ?? [];
    list.push(actor);
    changedActors.set(key, list);
  };
  for (const [k, p] of pairs)
    if (p.kind === 'credential' && freshPairs.has(k)) changedActor(p.key, p.actor_id);
  for (const p of movedCredentialActors) changedActor(p.key, p.actor_id);
  const sharedKeys = [...credentials].filter(([, n]) => n >= 2).map(([key]) => key);
  for (const key of credentials.keys()) facts.credentialActors.set(key, []);
  for (const [key, actors] of await credentialFirstActors(sql, org, sharedKeys))
    facts.credentialActors.set(key, actors);
  for (const e of shared) {
    // Reasons name the credential's first actors only (as scoring reads them): when none of
    // those changed, no reason on it changes.
    const first = new Set(facts.credentialActors.get(e.key));
    if (!(changedActors.get(e.key) ?? []).some((a) => first.has(a))) continue;
    await found(
      'SELECT session_id AS id FROM session_entities WHERE org = ? AND kind = ? AND key = ?',
      [org, e.kind, e.key],
    );
  }
  const firsts = await baselineDependents(sql, org, sessions.values(), baseline, queue);
  for (const [actor, first] of firsts.actors) facts.actorFirst.set(actor, first);
  for (const [key, first] of firsts.credentials) facts.credentialFirst.set(key, first);
  if (inline) for (const id of sessions.keys()) queue.delete(id);
  await queueScores(sql, org, queue, queuedAt);
  return facts;
}

/**
 * Adds to `queue` the sessions whose baselines and actor history read these sessions' facts
 * (their start, cost and volume): the actor's first session when one of these is earlier (its
 * history has just begun), and the actor's and the credential's sessions started in the baseline
 * window after each of these, except those that cannot have a baseline yet (a baseline counts
 * only once it spans `minSpanDays` from its earliest session: a session less than that after the
 * actor's, or the credential's, first one has none). Ingest and the telemetry receiver both call
 * it when a session's facts change. Returns the first session of each of their actors and
 * credentials, these included (one statement reads the stored ones, one the windows).
 */
export async function baselineDependents(
  sql: IndexSql,
  org: string,
  changed: Iterable<Session>,
  /** The baseline settings (or only its window, in days: then no span is assumed). */
  baseline: number | { windowDays: number; minSpanDays: number },
  queue: Set<string>,
): Promise<{ actors: Map<string, Start>; credentials: Map<string, Start> }> {
  const windowMs = (typeof baseline === 'number' ? baseline : baseline.windowDays) * DAY_MS;
  const spanMs = typeof baseline === 'number' ? 0 : baseline.minSpanDays * DAY_MS;
  const batch = [...changed].map((x) => ({
    session: x,
    start: { at: Date.parse(x.startedAt), id: x.id },
    credential: x.credential && x.credential.kind !== 'none' ? x.credential.fingerprint : undefined,
  }));
  const ids = new Set(batch.map((b) => b.session.id));
  const earliest = <K>(key: (b: (typeof batch)[number]) => K, k: K) => {
    let first: Start | undefined;
    for (const b of batch) if (key(b) === k && (!first || before(b.start, first))) first = b.start;
    return first!;
  };
  const actors = [...new Set(batch.map((b) => b.session.actor.id))];
  const credentialKeys = [...new Set(batch.flatMap((b) => (b.credential ? [b.credential] : [])))];
  // The stored first session of each actor and of each credential: one statement.
  const firsts = await perItem<{ started_at: number; id: string }, [string, string]>(
    sql,
    [
      ...actors.map((a) => ['actor', a] as [string, string]),
      ...credentialKeys.map((k) => ['credential', k] as [string, string]),
    ],
    ([kind, key]) =>
      kind === 'actor'
        ? {
            text: 'SELECT started_at, id FROM sessions WHERE org = ? AND actor_id = ? ORDER BY started_at, id LIMIT 1',
            params: [org, key],
          }
        : {
            text: `SELECT started_at, session_id AS id FROM session_entities
               WHERE org = ? AND kind = 'credential' AND key = ? ORDER BY started_at, session_id LIMIT 1`,
            params: [org, key],
          },
  );
  const storedFirst = (i: number): Start | undefined => {
    const r = firsts[i]![0];
    return r ? { at: Number(r.started_at), id: r.id } : undefined;
  };
  const actorFirst = new Map<string, Start>();
  actors.forEach((actor, i) => {
    const mine = earliest((b) => b.session.actor.id, actor);
    const stored = storedFirst(i);
    if (stored && !ids.has(stored.id) && before(mine, stored)) queue.add(stored.id);
    actorFirst.set(actor, stored && before(stored, mine) ? stored : mine);
  });
  const credentialFirst = new Map<string, Start>();
  credentialKeys.forEach((key, i) => {
    const mine = earliest((b) => b.credential, key);
    const stored = storedFirst(actors.length + i);
    credentialFirst.set(key, stored && before(stored, mine) ? stored : mine);
  });
  const range = (first: Start, at: number) => [Math.max(at, first.at + spanMs), at + windowMs];
  const windows = [
    ...batch.map((b) => ({
      text: 'SELECT id FROM sessions WHERE org = ? AND actor_id = ? AND started_at >= ? AND started_at <= ?',
      params: [org, b.session.actor.id, ...range(actorFirst.get(b.session.actor.id)!, b.start.at)],
    })),
    ...batch.flatMap((b) =>
      b.credential
        ? [
            {
              text: `SELECT session_id AS id FROM session_entities
                 WHERE org = ? AND kind = 'credential' AND key = ? AND started_at >= ? AND started_at <= ?`,
              params: [org, b.credential, ...range(credentialFirst.get(b.credential)!, b.start.at)],
            },
          ]
        : [],
    ),
  ].filter((w) => (w.params[2] as number) <= (w.params[3] as number));
  for (const rows of await perItem<{ id: string }, (typeof windows)[number]>(
    sql,
    windows,
    (w) => w,
  ))
    for (const r of rows) queue.add(r.id);
  return { actors: actorFirst, credentials: credentialFirst };
}

/**
 * Queues sessions for rescoring with one statement per chunk, in id order (the scorer's
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

/** The start and id of a session, as baselines order them. */
export interface Start {
  at: number;
  id: string;
}

/** `a` started before `b` (the earlier time, then the smaller id). */
export const before = (a: Start, b: Start) => a.at < b.at || (a.at === b.at && a.id < b.id);

/** The first session (start, id) of each key, stored or among `extra` (one statement a chunk). */
export async function firstSessions(
  sql: SqlRunner,
  keys: string[],
  query: (key: string) => { text: string; params: unknown[] },
  extra: (key: string) => Start[],
): Promise<Map<string, Start>> {
  const out = new Map<string, Start>();
  const rows = await perItem<{ started_at: number; id: string }, string>(sql, keys, query);
  keys.forEach((key, i) => {
    const candidates: Start[] = [
      ...rows[i]!.map((r) => ({ at: Number(r.started_at), id: r.id })),
      ...extra(key),
    ];
    let first: Start | undefined;
    for (const c of candidates) if (!first || before(c, first)) first = c;
    if (first) out.set(key, first);
  });
  return out;
}

/**
 * Runs one query for each of `items`, as the UNION ALL of their subqueries (one statement per
 * chunk), and returns each item's rows, in the order of `items`.
 */
export async function perItem<T, I>(
  sql: SqlRunner,
  items: I[],
  query: (item: I) => { text: string; params: unknown[] },
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

/** `v.column1, v.column2, ...`: the columns of a rows relation. */
function columns(n: number): string {
  return Array.from({ length: n }, (_, i) => `v.column${i + 1}`).join(', ');
}
