import {
  MAX_SEQ,
  type Session,
  type TelemetryListQuery,
  type TelemetryPage,
  type TelemetryRecord,
  type TelemetrySummary,
} from '@auditlane/client';
import { DEFAULT_SIGNIFICANCE, type SignificanceConfig } from '../domain/significance';
import type { TelemetryInput } from '../otlp/claude-code';
import { decodeCursor, encodeCursor } from './cursor';
import {
  baselineDependents,
  type IndexedEvent,
  type IndexSql,
  indexBatch,
  queueScores,
} from './entity-index';
import type { LoadedSession, SessionState } from './ingest';
import type { SqlRunner } from './runner';

/** What one telemetry write did. */
export interface TelemetryReport {
  /** Attached to a session now (pending before, or new). */
  attached: number;
  /** Kept until their session starts (no session labelled with their Claude session yet). */
  pending: number;
  /** Kept already (an exporter's retry): not counted again. */
  duplicates: number;
  /** Moved from one session to another that now matches them better (see chooseSession). */
  moved: number;
  /** Pending records dropped by the pending limits (the oldest first; see PendingLimits). */
  dropped: number;
  /** Sessions whose telemetry changed. */
  sessions: string[];
}

/**
 * How long, and how many, records wait for a session that has not started: a stream of records
 * of Claude sessions no hook ever records cannot grow the store without end.
 */
export interface PendingLimits {
  /** Pending records received longer ago than this are dropped. Default 24 hours. */
  maxAgeMs: number;
  /**
   * At most this many pending records per org: beyond, the oldest received are dropped. Default
   * 10,000 (each export that leaves records pending walks up to this many index entries).
   */
  maxRecords: number;
}

export const DEFAULT_PENDING_LIMITS: PendingLimits = {
  maxAgeMs: 86_400_000,
  maxRecords: 10_000,
};

export interface TelemetrySettings {
  /** ms since the epoch. */
  receivedAt: number;
  /** Significance settings (default: the defaults, on). */
  significance?: SignificanceConfig;
  /** Limits of the records waiting for their session (default DEFAULT_PENDING_LIMITS). */
  pending?: PendingLimits;
}

/** A session labelled `claude.session=<id>`, with when it ran. */
export interface LabelledSession {
  id: string;
  claudeSessionId: string;
  startedAt: number;
  endedAt: number | null;
}

/** The adapter's part: queries on the transaction's connection, with the sessions locked. */
export interface TelemetryTx {
  sql: IndexSql;
  /**
   * Serialises the telemetry writes of these Claude sessions until the commit (taken first, before
   * any session lock): an export storing records and a placement after a start never miss each
   * other's rows.
   */
  lockClaudeSessions(org: string, claudeSessionIds: string[]): Promise<void>;
  labelledSessions(org: string, claudeSessionIds: string[]): Promise<LabelledSession[]>;
  /** Loads and locks sessions for the transaction (serialised with ingest into them). */
  loadSessions(org: string, ids: string[]): Promise<Map<string, LoadedSession>>;
  saveSessions(states: SessionState[]): Promise<void>;
}

interface Row {
  key: string;
  /** The session it is attached to, null while pending. */
  session_id: string | null;
  claude_session: string;
  at: number;
  received_at: number;
  doc: string;
}

/**
 * The session a record of a Claude session belongs to, among the org's sessions labelled with
 * it (the hook opens one per environment): the one active at the record's time, the first started
 * of them when several are; before any started, the first one; after all ended, the one that
 * ended last. null when no session carries the label yet. A function of the record's time and the
 * sessions' stored start and end only: the stores re-place a Claude session's records whenever
 * one of its sessions starts or ends, so any arrival order ends with the same placement.
 */
