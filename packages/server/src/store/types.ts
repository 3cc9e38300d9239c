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
  Permission,
  Session,
  SessionListQuery,
  SessionPage,
  SessionRelationships,
  Significance,
  StoredEvent,
  TelemetryListQuery,
  TelemetryPage,
} from '@auditlane/client';
import type { VerifyEvidence, VerifyReport } from '../chain/verify';
import type { ChainHead, ChainRow } from '../chain/walk';
import type { SessionFacts } from '../domain/significance';
import type { TelemetryInput } from '../otlp/claude-code';
import type { AlertTables } from './alerts';
import type { IngestReport, IngestSettings } from './ingest';
import type { PurgeReport, PurgeRequest } from './purge';
import type { BaselineSettings, QueuedScore } from './scoring';
import type { SharedTables } from './shared';
import type { TelemetryReport, TelemetrySettings } from './telemetry';

export { PERMISSIONS, type Permission } from '@auditlane/client';

/** Who is calling: an API token, scoped to one org. */
export interface Principal {
  tokenId: string;
  org: string;
  name: string;
  permissions: ReadonlySet<Permission>;
}

/** What happened to one event of an ingested batch, in batch order. */
export type IngestOutcome =
  | { status: 'accepted' }
  | { status: 'duplicate' }
  | { status: 'rejected'; code: string; message: string };

export interface ListOptions {
  /** The time `period` presets count back from. */
  now: number;
  /** Most sessions a `capped` count counts. */
  countCap: number;
}

/** Where a session's chain ends, and the newest signed statement of its head kept with it. */
export interface StoredHead extends ChainHead {
  status: Session['status'];
  /** The statement (JSON) signed over the session's head most recently, or null. */
  signedHead: string | null;
  /** Events the signed head covers (0 when none). */
  signedEvents: number;
}

