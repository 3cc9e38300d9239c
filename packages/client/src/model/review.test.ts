import { describe, expect, it } from 'vitest';
import type { Actor } from './actor';
import { createIdGenerator } from './ids';
import type { Resource } from './resource';
import {
  type CreateReview,
  createReviewSchema,
  type Review,
  reviewDecisionSchema,
  reviewSchema,
} from './review';

const ids = createIdGenerator();
const requestedAt = Date.parse('2026-11-25T06:19:35.123Z');
const sessionId = ids.sessionId(requestedAt);
const eventId = ids.eventId(requestedAt);
const reviewId = ids.reviewId(requestedAt);

const claudeCode: Actor = {
  type: 'agent',
  id: 'agent_claude_code_7f3a',
  name: 'Claude Code',
  agent: { name: 'Claude Code', version: '1.2.0' },
  onBehalfOf: 'usr_alice',
};

const billingDb: Resource = {
  name: 'billing-db',
  type: 'database',
  engine: 'postgres',
  environment: 'production',
  host: 'billing-db.internal:5432',
};

const review: Review = {
  id: reviewId,
  org: 'org_acme',
  kind: 'command',
  status: 'approved',
  sessionId,
  eventId,
  subject: {
    type: 'query',
    text: "UPDATE invoices SET status = 'refunded' WHERE id IN (1042, 1043)",
  },
  requestedBy: claudeCode,
  requestedByToken: { id: 'tok_0123456789abcdef', name: 'recorders' },
  resource: billingDb,
  rule: 'production-writes-need-review',
  reason: 'UPDATE on a production table',
  requestedAt: '2026-11-25T06:19:35.123Z',
  expiresAt: '2026-11-25T06:34:35.123Z',
  decidedBy: 'bob@example.com',
  decidedByToken: { id: 'tok_fedcba9876543210', name: 'bob@example.com' },
  decidedAt: '2026-11-25T06:20:01.000Z',
  comment: 'OK, matches OPS-1234',
};

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('reviewSchema', () => {
  it('round trips a decided command review', () => {
    expect(reviewSchema.parse(roundTrip(review))).toStrictEqual(review);
  });

  it('round trips a pending session review with nulls', () => {
    const pending: Review = {
      ...review,
      kind: 'session',
      status: 'pending',
      eventId: null,
      subject: { type: 'session', text: 'psql billing-db (production)' },
      rule: null,
      reason: null,
      expiresAt: null,
      decidedBy: null,
      decidedByToken: null,
      decidedAt: null,
      comment: null,
    };
    expect(reviewSchema.parse(roundTrip(pending))).toStrictEqual(pending);
  });

  it('rejects a review id with a wrong prefix', () => {
    const result = reviewSchema.safeParse({ ...review, id: reviewId.replace('rev_', 'review_') });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['id']);
    expect(result.error?.issues[0]?.message).toBe('must be "rev_" followed by a ULID');
  });

  it('rejects an unknown status and subject type', () => {
    const result = reviewSchema.safeParse({
      ...review,
      status: 'denied',
      subject: { ...review.subject, type: 'file' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['status'], ['subject', 'type']]);
  });

  it('rejects a requester that is an agent without agent info', () => {
    const { agent: _agent, ...agentWithoutInfo } = claudeCode;
    const result = reviewSchema.safeParse({ ...review, requestedBy: agentWithoutInfo });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['requestedBy', 'agent']]);
  });

  it('rejects a decidedAt without a time zone', () => {
    const result = reviewSchema.safeParse({ ...review, decidedAt: '2026-11-25 06:20:01' });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['decidedAt']]);
  });
});

describe('createReviewSchema', () => {
  it('accepts a command review with an event id', () => {
    const create: CreateReview = {
      kind: 'command',
      sessionId,
      eventId,
      subject: { type: 'command', text: 'kubectl delete pod billing-api-7d9f' },
      rule: 'production-writes-need-review',
      reason: 'delete in production',
      expiresAt: '2026-11-25T06:34:35.123Z',
    };
    expect(createReviewSchema.parse(roundTrip(create))).toStrictEqual(create);
  });

  it('accepts a session review without an event id', () => {
    const create: CreateReview = {
      kind: 'session',
      sessionId,
      subject: { type: 'session', text: 'psql billing-db (production)' },
    };
    expect(createReviewSchema.parse(create)).toStrictEqual(create);
  });

  it('rejects a command review without an event id, at eventId', () => {
    const result = createReviewSchema.safeParse({
      kind: 'command',
      sessionId,
      subject: { type: 'command', text: 'rm -rf /var/lib/postgresql' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ['eventId'], message: 'is required when kind is "command"' },
    ]);
  });

  it('rejects a command review with an empty event id', () => {
    const result = createReviewSchema.safeParse({
      kind: 'command',
      sessionId,
      eventId: '',
      subject: { type: 'command', text: 'rm -rf /' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['eventId']);
  });

  it('rejects a bad session id and an unknown kind', () => {
    const result = createReviewSchema.safeParse({
      kind: 'query',
      sessionId: 'sess_123',
      subject: { type: 'query', text: 'select 1' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([['kind'], ['sessionId']]),
    );
  });

  it('rejects an over-long reason', () => {
    const result = createReviewSchema.safeParse({
      kind: 'session',
      sessionId,
      subject: { type: 'session', text: 'psql' },
      reason: 'x'.repeat(2001),
    });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['reason']]);
  });
});

describe('reviewDecisionSchema', () => {
  it('accepts an empty decision and a comment', () => {
    expect(reviewDecisionSchema.parse({})).toStrictEqual({});
    expect(reviewDecisionSchema.parse({ comment: 'looks fine' })).toStrictEqual({
      comment: 'looks fine',
    });
  });

  it('rejects a comment over 2000 characters', () => {
    expect(reviewDecisionSchema.safeParse({ comment: 'x'.repeat(2001) }).success).toBe(false);
  });
});