export function chooseSession(candidates: LabelledSession[], at: number): string | null {
  if (candidates.length === 0) return null;
  const byStart = [...candidates].sort(
    (a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1),
  );
  const active = byStart.find((s) => s.startedAt <= at && (s.endedAt === null || s.endedAt >= at));
  if (active) return active.id;
  const started = byStart.filter((s) => s.startedAt <= at);
  if (started.length === 0) return byStart[0]!.id;
  return started.reduce((best, s) =>
    (s.endedAt ?? 0) > (best.endedAt ?? 0) ||
    ((s.endedAt ?? 0) === (best.endedAt ?? 0) && s.id < best.id)
      ? s
      : best,
  ).id;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const CHUNK = 500;
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const emptyReport = (): TelemetryReport => ({
  attached: 0,
  pending: 0,
  duplicates: 0,
  moved: 0,
  dropped: 0,
  sessions: [],
});

/** Stores an export's records: attached to their sessions, or pending until the session starts. */
export async function storeTelemetry(
  tx: TelemetryTx,
  org: string,
  inputs: TelemetryInput[],
  settings: TelemetrySettings,
): Promise<TelemetryReport> {
  const { receivedAt } = settings;
  const report = emptyReport();
  const unique = new Map<string, TelemetryInput>();
  for (const input of inputs) {
    if (unique.has(input.id)) report.duplicates++;
    else unique.set(input.id, input);
  }
  await tx.lockClaudeSessions(
    org,
    [...unique.values()].map((i) => i.claudeSessionId),
  );
  const existing = new Set<string>();
  for (const part of chunks([...unique.keys()])) {
    const rows = await tx.sql.all<{ key: string }>(
      `SELECT key FROM session_telemetry WHERE org = ? AND key IN (${placeholders(part.length)})`,
      [org, ...part],
    );
    for (const r of rows) existing.add(r.key);
  }
  // In key order: two exports inserting the same new records lock them in the same order.
  const fresh = [...unique.values()]
    .filter((i) => {
      if (!existing.has(i.id)) return true;
      report.duplicates++;
      return false;
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows: Row[] = fresh.map((i) => ({
    key: i.id,
    session_id: null,
    claude_session: i.claudeSessionId,
    at: i.at,
    received_at: receivedAt,
    doc: JSON.stringify({ type: i.type, ...i.fields }),
  }));
  // One statement per 100 rows (15 parameters each).
  for (let i = 0; i < rows.length; i += 100) {
    const part = rows.slice(i, i + 100);
    await tx.sql.run(
      `INSERT INTO session_telemetry (org, key, session_id, claude_session, kind, at, received_at, model,
         input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, outcome, doc)
       VALUES ${part.map(() => '(?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (org, key) DO NOTHING`,
      part.flatMap((r) => [org, r.key, r.claude_session, ...columns(r)]),
    );
  }
  const placed = await place(tx, org, rows, settings);
  report.attached = placed.attached;
  report.pending = rows.length - placed.attached;
  report.sessions = placed.sessions;
  if (report.pending > 0) report.dropped = await dropPending(tx, org, settings);
  return report;
}

/**
 * Places again every record of these Claude sessions, pending or attached, after one of their
 * sessions started or ended: each goes where chooseSession puts it now (a pending record is
 * attached, an attached one may move to a session that matches it better).
 */
export async function placeTelemetry(
  tx: TelemetryTx,
  org: string,
  claudeSessionIds: string[],
  settings: TelemetrySettings,
): Promise<TelemetryReport> {
  const claude = [...new Set(claudeSessionIds)].sort();
  if (claude.length === 0) return emptyReport();
  await tx.lockClaudeSessions(org, claude);
  // The Claude sessions' sessions locked first: what is read next is stable until the commit.
  const candidates = await tx.labelledSessions(org, claude);
  const ids = [...new Set(candidates.map((c) => c.id))].sort();
  const loaded = await tx.loadSessions(org, ids);
  const rows: Row[] = [];
  const select =
    'SELECT key, session_id, claude_session, at, received_at, doc FROM session_telemetry';
  for (const part of chunks(claude)) {
    rows.push(
      ...(await tx.sql.all<Row>(
        `${select} WHERE org = ? AND session_id IS NULL AND claude_session IN (${placeholders(part.length)})`,
        [org, ...part],
      )),
    );
  }
  for (const part of chunks(ids)) {
    rows.push(
      ...(await tx.sql.all<Row>(
        `${select} WHERE org = ? AND session_id IN (${placeholders(part.length)})`,
        [org, ...part],
      )),
    );
  }
  const wanted = new Set(claude);
  const mine = rows.filter((r) => wanted.has(r.claude_session));
  const pending = mine.filter((r) => r.session_id === null).length;
  const placed = await place(tx, org, mine, settings, loaded);
  return {
    ...emptyReport(),
    attached: placed.attached,
    moved: placed.moved,
    pending: pending - placed.attached,
    sessions: placed.sessions,
  };
}

/**
 * Drops the org's pending records beyond the limits: received longer ago than `maxAgeMs`, and
 * the oldest received beyond `maxRecords`. Each statement is a range of the pending index.
 */
async function dropPending(
  tx: TelemetryTx,
  org: string,
  settings: TelemetrySettings,
): Promise<number> {
  const limits = settings.pending ?? DEFAULT_PENDING_LIMITS;
  const dropped = await tx.sql.all<{ key: string }>(
    `DELETE FROM session_telemetry WHERE org = ? AND session_id IS NULL AND received_at < ? RETURNING key`,
    [org, settings.receivedAt - limits.maxAgeMs],
  );
  let count = dropped.length;
  // The newest record beyond the limit, counting from the newest received: it and every older one go.
  const [edge] = await tx.sql.all<{ received_at: number; key: string }>(
    `SELECT received_at, key FROM session_telemetry WHERE org = ? AND session_id IS NULL
     ORDER BY received_at DESC, key DESC LIMIT 1 OFFSET ?`,
    [org, limits.maxRecords],
  );
  if (edge) {
    const over = await tx.sql.all<{ key: string }>(
      `DELETE FROM session_telemetry WHERE org = ? AND session_id IS NULL
         AND (received_at < ? OR (received_at = ? AND key <= ?)) RETURNING key`,
      [org, Number(edge.received_at), Number(edge.received_at), edge.key],
    );
    count += over.length;
  }
  return count;
}

function columns(r: Row): unknown[] {
  const d = JSON.parse(r.doc) as Partial<TelemetryRecord> & { type: string };
  const outcome =
    d.decision === 'reject' ? 'reject' : d.success === false ? 'fail' : d.success ? 'ok' : null;
  return [
    d.type,
    r.at,
    r.received_at,
    d.model ?? null,
    d.inputTokens ?? null,
    d.outputTokens ?? null,
    d.cacheReadTokens ?? null,
    d.cacheCreationTokens ?? null,
    d.costUsd ?? null,
    outcome,
    r.doc,
  ];
}

const sameCandidates = (a: LabelledSession[], b: LabelledSession[]) => {
  const text = (l: LabelledSession[]) =>
    l
      .map((c) => `${c.claudeSessionId}\u0000${c.id}\u0000${c.startedAt}\u0000${c.endedAt}`)
      .sort()
      .join('\u0001');
  return text(a) === text(b);
};

/** Adds (sign 1) or takes away (sign -1) an `api_request`'s tokens and cost to a session's usage. */
function addUsage(
  session: Session,
  d: Partial<TelemetryRecord> & { type: string },
  sign: 1 | -1,
): boolean {
  if (d.type !== 'api_request') return false;
  // As an llm_call counts them: every input token, cache reads and writes included.
  session.usage.inputTokens +=
    sign * ((d.inputTokens ?? 0) + (d.cacheReadTokens ?? 0) + (d.cacheCreationTokens ?? 0));
  session.usage.outputTokens += sign * (d.outputTokens ?? 0);
  session.usage.costUsd = Math.round((session.usage.costUsd + sign * (d.costUsd ?? 0)) * 1e6) / 1e6;
  return true;
}

/**
 * The model edges of sessions that records moved away from, made again from the records they
 * keep, as if those had been the only ones: an edge only telemetry made (its first seq is
 * MAX_SEQ) takes the times, count and first record of the remaining ones, or goes with its
 * entity actor's and entity's session counts when none remain; an entity (or entity actor) whose
 * first session it was takes the earliest edge left. An edge that recorded events make too
 * keeps the moved records in its counts (they cannot be told apart there).
 */
async function retractModelEdges(
  sql: IndexSql,
  org: string,
  left: Map<string, Set<string>>,
  loaded: Map<string, LoadedSession>,
): Promise<void> {
  // The entities and entity actors change as an index step changes them: under the org's lock.
  if (left.size > 0) await sql.lockIndex(org);
  for (const sessionId of [...left.keys()].sort()) {
    const actor = loaded.get(sessionId)!.session.actor.id;
    for (const model of [...left.get(sessionId)!].sort()) {
      const edgeKey = [org, sessionId, model];
      const [edge] = await sql.all<{ first_seq: number }>(
        `SELECT first_seq FROM session_entities WHERE org = ? AND session_id = ? AND kind = 'model' AND key = ?`,
        edgeKey,
      );
      if (!edge || Number(edge.first_seq) !== MAX_SEQ) continue;
      const [rest] = await sql.all<{ n: number; lo: number; hi: number; first: string }>(
        `SELECT CAST(count(*) AS BIGINT) AS n, min(at) AS lo, max(at) AS hi, min(key) AS first FROM session_telemetry
         WHERE org = ? AND session_id = ? AND kind = 'api_request' AND model = ?`,
        edgeKey,
      );
      if (rest && Number(rest.n) > 0) {
        await sql.run(
          `UPDATE session_entities SET first_at = ?, last_at = ?, events = ?, first_event = ?
           WHERE org = ? AND session_id = ? AND kind = 'model' AND key = ?`,
          [Number(rest.lo), Number(rest.hi), Number(rest.n), rest.first, ...edgeKey],
        );
      } else {
        await sql.run(
          `DELETE FROM session_entities WHERE org = ? AND session_id = ? AND kind = 'model' AND key = ?`,
          edgeKey,
        );
        const pairKey = [org, model, actor];
        const [pair] = await sql.all<{ sessions: number }>(
          `SELECT sessions FROM entity_actors WHERE org = ? AND kind = 'model' AND key = ? AND actor_id = ?`,
          pairKey,
        );
        if (pair && Number(pair.sessions) <= 1) {
          await sql.run(
            `DELETE FROM entity_actors WHERE org = ? AND kind = 'model' AND key = ? AND actor_id = ?`,
            pairKey,
          );
          await sql.run(
            `UPDATE entities SET actors = actors - 1 WHERE org = ? AND kind = 'model' AND key = ?`,
            [org, model],
          );
        } else if (pair) {
          await sql.run(
            `UPDATE entity_actors SET sessions = sessions - 1 WHERE org = ? AND kind = 'model' AND key = ? AND actor_id = ?`,
            pairKey,
          );
        }
        await sql.run(
          `UPDATE entities SET sessions = sessions - 1 WHERE org = ? AND kind = 'model' AND key = ?`,
          [org, model],
        );
        await sql.run(
          `DELETE FROM entities WHERE org = ? AND kind = 'model' AND key = ? AND sessions <= 0`,
          [org, model],
        );
      }
      // Where this session was the first, the earliest edge left is (a walk of the model's
      // edges: only for the session that first used a model).
      const earliest = (actorOnly: boolean) =>
        sql.all<{ session_id: string; first_at: number }>(
          `SELECT session_id, first_at FROM session_entities WHERE org = ? AND kind = 'model' AND key = ?
           ${actorOnly ? 'AND actor_id = ?' : ''} ORDER BY first_at, session_id LIMIT 1`,
          actorOnly ? [org, model, actor] : [org, model],
        );
      const [entity] = await sql.all<{ first_session: string }>(
        `SELECT first_session FROM entities WHERE org = ? AND kind = 'model' AND key = ?`,
        [org, model],
      );
      if (entity?.first_session === sessionId) {
        const [first] = await earliest(false);
        if (first)
          await sql.run(
            `UPDATE entities SET first_at = ?, first_session = ? WHERE org = ? AND kind = 'model' AND key = ?`,
            [Number(first.first_at), first.session_id, org, model],
          );
      }
      const [pairRow] = await sql.all<{ first_session: string }>(
        `SELECT first_session FROM entity_actors WHERE org = ? AND kind = 'model' AND key = ? AND actor_id = ?`,
        [org, model, actor],
      );
      if (pairRow?.first_session === sessionId) {
        const [first] = await earliest(true);
        if (first)
          await sql.run(
            `UPDATE entity_actors SET first_at = ?, first_session = ? WHERE org = ? AND kind = 'model' AND key = ? AND actor_id = ?`,
            [Number(first.first_at), first.session_id, org, model, actor],
          );
      }
    }
  }
}

/**
 * A session's model: its start's, else the model of its earliest attached `api_request` (by
 * time, then id), whatever order the records came in.
 */
async function sessionModel(
  tx: TelemetryTx,
  org: string,
  sessionId: string,
): Promise<string | null> {
  const [start] = await tx.sql.all<{ body: string }>(
    `SELECT body FROM events WHERE org = ? AND session_id = ? AND type = 'lifecycle' ORDER BY seq LIMIT 1`,
    [org, sessionId],
  );
  const started = start
    ? (JSON.parse(start.body) as { session?: { model?: string } }).session?.model
    : undefined;
  if (started) return started;
  const [first] = await tx.sql.all<{ model: string }>(
    `SELECT model FROM session_telemetry WHERE org = ? AND session_id = ? AND kind = 'api_request'
       AND model IS NOT NULL ORDER BY at, key LIMIT 1`,
    [org, sessionId],
  );
  return first?.model ?? null;
}

/**
 * Puts each row where chooseSession says, given the sessions stored now: attaches pending ones,
 * moves attached ones whose session changed (their usage with them), and queues for rescoring
 * the sessions whose usage changed and the sessions whose baselines read them.
 */
async function place(
  tx: TelemetryTx,
  org: string,
  rows: Row[],
  settings: TelemetrySettings,
  locked: Map<string, LoadedSession> = new Map(),
): Promise<{ attached: number; moved: number; sessions: string[] }> {
  if (rows.length === 0) return { attached: 0, moved: 0, sessions: [] };
  const claude = [...new Set(rows.map((r) => r.claude_session))].sort();
  const loaded = new Map(locked);
  const ordered = [...rows].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
  let candidates = await tx.labelledSessions(org, claude);
  // Every candidate locked at once, in id order (as ingest locks a batch's sessions): a later
  // round only adds a session that started meanwhile.
  const first = [...new Set(candidates.map((c) => c.id))].filter((id) => !loaded.has(id)).sort();
  if (first.length > 0)
    for (const [id, state] of await tx.loadSessions(org, first)) loaded.set(id, state);
  let moves = new Map<string, { from: string | null; to: string; rows: Row[] }>();
  // Targets, then their sessions locked, then the candidates read again under the locks (a
  // session of the Claude session may have started meanwhile): again until they are the same.
  for (let round = 0; round < 4; round++) {
    const byClaude = new Map<string, LabelledSession[]>();
    for (const c of candidates) {
      const list = byClaude.get(c.claudeSessionId) ?? [];
      list.push(c);
      byClaude.set(c.claudeSessionId, list);
    }
    moves = new Map();
    for (const r of ordered) {
      const to = chooseSession(byClaude.get(r.claude_session) ?? [], r.at);
      if (!to || to === r.session_id) continue;
      const k = `${r.session_id ?? ''}\u0000${to}`;
      const move = moves.get(k) ?? { from: r.session_id, to, rows: [] };
      move.rows.push(r);
      moves.set(k, move);
    }
    const need = [
      ...new Set([...moves.values()].flatMap((m) => (m.from ? [m.from, m.to] : [m.to]))),
    ]
      .filter((id) => !loaded.has(id))
      .sort();
    if (need.length > 0)
      for (const [id, state] of await tx.loadSessions(org, need)) loaded.set(id, state);
    const again = await tx.labelledSessions(org, claude);
    if (sameCandidates(again, candidates)) break;
    candidates = again;
  }
  if (moves.size === 0) return { attached: 0, moved: 0, sessions: [] };
  const changed = new Map<string, SessionState>();
  const modelCalls: { sessionId: string; row: Row; model: string }[] = [];
  /** Sessions that records with a model left, and those models. */
  const left = new Map<string, Set<string>>();
  let attached = 0;
  let moved = 0;
  for (const move of [...moves.values()].sort((a, b) => (a.to < b.to ? -1 : 1))) {
    const target = loaded.get(move.to);
    const source = move.from ? loaded.get(move.from) : undefined;
    if (!target) continue;
    // Only rows still where they were read are taken (and counted): a concurrent writer may have won.
    const claimed = new Set<string>();
    for (const part of chunks(move.rows.map((r) => r.key))) {
      const where = move.from === null ? 'session_id IS NULL' : 'session_id = ?';
      const rows = await tx.sql.all<{ key: string }>(
        `UPDATE session_telemetry SET session_id = ? WHERE org = ? AND ${where}
           AND key IN (${placeholders(part.length)}) RETURNING key`,
        [move.to, org, ...(move.from === null ? [] : [move.from]), ...part],
      );
      for (const r of rows) claimed.add(r.key);
    }
    for (const r of move.rows) {
      if (!claimed.has(r.key)) continue;
      if (move.from === null) attached++;
      else moved++;
      r.session_id = move.to;
      const d = JSON.parse(r.doc) as Partial<TelemetryRecord> & { type: string };
      if (source && addUsage(source.session, d, -1)) {
        changed.set(source.session.id, source);
        if (d.model)
          left.set(source.session.id, (left.get(source.session.id) ?? new Set()).add(d.model));
      }
      if (!addUsage(target.session, d, 1)) continue;
      if (d.model) modelCalls.push({ sessionId: move.to, row: r, model: d.model });
      changed.set(target.session.id, target);
    }
  }
  const states = [...changed.values()].sort((a, b) => (a.session.id < b.session.id ? -1 : 1));
  for (const state of states) state.session.model = await sessionModel(tx, org, state.session.id);
  if (states.length > 0) await tx.saveSessions(states);
  const sessions = [
    ...new Set([...moves.values()].flatMap((m) => (m.from ? [m.from, m.to] : [m.to]))),
  ]
    .filter((id) => loaded.has(id))
    .sort();
  const now = settings.receivedAt;
  const significance = settings.significance ?? DEFAULT_SIGNIFICANCE;
  if (significance.enabled && modelCalls.length > 0) {
    // The model entity and the session's edge to it, as the recorder's llm_call events make
    // them (the edge's first event is the telemetry record; it has no seq in the chain).
    const indexed: IndexedEvent[] = modelCalls.map(({ sessionId, row, model }) => {
      const session = loaded.get(sessionId)!.session;
      const event = {
        id: row.key,
        sessionId,
        // After every recorded event: the recorder's own llm_call, when there is one, stays the
        // edge's first event.
        seq: MAX_SEQ,
        time: new Date(row.at).toISOString(),
        type: 'llm_call' as const,
        model,
        inputTokens: 0,
        outputTokens: 0,
      };
      return { event, session };
    });
    await indexBatch(tx.sql, org, indexed, now, significance.baseline.windowDays);
  }
  if (!significance.enabled) return { attached, moved, sessions };
  await retractModelEdges(tx.sql, org, left, loaded);
  // Their cost changed: the scorer recomputes them, and the sessions whose cost baseline reads
  // them (the actor's and the credential's later sessions in the window) — read under the
  // index lock, as ingest reads and writes baselines (the sessions are locked already).
  if (states.length > 0) await tx.sql.lockIndex(org);
  const queue = new Set(states.map((s) => s.session.id));
  await baselineDependents(
    tx.sql,
    org,
    states.map((s) => s.session),
    significance.baseline.windowDays,
    queue,
  );
  await queueScores(tx.sql, org, queue, now);
  return { attached, moved, sessions };
}

interface StoredRow {
  key: string;
  session_id: string;
  claude_session: string;
  at: number;
  received_at: number;
  doc: string;
}

/** A page of a session's telemetry, in time order, with totals over all of it. */
export async function listTelemetry(
  sql: SqlRunner,
  org: string,
  sessionId: string,
  query: TelemetryListQuery,
): Promise<Omit<TelemetryPage, 'data'> & { data: TelemetryRecord[] }> {
  const params: unknown[] = [org, sessionId];
  let where = 'org = ? AND session_id = ?';
  if (query.cursor) {
    const [at, key] = decodeCursor(query.cursor, ['int', 'string']) as [number, string];
    where += ' AND (at > ? OR (at = ? AND key > ?))';
    params.push(at, at, key);
  }
  const rows = await sql.all<StoredRow>(
    `SELECT key, session_id, claude_session, at, received_at, doc FROM session_telemetry
     WHERE ${where} ORDER BY at, key LIMIT ?`,
    [...params, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const data = page.map(
    (r): TelemetryRecord => ({
      id: r.key,
      sessionId: r.session_id,
      claudeSessionId: r.claude_session,
      time: new Date(Number(r.at)).toISOString(),
      receivedAt: new Date(Number(r.received_at)).toISOString(),
      ...(JSON.parse(r.doc) as Omit<
        TelemetryRecord,
        'id' | 'sessionId' | 'claudeSessionId' | 'time' | 'receivedAt'
      >),
    }),
  );
  const last = page.at(-1);
  return {
    data,
    summary: await summarize(sql, org, sessionId),
    nextCursor: more && last ? encodeCursor([Number(last.at), last.key]) : null,
  };
}

async function summarize(
  sql: SqlRunner,
  org: string,
  sessionId: string,
): Promise<TelemetrySummary> {
  const kind = (k: string) =>
    `CAST(coalesce(sum(CASE WHEN kind = '${k}' THEN 1 ELSE 0 END), 0) AS BIGINT)`;
  const total = (c: string) => `CAST(coalesce(sum(${c}), 0) AS BIGINT)`;
  const [row] = await sql.all<Record<string, number | string>>(
    `SELECT CAST(count(*) AS BIGINT) AS records, ${kind('api_request')} AS api_requests,
       ${kind('api_error')} AS api_errors, ${kind('tool_decision')} AS tool_decisions,
       CAST(coalesce(sum(CASE WHEN kind = 'tool_decision' AND outcome = 'reject' THEN 1 ELSE 0 END), 0) AS BIGINT) AS tool_rejections,
       ${kind('tool_result')} AS tool_results,
       CAST(coalesce(sum(CASE WHEN kind = 'tool_result' AND outcome = 'fail' THEN 1 ELSE 0 END), 0) AS BIGINT) AS tool_failures,
       ${kind('user_prompt')} AS prompts, ${total('input_tokens')} AS input_tokens,
       ${total('output_tokens')} AS output_tokens, ${total('cache_read_tokens')} AS cache_read_tokens,
       ${total('cache_creation_tokens')} AS cache_creation_tokens,
       CAST(coalesce(sum(cost_usd), 0) AS DOUBLE PRECISION) AS cost_usd
     FROM session_telemetry WHERE org = ? AND session_id = ?`,
    [org, sessionId],
  );
  const models = await sql.all<{ model: string }>(
    'SELECT DISTINCT model FROM session_telemetry WHERE org = ? AND session_id = ? AND model IS NOT NULL ORDER BY model',
    [org, sessionId],
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  return {
    records: n('records'),
    apiRequests: n('api_requests'),
    apiErrors: n('api_errors'),
    toolDecisions: n('tool_decisions'),
    toolRejections: n('tool_rejections'),
    toolResults: n('tool_results'),
    toolFailures: n('tool_failures'),
    prompts: n('prompts'),
    inputTokens: n('input_tokens'),
    outputTokens: n('output_tokens'),
    cacheReadTokens: n('cache_read_tokens'),
    cacheCreationTokens: n('cache_creation_tokens'),
    costUsd: Math.round(n('cost_usd') * 1e6) / 1e6,
    models: models.map((m) => m.model),
  };
}

/** Both stores create it the same way (appended migration). */
export const TELEMETRY_TABLE = (bigint: string) => `
  -- Claude Code's own telemetry received over OTLP, kept apart from the recorder's hash chain
  -- (whose seqs are the recorder's). key: derived from the record (an exporter's retry is kept
  -- once). session_id is NULL while no session carries the record's Claude session id yet.
  CREATE TABLE IF NOT EXISTS session_telemetry (
    org TEXT NOT NULL,
    key TEXT NOT NULL,
    session_id TEXT,
    claude_session TEXT NOT NULL,
    kind TEXT NOT NULL,
    at ${bigint} NOT NULL,
    received_at ${bigint} NOT NULL,
    model TEXT,
    input_tokens ${bigint},
    output_tokens ${bigint},
    cache_read_tokens ${bigint},
    cache_creation_tokens ${bigint},
    cost_usd DOUBLE PRECISION,
    outcome TEXT,
    doc TEXT NOT NULL,
    PRIMARY KEY (org, key)
  );
  CREATE INDEX IF NOT EXISTS session_telemetry_session ON session_telemetry (org, session_id, at, key);
  CREATE INDEX IF NOT EXISTS session_telemetry_pending ON session_telemetry (org, claude_session) WHERE session_id IS NULL;
`;

/** The pending records of an org by when they were received: the pending limits' ranges (appended migration). */
export const TELEMETRY_PENDING_AGE_INDEX = `
  CREATE INDEX IF NOT EXISTS session_telemetry_pending_age ON session_telemetry (org, received_at, key) WHERE session_id IS NULL;
`;
