import type {
  ActivityPage,
  ActivityQuery,
  EntityDetail,
  EntityQuery,
  EntityRef,
  Event,
  EventListQuery,
  EventPage,
  Overview,
  OverviewQuery,
  Session,
  SessionListQuery,
  SessionPage,
  SessionRelationships,
  Significance,
  TelemetryListQuery,
  TelemetryPage,
} from '@auditlane/client';
import pg from 'pg';
import type { ChainVersion } from '../../chain/formula';
import type { VerifyEvidence } from '../../chain/verify';
import { significance } from '../../domain/session';
import type { SessionFacts } from '../../domain/significance';
import type { TelemetryInput } from '../../otlp/claude-code';
import { activityKept, ensureActivity, listActivity } from '../activity';
import { AlertTables } from '../alerts';
import { type IndexSql, unnestRows } from '../entity-index';
import { containsPattern, type SqlDialect, type WalkFrom } from '../filters';
import { HEAD_COLUMNS, type HeadRow, storedHead } from '../heads';
import {
  type IngestReport,
  type IngestSettings,
  type IngestTx,
  ingestBatch,
  type LoadedSession,
  type SessionState,
} from '../ingest';
import { kpiColumns } from '../kpis';
import { getEntity, overview, sessionRelationships } from '../meaning';
import { PRODUCTION_ENVIRONMENTS, type PurgeReport, type PurgeRequest, tombstone } from '../purge';
import { listEvents, listSessions, type SqlReader } from '../reads';
import { numberPlaceholders, type SqlRunner } from '../runner';
import {
  type BaselineSettings,
  enqueueScores,
  loadFacts,
  type QueuedScore,
  queuedScores,
  type ScoringSql,
  saveScores,
} from '../scoring';
import { SharedTables } from '../shared';
import {
  listTelemetry,
  placeTelemetry,
  storeTelemetry,
  type TelemetryReport,
  type TelemetrySettings,
  type TelemetryTx,
} from '../telemetry';
import { hashToken, newToken, newTokenId } from '../tokens';
import type { ListOptions, Permission, Principal, Store, StoredHead } from '../types';
import { type ChainRow, verifyStored } from '../verify';
import { POSTGRES_MIGRATIONS } from './migrations';

// BIGINT columns (times in ms) fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db` */
  connectionString: string;
  /** Pool size. Default 10. */
  max?: number;
  /**
   * Connection errors outside a query (the server restarted, a connection was terminated).
   * The pool replaces the connection; without a listener such an error would end the process.
   */
  onError?: (error: Error) => void;
}

class Params implements SqlDialect {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  labelEquals(_org: string, key: string, value: string, _common: boolean): string {
    // Containment, so the GIN index on doc -> 'labels' answers it.
    return `doc -> 'labels' @> jsonb_build_object(${this.param(key)}::text, ${this.param(value)}::text)`;
  }
  labelProbe(org: string, key: string, value: string, limit: number): string {
    return `SELECT count(*) AS n FROM (SELECT 1 FROM sessions WHERE org = ${this.param(org)} AND doc -> 'labels' @> jsonb_build_object(${this.param(key)}::text, ${this.param(value)}::text) LIMIT ${this.param(limit)}) AS probe`;
  }
  activityText(alias: string, text: string): string {
    // pg_trgm's GIN index on activity.text answers LIKE where the extension could be created
    // (see migrations.ts), else the session's entries are read: the same rows either way.
    return `${alias}text LIKE ${this.param(containsPattern(text))} ESCAPE '\\'`;
  }
  textMatch(org: string, text: string): string {
    return `id IN (SELECT session_id FROM search WHERE org = ${this.param(org)} AND tsv @@ phraseto_tsquery('simple', ${this.param(words(text))}))`;
  }
  textWalk(org: string, text: string, from: WalkFrom, n: number): string {
    // Walks search_recent (org, started_at DESC, session_id DESC), testing each chunk: a session's
    // chunks share the key, so continuing strictly after it skips only chunks already decided.
    let sql = `SELECT started_at || ':' || session_id AS k, started_at, session_id FROM search WHERE org = ${this.param(org)} AND tsv @@ phraseto_tsquery('simple', ${this.param(words(text))})`;
    if (from.after)
      sql += ` AND (started_at, session_id) < (${this.param(from.after.started_at)}::bigint, ${this.param(from.after.session_id)}::text)`;
    else if (from.startedAtMax !== undefined)
      sql += ` AND started_at <= ${this.param(from.startedAtMax)}::bigint`;
    return `${sql} ORDER BY started_at DESC, session_id DESC LIMIT ${this.param(n)}`;
  }
}

