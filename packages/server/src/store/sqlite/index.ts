import type {
  Event,
  EventListQuery,
  EventPage,
  Session,
  SessionListQuery,
  SessionPage,
  StoredEvent,
} from '@auditlane/client';
import Database from 'better-sqlite3';
import { GENESIS_HASH } from '../../domain/hash';
import { significance } from '../../domain/session';
import { encodeCursor } from '../cursor';
import { ftsPhrase, type SqlDialect, sessionConditions, sessionOrder } from '../filters';
import {
  type IngestReport,
  type IngestSettings,
  type IngestTx,
  ingestBatch,
  type LoadedSession,
  type SessionState,
} from '../ingest';
import { PRODUCTION_ENVIRONMENTS, type PurgeReport, type PurgeRequest, tombstone } from '../purge';
import type { SqlRunner } from '../runner';
import { SharedTables } from '../shared';
import { hashToken, newToken, newTokenId } from '../tokens';
import type { ChainCheck, ListOptions, Permission, Principal, Store } from '../types';
import { type ChainRow, storedEventJson, walkChain } from '../verify';
import { SQLITE_MIGRATIONS } from './migrations';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  filename: string;
}

interface SessionRow {
  id: string;
  org: string;
  doc: string;
  last_hash: string;
  event_count: number;
  score: number;
  started_at: number;
}

interface PendingBatch {
  run: () => Promise<IngestReport>;
  resolve: (report: IngestReport) => void;
  reject: (error: unknown) => void;
}

class Params implements SqlDialect {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return '?';
  }
  labelEquals(org: string, key: string, value: string): string {
    return `id IN (SELECT session_id FROM session_labels WHERE org = ${this.param(org)} AND key = ${this.param(key)} AND value = ${this.param(value)})`;
  }
  textMatch(org: string, text: string): string {
    return `id IN (SELECT session_id FROM search WHERE search MATCH ${this.param(ftsPhrase(text))} AND org = ${this.param(org)})`;
  }
}

const OPEN = new Set(['active', 'pending_review', 'dropped']);

