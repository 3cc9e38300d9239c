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
import Database from 'better-sqlite3';
import type { VerifyEvidence } from '../../chain/verify';
import { significance } from '../../domain/session';
import type { SessionFacts } from '../../domain/significance';
import type { TelemetryInput } from '../../otlp/claude-code';
import { activityKept, listActivity } from '../activity';
import { AlertTables } from '../alerts';
import {
  containsPattern,
  ftsPhrase,
  type SqlDialect,
  TRIGRAM_MIN,
  type WalkFrom,
} from '../filters';
import { HEAD_COLUMNS, type HeadRow, storedHead } from '../heads';
import type { IngestReport, IngestSettings } from '../ingest';
import { getEntity, overview, sessionRelationships } from '../meaning';
import { PRODUCTION_ENVIRONMENTS, type PurgeReport, type PurgeRequest, tombstone } from '../purge';
import { listEvents, listSessions, type SqlReader } from '../reads';
import type { SqlRunner } from '../runner';
import { type BaselineSettings, type QueuedScore, queuedScores } from '../scoring';
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
import { SQLITE_MIGRATIONS } from './migrations';
import { configure, SqliteWriter } from './writer';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  filename: string;
}

class Params implements SqlDialect {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return '?';
  }
  labelEquals(org: string, key: string, value: string, common: boolean): string {
    if (common)
      return `EXISTS (SELECT 1 FROM session_labels AS l WHERE l.org = ${this.param(org)} AND l.key = ${this.param(key)} AND l.value = ${this.param(value)} AND l.org = sessions.org AND l.session_id = sessions.id)`;
    return `id IN (SELECT session_id FROM session_labels WHERE org = ${this.param(org)} AND key = ${this.param(key)} AND value = ${this.param(value)})`;
  }
  labelProbe(org: string, key: string, value: string, limit: number): string {
    return `SELECT count(*) AS n FROM (SELECT 1 FROM session_labels WHERE org = ${this.param(org)} AND key = ${this.param(key)} AND value = ${this.param(value)} LIMIT ${this.param(limit)})`;
  }
  textMatch(org: string, text: string): string {
    return `id IN (SELECT session_id FROM search WHERE search MATCH ${this.param(ftsPhrase(text))} AND org = ${this.param(org)})`;
  }
  textWalk(org: string, text: string, from: WalkFrom, n: number): string {
    // FTS5 returns matches in rowid order and stops at the LIMIT; rowids are (started_at << 20) + n.
    let sql = `SELECT CAST(rowid AS TEXT) AS k, rowid >> 20 AS started_at, session_id FROM search WHERE search MATCH ${this.param(ftsPhrase(text))} AND org = ${this.param(org)}`;
    if (from.after) sql += ` AND rowid < CAST(${this.param(from.after.k)} AS INTEGER)`;
    else if (from.startedAtMax !== undefined)
      sql += ` AND rowid < ((${this.param(from.startedAtMax)} + 1) << 20)`;
    return `${sql} ORDER BY rowid DESC LIMIT ${this.param(n)}`;
  }
  activityText(alias: string, text: string, org: string, sessionId: string): string {
    // The trigram index (activity_text, rowids of activity) finds the candidates; LIKE keeps
    // the scan's answer exactly. Shorter text has no trigram: the session's entries are read.
    // The index holds every tenant's entries: it is asked only between the session's first and
    // last rowid (FTS5 seeks to a rowid range), so a text common in another org's sessions, or
    // in sessions before or after this one, costs this query nothing.
    const session = () =>
      `FROM activity WHERE org = ${this.param(org)} AND session_id = ${this.param(sessionId)}`;
    const match =
      [...text].length >= TRIGRAM_MIN
        ? `${alias}rowid IN (SELECT rowid FROM activity_text WHERE activity_text MATCH ${this.param(ftsPhrase(text))} AND rowid BETWEEN (SELECT min(rowid) ${session()}) AND (SELECT max(rowid) ${session()})) AND `
        : '';
    return `${match}${alias}text LIKE ${this.param(containsPattern(text))} ESCAPE '\\'`;
  }
}

