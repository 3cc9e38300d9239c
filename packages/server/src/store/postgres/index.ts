import type {
  Event,
  EventListQuery,
  EventPage,
  Session,
  SessionListQuery,
  SessionPage,
  StoredEvent,
} from '@auditlane/client';
import pg from 'pg';
import { GENESIS_HASH } from '../../domain/hash';
import { significance } from '../../domain/session';
import { encodeCursor } from '../cursor';
import { type SqlDialect, sessionConditions, sessionOrder } from '../filters';
import {
  type EventRow,
  type IngestReport,
  type IngestSettings,
  type IngestTx,
  ingestBatch,
  type SessionState,
} from '../ingest';
import { PRODUCTION_ENVIRONMENTS, type PurgeReport, type PurgeRequest, tombstone } from '../purge';
import { numberPlaceholders } from '../runner';
import { SharedTables } from '../shared';
import { hashToken, newToken, newTokenId } from '../tokens';
import type { ChainCheck, ListOptions, Permission, Principal, Store } from '../types';
import { walkChain } from '../verify';
import { POSTGRES_MIGRATIONS } from './migrations';

// BIGINT columns (times in ms) fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db` */
  connectionString: string;
  /** Pool size. Default 10. */
  max?: number;
}

class Params implements SqlDialect {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  labelEquals(key: string, value: string): string {
    return `doc -> 'labels' ->> ${this.param(key)} = ${this.param(value)}`;
  }
  textMatch(org: string, text: string): string {
    return `id IN (SELECT session_id FROM events WHERE org = ${this.param(org)} AND tsv @@ phraseto_tsquery('simple', ${this.param(words(text))}))`;
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

/** Locks a session for the transaction (also before its row exists) and reads it. */
async function lockSession(client: pg.PoolClient, sessionId: string) {
  // Serialises writers of one session: ingest batches, revoke, review decisions.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [sessionId]);
  const { rows } = await client.query<SessionRow>(
    'SELECT id, org, doc, last_hash, event_count FROM sessions WHERE id = $1',
    [sessionId],
  );
  const row = rows[0];
  return row
    ? { org: row.org, session: row.doc, lastHash: row.last_hash, eventCount: row.event_count }
    : null;
}

async function saveSession(
  client: pg.PoolClient,
  state: { session: Session; lastHash: string; eventCount: number },
) {
  const x = state.session;
  await client.query(
    `INSERT INTO sessions (id, org, started_at, status, actor_type, actor_id, actor_email, resource_name,
       resource_type, environment, score, doc, last_hash, event_count, has_recording)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, score = excluded.score, doc = excluded.doc,
       last_hash = excluded.last_hash, event_count = excluded.event_count, has_recording = excluded.has_recording`,
    [
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
    ],
  );
}

interface SessionRow {
  id: string;
  org: string;
  doc: Session;
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

  private constructor(pool: pg.Pool) {
    this.pool = pool;
    this.shared = new SharedTables({
      all: async <T>(sql: string, params: unknown[] = []) =>
        (await pool.query(numberPlaceholders(sql), params)).rows as T[],
      run: async (sql, params = []) => ({
        changes: (await pool.query(numberPlaceholders(sql), params)).rowCount ?? 0,
      }),
    });
  }

  /** Connects and migrates. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
    });
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

  async ingest(
    org: string,
    events: Event[],
    settings: Omit<IngestSettings, 'genesis'>,
  ): Promise<IngestReport> {
    const client = await this.pool.connect();
    const tx: IngestTx = {
      loadSession: async (sessionId) => {
        // Serialises batches of one session, also before its row exists.
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [sessionId]);
        const { rows } = await client.query<SessionRow>(
          'SELECT id, org, doc, last_hash, event_count FROM sessions WHERE id = $1',
          [sessionId],
        );
        const row = rows[0];
        return row
          ? { org: row.org, session: row.doc, lastHash: row.last_hash, eventCount: row.event_count }
          : null;
      },
      existingEventIds: async (o, ids) => {
        const { rows } = await client.query<{ id: string }>(
          'SELECT id FROM events WHERE org = $1 AND id = ANY($2)',
          [o, ids],
        );
        return new Set(rows.map((r) => r.id));
      },
      existingSeqs: async (sessionId, seqs) => {
        const { rows } = await client.query<{ seq: number }>(
          'SELECT seq FROM events WHERE session_id = $1 AND seq = ANY($2)',
          [sessionId, seqs],
        );
        return new Set(rows.map((r) => r.seq));
      },
      insertEvents: async (rows: EventRow[]) => {
        // One statement per batch: arrays unnested server-side.
        await client.query(
          `INSERT INTO events (session_id, seq, org, id, ord, type, body, tsv)
           SELECT s, q, o, i, d, t, b, CASE WHEN x IS NULL THEN NULL ELSE to_tsvector('simple', x) END
           FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
             AS u(s, q, o, i, d, t, b, x)`,
          [
            rows.map((r) => r.event.sessionId),
            rows.map((r) => r.event.seq),
            rows.map((r) => r.org),
            rows.map((r) => r.event.id),
            rows.map((r) => r.ord),
            rows.map((r) => r.event.type),
            rows.map((r) => JSON.stringify(r.event)),
            rows.map((r) => (r.text === null ? null : words(r.text))),
          ],
        );
      },
      insertResults: async (rows) => {
        await client.query(
          `INSERT INTO results (org, session_id, ref, doc)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT (session_id, ref) DO NOTHING`,
          [
            rows.map((r) => r.org),
            rows.map((r) => r.sessionId),
            rows.map((r) => r.ref),
            rows.map((r) => r.doc),
          ],
        );
      },
      saveSession: (state: SessionState) => saveSession(client, state),
    };
    try {
      await client.query('BEGIN');
      const report = await ingestBatch(tx, org, events, { ...settings, genesis: GENESIS_HASH });
      await client.query('COMMIT');
      return report;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async updateSession(
    org: string,
    sessionId: string,
    change: (session: Session) => Session | null,
  ) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const row = await lockSession(client, sessionId);
      if (!row || row.org !== org) {
        await client.query('ROLLBACK');
        return null;
      }
      const next = change(structuredClone(row.session));
      if (next) {
        next.significance = significance(next);
        await saveSession(client, {
          session: next,
          lastHash: row.lastHash,
          eventCount: row.eventCount,
        });
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

  async purgeRecordings(request: PurgeRequest): Promise<PurgeReport> {
    const report: PurgeReport = { sessions: 0, events: 0 };
    for (;;) {
      const { rows: picked } = await this.pool.query<{ id: string }>(
        `SELECT id FROM sessions WHERE has_recording AND started_at < $1 AND ${request.production ? '' : 'NOT '}(environment = ANY($2)) LIMIT 100`,
        [request.before, PRODUCTION_ENVIRONMENTS],
      );
      if (picked.length === 0) return report;
      for (const { id } of picked) {
        const client = await this.pool.connect();
        try {
          await client.query('BEGIN');
          const head = await lockSession(client, id);
          const { rows } = await client.query<{ seq: number; body: string }>(
            "SELECT seq, body FROM events WHERE session_id = $1 AND type = 'terminal'",
            [id],
          );
          const seqs: number[] = [];
          const bodies: string[] = [];
          for (const row of rows) {
            const body = tombstone(row.body, request.at, request.reason);
            if (!body) continue;
            seqs.push(row.seq);
            bodies.push(body);
          }
          await client.query(
            `UPDATE events SET body = u.body, tsv = NULL FROM unnest($2::int[], $3::text[]) AS u(seq, body)
             WHERE events.session_id = $1 AND events.seq = u.seq`,
            [id, seqs, bodies],
          );
          if (head)
            await saveSession(client, { ...head, session: { ...head.session, recorded: false } });
          await client.query('COMMIT');
          report.events += seqs.length;
          report.sessions++;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      }
    }
  }

  async listSessions(
    org: string,
    query: SessionListQuery,
    options: ListOptions,
  ): Promise<SessionPage> {
    const p = new Params();
    const where = sessionConditions(org, query, options.now, p);
    const filterValues = [...p.values];
    const order = sessionOrder(query.sort, query.cursor, p);
    const conditions = order.after ? [...where, order.after] : where;
    const limit = p.param(query.limit + 1);
    const { rows } = await this.pool.query<SessionRow>(
      `SELECT id, doc, score, started_at FROM sessions WHERE ${conditions.join(' AND ')} ORDER BY ${order.orderBy} LIMIT ${limit}`,
      p.values,
    );
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    let count: SessionPage['count'] = { mode: 'none', value: null, capped: false };
    if (query.count !== 'none') {
      const sql =
        query.count === 'exact'
          ? `SELECT count(*)::int AS n FROM sessions WHERE ${where.join(' AND ')}`
          : `SELECT count(*)::int AS n FROM (SELECT 1 FROM sessions WHERE ${where.join(' AND ')} LIMIT ${options.countCap + 1}) AS capped`;
      const n = (await this.pool.query<{ n: number }>(sql, filterValues)).rows[0]?.n ?? 0;
      count =
        query.count === 'exact'
          ? { mode: 'exact', value: n, capped: false }
          : { mode: 'capped', value: Math.min(n, options.countCap), capped: n > options.countCap };
    }
    return {
      data: page.map((r) => r.doc),
      nextCursor: more && last ? encodeCursor(order.key(last)) : null,
      count,
    };
  }

  async getSession(org: string, sessionId: string): Promise<Session | null> {
    const { rows } = await this.pool.query<{ doc: Session }>(
      'SELECT doc FROM sessions WHERE org = $1 AND id = $2',
      [org, sessionId],
    );
    return rows[0]?.doc ?? null;
  }

  async listEvents(
    org: string,
    sessionId: string,
    query: EventListQuery,
  ): Promise<EventPage | null> {
    const session = await this.getSession(org, sessionId);
    if (!session) return null;
    const values: unknown[] = [sessionId, query.after ?? -1];
    let typeFilter = '';
    if (query.type && query.type.length > 0) {
      values.push(query.type);
      typeFilter = ` AND type = ANY($${values.length})`;
    }
    values.push(query.limit + 1);
    const { rows } = await this.pool.query<{ seq: number; body: string }>(
      `SELECT seq, body FROM events WHERE session_id = $1 AND seq > $2${typeFilter} ORDER BY seq LIMIT $${values.length}`,
      values,
    );
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    const open =
      session.status === 'active' ||
      session.status === 'pending_review' ||
      session.status === 'dropped';
    return {
      data: page.map((r) => JSON.parse(r.body) as StoredEvent),
      nextCursor: more || open ? String(last?.seq ?? query.after ?? -1) : null,
    };
  }

  async verifySession(org: string, sessionId: string): Promise<ChainCheck | null> {
    const { rows } = await this.pool.query<{ last_hash: string; event_count: number }>(
      'SELECT last_hash, event_count FROM sessions WHERE org = $1 AND id = $2',
      [org, sessionId],
    );
    const head = rows[0];
    if (!head) return null;
    const pool = this.pool;
    async function* bodies() {
      for (let after = -1; ; ) {
        const page = await pool.query<{ ord: number; body: string }>(
          'SELECT ord, body FROM events WHERE session_id = $1 AND ord > $2 ORDER BY ord LIMIT 1000',
          [sessionId, after],
        );
        if (page.rows.length === 0) return;
        for (const row of page.rows) yield row.body;
        after = page.rows.at(-1)!.ord;
      }
    }
    return walkChain(bodies(), { lastHash: head.last_hash, eventCount: head.event_count });
  }
}
