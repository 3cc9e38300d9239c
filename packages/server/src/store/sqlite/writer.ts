import type { Event, Session, Significance } from '@auditlane/client';
import type Database from 'better-sqlite3';
import type { ChainVersion } from '../../chain/formula';
import type { SessionFacts } from '../../domain/significance';
import { ensureActivity } from '../activity';
import { type IndexSql, valuesRows } from '../entity-index';
import {
  type IngestReport,
  type IngestSettings,
  type IngestTx,
  ingestBatch,
  type LoadedSession,
  type SessionState,
} from '../ingest';
import { kpiColumns } from '../kpis';
import type { SqlRunner } from '../runner';
import {
  type BaselineSettings,
  loadFacts,
  type QueuedScore,
  type ScoringSql,
  saveScores,
} from '../scoring';

interface SessionRow {
  id: string;
  doc: string;
  chain_version: ChainVersion;
  last_hash: string;
  event_count: number;
}

interface PendingBatch {
  run: () => Promise<IngestReport>;
  resolve: (report: IngestReport) => void;
  reject: (error: unknown) => void;
}

/**
 * The batch's keys first, each looked up by the table's primary key: CROSS JOIN keeps that
 * order. A plain JOIN let the planner walk every event (result) of the org for each key, which
 * made each batch of a large session cost as much as the org's events times the batch.
 */
export const EXISTING_SEQS_SQL = `SELECT e.session_id || ':' || e.seq FROM json_each(?) AS k
  CROSS JOIN events AS e ON e.org = ? AND e.session_id = json_extract(k.value, '$[0]') AND e.seq = json_extract(k.value, '$[1]')`;
export const EXISTING_REFS_SQL = `SELECT r.session_id || ':' || r.ref FROM json_each(?) AS k
  CROSS JOIN results AS r ON r.org = ? AND r.session_id = json_extract(k.value, '$[0]') AND r.ref = json_extract(k.value, '$[1]')`;

/** The write side of the SQLite store: ingest with group commit, and the session row helpers. */
export class SqliteWriter {
  private readonly stmts;
  private readonly pending: PendingBatch[] = [];
  private writes: Promise<unknown> = Promise.resolve();
  /** Statements by SQL text, prepared once. */
  private readonly cache = new Map<string, Database.Statement>();
  /** The shared SQL of this connection (`?` placeholders). */
  readonly runner: SqlRunner & ScoringSql & IndexSql;

  constructor(private readonly db: Database.Database) {
    const prepared = (sql: string) => {
      let stmt = this.cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        this.cache.set(sql, stmt);
      }
      return stmt;
    };
    this.runner = {
      all: async <T>(sql: string, params: unknown[] = []) => prepared(sql).all(...params) as T[],
      run: async (sql, params = []) => ({ changes: prepared(sql).run(...params).changes }),
      // One writer: its transactions run one at a time already.
      lockIndex: async () => {},
      rows: valuesRows,
      session: (doc) => JSON.parse(doc as string) as Session,
      docWithSignificance: (json) => `json_set(doc, '$.significance', json(${json}))`,
    };
    this.stmts = {
      loadSessions: db.prepare<[string, string], SessionRow>(
        'SELECT id, doc, chain_version, last_hash, event_count FROM sessions WHERE org = ? AND id IN (SELECT value FROM json_each(?))',
      ),
      existingIds: db
        .prepare<[string, string], string>(
          'SELECT id FROM events WHERE org = ? AND id IN (SELECT value FROM json_each(?))',
        )
        .pluck(),
      existingSeqs: db.prepare<[string, string], string>(EXISTING_SEQS_SQL).pluck(),
      existingRefs: db.prepare<[string, string], string>(EXISTING_REFS_SQL).pluck(),
      insertEvent: db.prepare(
        'INSERT INTO events (session_id, seq, org, id, ord, type, body, received_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // The rowid orders search matches by session start: (startedAt << 20) + n, n counting the
      // session start's chunks (see SEARCH_KEY_BITS). Integers past 2^53: kept as BigInt.
      insertChunk: db
        .prepare(
          `INSERT INTO search_chunks (rowid, org, session_id, kind) VALUES (
             (SELECT coalesce(max(rowid) + 1, @started << 20) FROM search_chunks
               WHERE rowid >= (@started << 20) AND rowid < ((@started + 1) << 20)),
             @org, @session, @kind)`,
        )
        .safeIntegers(),
      insertText: db.prepare(
        'INSERT INTO search (rowid, text, org, session_id) VALUES (?, ?, ?, ?)',
      ),
      // No ON CONFLICT: ingest checked the ref is free, under the session's write lock.
      insertResult: db.prepare(
        'INSERT INTO results (org, session_id, ref, doc) VALUES (?, ?, ?, ?)',
      ),
      upsertSession: db.prepare(`
        INSERT INTO sessions (id, org, started_at, status, actor_type, actor_id, actor_email, resource_name,
          resource_type, environment, score, has_recording, doc, chain_version, last_hash, event_count,
          cost_micros, blocked)
        VALUES (@id, @org, @started_at, @status, @actor_type, @actor_id, @actor_email, @resource_name,
          @resource_type, @environment, @score, @has_recording, @doc, @chain_version, @last_hash, @event_count,
          @cost_micros, @blocked)
        ON CONFLICT (org, id) DO UPDATE SET status = excluded.status, score = excluded.score, doc = excluded.doc,
          has_recording = excluded.has_recording, last_hash = excluded.last_hash, event_count = excluded.event_count,
          cost_micros = excluded.cost_micros, blocked = excluded.blocked`),
      enqueueScore: db.prepare(
        `INSERT INTO score_queue (org, session_id, queued_at) VALUES (?, ?, ?)
         ON CONFLICT (org, session_id) DO UPDATE SET queued_at =
           CASE WHEN excluded.queued_at > score_queue.queued_at THEN excluded.queued_at ELSE score_queue.queued_at + 1 END`,
      ),
      insertLabel: db.prepare(
        'INSERT OR IGNORE INTO session_labels (org, key, value, session_id) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  /** Runs `work` after every write queued before it: one write transaction at a time. */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work);
    this.writes = run.catch(() => {});
    return run;
  }

  /** Resolves when every queued write is done. */
  drain(): Promise<unknown> {
    return this.writes;
  }

  loadSession(org: string, sessionId: string): LoadedSession | undefined {
    return this.loadSessions(org, [sessionId]).get(sessionId);
  }

  private loadSessions(org: string, ids: string[]): Map<string, LoadedSession> {
    const found = new Map<string, LoadedSession>();
    for (const row of this.stmts.loadSessions.all(org, JSON.stringify(ids))) {
      found.set(row.id, {
        session: JSON.parse(row.doc) as Session,
        chainVersion: row.chain_version,
        lastHash: row.last_hash,
        eventCount: row.event_count,
      });
    }
    return found;
  }

  /** Queues a session for rescoring (inside the caller's write transaction). */
  enqueueScore(org: string, sessionId: string, queuedAt: number): void {
    this.stmts.enqueueScore.run(org, sessionId, queuedAt);
  }

  saveSession(state: SessionState): void {
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
      chain_version: state.chainVersion,
      last_hash: state.lastHash,
      event_count: state.eventCount,
      ...kpiColumns(x),
    });
    for (const [k, v] of Object.entries(x.labels)) this.stmts.insertLabel.run(x.org, k, v, x.id);
  }

