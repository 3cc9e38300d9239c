import { describe, expect, it } from 'vitest';
import type { Actor } from './actor';
import type { Credential } from './credential';
import { summarizeCounters } from './helpers';
import { createIdGenerator } from './ids';
import type { Resource } from './resource';
import {
  type Session,
  type SessionCounters,
  sessionCountersSchema,
  sessionSchema,
  sessionStatusSchema,
  significanceSchema,
} from './session';

const ids = createIdGenerator();
const sessionId = ids.sessionId(Date.parse('2026-11-25T06:19:32.123Z'));

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

const anthropicKey: Credential = {
  kind: 'api_key',
  fingerprint: 'sk-ant-...A3F2',
  name: 'shared CI key',
};

const counters: SessionCounters = {
  commands: 5,
  queries: 0,
  blocked: 1,
  pending: 0,
  approved: 1,
  rejected: 0,
  maskedFields: 4,
  bytes: 48_213,
};

const session: Session = {
  id: sessionId,
  org: 'org_acme',
  actor: claudeCode,
  resource: billingDb,
  endpoint: '10.20.30.40',
  model: 'claude-sonnet-4-5',
  credential: anthropicKey,
  mode: 'agent',
  reason: 'OPS-1234: investigate double-charged invoices',
  status: 'ended',
  startedAt: '2026-11-25T06:19:32.123Z',
  endedAt: '2026-11-25T06:20:32.123Z',
  durationMs: 60_000,
  closeReason: 'agent finished',
  droppedAt: null,
  recorded: true,
  counters,
  usage: { inputTokens: 12_840, outputTokens: 912, costUsd: 0.0522 },
  labels: { team: 'payments', ticket: 'OPS-1234' },
  significance: {
    score: 72.5,
    reasons: [
      { code: 'blocked_command', message: '1 command blocked by policy', weight: 30 },
      { code: 'production', message: 'production database', weight: 25 },
      { code: 'masked_pii', message: '4 fields masked', weight: 17.5 },
    ],
  },
};

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('sessionSchema', () => {
  it('round trips a full ended agent session', () => {
    expect(sessionSchema.parse(roundTrip(session))).toStrictEqual(session);
  });

  it('round trips an active session with every nullable field null', () => {
    const active: Session = {
      ...session,
      status: 'active',
      endpoint: null,
      model: null,
      credential: null,
      reason: null,
      endedAt: null,
      durationMs: null,
      closeReason: null,
      droppedAt: null,
      significance: null,
      labels: {},
    };
    expect(sessionSchema.parse(roundTrip(active))).toStrictEqual(active);
  });

  it('requires the nullable fields to be present (null, not missing)', () => {
    const { endedAt: _endedAt, ...withoutEndedAt } = session;
    const result = sessionSchema.safeParse(withoutEndedAt);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['endedAt']]);
  });

  it('rejects a session id with a wrong prefix', () => {
    const result = sessionSchema.safeParse({ ...session, id: sessionId.replace('sess_', 'evt_') });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['id']);
    expect(result.error?.issues[0]?.message).toBe('must be "sess_" followed by a ULID');
  });

  it('rejects an agent actor without agent info, at actor.agent', () => {
    const { agent: _agent, ...agentWithoutInfo } = claudeCode;
    const result = sessionSchema.safeParse({ ...session, actor: agentWithoutInfo });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['actor', 'agent']]);
  });

  it('rejects a credential that holds a full secret', () => {
    const result = sessionSchema.safeParse({
      ...session,
      credential: { kind: 'api_key', fingerprint: 'sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['credential', 'fingerprint']]);
  });

  it('rejects an unknown status and lists the known ones', () => {
    const result = sessionSchema.safeParse({ ...session, status: 'closed' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['status']);
    expect(result.error?.issues[0]?.message).toContain('pending_review');
    expect(sessionStatusSchema.options).toEqual([
      'pending_review',
      'active',
      'ended',
      'revoked',
      'dropped',
      'blocked',
      'failed',
    ]);
  });

  it('rejects a timestamp without a time zone', () => {
    const result = sessionSchema.safeParse({ ...session, startedAt: '2026-11-25T06:19:32.123' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['startedAt']);
  });

  it('rejects a fractional or negative duration', () => {
    expect(sessionSchema.safeParse({ ...session, durationMs: 1.5 }).success).toBe(false);
    expect(sessionSchema.safeParse({ ...session, durationMs: -1 }).success).toBe(false);
  });

  it('rejects negative counters and a negative cost, naming the field', () => {
    const result = sessionSchema.safeParse({
      ...session,
      counters: { ...counters, blocked: -1 },
      usage: { ...session.usage, costUsd: -0.5 },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([
      ['counters', 'blocked'],
      ['usage', 'costUsd'],
    ]);
  });

  it('rejects a significance score outside 0..100', () => {
    expect(significanceSchema.safeParse({ score: 100, reasons: [] }).success).toBe(true);
    expect(significanceSchema.safeParse({ score: 0, reasons: [] }).success).toBe(true);
    expect(significanceSchema.safeParse({ score: 100.1, reasons: [] }).success).toBe(false);
    expect(significanceSchema.safeParse({ score: -1, reasons: [] }).success).toBe(false);
  });

  it('rejects a label key with spaces and an upper-case environment', () => {
    const result = sessionSchema.safeParse({
      ...session,
      labels: { 'cost center': 'payments' },
      resource: { ...billingDb, environment: 'PROD' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([
      ['resource', 'environment'],
      ['labels', 'cost center'],
    ]);
  });

  it('requires every counter', () => {
    const { maskedFields: _maskedFields, ...withoutMasked } = counters;
    const result = sessionCountersSchema.safeParse(withoutMasked);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['maskedFields']]);
  });
});

describe('summarizeCounters', () => {
  const zero: SessionCounters = {
    commands: 0,
    queries: 0,
    blocked: 0,
    pending: 0,
    approved: 0,
    rejected: 0,
    maskedFields: 0,
    bytes: 0,
  };

  it('summarizes the non-zero counts in a fixed order', () => {
    expect(summarizeCounters(counters)).toBe(
      '5 commands · 1 blocked · 1 approved · 4 fields masked',
    );
  });

  it('uses singulars for one', () => {
    expect(summarizeCounters({ ...zero, commands: 1, queries: 1, maskedFields: 1 })).toBe(
      '1 command · 1 query · 1 field masked',
    );
  });

  it('uses plurals for more than one', () => {
    expect(summarizeCounters({ ...zero, commands: 2, queries: 12, maskedFields: 2 })).toBe(
      '2 commands · 12 queries · 2 fields masked',
    );
  });

  it('includes every verdict counter', () => {
    expect(
      summarizeCounters({ ...zero, queries: 3, blocked: 2, pending: 1, approved: 4, rejected: 5 }),
    ).toBe('3 queries · 2 blocked · 1 pending · 4 approved · 5 rejected');
  });

  it('returns an empty string when every count is zero', () => {
    expect(summarizeCounters(zero)).toBe('');
  });

  it('leaves out bytes', () => {
    expect(summarizeCounters({ ...zero, bytes: 1_000_000 })).toBe('');
  });

  it('has no separator at the ends', () => {
    expect(summarizeCounters({ ...zero, rejected: 1 })).toBe('1 rejected');
    expect(summarizeCounters({ ...zero, maskedFields: 7 })).toBe('7 fields masked');
  });
});
