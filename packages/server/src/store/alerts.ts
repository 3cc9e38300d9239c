import { createHash, randomBytes } from 'node:crypto';
import {
  type Alert,
  type AlertCreated,
  type AlertDelivery,
  type AlertDeliveryListQuery,
  type AlertDeliveryPage,
  type AlertDeliveryStatus,
  type AlertEvent,
  type AlertEventType,
  type AlertListQuery,
  type AlertPage,
  type AlertQuery,
  type CreateAlert,
  createIdGenerator,
  type Session,
  type UpdateAlert,
} from '@auditlane/client';
import { decodeCursor, encodeCursor } from './cursor';
import { type SqlDialect, sessionConditions } from './filters';
import type { SqlRunner } from './runner';

/** Tables of alerts, the sessions each has seen, and their deliveries (the same on both stores). */
export const ALERT_TABLES = `
  CREATE TABLE alerts (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org, id)
  );
  CREATE INDEX alerts_list ON alerts (org, created_at DESC, id DESC);
  -- The sessions an alert has seen match (once each): what makes a later match "new" or not.
  CREATE TABLE alert_matches (
    org TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    matched_at BIGINT NOT NULL,
    PRIMARY KEY (org, alert_id, session_id)
  );
  -- Every webhook message and what became of it, kept so retries outlive a restart.
  CREATE TABLE alert_deliveries (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    type TEXT NOT NULL,
    session_id TEXT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT,
    last_attempt_at BIGINT,
    response_status INTEGER,
    last_error TEXT,
    delivered_at BIGINT,
    PRIMARY KEY (org, id)
  );
  CREATE INDEX alert_deliveries_log ON alert_deliveries (org, alert_id, created_at DESC, id DESC);
  CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
`;

/** How an adapter runs SQL written with its own dialect (the list filters). */
export interface DialectRunner {
  params(): SqlDialect & { values: unknown[] };
  all<T>(sql: string, values: unknown[]): Promise<T[]>;
  run(sql: string, values: unknown[]): Promise<void>;
  session(doc: unknown): Session;
}

/** A delivery that is due, with where it goes and the secret it is signed with. */
export interface DueDelivery {
  org: string;
  id: string;
  alertId: string;
  url: string;
  secret: string;
  payload: string;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
}

/** What one attempt came to. */
export interface AttemptOutcome {
  at: number;
  /** The HTTP status answered, or null (refused, timed out). */
  responseStatus: number | null;
  delivered: boolean;
  error: string | null;
  /** When to try again; null: give up (the error says why). */
  nextAttemptAt: number | null;
}

interface AlertRow {
  org: string;
  id: string;
  name: string;
  query: string;
  url: string;
  secret: string;
  enabled: number | boolean;
  created_at: number;
  updated_at: number;
}

interface DeliveryRow {
  id: string;
  alert_id: string;
  type: string;
  session_id: string | null;
  status: string;
  attempts: number;
  created_at: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  response_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** At most this many session ids in one `IN (...)`. */
const IN_CHUNK = 500;
/** Sessions an alert's creation marks as seen per statement. */
const SEEN_CHUNK = 5_000;
/** A statement of alert branches stops taking more once it has this many parameters. */
const PARAMS = 4000;

/**
 * Alerts, the sessions they have seen and their delivery log: one SQL for both stores (the
 * `?` statements through the runner; the list filters through the adapter's own dialect).
 */
export class AlertTables {
  private readonly ids = createIdGenerator();
  /** Sessions an alert's creation marks as seen per statement (default SEEN_CHUNK). */
  seenChunk = SEEN_CHUNK;

  constructor(
    private readonly db: SqlRunner,
    private readonly dialect: DialectRunner,
  ) {}

