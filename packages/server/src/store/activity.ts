/**
 * A session's activity: each action (command, query, tool call, ...) joined with the policy and
 * masking events about it, kept as one row per entry as events are ingested, so that a page of
 * a session of any size, filtered by type, verdict or text and grouped by statement shape, is an
 * index walk of the page rather than a read of the session.
 *
 * The join is the client's joinVerdicts, kept incrementally: an action's entry holds every
 * verdict and masking whose `subjectId` is its id, in either order of arrival; a verdict whose
 * action was never recorded (blocked before it ran) is an entry of its own (`policy`), keyed by
 * the id it is about (its own without one), and becomes the action's entry if the action arrives
 * later. The session's `lifecycle` start is not an entry. A tool call's result joins its call's
 * entry as the client's pairToolResults pairs them (under one callId, each result with the
 * nearest earlier attempt by seq); a batch with events of a callId folds again, from their
 * events, that callId's stored entries it may pair differently (withStoredCalls), so that the
 * pairs never depend on the order of arrival.
 *
 * Grouping: each entry has a statement shape (statementShape in the client) and a `run`, the seq
 * of the first entry of the run of consecutive entries (by seq) that share its shape. Ingest in
 * seq order extends the last run (one read); an entry arriving below entries already stored
 * recomputes the runs from the run before it (a read of the entries after it).
 */
import {
  ACTION_TYPES,
  type ActivityEntry,
  type ActivityMark,
  type ActivityPage,
  type ActivityQuery,
  type Event,
  isToolResult,
  MATTERING_MARKS,
  MAX_SEQ,
  OPEN_STATUSES,
  type PolicyEvent,
  pairToolResults,
  type Session,
  type StoredEvent,
  statementShape,
} from '@auditlane/client';
import { CursorError, decodeCursor, encodeCursor } from './cursor';
import type { ColumnType, IndexSql } from './entity-index';
import { type SqlDialect, TRIGRAM_MIN } from './filters';
import type { SqlReader } from './reads';
import { type ChainRow, storedEventJson } from './verify';

/** The activity tables (the same on both stores but for the type of times in ms). */
export const ACTIVITY_TABLES = (bigint: string) => `
  -- One row per activity entry of a session (see store/activity.ts).
  CREATE TABLE activity (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    time_ms ${bigint} NOT NULL,
    verdict TEXT,
    verdict_seq INTEGER,
    flags INTEGER NOT NULL,
    matters INTEGER NOT NULL,
    masked ${bigint} NOT NULL,
    shape TEXT,
    label TEXT,
    run INTEGER NOT NULL,
    text TEXT NOT NULL,
    related TEXT NOT NULL,
    PRIMARY KEY (org, session_id, seq)
  );
  CREATE UNIQUE INDEX activity_id ON activity (org, session_id, id);
  CREATE INDEX activity_run ON activity (org, session_id, run, seq);
  CREATE INDEX activity_type ON activity (org, session_id, type, seq);
  CREATE INDEX activity_matters ON activity (org, session_id, matters, seq);
  CREATE INDEX activity_time ON activity (org, session_id, time_ms, seq);
  -- Sessions whose activity is kept (every session started since; earlier ones are built from
  -- their events the first time their activity is read).
  CREATE TABLE activity_sessions (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    entries INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org, session_id)
  );
  -- Maskings whose action has not arrived yet: joined to it when it does.
  CREATE TABLE activity_orphans (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    masked ${bigint} NOT NULL,
    PRIMARY KEY (org, session_id, subject_id, seq)
  );
  `;

/**
 * The text filter's index on SQLite: FTS5's trigram tokenizer over each entry's text, keyed by
 * the activity row's rowid and kept by triggers; built from the entries stored. Contentless: the
 * text stays in `activity` only. A query's candidates are rechecked with LIKE.
 */
export const SQLITE_ACTIVITY_TEXT_INDEX = `
  CREATE VIRTUAL TABLE activity_text USING fts5 (text, content = '', contentless_delete = 1, tokenize = 'trigram');
  INSERT INTO activity_text (rowid, text) SELECT rowid, text FROM activity;
  CREATE TRIGGER activity_text_insert AFTER INSERT ON activity BEGIN
    INSERT INTO activity_text (rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER activity_text_delete AFTER DELETE ON activity BEGIN
    DELETE FROM activity_text WHERE rowid = old.rowid;
  END;
  CREATE TRIGGER activity_text_update AFTER UPDATE OF text ON activity WHEN new.text IS NOT old.text BEGIN
    DELETE FROM activity_text WHERE rowid = old.rowid;
    INSERT INTO activity_text (rowid, text) VALUES (new.rowid, new.text);
  END;
  `;

/**
 * The text filter's index on PostgreSQL: pg_trgm's GIN index over each entry's text. pg_trgm is
 * in PostgreSQL's contrib (Debian's and the official images ship it) and trusted (a role with
 * CREATE on the database creates it); where it is missing or the role may not create it, the
 * migration leaves the index out and the filter reads the session's entries, with the same rows.
 */
export const POSTGRES_ACTIVITY_TEXT_INDEX = `
  DO $$
  DECLARE
    trgm_schema TEXT;
  BEGIN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'pg_trgm is not available (%): the activity text filter reads each session''s entries', SQLERRM;
    END;
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
      EXECUTE format('CREATE INDEX activity_text_trgm ON activity USING gin (text %I.gin_trgm_ops)', trgm_schema);
    END IF;
  END
  $$;
  `;

/**
 * A tool call's result joined to its call's entry (the hook's PreToolUse and PostToolUse share a
 * callId); the sessions with tool calls are built again from their events on their next read.
 */
export const REBUILD_TOOL_CALL_SESSIONS = `
  DELETE FROM activity_sessions WHERE EXISTS (
    SELECT 1 FROM activity AS a WHERE a.org = activity_sessions.org
      AND a.session_id = activity_sessions.session_id AND a.type = 'tool_call'
  );
  `;
export const ACTIVITY_RESULTS = `
  ALTER TABLE activity ADD COLUMN call_id TEXT;
  ALTER TABLE activity ADD COLUMN result_seq INTEGER;
  ALTER TABLE activity ADD COLUMN result_id TEXT;
  CREATE INDEX activity_call ON activity (org, session_id, call_id) WHERE call_id IS NOT NULL;
  CREATE INDEX activity_result ON activity (org, session_id, result_id) WHERE result_id IS NOT NULL;
  ${REBUILD_TOOL_CALL_SESSIONS}`;

/**
 * Tool calls pair by pairToolResults (a result with the nearest earlier attempt), and each entry
 * keeps its raw failure beside its `failed` mark (FAILED_RAW): where the mark is set the failure
 * is known; the sessions with tool calls, or with a blocked or rejected entry (whose mark hid it),
 * are built again from their events on their next read.
 */
export const ACTIVITY_PAIRS_AND_FAILURES = `
  UPDATE activity SET flags = flags | 128 WHERE (flags & 16) <> 0;
  DELETE FROM activity_sessions WHERE EXISTS (
    SELECT 1 FROM activity AS a WHERE a.org = activity_sessions.org
      AND a.session_id = activity_sessions.session_id
      AND (a.type = 'tool_call' OR a.verdict IN ('blocked', 'rejected'))
  );
  `;

/**
 * A failure an earlier blocked or rejected verdict hid, on an entry approved later (the verdict on
 * record is then neither): its session is built again from its events on its next read too, so
 * its raw failure is known (ACTIVITY_PAIRS_AND_FAILURES rebuilt only sessions still blocked or
 * rejected).
 */
export const REBUILD_VERDICT_SESSIONS = `
  DELETE FROM activity_sessions WHERE EXISTS (
    SELECT 1 FROM activity AS a WHERE a.org = activity_sessions.org
      AND a.session_id = activity_sessions.session_id AND a.verdict IS NOT NULL
  );
  `;

