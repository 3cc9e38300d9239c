import { describe, expect, it } from 'vitest';
import type { Actor } from './actor';
import {
  ERROR_CODES,
  type ErrorBody,
  type EventPage,
  EXPORT_COLUMNS,
  type ExportRow,
  errorBodySchema,
  eventPageSchema,
  exportRowSchema,
  type IngestResult,
  ingestRequestSchema,
  ingestResultSchema,
  MAX_INGEST_BATCH,
  type ReviewPage,
  reviewPageSchema,
  revokeRequestSchema,
  type SessionPage,
  sessionPageSchema,
} from './api';
import type { CommandEvent, EventInput, LifecycleEvent } from './event';
import { createIdGenerator } from './ids';
import type { Resource } from './resource';
import type { Session } from './session';

const ids = createIdGenerator();
const startedAt = Date.parse('2026-11-25T06:19:32.123Z');
const sessionId = ids.sessionId(startedAt);

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

const start: LifecycleEvent = {
  id: ids.eventId(startedAt),
  sessionId,
  seq: 0,
  time: '2026-11-25T06:19:32.123Z',
  type: 'lifecycle',
  action: 'start',
  session: {
    actor: claudeCode,
    resource: billingDb,
    credential: { kind: 'api_key', fingerprint: 'sk-ant-...A3F2' },
    mode: 'agent',
    recorded: true,
    labels: { ticket: 'OPS-1234' },
  },
};

const command: CommandEvent = {
  id: ids.eventId(startedAt + 1000),
  sessionId,
  seq: 1,
  time: '2026-11-25T06:19:33.123Z',
  type: 'command',
  text: 'psql -c "select count(*) from invoices"',
  exitCode: 0,
  durationMs: 31,
};

const session: Session = {
  id: sessionId,
  org: 'org_acme',
  actor: claudeCode,
  resource: billingDb,
  endpoint: '10.20.30.40',
  model: 'claude-sonnet-4-5',
  credential: { kind: 'api_key', fingerprint: 'sk-ant-...A3F2', name: 'shared CI key' },
  mode: 'agent',
  reason: 'OPS-1234',
  status: 'active',
  startedAt: '2026-11-25T06:19:32.123Z',
  endedAt: null,
  durationMs: null,
  closeReason: null,
  droppedAt: null,
  recorded: true,
  counters: {
    commands: 5,
    queries: 2,
    blocked: 1,
    pending: 0,
    approved: 1,
    rejected: 0,
    maskedFields: 4,
    bytes: 10_240,
  },
  usage: { inputTokens: 12_840, outputTokens: 912, costUsd: 0.0522 },
  labels: { ticket: 'OPS-1234' },
  significance: {
    score: 64,
    reasons: [{ code: 'blocked_command', message: '1 command blocked by policy', weight: 30 }],
  },
};

const hash = (n: number) => n.toString(16).padStart(64, '0');

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('ingestRequestSchema', () => {
  it('accepts a batch of events and applies their defaults', () => {
    const query: EventInput = {
      id: ids.eventId(startedAt + 2000),
      sessionId,
      seq: 2,
      time: '2026-11-25T06:19:34.123Z',
      type: 'query',
      sql: 'select 1',
    };
    const parsed = ingestRequestSchema.parse(roundTrip({ events: [start, command, query] }));
    expect(parsed.events).toStrictEqual([start, command, { ...query, truncated: false }]);
  });

  it('rejects an empty batch', () => {
    const result = ingestRequestSchema.safeParse({ events: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, code: i.code }))).toEqual([
      { path: ['events'], code: 'too_small' },
    ]);
  });

  it('rejects a missing events array', () => {
    expect(ingestRequestSchema.safeParse({}).error?.issues[0]?.path).toEqual(['events']);
  });

  it(`accepts exactly MAX_INGEST_BATCH (${MAX_INGEST_BATCH}) events`, () => {
    const events = Array.from({ length: MAX_INGEST_BATCH }, (_, i) => ({
      ...command,
      id: `evt_${i}`,
      seq: i,
    }));
    expect(ingestRequestSchema.safeParse({ events }).success).toBe(true);
  });

  it('rejects more than MAX_INGEST_BATCH events', () => {
    const events = Array.from({ length: MAX_INGEST_BATCH + 1 }, (_, i) => ({
      ...command,
      id: `evt_${i}`,
      seq: i,
    }));
    const result = ingestRequestSchema.safeParse({ events });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, code: i.code }))).toEqual([
      { path: ['events'], code: 'too_big' },
    ]);
  });

  it('names the index and field of a bad event', () => {
    const result = ingestRequestSchema.safeParse({ events: [start, { ...command, seq: -1 }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['events', 1, 'seq']]);
  });

  it('names the index of a lifecycle start without session', () => {
    const { session: _session, ...withoutSession } = start;
    const result = ingestRequestSchema.safeParse({ events: [withoutSession] });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['events', 0, 'session']]);
  });
});

describe('ingestResultSchema', () => {
  it('round trips a result with rejections', () => {
    const result: IngestResult = {
      accepted: 998,
      duplicates: 1,
      rejected: [
        {
          index: 3,
          id: 'evt_3',
          code: 'validation_failed',
          message: 'events[3].seq: expected a non-negative integer',
        },
        { index: 7, id: null, code: 'validation_failed', message: 'events[7].id: required' },
      ],
      revoked: ['sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V'],
    };
    expect(ingestResultSchema.parse(roundTrip(result))).toStrictEqual(result);
    // A server that predates `revoked` is read as revoking nothing.
    const { revoked: _, ...older } = result;
    expect(ingestResultSchema.parse(older).revoked).toEqual([]);
  });

  it('rejects negative counts and a negative index', () => {
    expect(
      ingestResultSchema.safeParse({ accepted: -1, duplicates: 0, rejected: [] }).success,
    ).toBe(false);
    const result = ingestResultSchema.safeParse({
      accepted: 0,
      duplicates: 0,
      rejected: [{ index: -1, id: null, code: 'x', message: 'y' }],
    });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['rejected', 0, 'index']]);
  });
});