  /**
   * Creates an alert with a new signing secret. The sessions that match its query now are taken
   * as seen: the alert fires for sessions that match later, not for the backlog.
   */
  async createAlert(org: string, input: CreateAlert & { query: AlertQuery }, now: number) {
    const id = this.ids.alertId(now);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const enabled = input.enabled ?? true;
    // Seen before the alert exists: no evaluation can find it while the backlog is not marked.
    await this.markSeen(org, id, input.query, now);
    try {
      await this.db.run(
        'INSERT INTO alerts (org, id, name, query, url, secret, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          org,
          id,
          input.name,
          JSON.stringify(input.query),
          input.url,
          secret,
          enabled ? 1 : 0,
          now,
          now,
        ],
      );
    } catch (error) {
      // The alert was not stored: nor are the matches marked for it.
      await this.db
        .run('DELETE FROM alert_matches WHERE org = ? AND alert_id = ?', [org, id])
        .catch(() => {});
      throw error;
    }
    const created: AlertCreated = {
      ...readAlert({
        org,
        id,
        name: input.name,
        query: JSON.stringify(input.query),
        url: input.url,
        secret,
        enabled,
        created_at: now,
        updated_at: now,
      }),
      secret,
    };
    return created;
  }

  async getAlert(org: string, id: string): Promise<Alert | null> {
    const row = await this.alertRow(org, id);
    return row ? readAlert(row) : null;
  }