  ingest(org: string, events: Event[], settings: IngestSettings): Promise<IngestReport> {
    const s = this.stmts;
    const tx: IngestTx = {
      loadSessions: async (o, ids) => this.loadSessions(o, ids),
      existingEventIds: async (o, ids) => new Set(s.existingIds.all(o, JSON.stringify(ids))),
      existingSeqs: async (o, keys) =>
        new Set(
          keys.length
            ? s.existingSeqs.all(JSON.stringify(keys.map((k) => [k.sessionId, k.seq])), o)
            : [],
        ),
      existingResultRefs: async (o, keys) =>
        new Set(s.existingRefs.all(JSON.stringify(keys.map((k) => [k.sessionId, k.ref])), o)),
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
          const { lastInsertRowid } = s.insertChunk.run({
            started: r.startedAt,
            org: r.org,
            session: r.sessionId,
            kind: r.kind,
          });
          s.insertText.run(lastInsertRowid, r.text, r.org, r.sessionId);
        }
      },
      insertResults: async (rows) => {
        for (const r of rows) s.insertResult.run(r.org, r.sessionId, r.ref, r.doc);
      },
      saveSessions: async (states) => {
        for (const state of states) this.saveSession(state);
      },
      sql: this.runner,
    };
    return new Promise<IngestReport>((resolve, reject) => {
      this.pending.push({
        run: () => ingestBatch(tx, org, events, settings),
        resolve,
        reject,
      });
      // Wait one turn of the event loop before committing, so that batches still arriving join
      // this commit and share its fsync.
      if (this.pending.length === 1)
        setImmediate(() => void this.serialize(() => this.commitPending()));
    });
  }

  /** Recomputes queued sessions' significance in one write transaction (see Store.rescore). */
  rescore(
    org: string,
    queued: QueuedScore[],
    score: (facts: SessionFacts) => Significance,
    baseline: BaselineSettings,
  ): Promise<string[]> {
    return this.serialize(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const facts = await loadFacts(
          this.runner,
          org,
          queued.map((q) => q.sessionId),
          baseline,
        );
        const scored = queued.flatMap((q) => {
          const f = facts.get(q.sessionId);
          // Not a session of the org (any more): nothing to score, only taken off the queue.
          return f ? [{ sessionId: q.sessionId, significance: score(f) }] : [];
        });
        await saveScores(this.runner, org, scored, queued);
        const done = scored.map((x) => x.sessionId).sort();
        this.db.exec('COMMIT');
        return done;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Builds a session's activity from its events if it is not kept yet (see ensureActivity). */
  ensureActivity(org: string, sessionId: string): Promise<void> {
    return this.serialize(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        await ensureActivity(this.runner, org, sessionId);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /**
   * Group commit: the batches queued since the last commit share one transaction and one fsync.
   * Each is answered only after that commit. A batch that fails is rolled back on its own
   * (savepoint) and the others still commit.
   */
  private async commitPending(): Promise<void> {
    const group = this.pending.splice(0);
    const done: { job: PendingBatch; report: IngestReport }[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
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
      // Nothing of the group was committed (rejecting a batch that failed on its own is a no-op).
      for (const job of group) job.reject(error);
      return;
    }
    for (const d of done) d.job.resolve(d.report);
  }
}

/** Opens a connection with the store's settings. */
export function configure(db: Database.Database): Database.Database {
  db.pragma('journal_mode = WAL');
  // Acknowledged means durable: every commit is synced to disk, also against power loss.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  return db;
}