/**
 * Words separated by single spaces: every run of characters that are not letters, digits or _
 * is a separator, as in SQLite's unicode61 tokenizer, so both stores find the same sessions
 * (PostgreSQL's own parser would split `api-7f9c` into three overlapping tokens).
 */
function words(text: string): string {
  return text.replace(/[^\p{L}\p{N}_]+/gu, ' ').trim();
}

/**
 * Locks sessions of an org for the transaction (also those not stored yet), in a stable order,
 * and reads them. The lock key covers the org: another org's session of the same id is another
 * session.
 */
async function lockSessions(
  client: pg.PoolClient,
  org: string,
  ids: string[],
): Promise<Map<string, LoadedSession>> {
  // Serialises writers of a session: ingest batches, revoke, review decisions.
  await client.query(
    'SELECT pg_advisory_xact_lock(hashtextextended(id, hashtextextended($1, 0))) FROM (SELECT DISTINCT unnest($2::text[]) AS id ORDER BY 1) AS s',
    [org, ids],
  );
  const { rows } = await client.query<SessionRow>(
    'SELECT id, doc, chain_version, last_hash, event_count FROM sessions WHERE org = $1 AND id = ANY($2)',
    [org, ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        session: r.doc,
        chainVersion: r.chain_version,
        lastHash: r.last_hash,
        eventCount: r.event_count,
      },
    ]),
  );
}

async function saveSessions(client: pg.PoolClient, states: SessionState[]) {
  const cols = states.map((state) => {
    const x = state.session;
    return [
      x.id,
      x.org,
      Date.parse(x.startedAt),
      x.status,
      x.actor.type,
      x.actor.id,
      x.actor.email?.toLowerCase() ?? null,
      x.resource.name,
      x.resource.type,
      x.resource.environment,
      x.significance?.score ?? 0,
      JSON.stringify(x),
      state.lastHash,
      state.eventCount,
      x.recorded,
      state.chainVersion,
      kpiColumns(x).cost_micros,
      kpiColumns(x).blocked,
    ] as const;
  });
  const column = (i: number) => cols.map((c) => c[i]);
  await client.query(
    `INSERT INTO sessions (id, org, started_at, status, actor_type, actor_id, actor_email, resource_name,
       resource_type, environment, score, doc, last_hash, event_count, has_recording, chain_version,
       cost_micros, blocked)
     SELECT u.id, u.org, u.started_at, u.status, u.actor_type, u.actor_id, u.actor_email, u.resource_name,
       u.resource_type, u.environment, u.score, u.doc::jsonb, u.last_hash, u.event_count, u.has_recording,
       u.chain_version, u.cost_micros, u.blocked
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
       $9::text[], $10::text[], $11::float8[], $12::text[], $13::text[], $14::int[], $15::bool[], $16::int[],
       $17::bigint[], $18::int[])
       AS u(id, org, started_at, status, actor_type, actor_id, actor_email, resource_name, resource_type,
         environment, score, doc, last_hash, event_count, has_recording, chain_version, cost_micros, blocked)
     ON CONFLICT (org, id) DO UPDATE SET status = excluded.status, score = excluded.score, doc = excluded.doc,
       last_hash = excluded.last_hash, event_count = excluded.event_count, has_recording = excluded.has_recording,
       cost_micros = excluded.cost_micros, blocked = excluded.blocked`,
    Array.from({ length: 18 }, (_, i) => column(i)),
  );
}

/** The first key of the org entity index's advisory lock (the second is the org's hash). */
const INDEX_LOCK = 0x61756469;
/** The first half of the key of a Claude session's telemetry lock (the second: org and id). */
const CLAUDE_LOCK = 0x61756470;