  async listAlerts(org: string, q: AlertListQuery): Promise<AlertPage> {
    const params: unknown[] = [org];
    let after = '';
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['int', 'string']);
      after = ' AND (created_at < ? OR (created_at = ? AND id < ?))';
      params.push(at, at, id);
    }
    params.push(q.limit + 1);
    const rows = await this.db.all<AlertRow>(
      `SELECT * FROM alerts WHERE org = ?${after} ORDER BY created_at DESC, id DESC LIMIT ?`,
      params,
    );
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page.at(-1);
    return {
      data: page.map(readAlert),
      nextCursor: more && last ? encodeCursor([Number(last.created_at), last.id]) : null,
    };
  }

  /**
   * Changes an alert. A new query takes the sessions matching it now as seen, as at creation;
   * sessions that fired before never fire again.
   */
  async updateAlert(
    org: string,
    id: string,
    patch: UpdateAlert & { query?: AlertQuery },
    now: number,
  ): Promise<Alert | null> {
    const current = await this.alertRow(org, id);
    if (!current) return null;
    const next: AlertRow = {
      ...current,
      name: patch.name ?? current.name,
      query: patch.query ? JSON.stringify(patch.query) : current.query,
      url: patch.url ?? current.url,
      enabled: patch.enabled ?? Boolean(current.enabled),
      updated_at: now,
    };
    // The new query's matches are seen before evaluations use it.
    if (patch.query) await this.markSeen(org, id, patch.query, now);
    await this.db.run(
      'UPDATE alerts SET name = ?, query = ?, url = ?, enabled = ?, updated_at = ? WHERE org = ? AND id = ?',
      [next.name, next.query, next.url, next.enabled ? 1 : 0, now, org, id],
    );
    return readAlert(next);
  }

  /** Deletes an alert, what it has seen and its deliveries (pending ones are never sent). */
  async deleteAlert(org: string, id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM alerts WHERE org = ? AND id = ?', [org, id]);
    if (changes === 0) return false;
    await this.db.run('DELETE FROM alert_deliveries WHERE org = ? AND alert_id = ?', [org, id]);
    await this.db.run('DELETE FROM alert_matches WHERE org = ? AND alert_id = ?', [org, id]);
    return true;
  }

  /** The enabled alerts of an org. */
  async enabledAlerts(org: string): Promise<Alert[]> {
    const rows = await this.db.all<AlertRow>(
      'SELECT * FROM alerts WHERE org = ? AND enabled = 1 ORDER BY created_at, id',
      [org],
    );
    return rows.map(readAlert);
  }

  /**
   * Of these sessions of the org, the ones each alert's filter matches now and the alert has not
   * seen yet: the conditions of the sessions list (every list filter), limited to the ids, for
   * every alert in one statement (a UNION ALL of one branch per alert, cut so a statement keeps
   * under PARAMS parameters), then the matched sessions' documents once.
   */
  async matchAlerts(
    org: string,
    alerts: readonly Alert[],
    sessionIds: readonly string[],
    now: number,
  ): Promise<Map<string, Session[]>> {
    const out = new Map<string, Session[]>();
    const pairs: { alert: number; id: string }[] = [];
    for (let i = 0; i < sessionIds.length; i += IN_CHUNK) {
      const chunk = sessionIds.slice(i, i + IN_CHUNK);
      let at = 0;
      while (at < alerts.length) {
        const p = this.dialect.params();
        const branches: string[] = [];
        for (; at < alerts.length && (branches.length === 0 || p.values.length < PARAMS); at++) {
          const alert = alerts[at]!;
          // Parameters in the order their placeholders appear (SQLite's are positional).
          const index = p.param(at);
          const where = sessionConditions(org, alert.query, now, p);
          where.push(`id IN (${chunk.map((id) => p.param(id)).join(', ')})`);
          where.push(
            `NOT EXISTS (SELECT 1 FROM alert_matches AS m WHERE m.org = ${p.param(org)} AND m.alert_id = ${p.param(alert.id)} AND m.session_id = sessions.id)`,
          );
          branches.push(`SELECT ${index} AS a, id FROM sessions WHERE ${where.join(' AND ')}`);
        }
        const rows = await this.dialect.all<{ a: number | string; id: string }>(
          branches.join(' UNION ALL '),
          p.values,
        );
        for (const r of rows) pairs.push({ alert: Number(r.a), id: r.id });
      }
    }
    if (pairs.length === 0) return out;
    const docs = new Map<string, Session>();
    const ids = [...new Set(pairs.map((x) => x.id))];
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const chunk = ids.slice(i, i + IN_CHUNK);
      const p = this.dialect.params();
      const rows = await this.dialect.all<{ id: string; doc: unknown }>(
        `SELECT id, doc FROM sessions WHERE org = ${p.param(org)} AND id IN (${chunk.map((id) => p.param(id)).join(', ')})`,
        p.values,
      );
      for (const r of rows) docs.set(r.id, this.dialect.session(r.doc));
    }
    for (const { alert, id } of pairs) {
      const session = docs.get(id);
      if (!session) continue;
      const list = out.get(alerts[alert]!.id) ?? [];
      list.push(session);
      out.set(alerts[alert]!.id, list);
    }
    return out;
  }

  /**
   * A session matched an alert: the first time, a delivery of `alert.matched` is queued (due
   * now) and true returned; afterwards nothing. The delivery id is derived from the alert and the
   * session, so a retry of this call, here or on another server, queues nothing twice.
   */
  async recordMatch(org: string, alert: Alert, session: Session, now: number): Promise<boolean> {
    const id = matchDeliveryId(org, alert.id, session.id);
    const payload = eventPayload('alert.matched', alert, session, now);
    const { changes } = await this.db.run(
      `INSERT INTO alert_deliveries (org, id, alert_id, type, session_id, payload, status, attempts, created_at, next_attempt_at)
       SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), 'alert.matched', CAST(? AS TEXT), CAST(? AS TEXT), 'pending', 0, CAST(? AS BIGINT), CAST(? AS BIGINT)
       WHERE NOT EXISTS (SELECT 1 FROM alert_matches WHERE org = ? AND alert_id = ? AND session_id = ?)
       ON CONFLICT DO NOTHING`,
      [org, id, alert.id, session.id, payload, now, now, org, alert.id, session.id],
    );
    await this.db.run(
      'INSERT INTO alert_matches (org, alert_id, session_id, matched_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [org, alert.id, session.id, now],
    );
    return changes > 0;
  }

  /** Queues an `alert.test` message (no session), due now. */
  async createTestDelivery(org: string, alert: Alert, now: number): Promise<AlertDelivery> {
    const id = `msg_${randomBytes(16).toString('hex')}`;
    const payload = eventPayload('alert.test', alert, null, now);
    await this.db.run(
      `INSERT INTO alert_deliveries (org, id, alert_id, type, session_id, payload, status, attempts, created_at, next_attempt_at)
       VALUES (?, ?, ?, 'alert.test', NULL, ?, 'pending', 0, ?, ?)`,
      [org, id, alert.id, payload, now, now],
    );
    return (await this.getDelivery(org, id))!;
  }

  async getDelivery(org: string, id: string): Promise<AlertDelivery | null> {
    const rows = await this.db.all<DeliveryRow>(
      'SELECT * FROM alert_deliveries WHERE org = ? AND id = ?',
      [org, id],
    );
    return rows[0] ? readDelivery(rows[0]) : null;
  }

  async listDeliveries(
    org: string,
    alertId: string,
    q: AlertDeliveryListQuery,
  ): Promise<AlertDeliveryPage> {
    const where = ['org = ?', 'alert_id = ?'];
    const params: unknown[] = [org, alertId];
    if (q.status?.length) {
      where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
      params.push(...q.status);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['int', 'string']);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(at, at, id);
    }
    params.push(q.limit + 1);
    const rows = await this.db.all<DeliveryRow>(
      `SELECT * FROM alert_deliveries WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
      params,
    );
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page.at(-1);
    return {
      data: page.map(readDelivery),
      nextCursor: more && last ? encodeCursor([Number(last.created_at), last.id]) : null,
    };
  }

  /**
   * Pending deliveries of every org due at `now`, oldest due first, with their alert's URL and
   * secret: at most `perAlert` of each alert, so one alert's backlog never hides another's.
   */
  async dueDeliveries(now: number, limit: number, perAlert: number): Promise<DueDelivery[]> {
    const rows = await this.db.all<{
      org: string;
      id: string;
      alert_id: string;
      url: string;
      secret: string;
      payload: string;
      attempts: number;
      created_at: number;
      next_attempt_at: number;
    }>(
      `SELECT d.org, d.id, d.alert_id, a.url, a.secret, d.payload, d.attempts, d.created_at, d.next_attempt_at
       FROM (SELECT org, id, alert_id, payload, attempts, created_at, next_attempt_at,
               row_number() OVER (PARTITION BY org, alert_id ORDER BY next_attempt_at, id) AS n
             FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ?) AS d
       JOIN alerts AS a ON a.org = d.org AND a.id = d.alert_id
       WHERE d.n <= ?
       ORDER BY d.next_attempt_at, d.org, d.id LIMIT ?`,
      [now, perAlert, limit],
    );
    return rows.map((r) => ({
      org: r.org,
      id: r.id,
      alertId: r.alert_id,
      url: r.url,
      secret: r.secret,
      payload: r.payload,
      attempts: Number(r.attempts),
      createdAt: Number(r.created_at),
      nextAttemptAt: Number(r.next_attempt_at),
    }));
  }

  /** When the next pending delivery is due, or null. */
  async nextDue(): Promise<number | null> {
    const rows = await this.db.all<{ t: number | null }>(
      "SELECT min(next_attempt_at) AS t FROM alert_deliveries WHERE status = 'pending'",
    );
    const t = rows[0]?.t;
    return t === null || t === undefined ? null : Number(t);
  }

  /**
   * Takes a due delivery for one attempt (pushing its due time to `until`, so no other server,
   * nor this one, sends it meanwhile). False when another took it first.
   */
  async claim(d: DueDelivery, until: number): Promise<boolean> {
    const { changes } = await this.db.run(
      "UPDATE alert_deliveries SET next_attempt_at = ? WHERE org = ? AND id = ? AND status = 'pending' AND next_attempt_at = ?",
      [until, d.org, d.id, d.nextAttemptAt],
    );
    return changes > 0;
  }

  /** Records an attempt: delivered, to be retried at `nextAttemptAt`, or given up. */
  async recordAttempt(d: DueDelivery, outcome: AttemptOutcome): Promise<void> {
    const status: AlertDeliveryStatus = outcome.delivered
      ? 'delivered'
      : outcome.nextAttemptAt === null
        ? 'failed'
        : 'pending';
    await this.db.run(
      `UPDATE alert_deliveries SET status = ?, attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?,
       response_status = ?, last_error = ?, delivered_at = ? WHERE org = ? AND id = ? AND status = 'pending'`,
      [
        status,
        outcome.at,
        status === 'pending' ? outcome.nextAttemptAt : null,
        outcome.responseStatus,
        outcome.error,
        outcome.delivered ? outcome.at : null,
        d.org,
        d.id,
      ],
    );
  }

  private async alertRow(org: string, id: string): Promise<AlertRow | null> {
    const rows = await this.db.all<AlertRow>('SELECT * FROM alerts WHERE org = ? AND id = ?', [
      org,
      id,
    ]);
    return rows[0] ?? null;
  }

  /**
   * Every session of the org the filter matches now counts as seen by the alert, with INSERT …
   * SELECT statements in the database (no row passes through the server): one when at most
   * `seenChunk` sessions match, else one per `seenChunk` of them, newest start first (the list's
   * keyset order), the event loop free between two (SQLite serves other requests meanwhile).
   * 1M matching sessions: about 1.6 s on SQLite (statements of about 20 ms), 6 s on PostgreSQL.
   */
  private async markSeen(org: string, alertId: string, filter: AlertQuery, now: number) {
    const conditions = (p: SqlDialect, after: [number, string] | null) => {
      const where = sessionConditions(org, filter, now, p);
      if (after) where.push(`(started_at, id) < (${p.param(after[0])}, ${p.param(after[1])})`);
      return where;
    };
    const insert = async (after: [number, string] | null, from: [number, string] | null) => {
      const p = this.dialect.params();
      const alert = p.param(alertId);
      const at = p.param(now);
      const where = conditions(p, after);
      if (from) where.push(`(started_at, id) >= (${p.param(from[0])}, ${p.param(from[1])})`);
      await this.dialect.run(
        `INSERT INTO alert_matches (org, alert_id, session_id, matched_at) SELECT org, CAST(${alert} AS TEXT), id, CAST(${at} AS BIGINT) FROM sessions WHERE ${where.join(' AND ')} ON CONFLICT DO NOTHING`,
        p.values,
      );
    };
    let after: [number, string] | null = null;
    for (;;) {
      // The last session of this chunk (none: the rest fits in one).
      const p = this.dialect.params();
      const where = conditions(p, after);
      const [last] = await this.dialect.all<{ started_at: number; id: string }>(
        `SELECT started_at, id FROM sessions WHERE ${where.join(' AND ')}
         ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ${p.param(this.seenChunk - 1)}`,
        p.values,
      );
      const from: [number, string] | null = last ? [Number(last.started_at), last.id] : null;
      if (after) await yieldToOthers();
      await insert(after, from);
      if (!from) return;
      after = from;
      await yieldToOthers();
    }
  }
}

/** Lets the event loop run what waits (other requests) before the next statement. */
const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

/** The message id of an alert's delivery for a session: the same wherever it is computed. */
export function matchDeliveryId(org: string, alertId: string, sessionId: string): string {
  const digest = createHash('sha256').update(`${org}\0${alertId}\0${sessionId}`).digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}

function eventPayload(
  type: AlertEventType,
  alert: Alert,
  session: Session | null,
  now: number,
): string {
  const event: AlertEvent = {
    type,
    timestamp: new Date(now).toISOString(),
    data: { alert: { id: alert.id, name: alert.name }, session },
  };
  return JSON.stringify(event);
}

function readAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    org: row.org,
    name: row.name,
    query: JSON.parse(row.query) as AlertQuery,
    url: row.url,
    enabled: Boolean(row.enabled),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

function readDelivery(row: DeliveryRow): AlertDelivery {
  return {
    id: row.id,
    alertId: row.alert_id,
    type: row.type as AlertEventType,
    sessionId: row.session_id,
    status: row.status as AlertDeliveryStatus,
    attempts: Number(row.attempts),
    createdAt: iso(row.created_at)!,
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: iso(row.next_attempt_at),
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
  };
}
