import { randomBytes } from 'node:crypto';
import {
  type AccessLogEntry,
  type AccessLogPage,
  type CreateReview,
  createIdGenerator,
  type Review,
  type ReviewListQuery,
  type ReviewPage,
  type Session,
  type TokenRef,
} from '@auditlane/client';
import { decodeCursor, encodeCursor } from './cursor';
import type { SqlRunner } from './runner';

/** A full query result kept for download, when the event carries only a preview. */
export interface StoredResult {
  columns: { name: string; type?: string }[];
  rows: unknown[][];
}

const parse = <T>(doc: unknown): T => (typeof doc === 'string' ? JSON.parse(doc) : doc) as T;

/** Reviews, results and the access log: the same SQL on both stores. */
export class SharedTables {
  private readonly ids = createIdGenerator();

  constructor(private readonly db: SqlRunner) {}

  async createReview(
    org: string,
    session: Session,
    input: CreateReview,
    now: number,
    requestedByToken: TokenRef,
  ): Promise<Review> {
    const review: Review = {
      id: this.ids.reviewId(now),
      org,
      kind: input.kind,
      status: 'pending',
      sessionId: input.sessionId,
      eventId: input.eventId ?? null,
      subject: input.subject,
      requestedBy: session.actor,
      requestedByToken,
      resource: session.resource,
      rule: input.rule ?? null,
      reason: input.reason ?? null,
      requestedAt: new Date(now).toISOString(),
      expiresAt: input.expiresAt ?? null,
      decidedBy: null,
      decidedByToken: null,
      decidedAt: null,
      comment: null,
    };
    await this.db.run(
      'INSERT INTO reviews (id, org, session_id, status, kind, requested_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [review.id, org, review.sessionId, review.status, review.kind, now, JSON.stringify(review)],
    );
    return review;
  }

  async getReview(org: string, id: string, now: number): Promise<Review | null> {
    const rows = await this.db.all<{ doc: unknown }>(
      'SELECT doc FROM reviews WHERE org = ? AND id = ?',
      [org, id],
    );
    return rows[0] ? readReview(rows[0].doc, now) : null;
  }