/** Each run's member count, end and marks (see keepRuns), filled from the entries stored. */
export const ACTIVITY_RUNS = (bigint: string) => `
  CREATE TABLE activity_runs (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    run INTEGER NOT NULL,
    n INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    last_time ${bigint} NOT NULL,
    blocked INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    masked INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    PRIMARY KEY (org, session_id, run)
  );
  INSERT INTO activity_runs (org, session_id, run, n, last_seq, last_time, blocked, pending, rejected, masked, failed)
    SELECT org, session_id, run, count(*), max(seq), max(time_ms),
      sum(CASE WHEN (flags & 1) <> 0 THEN 1 ELSE 0 END), sum(CASE WHEN (flags & 2) <> 0 THEN 1 ELSE 0 END),
      sum(CASE WHEN (flags & 4) <> 0 THEN 1 ELSE 0 END), sum(CASE WHEN (flags & 8) <> 0 THEN 1 ELSE 0 END),
      sum(CASE WHEN (flags & 16) <> 0 THEN 1 ELSE 0 END)
    FROM activity GROUP BY org, session_id, run;
  `;

/** The activity's entries are the client's actions (joinVerdicts), the session's start aside. */
const ENTRY_TYPES = new Set<string>(ACTION_TYPES);

/** One bit per mark; `matters` is set when any of the first five is. */
export const MARK_BITS: Record<ActivityMark, number> = {
  blocked: 1,
  pending: 2,
  rejected: 4,
  masked: 8,
  failed: 16,
  approved: 32,
  passed: 64,
};
const MATTERS_BITS = 31;
/**
 * The action failed (its exit code, error or status), whatever its verdict: kept apart from the
 * `failed` mark, which a blocked or rejected verdict hides (the action never ran) and a later
 * verdict may show again.
 */
const FAILED_RAW = 128;
/** A tool call's attempt (neither output nor error: the hook's PreToolUse), paired or not. */
const ATTEMPT = 256;

/** Characters of an entry's text the text filter reads. */
const TEXT_CHARS = 1000;

/**
 * Recorded content may hold U+0000, which PostgreSQL's text cannot: the activity's copies (its
 * text and shape, never the stored event) show it as U+FFFD.
 */
const storable = (text: string) => text.replaceAll('\0', '\uFFFD');

/** A sum of masking counts, kept within what both stores' integers and JSON hold exactly. */
const addCount = (a: number, b: number) => Math.min(a + b, Number.MAX_SAFE_INTEGER);

interface ActivityRow {
  seq: number;
  id: string;
  type: string;
  time_ms: number;
  verdict: string | null;
  verdict_seq: number | null;
  masked: number;
  failed: boolean;
  /** A tool call's attempt (isToolResult false): what a later result may pair with. */
  attempt: boolean;
  shape: string | null;
  label: string | null;
  run: number;
  text: string;
  related: number[];
  /** A tool call's callId: its result (paired by pairToolResults) joins its entry. */
  call_id: string | null;
  /** The result joined to the call: its seq and id. */
  result_seq: number | null;
  result_id: string | null;
}

interface StoredRow {
  seq: number;
  id: string;
  type: string;
  time_ms: number | string;
  verdict: string | null;
  verdict_seq: number | null;
  flags: number;
  masked: number;
  shape: string | null;
  label: string | null;
  run: number;
  text: string;
  related: string;
  call_id: string | null;
  result_seq: number | null;
  result_id: string | null;
}

const ROW_COLUMNS =
  'seq, id, type, time_ms, verdict, verdict_seq, flags, masked, shape, label, run, text, related, call_id, result_seq, result_id';

function fromStored(r: StoredRow): ActivityRow {
  return {
    seq: Number(r.seq),
    id: r.id,
    type: r.type,
    time_ms: Number(r.time_ms),
    verdict: r.verdict,
    verdict_seq: r.verdict_seq === null ? null : Number(r.verdict_seq),
    masked: Number(r.masked),
    failed: (Number(r.flags) & FAILED_RAW) !== 0,
    attempt: (Number(r.flags) & ATTEMPT) !== 0,
    shape: r.shape,
    label: r.label,
    run: Number(r.run),
    text: r.text,
    related: r.related === '' ? [] : r.related.split(',').map(Number),
    call_id: r.call_id,
    result_seq: r.result_seq === null ? null : Number(r.result_seq),
    result_id: r.result_id,
  };
}

function flagsOf(row: ActivityRow): number {
  let flags = 0;
  if (row.verdict && row.verdict in MARK_BITS) flags |= MARK_BITS[row.verdict as ActivityMark];
  if (row.masked > 0) flags |= MARK_BITS.masked;
  if (failedRan(row)) flags |= MARK_BITS.failed;
  if (row.failed) flags |= FAILED_RAW;
  if (row.attempt) flags |= ATTEMPT;
  return flags;
}

/** An action that ran and failed: a blocked or rejected one carries an error but never ran. */
const failedRan = (row: ActivityRow) =>
  row.failed && row.verdict !== 'blocked' && row.verdict !== 'rejected';

function failedOf(event: Event): boolean {
  switch (event.type) {
    case 'command':
      return event.exitCode !== undefined && event.exitCode !== null && event.exitCode !== 0;
    case 'query':
    case 'tool_call':
    case 'llm_call':
      return event.error !== undefined;
    case 'outbound':
      return event.status !== undefined && event.status >= 400;
    default:
      return false;
  }
}

function textOf(event: Event): string {
  let text: string;
  switch (event.type) {
    case 'command':
      text = event.text;
      break;
    case 'query':
      text = event.sql;
      break;
    case 'tool_call':
      text = `${event.tool} ${event.input === undefined ? '' : JSON.stringify(event.input)}`;
      break;
    case 'llm_call':
      text = `${event.provider ?? ''} ${event.model}`;
      break;
    case 'file':
      text = `${event.operation} ${event.path}`;
      break;
    case 'outbound':
      text = `${event.method ?? ''} ${event.url ?? `${event.protocol}://${event.host}`}`;
      break;
    case 'lifecycle':
      text = `${event.action} ${event.reason ?? ''} ${event.by ?? ''}`;
      break;
    case 'policy':
      text = `${event.verdict} ${event.rule ?? ''} ${event.reason ?? ''}`;
      break;
    default:
      text = '';
  }
  return storable(text.slice(0, TEXT_CHARS).toLowerCase());
}

function entryRow(event: Event): ActivityRow {
  const shape =
    event.type === 'lifecycle' || event.type === 'policy' ? null : statementShape(event);
  const label = shape === null ? null : storable(shape);
  return {
    seq: event.seq,
    id: event.id,
    type: event.type,
    time_ms: Date.parse(event.time),
    verdict: null,
    verdict_seq: null,
    masked: 0,
    failed: failedOf(event),
    attempt: event.type === 'tool_call' && !isToolResult(event),
    // Shapes compare by type and case-folded text; the label keeps the first entry's case.
    shape: label === null ? null : `${event.type}:${label.toLowerCase()}`,
    label,
    run: event.seq,
    text: textOf(event),
    related: [],
    call_id: callIdOf(event),
    result_seq: null,
    result_id: null,
  };
}

/** The callId of a tool call (the hook records its call and its result under one). */
const callIdOf = (event: Event): string | null =>
  event.type === 'tool_call' && event.callId !== undefined && event.callId !== ''
    ? event.callId
    : null;

/**
 * The ingest step: folds one batch's stored events (each session's in seq order) into the
 * activity of their sessions, and marks the sessions it starts as kept. Runs inside the batch's
 * transaction, after its events are written.
 */
