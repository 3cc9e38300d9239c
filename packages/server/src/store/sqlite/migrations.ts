import {
  ACTIVITY_PAIRS_AND_FAILURES,
  ACTIVITY_RESULTS,
  ACTIVITY_RUNS,
  ACTIVITY_TABLES,
  REBUILD_VERDICT_SESSIONS,
  SQLITE_ACTIVITY_TEXT_INDEX,
} from '../activity';
import { ALERT_TABLES } from '../alerts';
import { ENTITY_INDEX_TABLES, SESSION_REASON_TABLES } from '../index-tables';
import { SQLITE_ROLLUP_TABLES } from '../rollup-tables';
import { SHARED_TABLES } from '../runner';
import { TELEMETRY_PENDING_AGE_INDEX, TELEMETRY_TABLE } from '../telemetry';

/** Schema migrations, applied in order; `PRAGMA user_version` records how many ran. */
export const SQLITE_MIGRATIONS: string[] = [
  `
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    permissions TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_email TEXT,
    resource_name TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    environment TEXT NOT NULL,
    score REAL NOT NULL,
    has_recording INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL,
    last_hash TEXT NOT NULL,
    event_count INTEGER NOT NULL
  );
  CREATE INDEX sessions_recent ON sessions (org, started_at DESC, id DESC);
  CREATE INDEX sessions_significance ON sessions (org, score DESC, started_at DESC, id DESC);
  CREATE INDEX sessions_status ON sessions (org, status, started_at DESC, id DESC);
  CREATE INDEX sessions_environment ON sessions (org, environment, started_at DESC, id DESC);
  CREATE INDEX sessions_actor ON sessions (org, actor_id, started_at DESC, id DESC);
  CREATE INDEX sessions_actor_email ON sessions (org, actor_email, started_at DESC, id DESC);
  CREATE INDEX sessions_resource ON sessions (org, resource_name, started_at DESC, id DESC);
  CREATE INDEX sessions_type ON sessions (org, resource_type, started_at DESC, id DESC);
  CREATE INDEX sessions_recording ON sessions (has_recording, started_at);

  -- Labels are fixed at the start of a session: one row each, for indexed label filters.
  CREATE TABLE session_labels (
    org TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    session_id TEXT NOT NULL,
    PRIMARY KEY (org, key, value, session_id)
  ) WITHOUT ROWID;

  CREATE TABLE events (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    hash TEXT NOT NULL,
    purged TEXT,
    PRIMARY KEY (session_id, seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX events_id ON events (org, id);
  CREATE UNIQUE INDEX events_ord ON events (session_id, ord);

  -- Free-text search: one row per session and batch; rowid = search_chunks.rowid.
  CREATE TABLE search_chunks (
    rowid INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL
  );
  CREATE INDEX search_chunks_session ON search_chunks (session_id, kind);
  CREATE VIRTUAL TABLE search USING fts5 (
    text,
    org UNINDEXED,
    session_id UNINDEXED,
    tokenize = 'unicode61'
  );
  `,
  SHARED_TABLES,
  // Search chunks keyed by session start, (started_at << 20) + n, so a text search walks its
  // matches newest session first and stops after a page instead of sorting every match.
  `
  CREATE TEMP TABLE search_remap AS
    SELECT c.rowid AS old,
      (s.started_at << 20) + row_number() OVER (PARTITION BY s.started_at ORDER BY c.rowid) - 1 AS new
    FROM search_chunks AS c JOIN sessions AS s ON s.id = c.session_id;
  INSERT INTO search (rowid, text, org, session_id)
    SELECT r.new, f.text, f.org, f.session_id FROM search_remap AS r JOIN search AS f ON f.rowid = r.old;
  DELETE FROM search WHERE rowid IN (SELECT old FROM search_remap);
  UPDATE search_chunks SET rowid = (SELECT new FROM search_remap WHERE old = search_chunks.rowid);
  DROP TABLE search_remap;
  `,
  // Session identity is (org, id): another org's use of an id never touches this org's session,
  // its events, search chunks or results. SQLite cannot change a primary key in place: each table
  // is rebuilt with its rows. A search chunk takes its org from its search row (same rowid).
  `
  CREATE TABLE sessions_by_org (
    id TEXT NOT NULL,
    org TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_email TEXT,
    resource_name TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    environment TEXT NOT NULL,
    score REAL NOT NULL,
    has_recording INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL,
    last_hash TEXT NOT NULL,
    event_count INTEGER NOT NULL,
    PRIMARY KEY (org, id)
  );
  INSERT INTO sessions_by_org (id, org, started_at, status, actor_type, actor_id, actor_email,
      resource_name, resource_type, environment, score, has_recording, doc, last_hash, event_count)
    SELECT id, org, started_at, status, actor_type, actor_id, actor_email,
      resource_name, resource_type, environment, score, has_recording, doc, last_hash, event_count
    FROM sessions;
  DROP TABLE sessions;
  ALTER TABLE sessions_by_org RENAME TO sessions;
  CREATE INDEX sessions_recent ON sessions (org, started_at DESC, id DESC);
  CREATE INDEX sessions_significance ON sessions (org, score DESC, started_at DESC, id DESC);
  CREATE INDEX sessions_status ON sessions (org, status, started_at DESC, id DESC);
  CREATE INDEX sessions_environment ON sessions (org, environment, started_at DESC, id DESC);
  CREATE INDEX sessions_actor ON sessions (org, actor_id, started_at DESC, id DESC);
  CREATE INDEX sessions_actor_email ON sessions (org, actor_email, started_at DESC, id DESC);
  CREATE INDEX sessions_resource ON sessions (org, resource_name, started_at DESC, id DESC);
  CREATE INDEX sessions_type ON sessions (org, resource_type, started_at DESC, id DESC);
  CREATE INDEX sessions_recording ON sessions (has_recording, started_at);

  CREATE TABLE events_by_org (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    hash TEXT NOT NULL,
    purged TEXT,
    PRIMARY KEY (org, session_id, seq)
  ) WITHOUT ROWID;
  INSERT INTO events_by_org (session_id, seq, org, id, ord, type, body, received_at, hash, purged)
    SELECT session_id, seq, org, id, ord, type, body, received_at, hash, purged FROM events;
  DROP TABLE events;
  ALTER TABLE events_by_org RENAME TO events;
  CREATE UNIQUE INDEX events_id ON events (org, id);
  CREATE UNIQUE INDEX events_ord ON events (org, session_id, ord);

  CREATE TABLE search_chunks_by_org (
    rowid INTEGER PRIMARY KEY,
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL
  );
  INSERT INTO search_chunks_by_org (rowid, org, session_id, kind)
    SELECT c.rowid, f.org, c.session_id, c.kind FROM search_chunks AS c JOIN search AS f ON f.rowid = c.rowid;
  DROP TABLE search_chunks;
  ALTER TABLE search_chunks_by_org RENAME TO search_chunks;
  CREATE INDEX search_chunks_session ON search_chunks (org, session_id, kind);

  CREATE TABLE results_by_org (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (org, session_id, ref)
  );
  INSERT INTO results_by_org (org, session_id, ref, doc) SELECT org, session_id, ref, doc FROM results;
  DROP TABLE results;
  ALTER TABLE results_by_org RENAME TO results;
  `,
  // Chain version 2 for new sessions (earlier ones keep the formula they were chained with), and
  // the newest signed statement of each session's head.
  `
  ALTER TABLE sessions ADD COLUMN chain_version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE sessions ADD COLUMN signed_hash TEXT;
  ALTER TABLE sessions ADD COLUMN signed_events INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN signed_head TEXT;
  CREATE INDEX sessions_unsigned ON sessions (org, id) WHERE signed_hash IS NOT last_hash;
  `,
  // The entity index, session <-> entity edges, evidence, and the rescoring queue.
  ENTITY_INDEX_TABLES('INTEGER'),
  // The reason codes of each session's significance (the list's reason filter), and the oldest
  // queued sessions first for the scorer.
  SESSION_REASON_TABLES,
  // What the overview counts of a session, as columns, and one index that answers the KPIs of a
  // period without reading a session's row: cost in micro-dollars (sums stay exact) and the
  // actions blocked (a blocked session has at least one). Filled from the stored documents;
  // written with each session from then on.
  `
  ALTER TABLE sessions ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
  UPDATE sessions SET
    cost_micros = CAST(round(coalesce(json_extract(doc, '$.usage.costUsd'), 0) * 1000000) AS INTEGER),
    blocked = coalesce(json_extract(doc, '$.counters.blocked'), 0);
  CREATE INDEX sessions_kpis ON sessions (org, started_at, actor_id, score, cost_micros, blocked, id);
  `,
  // Alerts: saved searches, the sessions each has seen, their webhook deliveries.
  ALERT_TABLES,
  // Claude Code's OTLP telemetry, per session (pending until its session starts).
  TELEMETRY_TABLE('INTEGER'),
  // The pending telemetry records by when they were received (the pending limits drop the oldest).
  TELEMETRY_PENDING_AGE_INDEX,
  // A credential's reasons name its first actors by first use (they named the first by id): an
  // index that reads those, and the sessions that have the reason queued to be named anew.
  `
  CREATE INDEX entity_actors_first_use ON entity_actors (org, key, first_at, actor_id) WHERE kind = 'credential';
  INSERT INTO score_queue (org, session_id, queued_at)
    SELECT org, session_id, 0 FROM session_reasons WHERE code = 'shared_credential'
    ON CONFLICT (org, session_id) DO NOTHING;
  `,
  // The overview's rollups: the KPIs of a period per hour, its actors per day, kept by
  // triggers on sessions (see rollup-tables.ts); filled from the sessions stored.
  SQLITE_ROLLUP_TABLES,
  // A session's activity, one row per entry (actions joined with their verdicts), for paged,
  // filtered and grouped reads; kept by ingest (see activity.ts).
  ACTIVITY_TABLES('INTEGER'),
  // The activity's text filter answered by a trigram index (see activity.ts).
  SQLITE_ACTIVITY_TEXT_INDEX,
  // A tool call's result joined to its call's entry (see activity.ts).
  ACTIVITY_RESULTS,
  // Each run's member count and marks, for pages holding runs of any length (see activity.ts).
  ACTIVITY_RUNS('INTEGER'),
  // Tool calls paired by pairToolResults, and each entry's raw failure kept (see activity.ts).
  ACTIVITY_PAIRS_AND_FAILURES,
  // Sessions whose hidden failure an approval after a block or rejection should show (see activity.ts).
  REBUILD_VERDICT_SESSIONS,
];
