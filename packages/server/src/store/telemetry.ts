import {
  MAX_SEQ,
  type TelemetryListQuery,
  type TelemetryPage,
  type TelemetryRecord,
  type TelemetrySummary,
} from '@auditlane/client';
import { DEFAULT_SIGNIFICANCE, type SignificanceConfig } from '../domain/significance';
import type { TelemetryInput } from '../otlp/claude-code';
import { decodeCursor, encodeCursor } from './cursor';
import { type IndexedEvent, type IndexSql, indexBatch } from './entity-index';
import type { LoadedSession, SessionState } from './ingest';
import type { SqlRunner } from './runner';

/** What one telemetry write did. */
export interface TelemetryReport {
  /** Attached to a session now. */
  attached: number;
  /** Kept until their session starts (no session labelled with their Claude session yet). */
  pending: number;
  /** Kept already (an exporter's retry): not counted again. */
  duplicates: number;
  /** Sessions whose telemetry changed. */
  sessions: string[];
}

export interface TelemetrySettings {
  /** ms since the epoch. */
  receivedAt: number;
  /** Significance settings (default: the defaults, on). */
  significance?: SignificanceConfig;
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
  labelledSessions(org: string, claudeSessionIds: string[]): Promise<LabelledSession[]>;
  /** Loads and locks sessions for the transaction (serialised with ingest into them). */
  loadSessions(org: string, ids: string[]): Promise<Map<string, LoadedSession>>;
  saveSessions(states: SessionState[]): Promise<void>;
}

interface Row {
  key: string;
  claude_session: string;
  at: number;
  received_at: number;
  doc: string;
}

/**
 * The session a record of a Claude session belongs to, among the org's sessions labelled with
 * it (the hook opens one per environment): the one active at the record's time, the first started
 * of them when several are; before any started, the first one; after all ended, the one that
 * ended last. null when no session carries the label yet.
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
  return started.reduce((best, s) => ((s.endedAt ?? 0) > (best.endedAt ?? 0) ? s : best)).id;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const CHUNK = 500;
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Stores an export's records: attached to their sessions, or pending until the session starts. */
export async function storeTelemetry(
  tx: TelemetryTx,
  org: string,
  inputs: TelemetryInput[],
  settings: TelemetrySettings,
): Promise<TelemetryReport> {
  const { receivedAt } = settings;
  const report: TelemetryReport = { attached: 0, pending: 0, duplicates: 0, sessions: [] };
  const unique = new Map<string, TelemetryInput>();
  for (const input of inputs) {
    if (unique.has(input.id)) report.duplicates++;
    else unique.set(input.id, input);
  }
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
  const placed = await attach(tx, org, rows, settings);
  report.attached = placed.attached;
  report.pending = rows.length - placed.attached;
  report.sessions = placed.sessions;
  return report;
}