/**
 * Persistence of the reference server. Two adapters (SQLite, PostgreSQL) pass one test suite.
 * Every read and write takes the caller's org: no method can reach another org's data. Every
 * key that holds a session id or an event id also holds the org (sessions, events, labels,
 * search, results, reviews), so two orgs may use the same ids without meeting.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;

  createToken(input: {
    org: string;
    name: string;
    permissions: Permission[];
  }): Promise<{ id: string; token: string }>;
  findToken(token: string): Promise<Principal | null>;

  /**
   * Stores a batch atomically: the acknowledged events are committed when this resolves.
   * Idempotent by event id (per org); an event of a session the org has not started is rejected
   * on its own. Sessions are identified by org and id: another org's session of the same id is
   * another session, and never changes what this org's events do.
   */
  ingest(org: string, events: Event[], settings: IngestSettings): Promise<IngestReport>;

  listSessions(org: string, query: SessionListQuery, options: ListOptions): Promise<SessionPage>;
  getSession(org: string, sessionId: string): Promise<Session | null>;
  /**
   * null when the session does not exist in the org. With `sort: 'stored'`, `after` is the seq of
   * an event and the page goes on after it in the order events were stored (UnknownSeqError when
   * the session has no event with that seq).
   */
  listEvents(org: string, sessionId: string, query: EventListQuery): Promise<EventPage | null>;
  /**
   * A page of a session's activity (actions joined with their verdicts), filtered and grouped by
   * statement shape; null when the session does not exist in the org. A cursor this server did
   * not issue is a CursorError.
   */
  listActivity(org: string, sessionId: string, query: ActivityQuery): Promise<ActivityPage | null>;
  /** Where a session's chain ends; null when the session does not exist in the org. */
  chainHead(org: string, sessionId: string): Promise<StoredHead | null>;
  /** A session's stored events in chain order, as hashed. */
  chainRows(org: string, sessionId: string): AsyncIterable<ChainRow>;
  /**
   * Walks the hash chain of a session against the signed head stored with it (checked with the
   * evidence's keys) and the evidence's statements; null when the session does not exist in the org.
   */
  verifySession(
    org: string,
    sessionId: string,
    evidence?: VerifyEvidence,
  ): Promise<VerifyReport | null>;
  /** Heads of every org whose chain grew since their newest signed statement, at most `limit`. */
  unsignedHeads(limit: number): Promise<StoredHead[]>;
  /** The stored hash of a session's event at a position of its chain, or null. */
  hashAt(org: string, sessionId: string, ord: number): Promise<string | null>;
  /**
   * Keeps a signed statement of a session's head with the session, unless one covering more
   * events is kept already.
   */
  recordSignedHead(
    org: string,
    sessionId: string,
    head: { events: number; head: string },
    statement: string,
  ): Promise<void>;

  /**
   * Changes a session outside ingest (revoke, a JIT decision), serialised with ingest into the
   * same session. `change` may return null to leave it as it is. null when the session is unknown.
   */
  updateSession(
    org: string,
    sessionId: string,
    change: (session: Session) => Session | null,
  ): Promise<Session | null>;

  /**
   * Retention: removes the terminal content of the sessions the request selects, keeping each
   * event's digest (the chain still verifies). There is deliberately no way to delete a session.
   */
  purgeRecordings(request: PurgeRequest): Promise<PurgeReport>;

  /**
   * What matters now in the org: KPIs over the period and the list's filters, the priority queue
   * (significance index), cross-entity links (entity index) and the operator brief.
   */
  overview(org: string, query: OverviewQuery, now: number): Promise<Overview>;
  /** The graph around one session, from its edges; null when the session is not the org's. */
  sessionRelationships(org: string, sessionId: string): Promise<SessionRelationships | null>;
  /** An entity of the org with its actors and a page of its sessions; null when unknown. */
  getEntity(org: string, ref: EntityRef, query: EntityQuery): Promise<EntityDetail | null>;
  /** Sessions waiting to be rescored (their facts changed), oldest first, at most `limit`. */
  queuedScores(limit: number): Promise<QueuedScore[]>;
  /**
   * Rescoring: reads the stored facts of these queued sessions of an org under their write lock,
   * stores what `score` makes of them (score, document, reason codes) and takes each off the queue
   * unless it was queued again meanwhile. Resolves with the ids of the sessions scored.
   */
  rescore(
    org: string,
    queued: QueuedScore[],
    score: (facts: SessionFacts) => Significance,
    baseline: BaselineSettings,
  ): Promise<string[]>;
  /**
   * Keeps Claude Code telemetry records (idempotent by their id, per org), each attached to the
   * org's session labelled `claude.session=<its Claude session id>` that was active at its time
   * (see chooseSession), or kept pending until such a session starts (within the pending
   * limits). An attached `api_request` adds its tokens and cost to the session's usage, and
   * queues the session, and the sessions whose baselines read it, for rescoring.
   */
  storeTelemetry(
    org: string,
    records: TelemetryInput[],
    settings: TelemetrySettings,
  ): Promise<TelemetryReport>;
  /** The Claude sessions (`claude.session` labels) of these sessions of the org, one query. */
  claudeSessionsOf(org: string, sessionIds: string[]): Promise<string[]>;
  /**
   * Places again every record of these Claude sessions (pending or attached) after one of their
   * sessions started or ended: each goes where chooseSession puts it now, its usage with it.
   */
  placeTelemetry(
    org: string,
    claudeSessionIds: string[],
    settings: TelemetrySettings,
  ): Promise<TelemetryReport>;
  /** A page of a session's telemetry; null when the session does not exist in the org. */
  listTelemetry(
    org: string,
    sessionId: string,
    query: TelemetryListQuery,
  ): Promise<TelemetryPage | null>;

  /** Reviews, full results and the access log. */
  readonly shared: SharedTables;
  /** Alerts, the sessions they have seen and their delivery log. */
  readonly alerts: AlertTables;
}

export type { ChainCheck } from '../chain/walk';
export type { StoredEvent };