/** The shared SQL on one connection (`?` placeholders numbered for PostgreSQL). */
function sqlOn(client: pg.Pool | pg.PoolClient): ScoringSql & IndexSql {
  return {
    all: async <T>(sql: string, params: unknown[] = []) =>
      (await client.query(numberPlaceholders(sql), params)).rows as T[],
    run: async (sql, params = []) => ({
      changes: (await client.query(numberPlaceholders(sql), params)).rowCount ?? 0,
    }),
    // A transaction-scoped advisory lock per org (the key's first half names the entity index).
    lockIndex: async (org) => {
      await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [INDEX_LOCK, org]);
    },
    rows: unnestRows,
    session: (doc) => doc as Session,
    docWithSignificance: (json) => `jsonb_set(doc, '{significance}', ${json}::jsonb)`,
  };
}

interface SessionRow {
  id: string;
  doc: Session;
  chain_version: ChainVersion;
  last_hash: string;
  event_count: number;
  score: number;
  started_at: number;
}

/** PostgreSQL storage for real deployments: a pool, migrations on open, row locks per session. */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly shared: SharedTables;
  readonly alerts: AlertTables;
  private readonly reader: SqlReader = {
    params: () => new Params(),
    all: async <T>(sql: string, values: unknown[]) =>
      (await this.pool.query(sql, values)).rows as T[],
    session: (doc) => doc as Session,
  };

  /** Statements on the pool, outside a transaction. */
  private readonly runner: SqlRunner;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
    const runner: SqlRunner = {
      all: async <T>(sql: string, params: unknown[] = []) =>
        (await pool.query(numberPlaceholders(sql), params)).rows as T[],
      run: async (sql, params = []) => ({
        changes: (await pool.query(numberPlaceholders(sql), params)).rowCount ?? 0,
      }),
    };
    this.runner = runner;
    this.shared = new SharedTables(runner);
    this.alerts = new AlertTables(runner, {
      params: () => new Params(),
      all: async <T>(sql: string, values: unknown[]) => (await pool.query(sql, values)).rows as T[],
      run: async (sql, values) => {
        await pool.query(sql, values);
      },
      session: (doc) => doc as Session,
    });
  }

  /** Connects and migrates. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
    });
    const onError =
      options.onError ??
      ((error: Error) =>
        console.error(`[auditlane] PostgreSQL connection error: ${error.message}`));
    pool.on('error', onError);
    pool.on('connect', (client) => client.on('error', onError));
    const store = new PostgresStore(pool);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // One migrator at a time, even with several servers starting together.
      await client.query('SELECT pg_advisory_lock(4680)');
      await client.query(
        'CREATE TABLE IF NOT EXISTS auditlane_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM auditlane_migrations',
      );
      for (let i = rows[0]?.v ?? 0; i < POSTGRES_MIGRATIONS.length; i++) {
        await client.query('BEGIN');
        try {
          await client.query(POSTGRES_MIGRATIONS[i]!);
          await client.query('INSERT INTO auditlane_migrations (version) VALUES ($1)', [i + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(4680)').catch(() => {});
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async createToken(input: { org: string; name: string; permissions: Permission[] }) {
    const token = newToken();
    const id = newTokenId();
    await this.pool.query(
      'INSERT INTO tokens (id, org, name, hash, permissions, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, input.org, input.name, hashToken(token), JSON.stringify(input.permissions), Date.now()],
    );
    return { id, token };
  }

  async findToken(token: string): Promise<Principal | null> {
    const { rows } = await this.pool.query<{
      id: string;
      org: string;
      name: string;
      permissions: Permission[];
    }>('SELECT id, org, name, permissions FROM tokens WHERE hash = $1', [hashToken(token)]);
    const row = rows[0];
    return row
      ? { tokenId: row.id, org: row.org, name: row.name, permissions: new Set(row.permissions) }
      : null;
  }

  async ingest(org: string, events: Event[], settings: IngestSettings): Promise<IngestReport> {
    const client = await this.pool.connect();
    const tx: IngestTx = {
      loadSessions: (o, ids) => lockSessions(client, o, ids),
      existingEventIds: async (o, ids) => {
        const { rows } = await client.query<{ id: string }>(
          'SELECT id FROM events WHERE org = $1 AND id = ANY($2)',
          [o, ids],
        );
        return new Set(rows.map((r) => r.id));
      },
      existingSeqs: async (o, keys) => {
        if (keys.length === 0) return new Set();
        const { rows } = await client.query<{ key: string }>(
          `SELECT e.session_id || ':' || e.seq AS key FROM unnest($2::text[], $3::int[]) AS k(s, q)
           JOIN events AS e ON e.org = $1 AND e.session_id = k.s AND e.seq = k.q`,
          [o, keys.map((k) => k.sessionId), keys.map((k) => k.seq)],
        );
        return new Set(rows.map((r) => r.key));
      },
      existingResultRefs: async (o, keys) => {
        const { rows } = await client.query<{ key: string }>(
          `SELECT r.session_id || ':' || r.ref AS key FROM unnest($2::text[], $3::text[]) AS k(s, f)
           JOIN results AS r ON r.org = $1 AND r.session_id = k.s AND r.ref = k.f`,
          [o, keys.map((k) => k.sessionId), keys.map((k) => k.ref)],
        );
        return new Set(rows.map((r) => r.key));
      },
      insertEvents: async (rows) => {
        // One statement per batch: arrays unnested server-side.
        await client.query(
          `INSERT INTO events (session_id, seq, org, id, ord, type, body, received_at, hash)
           SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[])`,
          [
            rows.map((r) => r.sessionId),
            rows.map((r) => r.seq),
            rows.map((r) => r.org),
            rows.map((r) => r.id),
            rows.map((r) => r.ord),
            rows.map((r) => r.type),
            rows.map((r) => r.body),
            rows.map((r) => r.receivedAt),
            rows.map((r) => r.hash),
          ],
        );
      },
      insertSearch: async (rows) => {
        await client.query(
          `INSERT INTO search (session_id, org, kind, tsv, started_at)
           SELECT s, o, k, to_tsvector('simple', t), a FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(s, o, k, t, a)`,
          [
            rows.map((r) => r.sessionId),
            rows.map((r) => r.org),
            rows.map((r) => r.kind),
            rows.map((r) => words(r.text)),
            rows.map((r) => r.startedAt),
          ],
        );
      },
      insertResults: async (rows) => {
        // No ON CONFLICT: ingest checked each ref is free, under the session's lock.
        await client.query(
          `INSERT INTO results (org, session_id, ref, doc)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
          [
            rows.map((r) => r.org),
            rows.map((r) => r.sessionId),
            rows.map((r) => r.ref),
            rows.map((r) => r.doc),
          ],
        );
      },
      saveSessions: (states) => saveSessions(client, states),
      sql: sqlOn(client),
    };
    try {
      await client.query('BEGIN');
      const report = await ingestBatch(tx, org, events, settings);
      await client.query('COMMIT');
      return report;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Runs a telemetry write in a transaction of its own, its sessions locked as ingest does. */
  private async telemetryWrite(
    work: (tx: TelemetryTx) => Promise<TelemetryReport>,
  ): Promise<TelemetryReport> {
    const client = await this.pool.connect();
    const tx: TelemetryTx = {
      sql: sqlOn(client),
      labelledSessions: async (org, ids) => {
        const { rows } = await client.query<{
          claude: string;
          id: string;
          started_at: number;
          ended: string | null;
        }>(
          `SELECT c.v AS claude, s.id, s.started_at, s.doc ->> 'endedAt' AS ended
           FROM unnest($2::text[]) AS c(v)
           JOIN sessions AS s ON s.org = $1 AND s.doc -> 'labels' @> jsonb_build_object('claude.session', c.v)`,
          [org, ids],
        );
        return rows.map((r) => ({
          id: r.id,
          claudeSessionId: r.claude,
          startedAt: r.started_at,
          endedAt: r.ended ? Date.parse(r.ended) : null,
        }));
      },
      lockClaudeSessions: async (org, ids) => {
        for (const id of [...new Set(ids)].sort())
          await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [
            CLAUDE_LOCK,
            // Unambiguous (the org's length first); a hash collision only costs waiting.
            `${org.length}:${org}${id}`,
          ]);
      },
      loadSessions: (org, ids) => lockSessions(client, org, ids),
      saveSessions: (states) => saveSessions(client, states),
    };
    try {
      await client.query('BEGIN');
      const report = await work(tx);
      await client.query('COMMIT');
      return report;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async claudeSessionsOf(org: string, sessionIds: string[]): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const { rows } = await this.pool.query<{ v: string }>(
      `SELECT DISTINCT doc -> 'labels' ->> 'claude.session' AS v FROM sessions
       WHERE org = $1 AND id = ANY($2) AND doc -> 'labels' ? 'claude.session'`,
      [org, sessionIds],
    );
    return rows.map((r) => r.v);
  }

  storeTelemetry(org: string, records: TelemetryInput[], settings: TelemetrySettings) {
    return this.telemetryWrite((tx) => storeTelemetry(tx, org, records, settings));
  }

  placeTelemetry(org: string, claudeSessionIds: string[], settings: TelemetrySettings) {
    return this.telemetryWrite((tx) => placeTelemetry(tx, org, claudeSessionIds, settings));
  }

  async listTelemetry(
    org: string,
    sessionId: string,
    query: TelemetryListQuery,
  ): Promise<TelemetryPage | null> {
    if (!(await this.getSession(org, sessionId))) return null;
    return listTelemetry(this.runner, org, sessionId, query);
  }

  async updateSession(
    org: string,
    sessionId: string,
    change: (session: Session) => Session | null,
  ) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const row = (await lockSessions(client, org, [sessionId])).get(sessionId);
      if (!row) {
        await client.query('ROLLBACK');
        return null;
      }
      const next = change(structuredClone(row.session));
      if (next) {
        next.significance = significance(next);
        await saveSessions(client, [{ ...row, session: next }]);
        await enqueueScores(sqlOn(client), org, [sessionId], Date.now());
      }
      await client.query('COMMIT');
      return next ?? row.session;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  queuedScores(limit: number): Promise<QueuedScore[]> {
    return queuedScores(sqlOn(this.pool), limit);
  }

  async rescore(
    org: string,
    queued: QueuedScore[],
    score: (facts: SessionFacts) => Significance,
    baseline: BaselineSettings,
  ): Promise<string[]> {
    const client = await this.pool.connect();
    const sql = sqlOn(client);
    try {
      await client.query('BEGIN');
      // Under the sessions' write lock: an ingest into them waits, then queues them again.
      await lockSessions(
        client,
        org,
        queued.map((q) => q.sessionId),
      );
      const facts = await loadFacts(
        sql,
        org,
        queued.map((q) => q.sessionId),
        baseline,
      );
      const scored = queued.flatMap((q) => {
        const f = facts.get(q.sessionId);
        // Not a session of the org (any more): nothing to score, only taken off the queue.
        return f ? [{ sessionId: q.sessionId, significance: score(f) }] : [];
      });
      await saveScores(sql, org, scored, queued);
      const done = scored.map((x) => x.sessionId).sort();
      await client.query('COMMIT');
      return done;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async purgeRecordings(request: PurgeRequest): Promise<PurgeReport> {
    const report: PurgeReport = { sessions: 0, events: 0 };
    for (;;) {
      const { rows: picked } = await this.pool.query<{ org: string; id: string }>(
        `SELECT org, id FROM sessions WHERE has_recording AND started_at < $1 AND ${request.production ? '' : 'NOT '}(environment = ANY($2)) LIMIT 100`,
        [request.before, PRODUCTION_ENVIRONMENTS],
      );
      if (picked.length === 0) return report;
      for (const { org, id } of picked) {
        const client = await this.pool.connect();
        try {
          await client.query('BEGIN');
          const head = (await lockSessions(client, org, [id])).get(id);
          const { rows } = await client.query<{ seq: number; body: string }>(
            "SELECT seq, body FROM events WHERE org = $1 AND session_id = $2 AND type = 'terminal' AND purged IS NULL",
            [org, id],
          );
          const stones = rows.map((row) => ({
            seq: row.seq,
            ...tombstone(row.body, request.at, request.reason, head?.chainVersion ?? 1),
          }));
          await client.query(
            `UPDATE events SET body = u.body, purged = u.purged FROM unnest($3::int[], $4::text[], $5::text[]) AS u(seq, body, purged)
             WHERE events.org = $1 AND events.session_id = $2 AND events.seq = u.seq`,
            [
              org,
              id,
              stones.map((t) => t.seq),
              stones.map((t) => t.body),
              stones.map((t) => t.purged),
            ],
          );
          await client.query(
            "DELETE FROM search WHERE org = $1 AND session_id = $2 AND kind = 'io'",
            [org, id],
          );
          if (head)
            await saveSessions(client, [
              { ...head, session: { ...head.session, recorded: false } },
            ]);
          await client.query('COMMIT');
          report.events += stones.length;
          report.sessions++;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
        await request.onPurged?.(org, id);
      }
    }
  }

  listSessions(org: string, query: SessionListQuery, options: ListOptions): Promise<SessionPage> {
    return listSessions(this.reader, org, query, options);
  }

  overview(org: string, query: OverviewQuery, now: number): Promise<Overview> {
    return overview(this.reader, org, query, now);
  }

  sessionRelationships(org: string, sessionId: string): Promise<SessionRelationships | null> {
    return sessionRelationships(this.reader, org, sessionId);
  }

  getEntity(org: string, ref: EntityRef, query: EntityQuery): Promise<EntityDetail | null> {
    return getEntity(this.reader, org, ref, query);
  }

  async getSession(org: string, sessionId: string): Promise<Session | null> {
    const { rows } = await this.pool.query<{ doc: Session }>(
      'SELECT doc FROM sessions WHERE org = $1 AND id = $2',
      [org, sessionId],
    );
    return rows[0]?.doc ?? null;
  }

  async listActivity(
    org: string,
    sessionId: string,
    query: ActivityQuery,
  ): Promise<ActivityPage | null> {
    const session = await this.getSession(org, sessionId);
    if (!session) return null;
    if (!(await activityKept(this.reader, org, sessionId))) {
      // A session stored before its activity was kept: built once, under its write lock.
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await lockSessions(client, org, [sessionId]);
        await ensureActivity(sqlOn(client), org, sessionId);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    }
    return listActivity(this.reader, session, query);
  }

  async listEvents(
    org: string,
    sessionId: string,
    query: EventListQuery,
  ): Promise<EventPage | null> {
    const session = await this.getSession(org, sessionId);
    return session ? listEvents(this.reader, session, query) : null;
  }

  async chainHead(org: string, sessionId: string): Promise<StoredHead | null> {
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM sessions WHERE org = $1 AND id = $2`,
      [org, sessionId],
    );
    return rows[0] ? storedHead(rows[0]) : null;
  }

  async *chainRows(org: string, sessionId: string): AsyncGenerator<ChainRow> {
    for (let after = -1; ; ) {
      const page = await this.pool.query<ChainRow>(
        'SELECT ord, seq, id, type, body, received_at, hash, purged FROM events WHERE org = $1 AND session_id = $2 AND ord > $3 ORDER BY ord LIMIT 1000',
        [org, sessionId, after],
      );
      if (page.rows.length === 0) return;
      yield* page.rows;
      after = page.rows.at(-1)!.ord;
    }
  }

  verifySession(org: string, sessionId: string, evidence?: VerifyEvidence) {
    return verifyStored(this, org, sessionId, evidence);
  }

  async hashAt(org: string, sessionId: string, ord: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ hash: string }>(
      'SELECT hash FROM events WHERE org = $1 AND session_id = $2 AND ord = $3',
      [org, sessionId, ord],
    );
    return rows[0]?.hash ?? null;
  }

  async unsignedHeads(limit: number): Promise<StoredHead[]> {
    const { rows } = await this.pool.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM sessions WHERE signed_hash IS DISTINCT FROM last_hash ORDER BY org, id LIMIT $1`,
      [limit],
    );
    return rows.map(storedHead);
  }

  async recordSignedHead(
    org: string,
    sessionId: string,
    head: { events: number; head: string },
    statement: string,
  ): Promise<void> {
    await this.pool.query(
      'UPDATE sessions SET signed_hash = $1, signed_events = $2, signed_head = $3 WHERE org = $4 AND id = $5 AND signed_events <= $2',
      [head.head, head.events, statement, org, sessionId],
    );
  }
}