/** Attaches the pending records of these Claude sessions whose session has started since. */
export async function attachPending(
  tx: TelemetryTx,
  org: string,
  claudeSessionIds: string[],
  settings: TelemetrySettings,
): Promise<TelemetryReport> {
  const rows: Row[] = [];
  for (const part of chunks(claudeSessionIds)) {
    rows.push(
      ...(await tx.sql.all<Row>(
        `SELECT key, claude_session, at, received_at, doc FROM session_telemetry
         WHERE org = ? AND session_id IS NULL AND claude_session IN (${placeholders(part.length)})`,
        [org, ...part],
      )),
    );
  }
  const placed = await attach(tx, org, rows, settings);
  return {
    attached: placed.attached,
    pending: rows.length - placed.attached,
    duplicates: 0,
    sessions: placed.sessions,
  };
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

async function attach(
  tx: TelemetryTx,
  org: string,
  rows: Row[],
  settings: TelemetrySettings,
): Promise<{ attached: number; sessions: string[] }> {
  if (rows.length === 0) return { attached: 0, sessions: [] };
  const claude = [...new Set(rows.map((r) => r.claude_session))];
  const candidates = await tx.labelledSessions(org, claude);
  const byClaude = new Map<string, LabelledSession[]>();
  for (const c of candidates) {
    const list = byClaude.get(c.claudeSessionId) ?? [];
    list.push(c);
    byClaude.set(c.claudeSessionId, list);
  }
  const placed = new Map<string, Row[]>();
  // In time order: a session without a model takes the one of its earliest request.
  const ordered = [...rows].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
  for (const r of ordered) {
    const id = chooseSession(byClaude.get(r.claude_session) ?? [], r.at);
    if (!id) continue;
    const list = placed.get(id) ?? [];
    list.push(r);
    placed.set(id, list);
  }
  if (placed.size === 0) return { attached: 0, sessions: [] };
  const loaded = await tx.loadSessions(org, [...placed.keys()].sort());
  const states: SessionState[] = [];
  const modelCalls: { sessionId: string; row: Row; model: string }[] = [];
  let attached = 0;
  for (const [sessionId, list] of placed) {
    const state = loaded.get(sessionId);
    if (!state) continue;
    const session = state.session;
    let changed = false;
    // Only rows still pending are attached (and counted): a concurrent writer may have won.
    const claimed = new Set<string>();
    for (const part of chunks(list.map((r) => r.key))) {
      const rows = await tx.sql.all<{ key: string }>(
        `UPDATE session_telemetry SET session_id = ? WHERE org = ? AND session_id IS NULL
           AND key IN (${placeholders(part.length)}) RETURNING key`,
        [sessionId, org, ...part],
      );
      for (const r of rows) claimed.add(r.key);
    }
    for (const r of list) {
      if (!claimed.has(r.key)) continue;
      attached++;
      const d = JSON.parse(r.doc) as Partial<TelemetryRecord> & { type: string };
      if (d.type !== 'api_request') continue;
      // As an llm_call counts them: every input token, cache reads and writes included.
      session.usage.inputTokens +=
        (d.inputTokens ?? 0) + (d.cacheReadTokens ?? 0) + (d.cacheCreationTokens ?? 0);
      session.usage.outputTokens += d.outputTokens ?? 0;
      session.usage.costUsd = Math.round((session.usage.costUsd + (d.costUsd ?? 0)) * 1e6) / 1e6;
      if (!session.model && d.model) session.model = d.model;
      if (d.model) modelCalls.push({ sessionId, row: r, model: d.model });
      changed = true;
    }
    if (changed) states.push(state);
  }
  if (states.length > 0) await tx.saveSessions(states);
  const sessions = [...placed.keys()].filter((id) => loaded.has(id)).sort();
  const now = settings.receivedAt;
  const significance = settings.significance ?? DEFAULT_SIGNIFICANCE;
  if (significance.enabled && modelCalls.length > 0) {
    // The model entity and the session's edge to it, as the recorder's llm_call events make
    // them (the edge's first event is the telemetry record; it has no seq in the chain).
    const sessionsById = new Map(states.map((s) => [s.session.id, s.session]));
    const indexed: IndexedEvent[] = modelCalls.flatMap(({ sessionId, row, model }) => {
      const session = sessionsById.get(sessionId);
      if (!session) return [];
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
      return [{ event, session }];
    });
    await indexBatch(tx.sql, org, indexed, now, significance.baseline.windowDays);
  }
  // Their cost changed: the scorer recomputes them (the cost baseline reads `usage`).
  for (const id of states.map((s) => s.session.id)) {
    await tx.sql.run(
      // Queued again when it is queued already (the scorer may be computing it from the older
      // usage): a later queued_at makes the scorer's delete of the older entry leave it queued.
      `INSERT INTO score_queue (org, session_id, queued_at) VALUES (?, ?, ?)
       ON CONFLICT (org, session_id) DO UPDATE SET queued_at =
         CASE WHEN excluded.queued_at > score_queue.queued_at THEN excluded.queued_at ELSE score_queue.queued_at + 1 END`,
      [org, id, now],
    );
  }
  return { attached, sessions };
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
