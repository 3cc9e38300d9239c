import {
  DEFAULT_OVERVIEW_PERIOD,
  ENTITY_ACTORS_SHOWN,
  type EntityDetail,
  type EntityQuery,
  type EntityRef,
  type EntitySummary,
  entityId,
  HIGH_SIGNAL_SCORE,
  type LaneSession,
  OPEN_STATUSES,
  type Overview,
  type OverviewLinks,
  type OverviewQuery,
  PERIOD_MS,
  type PriorityItem,
  RELATIONSHIP_GROUP_CAP,
  type RelationshipGroup,
  type RelationshipNode,
  type Session,
  type SessionRelationships,
  type SessionStatus,
  type SharedLane,
  type TrustLevel,
} from '@auditlane/client';
import { operatorBrief, whyItMatters } from '../domain/brief';
import { isBareIp } from '../domain/entities';
import { decodeCursor, encodeCursor } from './cursor';
import { sessionConditions } from './filters';
import type { SqlReader } from './reads';
import { ceilTo, DAY_MS, floorTo, HOUR_MS } from './rollup-tables';

/**
 * The read side of the entity index (overview, relationships, entities): the same SQL on both
 * stores, every statement scoped to the org and answered by a primary key or an index prefix.
 */

interface EntityRow {
  kind: string;
  key: string;
  label: string;
  first_at: number;
  last_at: number;
  first_session: string;
  sessions: number;
  actors: number;
  attrs: string;
}

const ENTITY_COLUMNS =
  'kind, key, label, first_at, last_at, first_session, sessions, actors, attrs';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

function summary(row: EntityRow): EntitySummary {
  return {
    id: entityId({ kind: row.kind as EntityRef['kind'], key: row.key }),
    kind: row.kind as EntityRef['kind'],
    key: row.key,
    label: row.label,
    firstAt: iso(row.first_at),
    lastAt: iso(row.last_at),
    firstSessionId: row.first_session,
    sessions: Number(row.sessions),
    actors: Number(row.actors),
  };
}

