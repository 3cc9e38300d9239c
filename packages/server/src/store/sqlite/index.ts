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
  type SessionState,
} from '../ingest';
import { PRODUCTION_ENVIRONMENTS, type PurgeReport, type PurgeRequest, tombstone } from '../purge';
import type { SqlRunner } from '../runner';
import { SharedTables } from '../shared';
import { hashToken, newToken, newTokenId } from '../tokens';
import type { ChainCheck, ListOptions, Permission, Principal, Store } from '../types';
import { walkChain } from '../verify';
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

class Params implements SqlDialect {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return '?';
  }
  labelEquals(key: string, value: string): string {
    return `json_extract(doc, ${this.param(`$.labels."${key}"`)}) = ${this.param(value)}`;
  }
  textMatch(org: string, text: string): string {
    return `id IN (SELECT session_id FROM events_fts WHERE events_fts MATCH ${this.param(ftsPhrase(text))} AND org = ${this.param(org)})`;
  }
}

/** The embedded store: one SQLite file, WAL, migrations on open. */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly stmts;
  private writes: Promise<unknown> = Promise.resolve();
  readonly shared: SharedTables;

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
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
    this.stmts = {
      loadSession: this.db.prepare<[string], SessionRow>(
        'SELECT id, org, doc, last_hash, event_count, score, started_at FROM sessions WHERE id = ?',
      ),
      hasEventId: this.db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM events WHERE org = ? AND id = ?',
      ),
      hasSeq: this.db.prepare<[string, number], { one: number }>(
        'SELECT 1 AS one FROM events WHERE session_id = ? AND seq = ?',
      ),
      insertEvent: this.db.prepare(
        'INSERT INTO events (session_id, seq, org, id, ord, type, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertText: this.db.prepare(
        'INSERT INTO events_fts (rowid, text, org, session_id) VALUES (?, ?, ?, ?)',
      ),
      insertResult: this.db.prepare(
        'INSERT INTO results (org, session_id, ref, doc) VALUES (?, ?, ?, ?) ON CONFLICT (session_id, ref) DO NOTHING',
      ),
      upsertSession: this.db.prepare(`
        INSERT INTO sessions (id, org, started_at, status, actor_type, actor_id, actor_email, resource_name,
          resource_type, environment, score, has_recording, doc, last_hash, event_count)
        VALUES (@id, @org, @started_at, @status, @actor_type, @actor_id, @actor_email, @resource_name,
          @resource_type, @environment, @score, @has_recording, @doc, @last_hash, @event_count)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, score = excluded.score, doc = excluded.doc,
          has_recording = excluded.has_recording, last_hash = excluded.last_hash, event_count = excluded.event_count`),
      getSession: this.db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM sessions WHERE org = ? AND id = ?',
      ),
      insertToken: this.db.prepare(
        'INSERT INTO tokens (id, org, name, hash, permissions, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      findToken: this.db.prepare<
        [string],
        { id: string; org: string; name: string; permissions: string }
      >('SELECT id, org, name, permissions FROM tokens WHERE hash = ?'),
    };
  }

  private saveSession(state: { session: Session; lastHash: string; eventCount: number }): void {
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

  /** Runs `work` after every write queued before it: one write transaction at a time. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work);
    this.writes = run.catch(() => {});
    return run;
  }

  async updateSession(
    org: string,
    sessionId: string,
    change: (session: Session) => Session | null,
  ) {
    return this.serialize(async () => {
      const row = this.stmts.loadSession.get(sessionId);
      if (!row || row.org !== org) return null;
      const current = JSON.parse(row.doc) as Session;
      const next = change(structuredClone(current));
      if (!next) return current;
      next.significance = significance(next);
      this.saveSession({ session: next, lastHash: row.last_hash, eventCount: row.event_count });
      return next;
    });
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

  async close(): Promise<void> {
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
    // better-sqlite3 is synchronous: the whole batch runs inside one transaction, and the
    // awaits below resolve without yielding to other requests' writes.
    const s = this.stmts;
    const tx: IngestTx = {
      loadSession: async (sessionId) => {
        const row = s.loadSession.get(sessionId);
        return row
          ? {
              org: row.org,
              session: JSON.parse(row.doc) as Session,
              lastHash: row.last_hash,
              eventCount: row.event_count,
            }
          : null;
      },
      existingEventIds: async (o, ids) => {
        const found = new Set<string>();
        for (const id of ids) if (s.hasEventId.get(o, id)) found.add(id);
        return found;
      },
      existingSeqs: async (sessionId, seqs) => {
        const found = new Set<number>();
        for (const seq of seqs) if (s.hasSeq.get(sessionId, seq)) found.add(seq);
        return found;
      },
      insertEvents: async (rows) => {
        for (const { org: o, ord, event, text } of rows) {
          const { lastInsertRowid } = s.insertEvent.run(
            event.sessionId,
            event.seq,
            o,
            event.id,
            ord,
            event.type,
            JSON.stringify(event),
          );
          if (text) s.insertText.run(lastInsertRowid, text, o, event.sessionId);
        }
      },
      insertResults: async (rows) => {
        for (const r of rows) s.insertResult.run(r.org, r.sessionId, r.ref, r.doc);
      },
      saveSession: async (state: SessionState) => this.saveSession(state),
    };
    // One connection, one transaction at a time: batches queue behind each other.
    return this.serialize(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const report = await ingestBatch(tx, org, events, { ...settings, genesis: GENESIS_HASH });
        this.db.exec('COMMIT');
        return report;
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      }
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
    const terminal = this.db.prepare<[string], { rowid: number; body: string }>(
      "SELECT rowid, body FROM events WHERE session_id = ? AND type = 'terminal'",
    );
    const update = this.db.prepare('UPDATE events SET body = ? WHERE rowid = ?');
    const unindex = this.db.prepare('DELETE FROM events_fts WHERE rowid = ?');
    for (;;) {
      const ids = pick.all(request.before, ...PRODUCTION_ENVIRONMENTS);
      if (ids.length === 0) return report;
      for (const id of ids) {
        await this.serialize(async () => {
          this.db.transaction(() => {
            for (const row of terminal.all(id)) {
              const body = tombstone(row.body, request.at, request.reason);
              if (!body) continue;
              update.run(body, row.rowid);
              unindex.run(row.rowid);
              report.events++;
            }
            const head = this.stmts.loadSession.get(id)!;
            const session = { ...(JSON.parse(head.doc) as Session), recorded: false };
            this.saveSession({ session, lastHash: head.last_hash, eventCount: head.event_count });
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
      const n = (this.db.prepare<unknown[], { n: number }>(sql).get(...filterValues)?.n ??
        0) as number;
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
    const session = this.stmts.getSession.get(org, sessionId);
    if (!session) return null;
    const values: unknown[] = [sessionId, query.after ?? -1];
    let typeFilter = '';
    if (query.type && query.type.length > 0) {
      typeFilter = ` AND type IN (${query.type.map(() => '?').join(', ')})`;
      values.push(...query.type);
    }
    values.push(query.limit + 1);
    const rows = this.db
      .prepare<unknown[], { seq: number; body: string }>(
        `SELECT seq, body FROM events WHERE session_id = ? AND seq > ?${typeFilter} ORDER BY seq LIMIT ?`,
      )
      .all(...values);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const status = (JSON.parse(session.doc) as Session).status;
    const last = page.at(-1);
    // Active sessions may still grow: hand back a cursor to poll from, even at the end.
    const open = status === 'active' || status === 'pending_review' || status === 'dropped';
    return {
      data: page.map((r) => JSON.parse(r.body) as StoredEvent),
      nextCursor: more || open ? String(last?.seq ?? query.after ?? -1) : null,
    };
  }

  async verifySession(org: string, sessionId: string): Promise<ChainCheck | null> {
    const head = this.db
      .prepare<[string, string], { last_hash: string; event_count: number }>(
        'SELECT last_hash, event_count FROM sessions WHERE org = ? AND id = ?',
      )
      .get(org, sessionId);
    if (!head) return null;
    const bodies = this.db
      .prepare<[string], string>('SELECT body FROM events WHERE session_id = ? ORDER BY ord')
      .pluck()
      .iterate(sessionId);
    return walkChain(bodies, { lastHash: head.last_hash, eventCount: head.event_count });
  }
}