export async function indexActivity(
  sql: IndexSql,
  org: string,
  events: Event[],
  started: readonly string[] = [],
): Promise<void> {
  for (let i = 0; i < started.length; i += 500) {
    const ids = started.slice(i, i + 500);
    await sql.run(
      `INSERT INTO activity_sessions (org, session_id) VALUES ${ids.map(() => '(?, ?)').join(', ')} ON CONFLICT (org, session_id) DO NOTHING`,
      ids.flatMap((id) => [org, id]),
    );
  }
  const bySession = new Map<string, Event[]>();
  for (const event of events) {
    if (event.type === 'terminal') continue;
    if (event.type === 'lifecycle' && event.action === 'start') continue;
    if (event.type === 'masking' && !event.subjectId) continue;
    const list = bySession.get(event.sessionId);
    if (list) list.push(event);
    else bySession.set(event.sessionId, [event]);
  }
  if (bySession.size === 0) return;
  // Each session's stored state is read, and its writes made, in statements for the whole
  // batch: a batch of many short sessions costs a few statements, not a few per session.
  // A tool call's halves pair by pairToolResults over every event of their callId: the stored
  // entries of a callId a session's events bring are folded again, from their events.
  const folded = new Map<string, { events: Event[]; deleted: number[] }>();
  for (const [sessionId, batch] of bySession) {
    const deleted: number[] = [];
    const events = await withStoredCalls(sql, org, sessionId, batch, deleted);
    folded.set(sessionId, { events, deleted });
  }
  const found = await readStored(sql, org, folded);
  const writes: Writes = {
    deleted: [],
    rows: [],
    orphans: [],
    runs: [],
    recount: [],
    grown: [],
    adopted: [],
  };
  for (const [sessionId, { events, deleted }] of folded)
    await indexSession(sql, org, sessionId, events, deleted, found.get(sessionId)!, writes);
  await write(sql, org, writes);
}

const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** What a batch reads of a session's stored activity before folding its events in. */
interface Found {
  /** Stored entries by id, and by the id of the result joined to them. */
  stored: Map<string, ActivityRow>;
  storedByResult: Map<string, ActivityRow>;
  /** Masking notes stored before their subject, by subject id. */
  orphans: Map<string, { seq: number; masked: number }[]>;
  /** The session's last stored entry. */
  last: { seq: number; run: number; shape: string | null } | undefined;
}

/** Keys per statement of the batch's reads. */
const READ_KEYS = 500;

const pair = (sessionId: string, key: string) => `${sessionId}\u0000${key}`;

/**
 * Reads, in a few statements for the whole batch, each session's stored entries the batch
 * touches (by id, and by the id of the result joined to them), the masking notes waiting
 * for its entries and its last entry. Keys of one session and of another are told apart here:
 * a statement reads the sessions' rows with any of the keys.
 */
async function readStored(
  sql: IndexSql,
  org: string,
  bySession: Map<string, { events: Event[]; deleted: number[] }>,
): Promise<Map<string, Found>> {
  const out = new Map<string, Found>();
  const lookup: [string, string][] = [];
  const entryIds: [string, string][] = [];
  // Entries folded again from their events (withStoredCalls) are not read as stored.
  const gone = new Set<string>();
  for (const [sessionId, { events, deleted }] of bySession) {
    out.set(sessionId, {
      stored: new Map(),
      storedByResult: new Map(),
      orphans: new Map(),
      last: undefined,
    });
    for (const seq of deleted) gone.add(pair(sessionId, String(seq)));
    const keys = new Set<string>();
    for (const e of events) {
      if (ENTRY_TYPES.has(e.type)) {
        keys.add(e.id);
        entryIds.push([sessionId, e.id]);
      }
    }
    for (const e of events)
      if (e.type === 'policy' || e.type === 'masking')
        keys.add((e as PolicyEvent).subjectId ?? e.id);
    for (const k of keys) lookup.push([sessionId, k]);
  }
  /** Rows of `table` whose (session_id, `column`) is one of `keys`, in statements of READ_KEYS. */
  async function byKeys<T extends { session_id: string }>(
    columns: string,
    table: string,
    column: string,
    keys: [string, string][],
    each: (r: T) => void,
  ) {
    for (let i = 0; i < keys.length; i += READ_KEYS) {
      const part = keys.slice(i, i + READ_KEYS);
      const wanted = new Set(part.map(([s, k]) => pair(s, k)));
      const sessions = [...new Set(part.map(([s]) => s))];
      const values = [...new Set(part.map(([, k]) => k))];
      // Ordered by expressions, not the columns: ordering by (session_id, seq) itself would let the
      // planner walk the (org, session_id, seq) index, every entry of a large session, instead of
      // looking the keys up by their own index.
      const rows = await sql.all<T & Record<string, unknown>>(
        `SELECT session_id, ${columns} FROM ${table} WHERE org = ? AND session_id IN (${list(sessions.length)}) AND ${column} IN (${list(values.length)}) ORDER BY session_id || '', seq + 0`,
        [org, ...sessions, ...values],
      );
      for (const r of rows) if (wanted.has(pair(r.session_id, String(r[column])))) each(r);
    }
  }
  const keep = (r: StoredRow & { session_id: string }) => {
    if (gone.has(pair(r.session_id, String(Number(r.seq))))) return;
    const f = out.get(r.session_id)!;
    const row = f.stored.get(r.id) ?? fromStored(r);
    f.stored.set(row.id, row);
    if (row.result_id !== null) f.storedByResult.set(row.result_id, row);
  };
  await byKeys(ROW_COLUMNS, 'activity', 'id', lookup, keep);
  await byKeys(ROW_COLUMNS, 'activity', 'result_id', lookup, keep);
  await byKeys<{ session_id: string; subject_id: string; seq: number; masked: number }>(
    'subject_id, seq, masked',
    'activity_orphans',
    'subject_id',
    entryIds,
    (o) => {
      const orphans = out.get(o.session_id)!.orphans;
      const l = orphans.get(o.subject_id) ?? [];
      l.push({ seq: Number(o.seq), masked: Number(o.masked) });
      orphans.set(o.subject_id, l);
    },
  );
  // Each session's last entry: one primary-key lookup per session, in one statement.
  for (const part of sql.rows(
    ['text'],
    [...bySession.keys()].map((s) => [s]),
  )) {
    // Scalar subqueries: each a descent of the primary key, whatever the planner's statistics.
    const last = (c: string) =>
      `(SELECT ${c} FROM activity WHERE org = ? AND session_id = v.column1 ORDER BY seq DESC LIMIT 1) AS ${c}`;
    const lasts = await sql.all<{
      session_id: string;
      seq: number | null;
      run: number;
      shape: string | null;
    }>(
      `SELECT v.column1 AS session_id, ${['seq', 'run', 'shape'].map(last).join(', ')} FROM ${part.from}`,
      [org, org, org, ...part.params],
    );
    for (const l of lasts)
      if (l.seq !== null)
        out.get(l.session_id)!.last = { seq: Number(l.seq), run: Number(l.run), shape: l.shape };
  }
  return out;
}

/** A batch's writes to the activity tables, made once for all its sessions (see write). */
interface Writes {
  /** (session, seq) of entries removed. */
  deleted: unknown[][];
  /** Entries written (session first, then the columns of ROW_TYPES). */
  rows: unknown[][];
  /** (session, subject, seq, masked) of masking notes stored before their subject. */
  orphans: unknown[][];
  /** (session, run, n, last_seq, last_time, marks…) added to the runs' rows of activity_runs. */
  runs: unknown[][];
  /** Sessions whose runs from `from` on are counted again from the entries. */
  recount: { sessionId: string; from: number }[];
  /** (session, entries added) for activity_sessions. */
  grown: unknown[][];
  /** (session, subject) of orphans adopted by their entries. */
  adopted: unknown[][];
}

const ROW_TYPES: ColumnType[] = [
  'int',
  'text',
  'text',
  'bigint',
  'text',
  'int',
  'int',
  'int',
  'bigint',
  'text',
  'text',
  'int',
  'text',
  'text',
  'text',
  'int',
  'text',
];

