/**
 * The entity index's tables (the same on both stores but for the type of times in ms): entities,
 * session <-> entity edges, entity actors, evidence, the rescoring queue, and each session's
 * reason codes. Written by indexBatch (entity-index.ts) and the scorer (scoring.ts).
 */
export const ENTITY_INDEX_TABLES = (bigint: string) => `
  -- The entity index (per org): each actor, credential, endpoint, resource, file, table, outbound
  -- host and model the org's sessions involve, with when it was first and last seen.
  CREATE TABLE IF NOT EXISTS entities (
    org TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    first_at ${bigint} NOT NULL,
    last_at ${bigint} NOT NULL,
    first_session TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    actors INTEGER NOT NULL,
    attrs TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (org, kind, key)
  );
  CREATE INDEX IF NOT EXISTS entities_recent ON entities (org, kind, last_at DESC);
  -- Session <-> entity edges: which sessions involve an entity, from which event on.
  CREATE TABLE IF NOT EXISTS session_entities (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    started_at ${bigint} NOT NULL,
    first_at ${bigint} NOT NULL,
    last_at ${bigint} NOT NULL,
    first_seq INTEGER NOT NULL,
    first_event TEXT NOT NULL,
    events INTEGER NOT NULL,
    ops TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org, session_id, kind, key)
  );
  CREATE INDEX IF NOT EXISTS session_entities_entity ON session_entities (org, kind, key, started_at DESC, session_id DESC);
  -- Which actors used an entity, and since when (a credential shared by several actors).
  CREATE TABLE IF NOT EXISTS entity_actors (
    org TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    first_at ${bigint} NOT NULL,
    first_session TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (org, kind, key, actor_id)
  );
  -- Events a session's significance names as evidence (verdicts, masking, revocation).
  CREATE TABLE IF NOT EXISTS session_evidence (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (org, session_id, code, seq)
  );
  -- Sessions whose significance must be recomputed (their context changed).
  CREATE TABLE IF NOT EXISTS score_queue (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    queued_at ${bigint} NOT NULL,
    PRIMARY KEY (org, session_id)
  );
  `;

/** The reason codes of each session's significance (the list's reason filter). */
export const SESSION_REASON_TABLES = `
  CREATE TABLE IF NOT EXISTS session_reasons (
    org TEXT NOT NULL,
    code TEXT NOT NULL,
    session_id TEXT NOT NULL,
    PRIMARY KEY (org, code, session_id)
  );
  CREATE INDEX IF NOT EXISTS session_reasons_session ON session_reasons (org, session_id);
  CREATE INDEX IF NOT EXISTS score_queue_oldest ON score_queue (queued_at);
  `;