function attrsOf(row: EntityRow): Record<string, unknown> {
  try {
    const value = JSON.parse(row.attrs || '{}') as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const ops = (text: string | null) => (text ? text.split(',').filter(Boolean) : []);

/** The reason code that names an actor as unknown or weakly attributed. */
const UNKNOWN_ACTOR = 'unknown_actor';

/** Sessions of the queue's candidates (highest score first) that the facts are read from. */
const CANDIDATES = 50;
/** Most of each cross-entity link. */
const LINKS = 8;
/** Pending reviews counted at most (the KPI reads "1,000" beyond). */
const REVIEWS_CAP = 1_000;

export async function overview(
  r: SqlReader,
  org: string,
  query: OverviewQuery,
  now: number,
): Promise<Overview> {
  const q = overviewPeriod(query);
  const bounds = periodBounds(q, now);
  const since = bounds.lo ?? 0;
  const until = bounds.hi;
  const threshold = HIGH_SIGNAL_SCORE;

  const open = [...OPEN_STATUSES].filter(
    (s) => !q.status?.length || q.status.includes(s as SessionStatus),
  ) as SessionStatus[];
  // Independent reads, at once (PostgreSQL runs them on several connections of the pool).
  const [totals, activeNow, waitingReviews, candidates, entityLinks] = await Promise.all([
    periodTotals(r, org, q, now, threshold),
    countOpen(r, org, q, now, open),
    countWaitingReviews(r, org, now),
    topSessions(r, org, q, now, Math.max(q.queue, CANDIDATES)),
    overviewLinks(r, org, since),
  ]);
  const items: PriorityItem[] = candidates.map((session) => {
    const score = session.significance?.score ?? 0;
    return { session, score, highSignal: score >= threshold, why: whyItMatters(session) };
  });
  const links: OverviewLinks = { ...entityLinks, unknownActors: unknownActors(candidates) };
  const kpis = {
    activeNow,
    sessions: Number(totals?.n ?? 0),
    costUsd: Number(totals?.cost ?? 0) / 1_000_000,
    actors: Number(totals?.actors ?? 0),
    blocked: Number(totals?.blocked ?? 0),
    waitingReviews,
  };
  const high = Number(totals?.high ?? 0);
  return {
    period: { from: iso(since), to: until === null ? null : iso(until) },
    kpis,
    signal: { threshold, high, background: kpis.sessions - high },
    queue: items.slice(0, q.queue),
    links,
    brief: operatorBrief({
      kpis,
      threshold,
      high,
      matter: items.filter((item) => item.highSignal),
      links,
    }),
  };
}

/**
 * The period an overview covers: `period`, or `from`/`to`; neither, the default period up to
 * now; only `to`, the default period's length up to `to` (never the org's whole history).
 */
/** The period's bounds in ms since epoch: its start and its end (null: none). */
function periodBounds(q: OverviewQuery, now: number): { lo: number | null; hi: number | null } {
  if (q.period) return { lo: now - PERIOD_MS[q.period], hi: null };
  return { lo: q.from ? Date.parse(q.from) : null, hi: q.to ? Date.parse(q.to) : null };
}

export function overviewPeriod(query: OverviewQuery): OverviewQuery {
  if (query.period || query.from) return query;
  if (query.to)
    return {
      ...query,
      from: iso(Date.parse(query.to) - PERIOD_MS[DEFAULT_OVERVIEW_PERIOD]),
    };
  return { ...query, period: DEFAULT_OVERVIEW_PERIOD };
}

interface Totals {
  n: number;
  actors: number;
  cost: number | null;
  blocked: number | null;
  high: number | null;
}

/**
 * The KPIs of the period's sessions under the filters. With no filter but the period, from the
 * rollups (whole hours and days of the period) and the sessions of its partial hours and days at
 * either end; with filters, one pass over the period's range of the sessions.
 */
async function periodTotals(
  r: SqlReader,
  org: string,
  q: OverviewQuery,
  now: number,
  threshold: number,
): Promise<Totals | undefined> {
  const rest = { ...q, period: undefined, from: undefined, to: undefined };
  if (
    threshold === HIGH_SIGNAL_SCORE &&
    sessionConditions(org, rest, now, r.params()).length === 1
  ) {
    const { lo, hi } = periodBounds(q, now);
    return rollupTotals(r, org, lo ?? 0, hi, now);
  }
  const a = r.params();
  // Under environment, type and actor type filters every column read is in sessions_kpis
  // (org, started_at, environment, resource_type, actor_type, actor_id, ...): an index-only
  // range of the period. A blocked session counts at least one blocked action.
  const select = `count(*) AS n, count(DISTINCT actor_id) AS actors, sum(cost_micros) AS cost, sum(CASE WHEN blocked > 0 THEN 1 ELSE 0 END) AS blocked, sum(CASE WHEN score >= ${a.param(threshold)} THEN 1 ELSE 0 END) AS high`;
  const { from, where } = sessionsFrom(a, org, q, now);
  const [totals] = await r.all<Totals>(
    `SELECT ${select} FROM ${from} WHERE ${where.join(' AND ')}`,
    a.values,
  );
  return totals;
}

/**
 * FROM and WHERE of a statement over the org's sessions under the filters. With a user filter,
 * the user's sessions (few: two indexed lookups) drive it, each tested against the other
 * conditions (CROSS JOIN keeps SQLite from walking the period's range of every session
 * instead); otherwise the sessions table. Parameters are added in the order they appear.
 */
function sessionsFrom(
  p: ReturnType<SqlReader['params']>,
  org: string,
  q: OverviewQuery,
  now: number,
): { from: string; where: string[] } {
  if (!q.user?.length) return { from: 'sessions', where: sessionConditions(org, q, now, p) };
  // The user's sessions of the period only (sessions_actor and sessions_actor_email lead with
  // the org, the actor and the start): a service account's years of sessions are not read.
  const { lo, hi } = periodBounds(q, now);
  const range = () =>
    `${lo === null ? '' : ` AND started_at >= ${p.param(lo)}`}${hi === null ? '' : ` AND started_at < ${p.param(hi)}`}`;
  const byId = `SELECT id AS user_session FROM sessions WHERE org = ${p.param(org)} AND actor_id IN (${q.user.map((u) => p.param(u)).join(', ')})${range()}`;
  const byEmail = `SELECT id FROM sessions WHERE org = ${p.param(org)} AND actor_email IN (${q.user.map((u) => p.param(u.toLowerCase())).join(', ')})${range()}`;
  return {
    // DISTINCT over a UNION ALL (a session may match by id and by email): a UNION lets SQLite
    // merge the parts in id order, walking every session of the org for it.
    from: `(SELECT DISTINCT user_session FROM (${byId} UNION ALL ${byEmail}) AS x) AS u CROSS JOIN sessions`,
    where: [
      'sessions.id = u.user_session',
      ...sessionConditions(org, { ...q, user: undefined }, now, p),
    ],
  };
}

/**
 * The KPIs of the org's sessions started in [lo, hi) (hi null: no end) from the rollups:
 * `session_hours` for the whole hours, `session_actor_days` for the actors of the whole days,
 * the sessions themselves (sessions_kpis, index-only) for the rest at either end.
 */
async function rollupTotals(
  r: SqlReader,
  org: string,
  lo: number,
  hi: number | null,
  now: number,
): Promise<Totals> {
  const hourLo = ceilTo(lo, HOUR_MS);
  const hourHi = hi === null ? null : Math.max(hourLo, floorTo(hi, HOUR_MS));
  const dayLo = ceilTo(lo, DAY_MS);
  const dayHi = hi === null ? null : Math.max(dayLo, floorTo(hi, DAY_MS));
  const edges = (p: ReturnType<SqlReader['params']>, from: number, to: number | null) => {
    // [lo, from) and [to, hi): the partial spans at either end.
    const head = `(started_at >= ${p.param(lo)} AND started_at < ${p.param(hi === null ? from : Math.min(from, hi))})`;
    if (to === null || hi === null || to >= hi) return head;
    return `(${head} OR (started_at >= ${p.param(to)} AND started_at < ${p.param(hi)}))`;
  };
  const s = r.params();
  const sums = `SELECT count(*) AS n, sum(cost_micros) AS cost, sum(CASE WHEN blocked > 0 THEN 1 ELSE 0 END) AS blocked, sum(CASE WHEN score >= ${s.param(HIGH_SIGNAL_SCORE)} THEN 1 ELSE 0 END) AS high FROM sessions WHERE org = ${s.param(org)} AND ${edges(s, hourLo, hourHi)}
    UNION ALL
    SELECT sum(sessions) AS n, sum(cost_micros) AS cost, sum(blocked) AS blocked, sum(high) AS high FROM session_hours WHERE org = ${s.param(org)} AND hour >= ${s.param(hourLo)}${hourHi === null ? '' : ` AND hour < ${s.param(hourHi)}`}`;
  const d = r.params();
  const edgeActors = `SELECT actor_id FROM sessions WHERE org = ${d.param(org)} AND ${edges(d, dayLo, dayHi)}`;
  const days = (dayHi ?? ceilTo(now, DAY_MS)) - dayLo;
  // A few days: their actor rows. More: each actor of the org once, by its index
  // (session_actor_days_actor, a skip over the actors), kept if it has a day in the range; the
  // same set, read in proportion to the org's actors instead of the period's actor-days.
  const dayActors =
    days <= SKIP_ACTORS_AFTER_MS
      ? `SELECT actor_id FROM session_actor_days WHERE org = ${d.param(org)} AND day >= ${d.param(dayLo)}${dayHi === null ? '' : ` AND day < ${d.param(dayHi)}`} AND sessions > 0`
      : `SELECT a.actor_id FROM (WITH RECURSIVE next(actor_id) AS (
          SELECT min(actor_id) FROM session_actor_days WHERE org = ${d.param(org)}
          UNION ALL
          SELECT (SELECT min(n.actor_id) FROM session_actor_days AS n WHERE n.org = ${d.param(org)} AND n.actor_id > next.actor_id)
          FROM next WHERE next.actor_id IS NOT NULL
        ) SELECT actor_id FROM next WHERE actor_id IS NOT NULL) AS a
        WHERE EXISTS (SELECT 1 FROM session_actor_days AS x WHERE x.org = ${d.param(org)} AND x.actor_id = a.actor_id
          AND x.day >= ${d.param(dayLo)}${dayHi === null ? '' : ` AND x.day < ${d.param(dayHi)}`} AND x.sessions > 0)`;
  // UNION ALL and a distinct count: a UNION lets SQLite merge the two parts in actor order,
  // reading the org's whole actor index for it.
  const actors = `SELECT count(DISTINCT actor_id) AS actors FROM (${edgeActors} UNION ALL ${dayActors}) AS a`;
  const [parts, [distinct]] = await Promise.all([
    r.all<{ n: number | null; cost: number | null; blocked: number | null; high: number | null }>(
      sums,
      s.values,
    ),
    r.all<{ actors: number }>(actors, d.values),
  ]);
  const total = (key: 'n' | 'cost' | 'blocked' | 'high') =>
    parts.reduce((sum, row) => sum + Number(row[key] ?? 0), 0);
  return {
    n: total('n'),
    actors: Number(distinct?.actors ?? 0),
    cost: total('cost'),
    blocked: total('blocked'),
    high: total('high'),
  };
}

/** The org's pending reviews that have not expired (at most REVIEWS_CAP are read). */
async function countWaitingReviews(r: SqlReader, org: string, now: number): Promise<number> {
  const c = r.params();
  const pending = await r.all<{ doc: unknown }>(
    `SELECT doc FROM reviews WHERE org = ${c.param(org)} AND status = 'pending' LIMIT ${c.param(REVIEWS_CAP)}`,
    c.values,
  );
  return pending.filter((row) => {
    const review = (typeof row.doc === 'string' ? JSON.parse(row.doc) : row.doc) as {
      expiresAt?: string | null;
    };
    return !review.expiresAt || Date.parse(review.expiresAt) > now;
  }).length;
}

/** Whole days of a period beyond which its actors are counted by a skip over the org's actors. */
const SKIP_ACTORS_AFTER_MS = 7 * DAY_MS;

/** From how long a period the queue walks the significance index (see topSessions). */
const WALK_SPAN_MS = 7 * DAY_MS;

/** A condition of sessionConditions that no index of the sessions answers (same rows). */
function unindexed(condition: string): string {
  return condition
    .replace(/^(status|environment|resource_type|actor_type) IN /, "$1 || '' IN ")
    .replace(/^started_at (>=|<) /, 'started_at + 0 $1 ');
}

/** The highest scores of the period under the filters: ids from an index, then their documents. */
async function topSessions(
  r: SqlReader,
  org: string,
  q: OverviewQuery,
  now: number,
  n: number,
): Promise<Session[]> {
  const d = r.params();
  const { from: source, where: conditions } = sessionsFrom(d, org, q, now);
  // Over a week or more with only broad filters (status, environment, type, actor type), many
  // sessions match: walking sessions_significance from the top stops after a few thousand rows,
  // where a filter's or the period's index would read every matching session to sort them. The
  // conditions are then written so that no other index answers them.
  const { lo, hi } = periodBounds(q, now);
  const span = (hi ?? now) - (lo ?? 0);
  const broad =
    !q.user?.length &&
    !q.resource?.length &&
    !q.label?.length &&
    !q.entity?.length &&
    !q.reason?.length &&
    !q.q;
  // The walk: sessions_significance, or (one environment, or one actor type) the same order
  // within it (sessions_environment_significance, sessions_actor_type_significance).
  const within =
    q.environment?.length === 1 ? 'environment' : q.actorType?.length === 1 ? 'actor_type' : null;
  const w =
    broad && span >= WALK_SPAN_MS
      ? conditions.map((c) => (within && c.startsWith(`${within} IN `) ? c : unindexed(c)))
      : conditions;
  const top = await r.all<{ id: string }>(
    `SELECT id FROM ${source} WHERE ${w.join(' AND ')} ORDER BY score DESC, started_at DESC, id DESC LIMIT ${d.param(n)}`,
    d.values,
  );
  if (top.length === 0) return [];
  const e = r.params();
  const rows = await r.all<{ id: string; doc: unknown }>(
    `SELECT id, doc FROM sessions WHERE org = ${e.param(org)} AND id IN (${top.map((t) => e.param(t.id)).join(', ')})`,
    e.values,
  );
  const docs = new Map(rows.map((row) => [row.id, r.session(row.doc)]));
  return top.flatMap((t) => docs.get(t.id) ?? []);
}

/**
 * Actors the scorer names in an unknown_actor reason among the candidates, with no identity at
 * all (no email, nor a person it acts for): a named person on a new endpoint is not one.
 */
function unknownActors(candidates: Session[]): OverviewLinks['unknownActors'] {
  const unknown = new Map<string, string[]>();
  for (const session of candidates) {
    if (!session.significance?.reasons.some((reason) => reason.code === UNKNOWN_ACTOR)) continue;
    if (session.actor.email || session.actor.onBehalfOf) continue;
    const ids = unknown.get(session.actor.id) ?? [];
    ids.push(session.id);
    unknown.set(session.actor.id, ids);
  }
  return [...unknown].slice(0, LINKS).map(([actorId, sessionIds]) => ({ actorId, sessionIds }));
}

/**
 * Sessions still open under the filters, whenever they started: with no filters but environment,
 * type and actor type, from the org's counts per status and those; otherwise the open ones drive the count from sessions_status, and each
 * is tested against the other filters: CROSS JOIN keeps
 * SQLite from walking a filter's index over every session of the org instead.
 */
async function countOpen(
  r: SqlReader,
  org: string,
  q: OverviewQuery,
  now: number,
  open: SessionStatus[],
): Promise<number> {
  if (open.length === 0) return 0;
  const rest = { ...q, period: undefined, from: undefined, to: undefined, status: undefined };
  const p = r.params();
  const counted = { ...rest, environment: undefined, type: undefined, actorType: undefined };
  if (sessionConditions(org, counted, now, r.params()).length === 1) {
    // No filter but environment, type and actor type: the counts kept by the rollup triggers.
    const where = [
      `org = ${p.param(org)}`,
      `status IN (${open.map((s) => p.param(s)).join(', ')})`,
    ];
    const inList = (column: string, values: readonly string[] | undefined) => {
      if (values?.length) where.push(`${column} IN (${values.map((v) => p.param(v)).join(', ')})`);
    };
    inList('environment', q.environment);
    inList('resource_type', q.type);
    inList('actor_type', q.actorType);
    const [row] = await r.all<{ n: number | null }>(
      `SELECT sum(sessions) AS n FROM session_status_counts WHERE ${where.join(' AND ')}`,
      p.values,
    );
    return Number(row?.n ?? 0);
  }
  if (q.user?.length) {
    // The user's sessions (fewer than the open ones) drive the count.
    const { from, where } = sessionsFrom(p, org, { ...rest, status: open }, now);
    const [row] = await r.all<{ n: number }>(
      `SELECT count(*) AS n FROM ${from} WHERE ${where.join(' AND ')}`,
      p.values,
    );
    return Number(row?.n ?? 0);
  }
  const driver = `(SELECT id AS open_id FROM sessions WHERE org = ${p.param(org)} AND status IN (${open.map((s) => p.param(s)).join(', ')})) AS o`;
  const where = sessionConditions(org, rest, now, p);
  const [row] = await r.all<{ n: number }>(
    `SELECT count(*) AS n FROM ${driver} CROSS JOIN sessions WHERE sessions.id = o.open_id AND ${where.join(' AND ')}`,
    p.values,
  );
  return Number(row?.n ?? 0);
}

/** The cross-entity links: each kind's entities seen since the period's start, and a condition. */
const LINK_KINDS: [EntityRef['kind'], string][] = [
  ['credential', 'actors >= 2'],
  ['file', 'sessions >= 2'],
  ['table', 'sessions >= 2'],
  ['host', 'first_at >= $since'],
  ['model', ''],
];

async function overviewLinks(
  r: SqlReader,
  org: string,
  since: number,
): Promise<Omit<OverviewLinks, 'unknownActors'>> {
  // One statement: for each kind, entities_recent (org, kind, last_at DESC), the newest first,
  // stopping after a few; `rn` keeps each part's order.
  const p = r.params();
  const parts = LINK_KINDS.map(
    ([kind, condition], i) =>
      `SELECT * FROM (SELECT ${ENTITY_COLUMNS}, ${i} AS part, row_number() OVER (ORDER BY last_at DESC, key) AS rn FROM entities WHERE org = ${p.param(org)} AND kind = ${p.param(kind)} AND last_at >= ${p.param(since)}${condition ? ` AND ${condition.replace(/\$since/g, () => p.param(since))}` : ''} ORDER BY last_at DESC, key LIMIT ${p.param(LINKS)}) AS links${i}`,
  );
  const rows = await r.all<EntityRow & { part: number; rn: number }>(
    parts.join(' UNION ALL '),
    p.values,
  );
  rows.sort((x, y) => Number(x.part) - Number(y.part) || Number(x.rn) - Number(y.rn));
  const of = (kind: EntityRef['kind']) => rows.filter((row) => row.kind === kind);
  const [credentials, files, tables, hosts, models] = [
    of('credential'),
    of('file'),
    of('table'),
    of('host'),
    of('model'),
  ];
  // The first actors of every shared credential: one statement too.
  const actorsOf = new Map<string, ActorRow[]>();
  if (credentials.length > 0) {
    const a = r.params();
    const actorRows = await r.all<ActorRow & { key: string; rn: number }>(
      credentials
        .map(
          (row, i) =>
            `SELECT * FROM (SELECT key, actor_id, first_at, first_session, sessions, row_number() OVER (ORDER BY first_at, actor_id) AS rn FROM entity_actors WHERE org = ${a.param(org)} AND kind = 'credential' AND key = ${a.param(row.key)} ORDER BY first_at, actor_id LIMIT ${a.param(LINKS)}) AS actors${i}`,
        )
        .join(' UNION ALL '),
      a.values,
    );
    actorRows.sort((x, y) => Number(x.rn) - Number(y.rn));
    for (const row of actorRows) {
      const list = actorsOf.get(row.key) ?? [];
      list.push(row);
      actorsOf.set(row.key, list);
    }
  }
  const sharedCredentials = credentials.map((row) => ({
    credential: summary(row),
    actors: (actorsOf.get(row.key) ?? []).map(entityActor),
  }));
  const touched = [...files, ...tables]
    .sort(
      (x, y) =>
        Number(y.last_at) - Number(x.last_at) || compare(x.kind, y.kind) || compare(x.key, y.key),
    )
    .slice(0, LINKS);
  return {
    sharedCredentials,
    sharedContext: touched.map(summary),
    newHosts: hosts.map(summary),
    models: models.map((row) => {
      const cost = attrsOf(row).costUsd;
      return {
        model: summary(row),
        costUsd: typeof cost === 'number' && cost >= 0 ? cost : null,
      };
    }),
  };
}

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

interface ActorRow {
  actor_id: string;
  first_at: number;
  first_session: string;
  sessions: number;
}

function entityActor(row: ActorRow) {
  return {
    actorId: row.actor_id,
    firstAt: iso(row.first_at),
    firstSessionId: row.first_session,
    sessions: Number(row.sessions),
  };
}

/**
 * How far an entity of a session can be trusted: shared, unknown, new or known (the first that
 * applies). See `trustLevelSchema` in the client.
 */
export function trustOf(
  kind: string,
  key: string,
  counts: { actors: number; firstSession: string },
  session: Session,
): TrustLevel {
  if ((kind === 'credential' || kind === 'endpoint') && counts.actors >= 2) return 'shared';
  if (kind === 'actor' && key === session.actor.id) {
    // As the scorer's unknown_actor: no email, nor anyone it acts for.
    if (!session.actor.email && !session.actor.onBehalfOf) return 'unknown';
  }
  if (kind === 'endpoint' && isBareIp(key)) return 'unknown';
  if (counts.firstSession === session.id) return 'new';
  return 'known';
}

interface EdgeRow extends Partial<EntityRow> {
  kind: string;
  key: string;
  events: number;
  edge_first: number;
  edge_last: number;
  ops: string;
  total: number;
}

const GROUPS = {
  identity: ['actor', 'endpoint', 'credential'],
  context: ['resource', 'table', 'file'],
  outbound: ['host', 'model'],
} as const;

export async function sessionRelationships(
  r: SqlReader,
  org: string,
  sessionId: string,
): Promise<SessionRelationships | null> {
  const s = r.params();
  const p = r.params();
  // The session, and its edges (their primary key range): the most used of each kind, with
  // their entities.
  const [found, edges] = await Promise.all([
    r.all<{ doc: unknown }>(
      `SELECT doc FROM sessions WHERE org = ${s.param(org)} AND id = ${s.param(sessionId)}`,
      s.values,
    ),
    r.all<EdgeRow>(
      `SELECT e.kind, e.key, e.events, e.edge_first, e.edge_last, e.ops, e.total, n.label, n.first_at,
       n.last_at, n.first_session, n.sessions, n.actors
     FROM (SELECT kind, key, events, first_at AS edge_first, last_at AS edge_last, ops,
             row_number() OVER (PARTITION BY kind ORDER BY events DESC, key) AS rn,
             count(*) OVER (PARTITION BY kind) AS total
           FROM session_entities WHERE org = ${p.param(org)} AND session_id = ${p.param(sessionId)}) AS e
     LEFT JOIN entities AS n ON n.org = ${p.param(org)} AND n.kind = e.kind AND n.key = e.key
     WHERE e.rn <= ${p.param(RELATIONSHIP_GROUP_CAP)}`,
      p.values,
    ),
  ]);
  if (!found[0]) return null;
  const session = r.session(found[0].doc);
  const totals = new Map<string, number>();
  const nodes: RelationshipNode[] = [];
  for (const edge of edges) {
    totals.set(edge.kind, Number(edge.total));
    const counts = {
      label: edge.label ?? edge.key,
      first_at: edge.first_at ?? edge.edge_first,
      last_at: edge.last_at ?? edge.edge_last,
      first_session: edge.first_session ?? session.id,
      sessions: edge.sessions ?? 1,
      actors: edge.actors ?? 1,
    };
    const base = summary({ ...counts, kind: edge.kind, key: edge.key, attrs: '{}' });
    nodes.push({
      ...base,
      trust: trustOf(
        edge.kind,
        edge.key,
        { actors: base.actors, firstSession: base.firstSessionId },
        session,
      ),
      events: Number(edge.events),
      ops: ops(edge.ops),
    });
  }
  const group = (kinds: readonly string[]): RelationshipGroup => {
    const members = nodes
      .filter((n) => kinds.includes(n.kind))
      .sort(
        (x, y) =>
          kinds.indexOf(x.kind) - kinds.indexOf(y.kind) ||
          y.events - x.events ||
          compare(x.key, y.key),
      );
    const total = kinds.reduce((sum, kind) => sum + (totals.get(kind) ?? 0), 0);
    const shown = members.slice(0, RELATIONSHIP_GROUP_CAP);
    return { nodes: shown, more: total - shown.length };
  };

  const lanes: SharedLane[] = await Promise.all(
    nodes
      .filter(
        (anchor) =>
          (anchor.kind === 'credential' || anchor.kind === 'endpoint') &&
          (anchor.actors >= 2 || anchor.sessions >= 2),
      )
      .sort((x, y) => compare(x.kind, y.kind) || compare(x.key, y.key))
      .map((anchor) => lane(r, session, anchor)),
  );
  return {
    sessionId: session.id,
    identity: group(GROUPS.identity),
    lanes,
    context: group(GROUPS.context),
    outbound: group(GROUPS.outbound),
  };
}

/** Others on one anchor: its other actors (first seen first) and sessions (newest first). */
async function lane(r: SqlReader, session: Session, anchor: RelationshipNode): Promise<SharedLane> {
  const org = session.org;
  const a = r.params();
  const s = r.params();
  const [actors, sessions] = await Promise.all([
    r.all<
      ActorRow &
        Partial<Omit<EntityRow, 'first_at' | 'sessions'>> & {
          n_first_at: number | null;
          n_last_at: number | null;
          n_first_session: string | null;
          n_sessions: number | null;
        }
    >(
      `SELECT a.actor_id, a.first_at, a.first_session, a.sessions, n.label, n.first_at AS n_first_at,
       n.last_at AS n_last_at, n.first_session AS n_first_session, n.sessions AS n_sessions, n.actors
     FROM entity_actors AS a
     LEFT JOIN entities AS n ON n.org = a.org AND n.kind = 'actor' AND n.key = a.actor_id
     WHERE a.org = ${a.param(org)} AND a.kind = ${a.param(anchor.kind)} AND a.key = ${a.param(anchor.key)}
       AND a.actor_id <> ${a.param(session.actor.id)}
     ORDER BY a.first_at, a.actor_id LIMIT ${a.param(RELATIONSHIP_GROUP_CAP)}`,
      a.values,
    ),
    r.all<{
      session_id: string;
      actor_id: string;
      started_at: number;
      status: SessionStatus;
      score: number;
    }>(
      `SELECT se.session_id, se.actor_id, se.started_at, s.status, s.score
     FROM session_entities AS se
     JOIN sessions AS s ON s.org = se.org AND s.id = se.session_id
     WHERE se.org = ${s.param(org)} AND se.kind = ${s.param(anchor.kind)} AND se.key = ${s.param(anchor.key)}
       AND se.session_id <> ${s.param(session.id)}
     ORDER BY se.started_at DESC, se.session_id DESC LIMIT ${s.param(RELATIONSHIP_GROUP_CAP)}`,
      s.values,
    ),
  ]);
  const actorNodes: RelationshipNode[] = actors.map((row) => {
    const base = summary({
      kind: 'actor',
      key: row.actor_id,
      label: row.label ?? row.actor_id,
      first_at: row.n_first_at ?? row.first_at,
      last_at: row.n_last_at ?? row.first_at,
      first_session: row.n_first_session ?? row.first_session,
      sessions: row.n_sessions ?? row.sessions,
      actors: 1,
      attrs: '{}',
    });
    // Of another session's actor this session knows only whether the index met it here first.
    return {
      ...base,
      trust: base.firstSessionId === session.id ? 'new' : 'known',
      events: 0,
      ops: [],
    };
  });
  const laneSessions: LaneSession[] = sessions.map((row) => ({
    sessionId: row.session_id,
    actorId: row.actor_id,
    startedAt: iso(row.started_at),
    status: row.status,
    score: Number(row.score),
  }));
  return {
    anchor,
    actors: {
      nodes: actorNodes,
      more: Math.max(0, anchor.actors - 1 - actorNodes.length),
    },
    sessions: {
      data: laneSessions,
      more: Math.max(0, anchor.sessions - 1 - laneSessions.length),
    },
  };
}

export async function getEntity(
  r: SqlReader,
  org: string,
  ref: EntityRef,
  query: EntityQuery,
): Promise<EntityDetail | null> {
  const p = r.params();
  const a = r.params();
  // session_entities_entity (org, kind, key, started_at DESC, session_id DESC): a page of it.
  // Parameters are added in the order their placeholders appear (SQLite's are positional).
  const s = r.params();
  let sql = `SELECT se.session_id, se.started_at, se.first_at, se.last_at, se.first_event, se.events, se.ops, s.doc
     FROM session_entities AS se
     JOIN sessions AS s ON s.org = se.org AND s.id = se.session_id
     WHERE se.org = ${s.param(org)} AND se.kind = ${s.param(ref.kind)} AND se.key = ${s.param(ref.key)}`;
  if (query.cursor) {
    const [started, id] = decodeCursor(query.cursor, ['int', 'string']);
    sql += ` AND (se.started_at, se.session_id) < (${s.param(started)}, ${s.param(id)})`;
  }
  sql += ` ORDER BY se.started_at DESC, se.session_id DESC LIMIT ${s.param(query.limit + 1)}`;
  const [[row], actors, page] = await Promise.all([
    r.all<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE org = ${p.param(org)} AND kind = ${p.param(ref.kind)} AND key = ${p.param(ref.key)}`,
      p.values,
    ),
    r.all<ActorRow>(
      `SELECT actor_id, first_at, first_session, sessions FROM entity_actors WHERE org = ${a.param(org)} AND kind = ${a.param(ref.kind)} AND key = ${a.param(ref.key)} ORDER BY first_at, actor_id LIMIT ${a.param(ENTITY_ACTORS_SHOWN)}`,
      a.values,
    ),
    r.all<{
      session_id: string;
      started_at: number;
      first_at: number;
      last_at: number;
      first_event: string;
      events: number;
      ops: string;
      doc: unknown;
    }>(sql, s.values),
  ]);
  if (!row) return null;
  const entity = summary(row);
  const more = page.length > query.limit;
  const shown = more ? page.slice(0, query.limit) : page;
  const last = shown.at(-1);
  return {
    entity,
    actors: {
      data: actors.map(entityActor),
      more: Math.max(0, entity.actors - actors.length),
    },
    sessions: {
      data: shown.map((edge) => ({
        session: r.session(edge.doc),
        firstAt: iso(edge.first_at),
        lastAt: iso(edge.last_at),
        firstEventId: edge.first_event,
        events: Number(edge.events),
        ops: ops(edge.ops),
      })),
      nextCursor: more && last ? encodeCursor([Number(last.started_at), last.session_id]) : null,
    },
  };
}