async function write(sql: IndexSql, org: string, w: Writes): Promise<void> {
  for (const part of sql.rows(['text', 'int'], w.deleted))
    await sql.run(
      `DELETE FROM activity WHERE org = ? AND (session_id, seq) IN (SELECT v.column1, v.column2 FROM ${part.from})`,
      [org, ...part.params],
    );
  const types: ColumnType[] = ['text', ...ROW_TYPES];
  for (const part of sql.rows(types, w.rows)) {
    await sql.run(
      `INSERT INTO activity (org, session_id, seq, id, type, time_ms, verdict, verdict_seq, flags, matters, masked, shape, label, run, text, related, call_id, result_seq, result_id)
       SELECT CAST(? AS TEXT), ${types.map((_, i) => `v.column${i + 1}`).join(', ')} FROM ${part.from} WHERE true
       ON CONFLICT (org, session_id, seq) DO UPDATE SET id = excluded.id, type = excluded.type, time_ms = excluded.time_ms,
         verdict = excluded.verdict, verdict_seq = excluded.verdict_seq, flags = excluded.flags, matters = excluded.matters,
         masked = excluded.masked, shape = excluded.shape, label = excluded.label, run = excluded.run, text = excluded.text,
         related = excluded.related, call_id = excluded.call_id, result_seq = excluded.result_seq,
         result_id = excluded.result_id`,
      [org, ...part.params],
    );
  }
  for (const part of sql.rows(['text', 'text', 'int', 'bigint'], w.orphans)) {
    await sql.run(
      `INSERT INTO activity_orphans (org, session_id, subject_id, seq, masked)
       SELECT CAST(? AS TEXT), v.column1, v.column2, v.column3, v.column4 FROM ${part.from} WHERE true
       ON CONFLICT (org, session_id, subject_id, seq) DO NOTHING`,
      [org, ...part.params],
    );
  }
  // Each run's row gains what the batch added to it (a new run's row is that alone).
  const runTypes: ColumnType[] = [
    'text',
    'int',
    'int',
    'int',
    'bigint',
    'int',
    'int',
    'int',
    'int',
    'int',
  ];
  const larger = (c: string) =>
    `CASE WHEN excluded.${c} > activity_runs.${c} THEN excluded.${c} ELSE activity_runs.${c} END`;
  for (const part of sql.rows(runTypes, w.runs)) {
    await sql.run(
      `INSERT INTO activity_runs (org, session_id, run, n, last_seq, last_time, ${MATTERING_MARKS.join(', ')})
       SELECT CAST(? AS TEXT), ${runTypes.map((_, i) => `v.column${i + 1}`).join(', ')} FROM ${part.from} WHERE true
       ON CONFLICT (org, session_id, run) DO UPDATE SET n = activity_runs.n + excluded.n,
         last_seq = ${larger('last_seq')}, last_time = ${larger('last_time')},
         ${MATTERING_MARKS.map((m) => `${m} = activity_runs.${m} + excluded.${m}`).join(', ')}`,
      [org, ...part.params],
    );
  }
  for (const { sessionId, from } of w.recount) {
    await sql.run('DELETE FROM activity_runs WHERE org = ? AND session_id = ? AND run >= ?', [
      org,
      sessionId,
      from,
    ]);
    await sql.run(
      `INSERT INTO activity_runs (org, session_id, run, n, last_seq, last_time, ${MATTERING_MARKS.join(', ')})
       SELECT org, session_id, run, count(*), max(seq), max(time_ms), ${markSums('')}
       FROM activity WHERE org = ? AND session_id = ? AND run >= ? GROUP BY org, session_id, run`,
      [org, sessionId, from],
    );
  }
  for (const part of sql.rows(['text', 'int'], w.grown))
    await sql.run(
      `UPDATE activity_sessions SET entries = entries + v.column2 FROM ${part.from}
       WHERE activity_sessions.org = ? AND activity_sessions.session_id = v.column1`,
      [...part.params, org],
    );
  for (const part of sql.rows(['text', 'text'], w.adopted))
    await sql.run(
      `DELETE FROM activity_orphans WHERE org = ? AND (session_id, subject_id) IN (SELECT v.column1, v.column2 FROM ${part.from})`,
      [org, ...part.params],
    );
}

async function indexSession(
  sql: IndexSql,
  org: string,
  sessionId: string,
  events: Event[],
  deleted: number[],
  found: Found,
  writes: Writes,
) {
  const entries = events.filter((e) => ENTRY_TYPES.has(e.type));
  const notes = events.filter((e) => e.type === 'policy' || e.type === 'masking');
  // Rows this batch touches, by entry id.
  const rows = new Map<string, ActivityRow>();
  const added = new Set<ActivityRow>();
  const { stored, storedByResult, orphans } = found;

  // The flags of the stored entries this batch writes again, as stored (their runs' marks).
  const storedFlags = new Map<number, number>();
  // Entries of this batch by the id of the result joined to them.
  const byResult = new Map<string, ActivityRow>();
  /** The row this batch writes for a stored entry (a copy, written again at the end). */
  const touch = (before: ActivityRow): ActivityRow => {
    const known = rows.get(before.id);
    if (known) return known;
    storedFlags.set(before.seq, flagsOf(before));
    const row = { ...before, related: [...before.related] };
    rows.set(row.id, row);
    if (row.result_id !== null) byResult.set(row.result_id, row);
    return row;
  };
  /** Joins what was said about `from` (a verdict alone, or a result's own entry) into `row`. */
  const absorb = (row: ActivityRow, from: ActivityRow) => {
    if (
      from.verdict_seq !== null &&
      (row.verdict_seq === null || from.verdict_seq > row.verdict_seq)
    ) {
      row.verdict = from.verdict;
      row.verdict_seq = from.verdict_seq;
    }
    row.masked = addCount(row.masked, from.masked);
    row.related.push(...from.related);
    row.failed ||= from.failed;
  };
  /** Leaves out an entry that became part of another one. */
  const drop = (gone: ActivityRow) => {
    if (added.has(gone)) added.delete(gone);
    else deleted.push(gone.seq);
    rows.delete(gone.id);
    if (gone.result_id !== null) byResult.delete(gone.result_id);
  };
  const adoptOrphans = (row: ActivityRow, id: string) => {
    for (const o of orphans.get(id) ?? []) {
      row.masked = addCount(row.masked, o.masked);
      row.related.push(o.seq);
    }
  };

  // Every event of each callId in `entries` is there (withStoredCalls), in seq order.
  const callOfResult = pairToolResults(entries);
  for (const event of entries) {
    const before = stored.get(event.id);
    const callEntry = callOfResult.get(event.id);
    const call = callEntry === undefined ? undefined : rows.get(callEntry);
    if (call) {
      call.result_seq = event.seq;
      call.result_id = event.id;
      call.failed ||= failedOf(event);
      byResult.set(event.id, call);
      // A verdict about the result that came first was an entry of its own.
      if (before) {
        absorb(call, before);
        drop(before);
      }
      adoptOrphans(call, event.id);
      continue;
    }
    const row = entryRow(event);
    if (before) {
      // A verdict alone became its action's entry: it keeps what was said about it.
      row.verdict = before.verdict;
      row.verdict_seq = before.verdict_seq;
      row.masked = before.masked;
      row.related = before.related;
      deleted.push(before.seq);
    }
    adoptOrphans(row, event.id);
    rows.set(event.id, row);
    added.add(row);
  }
  const newOrphans: unknown[][] = [];
  for (const note of notes) {
    const key = (note as PolicyEvent).subjectId ?? note.id;
    let row = rows.get(key) ?? byResult.get(key);
    if (!row) {
      const before = stored.get(key) ?? storedByResult.get(key);
      if (before) row = touch(before);
    }
    if (note.type === 'masking') {
      if (row) {
        row.masked = addCount(row.masked, note.count);
        row.related.push(note.seq);
      } else newOrphans.push([key, note.seq, note.count]);
      continue;
    }
    if (note.type !== 'policy') continue;
    if (!row) {
      row = {
        ...entryRow(note),
        id: key,
      };
      rows.set(key, row);
      added.add(row);
    }
    if (row.verdict_seq === null || note.seq > row.verdict_seq) {
      row.verdict = note.verdict;
      row.verdict_seq = note.seq;
    }
    row.related.push(note.seq);
  }
  for (const row of rows.values()) row.related.sort((a, b) => a - b);

  const { runs: moved, from } = await assignRuns(
    sql,
    org,
    sessionId,
    [...added],
    deleted,
    found.last,
  );
  // Stored entries this batch also touched are written below: with their run as moved.
  for (const row of rows.values()) {
    const run = moved.get(row.seq);
    if (run !== undefined && !added.has(row)) row.run = run;
  }

  for (const seq of deleted) writes.deleted.push([sessionId, seq]);
  for (const r of rows.values()) {
    const flags = flagsOf(r);
    writes.rows.push([
      sessionId,
      r.seq,
      r.id,
      r.type,
      r.time_ms,
      r.verdict,
      r.verdict_seq,
      flags,
      (flags & MATTERS_BITS) !== 0 ? 1 : 0,
      r.masked,
      r.shape,
      r.label,
      r.run,
      r.text,
      r.related.join(','),
      r.call_id,
      r.result_seq,
      r.result_id,
    ]);
  }
  for (const o of newOrphans) writes.orphans.push([sessionId, ...o]);
  keepRuns(sessionId, rows.values(), added, storedFlags, from, writes);
  const grown = added.size - deleted.length;
  if (grown !== 0) writes.grown.push([sessionId, grown]);
  for (const subject of orphans.keys()) writes.adopted.push([sessionId, subject]);
}

