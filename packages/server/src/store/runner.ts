/**
 * The little SQL both stores share for their smaller tables (reviews, results, the access log):
 * portable statements with `?` placeholders, run by each adapter (PostgreSQL numbers them).
 */
export interface SqlRunner {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<{ changes: number }>;
}

/** `?` → `$1, $2, ...` for PostgreSQL. The shared statements contain no other `?`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Tables both stores create the same way (migration 2). */
export const SHARED_TABLES = `
  CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX reviews_list ON reviews (org, status, requested_at DESC, id DESC);
  CREATE INDEX reviews_session ON reviews (org, session_id);

  CREATE TABLE results (
    org TEXT NOT NULL,
    session_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (session_id, ref)
  );

  CREATE TABLE access_log (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    at BIGINT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX access_log_list ON access_log (org, at DESC, id DESC);
`;