/** The embedded store: one SQLite file, WAL, migrations on open, group commit. */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  readonly shared: SharedTables;
  readonly alerts: AlertTables;
  private readonly reader: SqlReader = {
    params: () => new Params(),
    all: async <T>(sql: string, values: unknown[]) => this.db.prepare(sql).all(...values) as T[],
    session: (doc) => JSON.parse(doc as string) as Session,
  };
  private readonly stmts;
  private readonly writer: SqliteWriter;
  private readonly runner: SqlRunner;

  constructor(options: SqliteStoreOptions) {
    this.db = configure(new Database(options.filename));
    this.migrate();
    this.writer = new SqliteWriter(this.db);
    this.runner = this.writer.runner;
    this.shared = new SharedTables(this.writer.runner);
    this.alerts = new AlertTables(this.writer.runner, {
      params: () => new Params(),
      all: async <T>(sql: string, values: unknown[]) => this.db.prepare(sql).all(...values) as T[],
      run: async (sql, values) => {
        this.db.prepare(sql).run(...values);
      },
      session: (doc) => JSON.parse(doc as string) as Session,
    });
    const db = this.db;
    this.stmts = {
      getSession: db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM sessions WHERE org = ? AND id = ?',
      ),
      chainHead: db.prepare<[string, string], HeadRow>(
        `SELECT ${HEAD_COLUMNS} FROM sessions WHERE org = ? AND id = ?`,
      ),
      unsignedHeads: db.prepare<[number], HeadRow>(
        `SELECT ${HEAD_COLUMNS} FROM sessions WHERE signed_hash IS NOT last_hash ORDER BY org, id LIMIT ?`,
      ),
      hashAt: db
        .prepare<[string, string, number], string>(
          'SELECT hash FROM events WHERE org = ? AND session_id = ? AND ord = ?',
        )
        .pluck(),
      recordSignedHead: db.prepare(
        'UPDATE sessions SET signed_hash = ?, signed_events = ?, signed_head = ? WHERE org = ? AND id = ? AND signed_events <= ?',
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

  async close(): Promise<void> {
    await this.writer.drain();
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

  ingest(org: string, events: Event[], settings: IngestSettings): Promise<IngestReport> {
    return this.writer.ingest(org, events, settings);
  }

  private telemetryTx(): TelemetryTx {
    const labelled = this.db.prepare<
      [string, string],
      { claude: string; id: string; started_at: number; ended: string | null }
    >(
      `SELECT l.value AS claude, s.id, s.started_at, json_extract(s.doc, '$.endedAt') AS ended
       FROM session_labels AS l JOIN sessions AS s ON s.org = l.org AND s.id = l.session_id
       WHERE l.org = ? AND l.key = 'claude.session' AND l.value IN (SELECT value FROM json_each(?))`,
    );
    return {
      sql: this.writer.runner,
      // One writer: telemetry writes run one at a time already.
      lockClaudeSessions: async () => {},
      labelledSessions: async (org, ids) =>
        labelled.all(org, JSON.stringify(ids)).map((r) => ({
          id: r.id,
          claudeSessionId: r.claude,
          startedAt: r.started_at,
          endedAt: r.ended ? Date.parse(r.ended) : null,
        })),
      loadSessions: async (org, ids) => {
        const found = new Map<string, ReturnType<SqliteWriter['loadSession']> & object>();
        for (const id of ids) {
          const loaded = this.writer.loadSession(org, id);
          if (loaded) found.set(id, loaded);
        }
        return found;
      },
      saveSessions: async (states) => {
        for (const state of states) this.writer.saveSession(state);
      },
    };
  }

  /** Runs a telemetry write under the write lock, in a transaction of its own. */
  private telemetryWrite(work: (tx: TelemetryTx) => Promise<TelemetryReport>) {
    return this.writer.serialize(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const report = await work(this.telemetryTx());
        this.db.exec('COMMIT');
        return report;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async claudeSessionsOf(org: string, sessionIds: string[]): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    return this.db
      .prepare<[string, string], string>(
        `SELECT DISTINCT value FROM session_labels WHERE org = ? AND key = 'claude.session'
           AND session_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(org, JSON.stringify(sessionIds));
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
    if (!this.stmts.getSession.get(org, sessionId)) return null;
    return listTelemetry(this.runner, org, sessionId, query);
  }

  async updateSession(
    org: string,
    sessionId: string,
    change: (session: Session) => Session | null,
  ) {
    // Queued behind ingest, under the write lock (IMMEDIATE) like any write of another connection.
    return this.writer.serialize(async () =>
      this.db
        .transaction(() => {
          const loaded = this.writer.loadSession(org, sessionId);
          if (!loaded) return null;
          const next = change(structuredClone(loaded.session));
          if (!next) return loaded.session;
          next.significance = significance(next);
          this.writer.saveSession({ ...loaded, session: next });
          this.writer.enqueueScore(org, sessionId, Date.now());
          return next;
        })
        .immediate(),
    );
  }

  async purgeRecordings(request: PurgeRequest): Promise<PurgeReport> {
    const report: PurgeReport = { sessions: 0, events: 0 };
    const envs = PRODUCTION_ENVIRONMENTS.map(() => '?').join(', ');
    const pick = this.db.prepare<unknown[], { org: string; id: string }>(
      `SELECT org, id FROM sessions WHERE has_recording = 1 AND started_at < ? AND environment ${request.production ? '' : 'NOT '}IN (${envs}) LIMIT 100`,
    );
    const terminal = this.db.prepare<[string, string], { seq: number; body: string }>(
      "SELECT seq, body FROM events WHERE org = ? AND session_id = ? AND type = 'terminal' AND purged IS NULL",
    );
    const update = this.db.prepare(
      'UPDATE events SET body = ?, purged = ? WHERE org = ? AND session_id = ? AND seq = ?',
    );
    const unindex = this.db.prepare(
      "DELETE FROM search WHERE rowid IN (SELECT rowid FROM search_chunks WHERE org = ? AND session_id = ? AND kind = 'io')",
    );
    const dropChunks = this.db.prepare(
      "DELETE FROM search_chunks WHERE org = ? AND session_id = ? AND kind = 'io'",
    );
    for (;;) {
      const picked = pick.all(request.before, ...PRODUCTION_ENVIRONMENTS);
      if (picked.length === 0) return report;
      for (const { org, id } of picked) {
        await this.writer.serialize(async () => {
          this.db
            .transaction(() => {
              const loaded = this.writer.loadSession(org, id)!;
              for (const row of terminal.all(org, id)) {
                const t = tombstone(row.body, request.at, request.reason, loaded.chainVersion);
                update.run(t.body, t.purged, org, id, row.seq);
                report.events++;
              }
              unindex.run(org, id);
              dropChunks.run(org, id);
              this.writer.saveSession({
                ...loaded,
                session: { ...loaded.session, recorded: false },
              });
            })
            .immediate();
        });
        report.sessions++;
        await request.onPurged?.(org, id);
      }
    }
  }

  queuedScores(limit: number): Promise<QueuedScore[]> {
    return queuedScores(this.writer.runner, limit);
  }

  rescore(
    org: string,
    queued: QueuedScore[],
    score: (facts: SessionFacts) => Significance,
    baseline: BaselineSettings,
  ): Promise<string[]> {
    return this.writer.rescore(org, queued, score, baseline);
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
    const row = this.stmts.getSession.get(org, sessionId);
    return row ? (JSON.parse(row.doc) as Session) : null;
  }

  async listActivity(
    org: string,
    sessionId: string,
    query: ActivityQuery,
  ): Promise<ActivityPage | null> {
    const session = await this.getSession(org, sessionId);
    if (!session) return null;
    if (!(await activityKept(this.reader, org, sessionId)))
      await this.writer.ensureActivity(org, sessionId);
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
    const row = this.stmts.chainHead.get(org, sessionId);
    return row ? storedHead(row) : null;
  }

  async *chainRows(org: string, sessionId: string): AsyncGenerator<ChainRow> {
    // A page at a time: the walk awaits between rows, and an open iterator would hold the
    // connection (no other statement could run on it meanwhile).
    let after = -1;
    const page = this.db.prepare<[string, string, number], ChainRow>(
      'SELECT ord, seq, id, type, body, received_at, hash, purged FROM events WHERE org = ? AND session_id = ? AND ord > ? ORDER BY ord LIMIT 1000',
    );
    for (;;) {
      const rows = page.all(org, sessionId, after);
      if (rows.length === 0) return;
      yield* rows;
      after = rows.at(-1)!.ord;
    }
  }

  verifySession(org: string, sessionId: string, evidence?: VerifyEvidence) {
    return verifyStored(this, org, sessionId, evidence);
  }

  async unsignedHeads(limit: number): Promise<StoredHead[]> {
    return this.stmts.unsignedHeads.all(limit).map(storedHead);
  }

  async hashAt(org: string, sessionId: string, ord: number): Promise<string | null> {
    return this.stmts.hashAt.get(org, sessionId, ord) ?? null;
  }

  async recordSignedHead(
    org: string,
    sessionId: string,
    head: { events: number; head: string },
    statement: string,
  ): Promise<void> {
    await this.writer.serialize(async () => {
      this.stmts.recordSignedHead.run(
        head.head,
        head.events,
        statement,
        org,
        sessionId,
        head.events,
      );
    });
  }
}