/**
 * The batch's events with the stored events of the entries of its callIds that it may pair
 * again (each entry's call, its result and what was said about them), in seq order; those
 * entries' seqs go to `deleted`, to be written again. Pairing in seq order, the pairs of a
 * callId's events before the batch's first event of it (`first`) stand whatever comes later:
 * what may pair again is every entry from `first` on, one whose result is from there on, and
 * the attempts before it with no result yet.
 */
async function withStoredCalls(
  sql: IndexSql,
  org: string,
  sessionId: string,
  batch: Event[],
  deleted: number[],
): Promise<Event[]> {
  const callIds = [
    ...new Set(batch.map((e) => (ENTRY_TYPES.has(e.type) ? callIdOf(e) : null))),
  ].filter((c) => c !== null);
  if (callIds.length === 0) return batch;
  const first = new Map<string, number>();
  for (const e of batch) {
    const callId = ENTRY_TYPES.has(e.type) ? callIdOf(e) : null;
    if (callId !== null) first.set(callId, Math.min(first.get(callId) ?? e.seq, e.seq));
  }
  const seqs = new Set<number>();
  for (let i = 0; i < callIds.length; i += 500) {
    const ids = callIds.slice(i, i + 500);
    const found = await sql.all<StoredRow>(
      `SELECT ${ROW_COLUMNS} FROM activity WHERE org = ? AND session_id = ? AND call_id IN (${list(ids.length)})`,
      [org, sessionId, ...ids],
    );
    for (const r of found) {
      const row = fromStored(r);
      const from = first.get(row.call_id!)!;
      const open = row.result_seq === null ? row.attempt : row.result_seq >= from;
      if (row.seq < from && !open) continue;
      deleted.push(row.seq);
      seqs.add(row.seq);
      if (row.result_seq !== null) seqs.add(row.result_seq);
      for (const seq of row.related) seqs.add(seq);
    }
  }
  for (const e of batch) seqs.delete(e.seq);
  if (seqs.size === 0) return batch;
  const more: Event[] = [];
  const wanted = [...seqs];
  for (let i = 0; i < wanted.length; i += 500) {
    const part = wanted.slice(i, i + 500);
    const found = await sql.all<{ body: string }>(
      `SELECT body FROM events WHERE org = ? AND session_id = ? AND seq IN (${list(part.length)})`,
      [org, sessionId, ...part],
    );
    for (const r of found) more.push(JSON.parse(r.body) as Event);
  }
  return [...batch, ...more].sort((a, b) => a.seq - b.seq);
}

/** Events read per step of a rebuild. */
const REBUILD_BATCH = 2000;

/**
 * Whether a session's activity is kept; if not (a session stored before the activity was), builds
 * it from the session's stored events, in seq order, and marks it kept. Call under the session's
 * write lock, in a transaction.
 */
export async function ensureActivity(sql: IndexSql, org: string, sessionId: string): Promise<void> {
  const kept = await sql.all<{ one: number }>(
    'SELECT 1 AS one FROM activity_sessions WHERE org = ? AND session_id = ?',
    [org, sessionId],
  );
  if (kept.length > 0) return;
  // Ingest indexes every session, kept or not: what it wrote since the upgrade is folded again
  // below, from the session's events, so the rebuild starts from nothing.
  for (const table of ['activity', 'activity_orphans', 'activity_runs'])
    await sql.run(`DELETE FROM ${table} WHERE org = ? AND session_id = ?`, [org, sessionId]);
  // Listed first (its count from zero): the entries indexed below are counted on it.
  await indexActivity(sql, org, [], [sessionId]);
  let after = -1;
  for (;;) {
    const rows = await sql.all<{ seq: number; body: string }>(
      `SELECT seq, body FROM events WHERE org = ? AND session_id = ? AND seq > ? AND type <> 'terminal' ORDER BY seq LIMIT ${REBUILD_BATCH}`,
      [org, sessionId, after],
    );
    if (rows.length === 0) break;
    await indexActivity(
      sql,
      org,
      rows.map((r) => JSON.parse(r.body) as Event),
    );
    after = Number(rows.at(-1)!.seq);
    if (rows.length < REBUILD_BATCH) break;
  }
}

/** Whether the activity of a session is kept already (no rebuild needed). */
export async function activityKept(r: SqlReader, org: string, sessionId: string) {
  const p = r.params();
  const rows = await r.all<{ one: number }>(
    `SELECT 1 AS one FROM activity_sessions WHERE org = ${p.param(org)} AND session_id = ${p.param(sessionId)}`,
    p.values,
  );
  return rows.length > 0;
}

interface RunSummary {
  n: number;
  last_seq: number;
  last_time: number;
  marks: number[];
}

/**
 * Keeps `activity_runs`, each run's member count, end and marks, so that a page holding a run
 * of any length reads one row for it. Entries appended (the usual batch) and stored entries
 * whose marks changed add to their runs' rows (one upsert for the batch's every run, see write);
 * when the runs were computed again from `from` (an entry below stored ones, or one removed),
 * the rows of the runs from there are counted again from the entries.
 */
function keepRuns(
  sessionId: string,
  written: Iterable<ActivityRow>,
  added: Set<ActivityRow>,
  storedFlags: Map<number, number>,
  from: number | null,
  writes: Writes,
): void {
  const deltas = new Map<number, RunSummary>();
  const delta = (run: number) => {
    let d = deltas.get(run);
    if (!d) {
      d = { n: 0, last_seq: -1, last_time: Number.MIN_SAFE_INTEGER, marks: [0, 0, 0, 0, 0] };
      deltas.set(run, d);
    }
    return d;
  };
  for (const row of written) {
    if (from !== null && row.run >= from) continue;
    const flags = flagsOf(row);
    const before = added.has(row) ? 0 : (storedFlags.get(row.seq) ?? flags);
    if (!added.has(row) && before === flags) continue;
    const d = delta(row.run);
    if (added.has(row)) {
      d.n++;
      d.last_seq = Math.max(d.last_seq, row.seq);
      d.last_time = Math.max(d.last_time, row.time_ms);
    }
    MATTERING_MARKS.forEach((m, i) => {
      d.marks[i]! +=
        ((flags & MARK_BITS[m]) !== 0 ? 1 : 0) - ((before & MARK_BITS[m]) !== 0 ? 1 : 0);
    });
  }
  for (const [run, d] of deltas)
    writes.runs.push([sessionId, run, d.n, d.last_seq, d.last_time, ...d.marks]);
  if (from !== null) writes.recount.push({ sessionId, from });
}