  async listReviews(org: string, q: ReviewListQuery, now: number): Promise<ReviewPage> {
    const where = ['org = ?'];
    const params: unknown[] = [org];
    if (q.status?.length) {
      // Expiry is applied on read: a pending review past its expiry counts as expired.
      where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
      params.push(...q.status.map((s) => (s === 'expired' ? 'pending' : s)));
    }
    if (q.kind) {
      where.push('kind = ?');
      params.push(q.kind);
    }
    if (q.sessionId) {
      where.push('session_id = ?');
      params.push(q.sessionId);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['int', 'string']);
      where.push('(requested_at < ? OR (requested_at = ? AND id < ?))');
      params.push(at, at, id);
    }
    params.push(q.limit + 1);
    const rows = await this.db.all<{ doc: unknown; requested_at: number; id: string }>(
      `SELECT id, requested_at, doc FROM reviews WHERE ${where.join(' AND ')} ORDER BY requested_at DESC, id DESC LIMIT ?`,
      params,
    );
    const more = rows.length > q.limit;
    const page = (more ? rows.slice(0, q.limit) : rows).map((r) => ({
      row: r,
      review: readReview(r.doc, now),
    }));
    const wanted = q.status?.length
      ? page.filter((p) => q.status!.includes(p.review.status))
      : page;
    const last = page.at(-1)?.row;
    return {
      data: wanted.map((p) => p.review),
      nextCursor: more && last ? encodeCursor([Number(last.requested_at), last.id]) : null,
    };
  }

  /** Decides a pending review; returns the review as it now is, and whether this call decided it. */
  async decideReview(
    org: string,
    id: string,
    decision: 'approved' | 'rejected',
    by: TokenRef,
    comment: string | undefined,
    now: number,
  ): Promise<{ review: Review; decided: boolean } | null> {
    const current = await this.getReview(org, id, now);
    if (!current) return null;
    if (current.status !== 'pending') return { review: current, decided: false };
    const review: Review = {
      ...current,
      status: decision,
      decidedBy: by.name,
      decidedByToken: by,
      decidedAt: new Date(now).toISOString(),
      comment: comment ?? null,
    };
    // Only a still-pending row changes: of two concurrent decisions, one wins.
    const { changes } = await this.db.run(
      "UPDATE reviews SET status = ?, doc = ? WHERE org = ? AND id = ? AND status = 'pending'",
      [decision, JSON.stringify(review), org, id],
    );
    if (changes === 0) return { review: (await this.getReview(org, id, now))!, decided: false };
    return { review, decided: true };
  }

  /**
   * Cancels the reviews still pending in a session that ended or was revoked: nobody is left to
   * act on a decision. Returns the ones this call cancelled.
   */
  async cancelReviews(
    org: string,
    sessionId: string,
    reason: string,
    now: number,
  ): Promise<Review[]> {
    const rows = await this.db.all<{ doc: unknown }>(
      "SELECT doc FROM reviews WHERE org = ? AND session_id = ? AND status = 'pending'",
      [org, sessionId],
    );
    const cancelled: Review[] = [];
    for (const row of rows) {
      const current = readReview(row.doc, now);
      const review: Review = {
        ...current,
        status: 'cancelled',
        decidedAt: new Date(now).toISOString(),
        comment: reason,
      };
      const { changes } = await this.db.run(
        "UPDATE reviews SET status = 'cancelled', doc = ? WHERE org = ? AND id = ? AND status = 'pending'",
        [JSON.stringify(review), org, current.id],
      );
      if (changes > 0) cancelled.push(review);
    }
    return cancelled;
  }

  /** null also for a ref whose query carried its whole result (or pointed elsewhere). */
  async getResult(org: string, sessionId: string, ref: string): Promise<StoredResult | null> {
    const rows = await this.db.all<{ doc: unknown }>(
      'SELECT doc FROM results WHERE org = ? AND session_id = ? AND ref = ?',
      [org, sessionId, ref],
    );
    return rows[0] ? parse<StoredResult | null>(rows[0].doc) : null;
  }

  async logAccess(entry: Omit<AccessLogEntry, 'id'>): Promise<AccessLogEntry> {
    const at = Date.parse(entry.at);
    const full: AccessLogEntry = {
      id: `acc_${at.toString(36)}${randomBytes(6).toString('hex')}`,
      ...entry,
    };
    await this.db.run('INSERT INTO access_log (id, org, at, doc) VALUES (?, ?, ?, ?)', [
      full.id,
      full.org,
      at,
      JSON.stringify(full),
    ]);
    return full;
  }

  async listAccess(org: string, cursor: string | undefined, limit: number): Promise<AccessLogPage> {
    const params: unknown[] = [org];
    let after = '';
    if (cursor) {
      const [at, id] = decodeCursor(cursor, ['int', 'string']);
      after = ' AND (at < ? OR (at = ? AND id < ?))';
      params.push(at, at, id);
    }
    params.push(limit + 1);
    const rows = await this.db.all<{ id: string; at: number; doc: unknown }>(
      `SELECT id, at, doc FROM access_log WHERE org = ?${after} ORDER BY at DESC, id DESC LIMIT ?`,
      params,
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    return {
      data: page.map((r) => {
        const entry = parse<AccessLogEntry>(r.doc);
        // Entries written before refusals were logged were all served.
        return { ...entry, outcome: entry.outcome ?? 'allowed', reason: entry.reason ?? null };
      }),
      nextCursor: more && last ? encodeCursor([Number(last.at), last.id]) : null,
    };
  }
}

/** A stored review as the API shows it: expiry applied on read, fields added since defaulted. */
function readReview(doc: unknown, now: number): Review {
  const stored = parse<Review>(doc);
  return expire(
    {
      ...stored,
      requestedByToken: stored.requestedByToken ?? null,
      decidedByToken: stored.decidedByToken ?? null,
    },
    now,
  );
}

function expire(review: Review, now: number): Review {
  if (review.status === 'pending' && review.expiresAt && Date.parse(review.expiresAt) <= now) {
    return { ...review, status: 'expired' };
  }
  return review;
}
