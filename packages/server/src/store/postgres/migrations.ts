import {
  ACTIVITY_PAIRS_AND_FAILURES,
  ACTIVITY_RESULTS,
  ACTIVITY_RUNS,
  ACTIVITY_TABLES,
  POSTGRES_ACTIVITY_TEXT_INDEX,
  REBUILD_VERDICT_SESSIONS,
} from '../activity';
import { ALERT_TABLES } from '../alerts';
import { ENTITY_INDEX_TABLES, SESSION_REASON_TABLES } from '../index-tables';
import { POSTGRES_ROLLUP_TABLES } from '../rollup-tables';
import { SHARED_TABLES } from '../runner';
import { TELEMETRY_PENDING_AGE_INDEX, TELEMETRY_TABLE } from '../telemetry';

/** Schema migrations, applied in order inside a transaction each; `auditlane_migrations` records them. */
export const POSTGRES_MIGRATIONS: string[] = [
  `
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    permissions JSONB NOT NULL,
    created_at BIGINT NOT NULL
  );

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_email TEXT,
    resource_name TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    environment TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    has_recording BOOLEAN NOT NULL DEFAULT false,
    doc JSONB NOT NULL,
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
  CREATE INDEX sessions_labels ON sessions USING GIN ((doc -> 'labels'));
  CREATE INDEX sessions_recording ON sessions (started_at) WHERE has_recording;

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
  );
  CREATE UNIQUE INDEX events_id ON events (org, id);
  CREATE UNIQUE INDEX events_ord ON events (session_id, ord);

  -- Free-text search: one row per session and batch.
  CREATE TABLE search (
    session_id TEXT NOT NULL,
    org TEXT NOT NULL,
    kind TEXT NOT NULL,
    tsv TSVECTOR NOT NULL
  );
  CREATE INDEX search_tsv ON search USING GIN (tsv);
  CREATE INDEX search_session ON search (session_id, kind);
  `,
  SHARED_TABLES,
  // Search chunks carry their session's start, so a text search walks its matches newest session
  // first and stops after a page instead of sorting every match.
  `
  ALTER TABLE search ADD COLUMN started_at BIGINT;
  UPDATE search SET started_at = s.started_at FROM sessions AS s WHERE s.id = search.session_id;
  ALTER TABLE search ALTER COLUMN started_at SET NOT NULL;
  CREATE INDEX search_recent ON search (org, started_at DESC, session_id DESC);
  `,
  // Session identity is (org, id): another org's use of an id never touches this org's session,
  // its events, search chunks or results.
  `
  ALTER TABLE sessions DROP CONSTRAINT sessions_pkey;
  ALTER TABLE sessions ADD PRIMARY KEY (org, id);
  ALTER TABLE events DROP CONSTRAINT events_pkey;
  ALTER TABLE events ADD PRIMARY KEY (org, session_id, seq);
  DROP INDEX events_ord;
  CREATE UNIQUE INDEX events_ord ON events (org, session_id, ord);
  DROP INDEX search_session;
  CREATE INDEX search_session ON search (org, session_id, kind);
  ALTER TABLE results DROP CONSTRAINT results_pkey;
  ALTER TABLE results ADD PRIMARY KEY (org, session_id, ref);
  `,
  // Chain version 2 for new sessions (earlier ones keep the formula they were chained with), and
  // the newest signed statement of each session's head.
  `
  ALTER TABLE sessions ADD COLUMN chain_version INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN signed_hash TEXT,
    ADD COLUMN signed_events INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN signed_head TEXT;
  CREATE INDEX sessions_unsigned ON sessions (org, id) WHERE signed_hash IS DISTINCT FROM last_hash;
  `,
  // The entity index, session <-> entity edges, evidence, and the rescoring queue.
  ENTITY_INDEX_TABLES('BIGINT'),
  // The reason codes of each session's significance (the list's reason filter), and the oldest
  // queued sessions first for the scorer.
  SESSION_REASON_TABLES,
  // What the overview counts of a session, as columns, and one index that answers the KPIs of a
  // period without reading a session's row: cost in micro-dollars (sums stay exact) and the
  // actions blocked (a blocked session has at least one). Filled from the stored documents;
  // written with each session from then on.
  `
  ALTER TABLE sessions ADD COLUMN cost_micros BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
  UPDATE sessions SET
    cost_micros = round(coalesce((doc #>> '{usage,costUsd}')::float8, 0) * 1000000)::bigint,
    blocked = coalesce((doc #>> '{counters,blocked}')::int, 0);
  CREATE INDEX sessions_kpis ON sessions (org, started_at, actor_id, score, cost_micros, blocked, id);
  `,
  // Alerts: saved searches, the sessions each has seen, their webhook deliveries.
  ALERT_TABLES,
  // Claude Code's OTLP telemetry, per session (pending until its session starts).
  TELEMETRY_TABLE('BIGINT'),
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
  POSTGRES_ROLLUP_TABLES,
  // A session's activity, one row per entry (actions joined with their verdicts), for paged,
  // filtered and grouped reads; kept by ingest (see activity.ts).
  ACTIVITY_TABLES('BIGINT'),
  // The activity's text filter answered by a trigram index (see activity.ts).
  POSTGRES_ACTIVITY_TEXT_INDEX,
  // A tool call's result joined to its call's entry (see activity.ts).
  ACTIVITY_RESULTS,
  // Each run's member count and marks, for pages holding runs of any length (see activity.ts).
  ACTIVITY_RUNS('BIGINT'),
  // Tool calls paired by pairToolResults, and each entry's raw failure kept (see activity.ts).
  ACTIVITY_PAIRS_AND_FAILURES,
  // Sessions whose hidden failure an approval after a block or rejection should show (see activity.ts).
  REBUILD_VERDICT_SESSIONS,
];