/** Whether an entry of this shape continues a run of the one before it. */
const continues = (prev: { shape: string | null } | undefined, shape: string | null) =>
  prev !== undefined && shape !== null && prev.shape === shape;

/**
 * Sets `run` on the entries added, and on stored entries whose run they change (returned by seq:
 * the ones the batch writes again take them). Entries come
 * after every stored one in the usual case: the last stored entry says where they go. Otherwise
 * the runs are computed again from the start of the run before the first change.
 */
async function assignRuns(
  sql: IndexSql,
  org: string,
  sessionId: string,
  added: ActivityRow[],
  deleted: number[],
  last: Found['last'],
): Promise<{ runs: Map<number, number>; from: number | null }> {
  const runs = new Map<number, number>();
  if (added.length === 0 && deleted.length === 0) return { runs, from: null };
  added.sort((a, b) => a.seq - b.seq);
  const changes = [...added.map((r) => r.seq), ...deleted];
  // A loop, not Math.min(...changes): a spread of over about 125,000 values throws.
  let first = Number.POSITIVE_INFINITY;
  for (const c of changes) if (c < first) first = c;
  if (deleted.length === 0 && (!last || first > Number(last.seq))) {
    let prev: { shape: string | null; run: number } | undefined = last
      ? { shape: last.shape, run: Number(last.run) }
      : undefined;
    for (const row of added) {
      row.run = continues(prev, row.shape) ? prev!.run : row.seq;
      prev = row;
    }
    return { runs, from: null };
  }
  // The run of the stored entry before the first change starts the recomputation.
  const pred = (
    await sql.all<{ run: number }>(
      'SELECT run FROM activity WHERE org = ? AND session_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1',
      [org, sessionId, first],
    )
  )[0];
  const from = pred ? Number(pred.run) : -1;
  const tail = await sql.all<{ seq: number; run: number; shape: string | null }>(
    'SELECT seq, run, shape FROM activity WHERE org = ? AND session_id = ? AND seq >= ? ORDER BY seq',
    [org, sessionId, from],
  );
  const gone = new Set(deleted);
  const addedBySeq = new Map(added.map((r) => [r.seq, r]));
  const line: { seq: number; shape: string | null; run: number; stored?: number }[] = [];
  for (const t of tail) {
    const seq = Number(t.seq);
    if (gone.has(seq) || addedBySeq.has(seq)) continue;
    line.push({ seq, shape: t.shape, run: Number(t.run), stored: Number(t.run) });
  }
  line.push(...added);
  line.sort((a, b) => a.seq - b.seq);
  const moved: unknown[][] = [];
  let prev: (typeof line)[number] | undefined;
  for (const item of line) {
    item.run = continues(prev, item.shape) ? prev!.run : item.seq;
    if (item.stored !== undefined && item.stored !== item.run) {
      moved.push([item.seq, item.run]);
      runs.set(item.seq, item.run);
    }
    const row = addedBySeq.get(item.seq);
    if (row) row.run = item.run;
    prev = item;
  }
  for (const part of sql.rows(['int', 'int'], moved)) {
    await sql.run(
      `UPDATE activity SET run = v.column2 FROM ${part.from}
       WHERE activity.org = ? AND activity.session_id = ? AND activity.seq = v.column1`,
      [...part.params, org, sessionId],
    );
  }
  return { runs, from };
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A page of activity is past this many items: the schema's limit, checked again. */
const MAX_LIMIT = 500;

interface Filter {
  /** SQL of the conditions on `activity` (alias `a.` when given), its parameters added to p. */
  where(p: SqlDialect, alias?: string): string;
  /** A text filter the text index answers is among the conditions (3 characters or more). */
  text: boolean;
  /** No condition but the session: a run's members are all of it (activity_runs). */
  plain: boolean;
}

function filterOf(session: Session, q: ActivityQuery): Filter {
  const marks = q.verdict ?? [];
  const mask = marks.reduce((m, k) => m | MARK_BITS[k], 0);
  const onlyMatters = marks.length > 0 && (mask & ~MATTERS_BITS) === 0;
  const text = q.q ? q.q.toLowerCase() : null;
  return {
    text: text !== null && [...text].length >= TRIGRAM_MIN,
    plain:
      !q.type?.length &&
      marks.length === 0 &&
      text === null &&
      q.fromSeq === undefined &&
      q.toSeq === undefined,
    where(p, alias = '') {
      const c = (column: string) => `${alias}${column}`;
      const parts = [
        `${c('org')} = ${p.param(session.org)}`,
        `${c('session_id')} = ${p.param(session.id)}`,
      ];
      // Only the marks that matter: the matters index holds exactly those entries.
      if (onlyMatters) parts.push(`${c('matters')} = 1`);
      if (q.type?.length)
        parts.push(`${c('type')} IN (${q.type.map((t) => p.param(t)).join(', ')})`);
      if (marks.length > 0) parts.push(`(${c('flags')} & ${mask}) <> 0`);
      if (text !== null) parts.push(p.activityText(alias, text, session.org, session.id));
      if (q.fromSeq !== undefined) parts.push(`${c('seq')} >= ${p.param(q.fromSeq)}`);
      if (q.toSeq !== undefined) parts.push(`${c('seq')} <= ${p.param(q.toSeq)}`);
      return parts.join(' AND ');
    },
  };
}

interface GroupRow {
  run: number;
  n: number;
  first_seq: number;
  last_seq: number;
  last_time: number;
  blocked: number;
  pending: number;
  rejected: number;
  masked: number;
  failed: number;
}

const markSums = (a: string) =>
  MATTERING_MARKS.map(
    (m) => `sum(CASE WHEN (${a}flags & ${MARK_BITS[m]}) <> 0 THEN 1 ELSE 0 END) AS ${m}`,
  ).join(', ');

/**
 * The items on one side of a bound: `after` (seq > bound, ascending) or `before` (seq < bound,
 * descending), at most `want`, grouped or not. Returned in seq order, with whether more exist.
 */
async function side(
  r: SqlReader,
  s: Session,
  filter: Filter,
  grouped: boolean,
  dir: 'after' | 'before',
  bound: number,
  want: number,
): Promise<{ groups: GroupRow[]; more: boolean }> {
  const cmp = dir === 'after' ? '>' : '<';
  if (want <= 0) {
    const p = r.params();
    const probe = await r.all<{ one: number }>(
      `SELECT 1 AS one FROM activity WHERE ${filter.where(p)} AND seq ${cmp} ${p.param(bound)} ORDER BY seq ${dir === 'after' ? 'ASC' : 'DESC'} LIMIT 1`,
      p.values,
    );
    return { groups: [], more: probe.length > 0 };
  }
  const order = dir === 'after' ? 'ASC' : 'DESC';
  // Parameters are added in the order their placeholders appear (SQLite's are positional).
  const p = r.params();
  // Under a text filter, the matches read once from the text index make the page's groups.
  let rows = grouped && filter.text ? await textGroups(r, filter, cmp, order, bound, want) : null;
  if (rows !== null) {
    // Grouped above.
  } else if (!grouped) {
    const marks = MATTERING_MARKS.map(
      (m) => `CASE WHEN (flags & ${MARK_BITS[m]}) <> 0 THEN 1 ELSE 0 END AS ${m}`,
    ).join(', ');
    const sql = `SELECT seq AS run, 1 AS n, seq AS first_seq, seq AS last_seq, time_ms AS last_time, ${marks}
      FROM activity WHERE ${filter.where(p)} AND seq ${cmp} ${p.param(bound)} ORDER BY seq ${order} LIMIT ${p.param(want + 1)}`;
    rows = await r.all<GroupRow>(sql, p.values);
  } else {
    // A walk over runs: the run of the next matching entry past the bound, then the run of the
    // next matching entry past the end (going back: the start) of that run, and so on: each step
    // is a few index lookups, whatever the size of the run; then each run's matching entries
    // (CROSS JOIN: the page's runs first, for SQLite's planner; the ORDER BYs keep the lookups on
    // the seq order of an index).
    const edge = dir === 'after' ? 'max' : 'min';
    const nextRun = (from: () => string) =>
      `(SELECT run FROM activity WHERE ${filter.where(p)} AND seq ${cmp} ${from()} ORDER BY seq ${order} LIMIT 1)`;
    const runEdge = (run: () => string) =>
      `(SELECT ${edge}(seq) FROM activity WHERE org = ${p.param(s.org)} AND session_id = ${p.param(s.id)} AND run = ${run()})`;
    const start = () => p.param(bound);
    const step = () => 'w.edge';
    const sql = `WITH RECURSIVE w(k, run, edge) AS (
        SELECT 1, ${nextRun(start)}, ${runEdge(() => nextRun(start))}
        UNION ALL
        SELECT w.k + 1, ${nextRun(step)}, ${runEdge(() => nextRun(step))} FROM w WHERE w.k < ${p.param(want + 1)} AND w.run IS NOT NULL
      )
      ${
        filter.plain
          ? // Unfiltered: each run's row of activity_runs, whatever its length.
            `SELECT w.run AS run, r.n AS n, w.run AS first_seq, r.last_seq AS last_seq, r.last_time AS last_time,
              ${MATTERING_MARKS.map((m) => `r.${m} AS ${m}`).join(', ')}
            FROM w LEFT JOIN activity_runs AS r ON r.org = ${p.param(s.org)} AND r.session_id = ${p.param(s.id)} AND r.run = w.run
            WHERE w.run IS NOT NULL ORDER BY w.run ${order}`
          : `SELECT w.run AS run, count(*) AS n, min(a.seq) AS first_seq, max(a.seq) AS last_seq, max(a.time_ms) AS last_time, ${markSums('a.')}
            FROM w CROSS JOIN activity AS a
            WHERE ${filter.where(p, 'a.')} AND a.run = w.run AND a.seq ${cmp} ${p.param(bound)}
            GROUP BY w.run ORDER BY w.run ${order}`
      }`;
    rows = await r.all<GroupRow>(sql, p.values);
    if (filter.plain) rows = await partialRuns(r, s, rows, cmp, bound);
  }
  const groups = rows.map((g) => ({
    run: Number(g.run),
    n: Number(g.n),
    first_seq: Number(g.first_seq),
    last_seq: Number(g.last_seq),
    last_time: Number(g.last_time),
    blocked: Number(g.blocked),
    pending: Number(g.pending),
    rejected: Number(g.rejected),
    masked: Number(g.masked),
    failed: Number(g.failed),
  }));
  const more = groups.length > want;
  const kept = more ? groups.slice(0, want) : groups;
  if (dir === 'before') kept.reverse();
  return { groups: kept, more };
}

/**
 * The runs of an unfiltered page that the bound cuts (a live session's run grown past the page
 * before) hold only their members past it: those are counted from the entries.
 */
async function partialRuns(
  r: SqlReader,
  s: Session,
  rows: GroupRow[],
  cmp: '<' | '>',
  bound: number,
): Promise<GroupRow[]> {
  const cut = rows.filter(
    (g) => g.n === null || (cmp === '>' ? Number(g.run) <= bound : Number(g.last_seq) >= bound),
  );
  if (cut.length === 0) return rows;
  const p = r.params();
  const counted = await r.all<GroupRow>(
    `SELECT run, count(*) AS n, min(seq) AS first_seq, max(seq) AS last_seq, max(time_ms) AS last_time, ${markSums('')}
     FROM activity WHERE org = ${p.param(s.org)} AND session_id = ${p.param(s.id)}
       AND run IN (${cut.map((g) => p.param(Number(g.run))).join(', ')}) AND seq ${cmp} ${p.param(bound)}
     GROUP BY run`,
    p.values,
  );
  const byRun = new Map(counted.map((g) => [Number(g.run), g]));
  return rows.flatMap((g) => {
    if (!cut.includes(g)) return [g];
    const c = byRun.get(Number(g.run));
    return c ? [c] : [];
  });
}

/** Matches of a text filter a grouped page reads at once (more: the walk over runs). */
const TEXT_MATCHES = 2000;

/**
 * A grouped page under a text filter, from the matching entries past the bound read in one
 * statement: the text index finds them in no particular order, so the walk over runs (a lookup
 * of the next match per step) would search it again at each step. Null when more than
 * TEXT_MATCHES match and they do not hold `want + 1` groups: the walk then goes on.
 */
async function textGroups(
  r: SqlReader,
  filter: Filter,
  cmp: '<' | '>',
  order: 'ASC' | 'DESC',
  bound: number,
  want: number,
): Promise<GroupRow[] | null> {
  const p = r.params();
  const matches = await r.all<{ seq: number; run: number; flags: number; time_ms: number }>(
    `SELECT seq, run, flags, time_ms FROM activity WHERE ${filter.where(p)} AND seq ${cmp} ${p.param(bound)} ORDER BY seq ${order} LIMIT ${p.param(TEXT_MATCHES + 1)}`,
    p.values,
  );
  const complete = matches.length <= TEXT_MATCHES;
  const groups: GroupRow[] = [];
  for (const m of matches.slice(0, TEXT_MATCHES)) {
    const seq = Number(m.seq);
    const run = Number(m.run);
    const time = Number(m.time_ms);
    const flags = Number(m.flags);
    let g = groups.at(-1);
    if (g?.run !== run) {
      g = {
        run,
        n: 0,
        first_seq: seq,
        last_seq: seq,
        last_time: time,
        blocked: 0,
        pending: 0,
        rejected: 0,
        masked: 0,
        failed: 0,
      };
      groups.push(g);
    }
    g.n++;
    g.first_seq = Math.min(g.first_seq, seq);
    g.last_seq = Math.max(g.last_seq, seq);
    g.last_time = Math.max(g.last_time, time);
    for (const mark of MATTERING_MARKS) if ((flags & MARK_BITS[mark]) !== 0) g[mark]++;
  }
  // Past the cap, the groups read are whole but the last: enough when it is past the page.
  if (!complete && groups.length <= want) return null;
  return groups.slice(0, want + 1);
}

/** `after`/`before` cursors: the seq the page ended (began) at. */
function readCursor(cursor: string, name: string): number {
  let seq: number | undefined;
  try {
    seq = decodeCursor(cursor, ['int'])[0] as number;
  } catch {
    seq = undefined;
  }
  // A seq beyond what a session holds (and what the stores' integers hold) is not a cursor.
  if (seq !== undefined && Number.isSafeInteger(seq) && seq >= -1 && seq <= MAX_SEQ) return seq;
  throw new CursorError(
    `${name}: not a cursor this server issued (pass a page's ${name === 'after' ? 'nextCursor' : 'prevCursor'} unchanged)`,
  );
}

export async function listActivity(
  r: SqlReader,
  s: Session,
  q: ActivityQuery,
): Promise<ActivityPage> {
  const limit = Math.min(q.limit, MAX_LIMIT);
  const filter = filterOf(s, q);
  const grouped = q.group === 'shape';
  let before: { groups: GroupRow[]; more: boolean };
  let after: { groups: GroupRow[]; more: boolean };
  let anchorSeq: number | null = null;
  /** Where a page with no items leaves the next one (a live session's poll). */
  let resume = -1;
  if (q.before !== undefined) {
    const bound = readCursor(q.before, 'before');
    resume = bound - 1;
    before = await side(r, s, filter, grouped, 'before', bound, limit);
    after = await side(
      r,
      s,
      filter,
      grouped,
      'after',
      before.groups.at(-1)?.last_seq ?? bound - 1,
      0,
    );
  } else if (q.aroundSeq !== undefined || q.aroundTime !== undefined) {
    const anchor = await findAnchor(r, filter, grouped, q);
    if (anchor === null) {
      before = { groups: [], more: false };
      after = { groups: [], more: false };
    } else {
      anchorSeq = anchor;
      const back = Math.floor(limit / 2);
      after = await side(r, s, filter, grouped, 'after', anchor - 1, limit - back);
      before = await side(r, s, filter, grouped, 'before', anchor, back);
    }
  } else {
    const bound = q.after !== undefined ? readCursor(q.after, 'after') : -1;
    resume = bound;
    after = await side(r, s, filter, grouped, 'after', bound, limit);
    before = await side(
      r,
      s,
      filter,
      grouped,
      'before',
      after.groups[0]?.first_seq ?? bound + 1,
      0,
    );
  }
  const groups = [...before.groups, ...after.groups];
  const data = await entriesOf(r, s, groups);
  const { total, totalCapped } = await countOf(r, s, q, filter);
  const firstSeq = groups[0]?.first_seq ?? null;
  const lastSeq = groups.at(-1)?.last_seq ?? null;
  const hasBefore = before.more;
  const hasAfter = after.more;
  const open = OPEN_STATUSES.has(s.status);
  return {
    data,
    firstSeq,
    lastSeq,
    hasBefore,
    hasAfter,
    prevCursor: hasBefore && firstSeq !== null ? encodeCursor([firstSeq]) : null,
    nextCursor: hasAfter || open ? encodeCursor([lastSeq ?? resume]) : null,
    anchorSeq,
    total,
    totalCapped,
  };
}

/** Most matching entries `count=auto` counts under a filter. */
export const COUNT_CAP = 10_000;

async function countOf(
  r: SqlReader,
  s: Session,
  q: ActivityQuery,
  filter: Filter,
): Promise<{ total: number | null; totalCapped: boolean }> {
  const filtered =
    (q.type?.length ?? 0) > 0 ||
    (q.verdict?.length ?? 0) > 0 ||
    q.q !== undefined ||
    q.fromSeq !== undefined ||
    q.toSeq !== undefined;
  // A text filter too short for the text index would read the session's every entry.
  const unindexed = q.q !== undefined && [...q.q].length < TRIGRAM_MIN;
  if (q.count === 'none' || (q.count === 'auto' && unindexed))
    return { total: null, totalCapped: false };
  const p = r.params();
  if (!filtered) {
    const rows = await r.all<{ n: number }>(
      `SELECT entries AS n FROM activity_sessions WHERE org = ${p.param(s.org)} AND session_id = ${p.param(s.id)}`,
      p.values,
    );
    return { total: Number(rows[0]?.n ?? 0), totalCapped: false };
  }
  if (q.count === 'exact') {
    const rows = await r.all<{ n: number }>(
      `SELECT count(*) AS n FROM activity WHERE ${filter.where(p)}`,
      p.values,
    );
    return { total: Number(rows[0]?.n ?? 0), totalCapped: false };
  }
  const rows = await r.all<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM activity WHERE ${filter.where(p)} LIMIT ${p.param(COUNT_CAP + 1)}) AS capped`,
    p.values,
  );
  const n = Number(rows[0]?.n ?? 0);
  return { total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

/**
 * The seq a seek starts its page at: the first matching entry at or after the target (else the
 * last one before it), moved back to the first matching entry of its run when grouping.
 */
async function findAnchor(
  r: SqlReader,
  filter: Filter,
  grouped: boolean,
  q: ActivityQuery,
): Promise<number | null> {
  const byTime = q.aroundSeq === undefined;
  const target = byTime ? Date.parse(q.aroundTime!) : q.aroundSeq!;
  const column = byTime ? 'time_ms' : 'seq';
  let found: { seq: number; run: number } | undefined;
  for (const [cmp, order] of [
    ['>=', 'ASC'],
    ['<', 'DESC'],
  ] as const) {
    const p = r.params();
    const rows = await r.all<{ seq: number; run: number }>(
      `SELECT seq, run FROM activity WHERE ${filter.where(p)} AND ${column} ${cmp} ${p.param(target)} ORDER BY ${column} ${order}, seq ${order} LIMIT 1`,
      p.values,
    );
    found = rows[0];
    if (found) break;
  }
  if (!found) return null;
  if (!grouped) return Number(found.seq);
  const p = r.params();
  const rows = await r.all<{ seq: number }>(
    `SELECT min(seq) AS seq FROM activity WHERE ${filter.where(p)} AND run = ${p.param(Number(found.run))}`,
    p.values,
  );
  return Number(rows[0]?.seq ?? found.seq);
}

/** Seqs read per statement of a page's events (within both stores' limits on parameters). */
const READ_CHUNK = 1000;

/**
 * Verdicts and maskings an entry returns: the first ones (its verdict and masked count are of
 * all of them).
 */
export const MAX_RELATED = 200;

/** The related seqs an entry shows: the first MAX_RELATED, and the verdict that stands. */
function shownRelated(row: ActivityRow): number[] {
  if (row.related.length <= MAX_RELATED) return row.related;
  const shown = row.related.slice(0, MAX_RELATED);
  if (row.verdict_seq !== null && !shown.includes(row.verdict_seq)) {
    shown[MAX_RELATED - 1] = row.verdict_seq;
    shown.sort((a, b) => a - b);
  }
  return shown;
}

/** The items of a page: each group's first entry, with its events. */
async function entriesOf(r: SqlReader, s: Session, groups: GroupRow[]): Promise<ActivityEntry[]> {
  if (groups.length === 0) return [];
  let p = r.params();
  const firsts = await r.all<StoredRow>(
    `SELECT ${ROW_COLUMNS} FROM activity WHERE org = ${p.param(s.org)} AND session_id = ${p.param(s.id)} AND seq IN (${groups.map((g) => p.param(g.first_seq)).join(', ')})`,
    p.values,
  );
  const rows = new Map(firsts.map((f) => [Number(f.seq), fromStored(f)]));
  const seqs = new Set<number>();
  for (const row of rows.values()) {
    seqs.add(row.seq);
    if (row.result_seq !== null) seqs.add(row.result_seq);
    for (const seq of shownRelated(row)) seqs.add(seq);
  }
  const bySeq = new Map<number, StoredEvent>();
  const all = [...seqs];
  for (let i = 0; i < all.length; i += READ_CHUNK) {
    p = r.params();
    const events = await r.all<ChainRow>(
      `SELECT seq, body, received_at, hash, purged FROM events WHERE org = ${p.param(s.org)} AND session_id = ${p.param(s.id)} AND seq IN (${all
        .slice(i, i + READ_CHUNK)
        .map((q) => p.param(q))
        .join(', ')})`,
      p.values,
    );
    for (const e of events) bySeq.set(Number(e.seq), JSON.parse(storedEventJson(e)) as StoredEvent);
  }
  return groups.map((g) => {
    const row = rows.get(g.first_seq)!;
    const related = shownRelated(row)
      .map((seq) => bySeq.get(seq))
      .filter((e) => e !== undefined);
    const verdicts = related.filter((e) => e.type === 'policy');
    const maskings = related.filter((e) => e.type === 'masking');
    return {
      id: row.id,
      type: row.type as ActivityEntry['type'],
      seq: g.first_seq,
      lastSeq: g.last_seq,
      time: bySeq.get(row.seq)!.time,
      lastTime: new Date(g.last_time).toISOString(),
      count: g.n,
      shape: row.label,
      event: bySeq.get(row.seq)!,
      result: row.result_seq === null ? null : (bySeq.get(row.result_seq) ?? null),
      verdicts,
      verdict: (row.verdict as ActivityEntry['verdict']) ?? null,
      masked: {
        count: row.masked,
        fields: [...new Set(maskings.flatMap((m) => m.fields))],
      },
      failed: failedRan(row),
      marks: {
        blocked: g.blocked,
        pending: g.pending,
        rejected: g.rejected,
        masked: g.masked,
        failed: g.failed,
      },
    };
  });
}