/** The embedded store: one SQLite file, WAL, migrations on open. */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  readonly shared: SharedTables;
  private readonly stmts;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly pending: PendingBatch[] = [];

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    // Acknowledged means durable: every commit is synced to disk, also against power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    const cache = new Map<string, Database.Statement>();
    const prepared = (sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = this.db.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt;
    };
    const runner: SqlRunner = {
      all: async <T>(sql: string, params: unknown[] = []) => prepared(sql).all(...params) as T[],
      run: async (sql, params = []) => ({ changes: prepared(sql).run(...params).changes }),
    };
    this.shared = new SharedTables(runner);
    const db = this.db;
    this.stmts = {
      loadSessions: db.prepare<[string], SessionRow>(
        'SELECT id, org, doc, last_hash, event_count FROM sessions WHERE id IN (SELECT value FROM json_each(?))',
      ),
      existingIds: db
        .prepare<[string, string], string>(
          'SELECT id FROM events WHERE org = ? AND id IN (SELECT value FROM json_each(?))',
        )
        .pluck(),
      existingSeqs: db
        .prepare<[string], string>(
          `SELECT e.session_id || ':' || e.seq FROM json_each(?) AS k
           JOIN events AS e ON e.session_id = json_extract(k.value, '$[0]') AND e.seq = json_extract(k.value, '$[1]')`,
        )
        .pluck(),
      insertEvent: db.prepare(
        'INSERT INTO events (session_id, seq, org, id, ord, type, body, received_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertChunk: db.prepare('INSERT INTO search_chunks (session_id, kind) VALUES (?, ?)'),
      insertText: db.prepare(
        'INSERT INTO search (rowid, text, org, session_id) VALUES (?, ?, ?, ?)',
      ),
      insertResult: db.prepare(
        'INSERT INTO results (org, session_id, ref, doc) VALUES (?, ?, ?, ?) ON CONFLICT (session_id, ref) DO NOTHING',
      ),
      upsertSession: db.prepare(`
        INSERT INTO sessions (id, org, started_at, status, actor_type, actor_id, actor_email, resource_name,
          resource_type, environment, score, has_recording, doc, last_hash, event_count)
        VALUES (@id, @org, @started_at, @status, @actor_type, @actor_id, @actor_email, @resource_name,
          @resource_type, @environment, @score, @has_recording, @doc, @last_hash, @event_count)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, score = excluded.score, doc = excluded.doc,
          has_recording = excluded.has_recording, last_hash = excluded.last_hash, event_count = excluded.event_count`),
      insertLabel: db.prepare(
        'INSERT OR IGNORE INTO session_labels (org, key, value, session_id) VALUES (?, ?, ?, ?)',
      ),
      getSession: db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM sessions WHERE org = ? AND id = ?',
      ),
      chainHead: db.prepare<[string, string], { last_hash: string; event_count: number }>(
        'SELECT last_hash, event_count FROM sessions WHERE org = ? AND id = ?',
      ),
      chain: db.prepare<[string], ChainRow>(
        'SELECT seq, id, body, received_at, hash, purged FROM events WHERE session_id = ? ORDER BY ord',
      ),
      insertToken: db.prepare(
        'INSERT INTO tokens (id, org, name, hash, permissions, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      findToken: db.prepare<
        [string],
        { id: string; org: string; name: string; permissions: string }
      >('SELECT id, org, name, permissions FROM tokens WHERE hash = ?'),
    };
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < SQLITE_MIGRATIONS.length; i++) {
      this.db.transaction(() => {
        this.db.exec(SQLITE_MIGRATIONS[i]!);
        this.db.pragma(`user_version = ${i + 1}`);
      })();
    }
  }

  /** Runs `work` after every write queued before it: one write transaction at a time. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work);
    this.writes = run.catch(() => {});
    return run;
  }

  private saveSession(state: SessionState): void {
    const x = state.session;
    this.stmts.upsertSession.run({
      id: x.id,
      org: x.org,
      started_at: Date.parse(x.startedAt),
      status: x.status,
      actor_type: x.actor.type,
      actor_id: x.actor.id,
      actor_email: x.actor.email?.toLowerCase() ?? null,
      resource_name: x.resource.name,
      resource_type: x.resource.type,
      environment: x.resource.environment,
      score: x.significance?.score ?? 0,
      has_recording: x.recorded ? 1 : 0,
      doc: JSON.stringify(x),
      last_hash: state.lastHash,
      event_count: state.eventCount,
    });
  }

  private loadSession(sessionId: string): LoadedSession | undefined {
    const row = this.stmts.loadSessions.get(JSON.stringify([sessionId]));
    return row
      ? {
          org: row.org,
          session: JSON.parse(row.doc) as Session,
          lastHash: row.last_hash,
          eventCount: row.event_count,
        }
      : undefined;
  }

  async close(): Promise<void> {
    await this.writes;
    this.db.close();
  }

  async createToken(input: { org: string; name: string; permissions: Permission[] }) {
    const token = newToken();
    const id = newTokenId();
    this.stmts.insertToken.run(
      id,
      input.org,
      input.name,
      hashToken(token),
      JSON.stringify(input.permissions),
      Date.now(),
    );
    return { id, token };
  }

  async findToken(token: string): Promise<Principal | null> {
    const row = this.stmts.findToken.get(hashToken(token));
    if (!row) return null;
    return {
      tokenId: row.id,
      org: row.org,
      name: row.name,
      permissions: new Set(JSON.parse(row.permissions) as Permission[]),
    };
  }

  async ingest(
    org: string,
    events: Event[],
    settings: Omit<IngestSettings, 'genesis'>,
  ): Promise<IngestReport> {
    // better-sqlite3 is synchronous: each step below finishes before it returns, inside a
    // transaction that nothing else on this connection interleaves with (serialize).
    const s = this.stmts;
    const tx: IngestTx = {
      loadSessions: async (ids) => {
        const found = new Map<string, LoadedSession>();
        for (const row of s.loadSessions.all(JSON.stringify(ids))) {
          found.set(row.id, {
            org: row.org,
            session: JSON.parse(row.doc) as Session,
            lastHash: row.last_hash,
            eventCount: row.event_count,
          });
        }
        return found;
      },
      existingEventIds: async (o, ids) => new Set(s.existingIds.all(o, JSON.stringify(ids))),
      existingSeqs: async (keys) =>
        new Set(
          keys.length
            ? s.existingSeqs.all(JSON.stringify(keys.map((k) => [k.sessionId, k.seq])))
            : [],
        ),
      insertEvents: async (rows) => {
        for (const r of rows)
          s.insertEvent.run(
            r.sessionId,
            r.seq,
            r.org,
            r.id,
            r.ord,
            r.type,
            r.body,
            r.receivedAt,
            r.hash,
          );
      },
      insertSearch: async (rows) => {
        for (const r of rows) {
          const { lastInsertRowid } = s.insertChunk.run(r.sessionId, r.kind);
          s.insertText.run(lastInsertRowid, r.text, r.org, r.sessionId);
        }
      },
      insertResults: async (rows) => {
        for (const r of rows) s.insertResult.run(r.org, r.sessionId, r.ref, r.doc);
      },
      saveSessions: async (states) => {
        for (const state of states) {
          this.saveSession(state);
          const x = state.session;
          for (const [k, v] of Object.entries(x.labels)) s.insertLabel.run(x.org, k, v, x.id);
        }
      },
    };
    return new Promise<IngestReport>((resolve, reject) => {
      this.pending.push({
        run: () => ingestBatch(tx, org, events, { ...settings, genesis: GENESIS_HASH }),
        resolve,
        reject,
      });
      // Wait one turn of the event loop before committing, so that batches whose bodies are
      // still arriving join this commit (its fsync blocks the thread, so nothing could join it).
      if (this.pending.length === 1)
        setImmediate(() => void this.serialize(() => this.commitPending()));
    });
  }

  /**
   * Group commit: the batches that arrived while the previous commit was syncing share one
   * transaction and one fsync. Each is answered only after that commit. A batch that fails is
   * rolled back on its own (savepoint) and the others still commit.
   */
  private async commitPending(): Promise<void> {
    const group = this.pending.splice(0);
    const done: { job: PendingBatch; report: IngestReport }[] = [];
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const job of group) {
        this.db.exec('SAVEPOINT batch');
        try {
          done.push({ job, report: await job.run() });
          this.db.exec('RELEASE batch');
        } catch (error) {
          this.db.exec('ROLLBACK TO batch');
          this.db.exec('RELEASE batch');
          job.reject(error);
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const d of done) d.job.reject(error);
      return;
    }
    for (const d of done) d.job.resolve(d.report);
  }

  async updateSession(
    org: string,
    sessionId: string,
    change: (session: Session) => Session | null,
  ) {
    return this.serialize(async () => {
      const loaded = this.loadSession(sessionId);
      if (!loaded || loaded.org !== org) return null;
      const next = change(structuredClone(loaded.session));
      if (!next) return loaded.session;
      next.significance = significance(next);
      this.saveSession({ ...loaded, session: next });
      return next;
    });
  }

  async purgeRecordings(request: PurgeRequest): Promise<PurgeReport> {
    const report: PurgeReport = { sessions: 0, events: 0 };
    const envs = PRODUCTION_ENVIRONMENTS.map(() => '?').join(', ');
    const pick = this.db
      .prepare<unknown[], string>(
        `SELECT id FROM sessions WHERE has_recording = 1 AND started_at < ? AND environment ${request.production ? '' : 'NOT '}IN (${envs}) LIMIT 100`,
      )
      .pluck();
    const terminal = this.db.prepare<[string], { seq: number; body: string }>(
      "SELECT seq, body FROM events WHERE session_id = ? AND type = 'terminal' AND purged IS NULL",
    );
    const update = this.db.prepare(
      'UPDATE events SET body = ?, purged = ? WHERE session_id = ? AND seq = ?',
    );
    const unindex = this.db.prepare(
      "DELETE FROM search WHERE rowid IN (SELECT rowid FROM search_chunks WHERE session_id = ? AND kind = 'io')",
    );
    const dropChunks = this.db.prepare(
      "DELETE FROM search_chunks WHERE session_id = ? AND kind = 'io'",
    );
    for (;;) {
      const ids = pick.all(request.before, ...PRODUCTION_ENVIRONMENTS);
      if (ids.length === 0) return report;
      for (const id of ids) {
        await this.serialize(async () => {
          this.db.transaction(() => {
            for (const row of terminal.all(id)) {
              const t = tombstone(row.body, request.at, request.reason);
              update.run(t.body, t.purged, id, row.seq);
              report.events++;
            }
            unindex.run(id);
            dropChunks.run(id);
            const loaded = this.loadSession(id)!;
            this.saveSession({ ...loaded, session: { ...loaded.session, recorded: false } });
          })();
        });
        report.sessions++;
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
    p.param(query.limit + 1);
    const rows = this.db
      .prepare<unknown[], SessionRow>(
        `SELECT id, doc, score, started_at FROM sessions WHERE ${conditions.join(' AND ')} ORDER BY ${order.orderBy} LIMIT ?`,
      )
      .all(...p.values);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    let count: SessionPage['count'] = { mode: 'none', value: null, capped: false };
    if (query.count !== 'none') {
      const sql =
        query.count === 'exact'
          ? `SELECT count(*) AS n FROM sessions WHERE ${where.join(' AND ')}`
          : `SELECT count(*) AS n FROM (SELECT 1 FROM sessions WHERE ${where.join(' AND ')} LIMIT ${options.countCap + 1})`;
      const n = this.db.prepare<unknown[], { n: number }>(sql).get(...filterValues)?.n ?? 0;
      count =
        query.count === 'exact'
          ? { mode: 'exact', value: n, capped: false }
          : { mode: 'capped', value: Math.min(n, options.countCap), capped: n > options.countCap };
    }
    return {
      data: page.map((r) => JSON.parse(r.doc) as Session),
      nextCursor: more && last ? encodeCursor(order.key(last)) : null,
      count,
    };
  }

  async getSession(org: string, sessionId: string): Promise<Session | null> {
    const row = this.stmts.getSession.get(org, sessionId);
    return row ? (JSON.parse(row.doc) as Session) : null;
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
      typeFilter = ` AND type IN (${query.type.map(() => '?').join(', ')})`;
      values.push(...query.type);
    }
    values.push(query.limit + 1);
    const rows = this.db
      .prepare<unknown[], ChainRow>(
        `SELECT seq, body, received_at, hash, purged FROM events WHERE session_id = ? AND seq > ?${typeFilter} ORDER BY seq LIMIT ?`,
      )
      .all(...values);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    // Open sessions may still grow: hand back a cursor to poll from, even at the end.
    return {
      data: page.map((r) => JSON.parse(storedEventJson(r)) as StoredEvent),
      nextCursor: more || OPEN.has(session.status) ? String(last?.seq ?? query.after ?? -1) : null,
    };
  }

  async verifySession(org: string, sessionId: string): Promise<ChainCheck | null> {
    const head = this.stmts.chainHead.get(org, sessionId);
    if (!head) return null;
    return walkChain(this.stmts.chain.iterate(sessionId), {
      lastHash: head.last_hash,
      eventCount: head.event_count,
    });
  }
}