describe('page schemas', () => {
  it('round trips a SessionPage', () => {
    const page: SessionPage = {
      data: [session, { ...session, id: ids.sessionId(startedAt + 1), status: 'pending_review' }],
      nextCursor: 'eyJpZCI6InNlc3NfMDEifQ',
      count: { mode: 'capped', value: 1000, capped: true },
    };
    expect(sessionPageSchema.parse(roundTrip(page))).toStrictEqual(page);
  });

  it('round trips the last SessionPage without a count', () => {
    const page: SessionPage = {
      data: [],
      nextCursor: null,
      count: { mode: 'none', value: null, capped: false },
    };
    expect(sessionPageSchema.parse(roundTrip(page))).toStrictEqual(page);
  });

  it('names the index of a bad session in a page', () => {
    const result = sessionPageSchema.safeParse({
      data: [session, { ...session, id: 'sess_bad' }],
      nextCursor: null,
      count: { mode: 'exact', value: 2, capped: false },
    });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['data', 1, 'id']]);
  });

  it('round trips an EventPage of stored events', () => {
    const page: EventPage = {
      data: [
        { ...start, receivedAt: '2026-11-25T06:19:32.400Z', hash: hash(1) },
        { ...command, receivedAt: '2026-11-25T06:19:33.400Z', hash: hash(2) },
      ],
      nextCursor: '1',
    };
    expect(eventPageSchema.parse(roundTrip(page))).toStrictEqual(page);
  });

  it('rejects an EventPage whose event lacks the hash', () => {
    const result = eventPageSchema.safeParse({
      data: [{ ...command, receivedAt: '2026-11-25T06:19:33.400Z' }],
      nextCursor: null,
    });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['data', 0, 'hash']]);
  });

  it('round trips a ReviewPage', () => {
    const page: ReviewPage = {
      data: [
        {
          id: ids.reviewId(startedAt),
          org: 'org_acme',
          kind: 'command',
          status: 'pending',
          sessionId,
          eventId: command.id,
          subject: { type: 'command', text: command.text },
          requestedBy: claudeCode,
          requestedByToken: { id: 'tok_recorder', name: 'recorders' },
          resource: billingDb,
          rule: 'production-writes-need-review',
          reason: null,
          requestedAt: '2026-11-25T06:19:33.200Z',
          expiresAt: '2026-11-25T06:34:33.200Z',
          decidedBy: null,
          decidedByToken: null,
          decidedAt: null,
          comment: null,
        },
      ],
      nextCursor: null,
    };
    expect(reviewPageSchema.parse(roundTrip(page))).toStrictEqual(page);
  });
});

describe('errorBodySchema', () => {
  it('round trips an error with details and accepts codes not in the list', () => {
    const body: ErrorBody = {
      code: 'validation_failed',
      message: 'limit: Too small: expected number to be >=1',
      details: [{ path: ['limit'], message: 'Too small' }],
      requestId: 'req_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    };
    expect(errorBodySchema.parse(roundTrip(body))).toStrictEqual(body);
    expect(errorBodySchema.safeParse({ code: 'teapot', message: "I'm a teapot" }).success).toBe(
      true,
    );
    expect(ERROR_CODES).toContain('rate_limited');
  });

  it('requires a code and a message', () => {
    expect(errorBodySchema.safeParse({ code: 'internal' }).error?.issues[0]?.path).toEqual([
      'message',
    ]);
  });
});

describe('revokeRequestSchema', () => {
  it('accepts an empty body and a reason up to 2000 characters', () => {
    expect(revokeRequestSchema.parse({})).toStrictEqual({});
    expect(revokeRequestSchema.safeParse({ reason: 'x'.repeat(2000) }).success).toBe(true);
    expect(revokeRequestSchema.safeParse({ reason: 'x'.repeat(2001) }).success).toBe(false);
  });
});

describe('exportRowSchema and EXPORT_COLUMNS', () => {
  it('lists the columns in a stable order', () => {
    expect(EXPORT_COLUMNS).toEqual([
      'sessionId',
      'org',
      'actorType',
      'actor',
      'resource',
      'resourceType',
      'environment',
      'status',
      'startedAt',
      'endedAt',
      'eventSeq',
      'eventTime',
      'eventType',
      'summary',
      'verdict',
      'reviewer',
      'reason',
    ]);
  });

  it('round trips a row', () => {
    const row: ExportRow = {
      sessionId,
      org: 'org_acme',
      actorType: 'agent',
      actor: 'Claude Code v1.2.0',
      resource: 'billing-db',
      resourceType: 'database',
      environment: 'production',
      status: 'ended',
      startedAt: '2026-11-25T06:19:32.123Z',
      endedAt: '2026-11-25T06:20:32.123Z',
      eventSeq: 1,
      eventTime: '2026-11-25T06:19:33.123Z',
      eventType: 'command',
      summary: command.text,
      verdict: 'approved',
      reviewer: 'bob@example.com',
      reason: null,
    };
    expect(exportRowSchema.parse(roundTrip(row))).toStrictEqual(row);
    expect(Object.keys(row)).toEqual(EXPORT_COLUMNS);
  });
});
