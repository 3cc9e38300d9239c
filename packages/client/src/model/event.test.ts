import { describe, expect, it } from 'vitest';
import type { ZodError } from 'zod';
import type { Actor } from './actor';
import type { Credential } from './credential';
import {
  type CommandEvent,
  commandEventSchema,
  type EventInput,
  eventSchema,
  eventTypeSchema,
  type FileEvent,
  type LifecycleEvent,
  type LlmCallEvent,
  lifecycleEventSchema,
  type MaskingEvent,
  type OutboundEvent,
  type PolicyEvent,
  type QueryEvent,
  queryEventSchema,
  type StoredEvent,
  sessionStartSchema,
  storedEventSchema,
  type TerminalEvent,
  type ToolCallEvent,
} from './event';
import { EVENT_TYPES } from './helpers';
import { createIdGenerator } from './ids';
import type { Resource } from './resource';

const ids = createIdGenerator();
const startedAt = Date.parse('2026-11-25T06:19:32.123Z');
const sessionId = ids.sessionId(startedAt);
const reviewId = ids.reviewId(startedAt);

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

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const issuesOf = (error: ZodError | undefined) =>
  (error?.issues ?? []).map((issue) => ({ path: issue.path, message: issue.message }));

const lifecycleStart: LifecycleEvent = {
  id: ids.eventId(startedAt),
  sessionId,
  seq: 0,
  time: '2026-11-25T06:19:32.123Z',
  type: 'lifecycle',
  action: 'start',
  session: {
    org: 'org_acme',
    actor: claudeCode,
    resource: billingDb,
    endpoint: '10.20.30.40',
    model: 'claude-sonnet-4-5',
    credential: anthropicKey,
    mode: 'agent',
    reason: 'OPS-1234: investigate double-charged invoices',
    recorded: true,
    labels: { team: 'payments', ticket: 'OPS-1234' },
  },
};

const command: CommandEvent = {
  id: ids.eventId(startedAt + 1_000),
  sessionId,
  seq: 1,
  time: '2026-11-25T06:19:33.123Z',
  type: 'command',
  text: 'psql -c "\\dt billing.*"',
  cwd: '/home/agent/billing',
  exitCode: 0,
  output: '           List of relations\n Schema  |   Name   | Type  | Owner\n',
  outputTruncated: false,
  durationMs: 184.5,
};

const query: QueryEvent = {
  id: ids.eventId(startedAt + 2_000),
  sessionId,
  seq: 2,
  time: '2026-11-25T06:19:34.123Z',
  type: 'query',
  sql: 'SELECT id, customer_email, amount_cents FROM invoices WHERE status = $1 LIMIT 2',
  params: ['double_charged'],
  columns: [
    { name: 'id', type: 'int8' },
    { name: 'customer_email', type: 'text' },
    { name: 'amount_cents', type: 'int4' },
  ],
  rows: [
    [1042, '***MASKED***', 4999],
    [1043, '***MASKED***', null],
  ],
  rowCount: 2,
  truncated: false,
  resultRef: 'results/sess/2.ndjson',
  durationMs: 12,
};

const terminal: TerminalEvent = {
  id: ids.eventId(startedAt + 2_500),
  sessionId,
  seq: 3,
  time: '2026-11-25T06:19:34.623Z',
  type: 'terminal',
  code: 'o',
  data: '\u001b[32mbilling=>\u001b[0m ',
  offsetMs: 2500,
};

const policy: PolicyEvent = {
  id: ids.eventId(startedAt + 3_000),
  sessionId,
  seq: 4,
  time: '2026-11-25T06:19:35.123Z',
  type: 'policy',
  subjectId: command.id,
  verdict: 'approved',
  rule: 'production-writes-need-review',
  reason: 'UPDATE on a production table',
  reviewId,
  reviewer: 'bob@example.com',
  decidedAt: '2026-11-25T06:20:01.000+01:00',
};

const masking: MaskingEvent = {
  id: ids.eventId(startedAt + 3_100),
  sessionId,
  seq: 5,
  time: '2026-11-25T06:19:35.223Z',
  type: 'masking',
  subjectId: query.id,
  fields: ['customer_email', 'card_last4'],
  count: 4,
  rule: 'pii-default',
};

const file: FileEvent = {
  id: ids.eventId(startedAt + 4_000),
  sessionId,
  seq: 6,
  time: '2026-11-25T06:19:36.123Z',
  type: 'file',
  path: '/home/agent/billing/refunds.csv',
  operation: 'write',
  bytes: 2048,
};

const outbound: OutboundEvent = {
  id: ids.eventId(startedAt + 5_000),
  sessionId,
  seq: 7,
  time: '2026-11-25T06:19:37.123Z',
  type: 'outbound',
  protocol: 'https',
  host: 'api.anthropic.com',
  port: 443,
  method: 'POST',
  url: 'https://api.anthropic.com/v1/messages',
  status: 200,
  bytesSent: 5321,
  bytesReceived: 18234,
};

const toolCall: ToolCallEvent = {
  id: ids.eventId(startedAt + 6_000),
  sessionId,
  seq: 8,
  time: '2026-11-25T06:19:38.123Z',
  type: 'tool_call',
  tool: 'Bash',
  callId: 'toolu_01A09q90qw90lq917835lq9',
  input: { command: 'psql -c "select count(*) from invoices"', timeout: 120000 },
  output: { stdout: ' count \n-------\n  4211\n', exitCode: 0, interrupted: false },
  durationMs: 240,
};

const llmCall: LlmCallEvent = {
  id: ids.eventId(startedAt + 7_000),
  sessionId,
  seq: 9,
  time: '2026-11-25T06:19:39.123Z',
  type: 'llm_call',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
  inputTokens: 12840,
  outputTokens: 912,
  costUsd: 0.0522,
  durationMs: 6120,
};

const lifecycleEnd: LifecycleEvent = {
  id: ids.eventId(startedAt + 60_000),
  sessionId,
  seq: 10,
  time: '2026-11-25T06:20:32.123Z',
  type: 'lifecycle',
  action: 'end',
  reason: 'agent finished',
  exitCode: 0,
};

const lifecycleRevoke: LifecycleEvent = {
  id: ids.eventId(startedAt + 61_000),
  sessionId,
  seq: 11,
  time: '2026-11-25T06:20:33.123Z',
  type: 'lifecycle',
  action: 'revoke',
  reason: 'touched a table outside the ticket',
  by: 'bob@example.com',
};

describe('eventSchema round trips', () => {
  it('keeps a command event', () => {
    expect(eventSchema.parse(roundTrip(command))).toStrictEqual(command);
  });

  it('keeps a query event with masked rows, nulls and columns', () => {
    expect(eventSchema.parse(roundTrip(query))).toStrictEqual(query);
  });

  it('keeps a terminal event with escape sequences', () => {
    expect(eventSchema.parse(roundTrip(terminal))).toStrictEqual(terminal);
  });

  it('keeps a policy event', () => {
    expect(eventSchema.parse(roundTrip(policy))).toStrictEqual(policy);
  });

  it('keeps a masking event', () => {
    expect(eventSchema.parse(roundTrip(masking))).toStrictEqual(masking);
  });

  it('keeps a file event', () => {
    expect(eventSchema.parse(roundTrip(file))).toStrictEqual(file);
  });

  it('keeps an outbound event', () => {
    expect(eventSchema.parse(roundTrip(outbound))).toStrictEqual(outbound);
  });

  it('keeps a tool_call event with JSON input and output', () => {
    expect(eventSchema.parse(roundTrip(toolCall))).toStrictEqual(toolCall);
  });

  it('keeps an llm_call event', () => {
    expect(eventSchema.parse(roundTrip(llmCall))).toStrictEqual(llmCall);
  });

  it('keeps a lifecycle start event with the session it opens', () => {
    expect(eventSchema.parse(roundTrip(lifecycleStart))).toStrictEqual(lifecycleStart);
  });

  it('keeps a lifecycle end event', () => {
    expect(eventSchema.parse(roundTrip(lifecycleEnd))).toStrictEqual(lifecycleEnd);
  });

  it('keeps a lifecycle revoke event', () => {
    expect(eventSchema.parse(roundTrip(lifecycleRevoke))).toStrictEqual(lifecycleRevoke);
  });

  it('round trips a whole recorded session in order', () => {
    const events = [
      lifecycleStart,
      command,
      query,
      terminal,
      policy,
      masking,
      file,
      outbound,
      toolCall,
      llmCall,
      lifecycleEnd,
      lifecycleRevoke,
    ];
    const parsed = eventSchema.array().parse(roundTrip(events));
    expect(parsed).toStrictEqual(events);
    expect(parsed.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(new Set(parsed.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it('uses ids from createIdGenerator that sort in recording order', () => {
    const eventIds = [lifecycleStart, command, query, terminal, policy, lifecycleEnd].map(
      (e) => e.id,
    );
    expect(eventIds.every((id) => /^evt_[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect([...eventIds].sort()).toEqual(eventIds);
    expect(sessionId).toMatch(/^sess_[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('eventSchema defaults', () => {
  it('fills truncated: false on a query event that leaves it out', () => {
    const input: EventInput = {
      id: 'evt_min',
      sessionId,
      seq: 2,
      time: '2026-11-25T06:19:34Z',
      type: 'query',
      sql: 'select 1',
    };
    expect(eventSchema.parse(input)).toStrictEqual({ ...input, truncated: false });
  });

  it('fills recorded: false and labels: {} on a lifecycle start that leaves them out', () => {
    const input: EventInput = {
      id: 'evt_start',
      sessionId,
      seq: 0,
      time: '2026-11-25T06:19:32Z',
      type: 'lifecycle',
      action: 'start',
      session: { actor: claudeCode, resource: billingDb, mode: 'agent' },
    };
    const parsed = eventSchema.parse(input);
    expect(parsed.type === 'lifecycle' && parsed.session).toStrictEqual({
      actor: claudeCode,
      resource: billingDb,
      mode: 'agent',
      recorded: false,
      labels: {},
    });
  });

  it('keeps truncated: true and does not reset it to the default', () => {
    const parsed = queryEventSchema.parse({ ...query, truncated: true, resultRef: 'results/x' });
    expect(parsed.truncated).toBe(true);
  });

  it('strips unknown keys', () => {
    const parsed = eventSchema.parse({ ...command, secret: 'sk-ant-api03-leak' });
    expect(parsed).toStrictEqual(command);
    expect(parsed).not.toHaveProperty('secret');
  });

  it('accepts null exit code and rowCount (unknown)', () => {
    expect(commandEventSchema.parse({ ...command, exitCode: null }).exitCode).toBeNull();
    expect(queryEventSchema.parse({ ...query, rowCount: null }).rowCount).toBeNull();
  });

  it('accepts a lifecycle drop and reconnect without a session', () => {
    for (const action of ['drop', 'reconnect'] as const) {
      expect(lifecycleEventSchema.safeParse({ ...lifecycleEnd, action }).success).toBe(true);
    }
  });
});

describe('eventSchema rejections', () => {
  it('rejects a session id without the sess_ prefix', () => {
    const result = eventSchema.safeParse({
      ...command,
      sessionId: 'ses_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    });
    expect(result.success).toBe(false);
    expect(issuesOf(result.error)).toEqual([
      { path: ['sessionId'], message: 'must be "sess_" followed by a ULID' },
    ]);
  });

  it('rejects a session id with a lower-case or invalid ULID', () => {
    expect(eventSchema.safeParse({ ...command, sessionId: sessionId.toLowerCase() }).success).toBe(
      false,
    );
    expect(
      eventSchema.safeParse({ ...command, sessionId: 'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0I' }).success,
    ).toBe(false);
    expect(
      eventSchema.safeParse({ ...command, sessionId: 'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0' }).success,
    ).toBe(false);
  });

  it('rejects a negative seq', () => {
    const result = eventSchema.safeParse({ ...command, seq: -1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.path).toEqual(['seq']);
    expect(result.error?.issues[0]?.code).toBe('too_small');
  });

  it('rejects a non-integer seq', () => {
    const result = eventSchema.safeParse({ ...command, seq: 1.5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['seq']);
    expect(result.error?.issues[0]?.message).toMatch(/int/);
  });

  it('rejects a seq sent as a string', () => {
    const result = eventSchema.safeParse({ ...command, seq: '1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['seq']);
  });

  it('rejects an unknown event type with the discriminator error listing the known types', () => {
    const result = eventSchema.safeParse({ ...command, type: 'keystroke' });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.code).toBe('invalid_union');
    expect(issue?.path).toEqual(['type']);
    for (const type of EVENT_TYPES) expect(issue?.message).toContain(`'${type}'`);
  });

  it('rejects an event without a type', () => {
    const { type: _type, ...withoutType } = command;
    const result = eventSchema.safeParse(withoutType);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['type']);
  });

  it('validates against the schema the type selects, not any other', () => {
    // A valid command body with type "query" lacks sql.
    const result = eventSchema.safeParse({ ...command, type: 'query' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['sql']]);
  });

  it('rejects a lifecycle start without a session', () => {
    const { session: _session, ...withoutSession } = lifecycleStart;
    const result = eventSchema.safeParse(withoutSession);
    expect(result.success).toBe(false);
    expect(issuesOf(result.error)).toEqual([
      { path: ['session'], message: 'is required when action is "start"' },
    ]);
  });

  it('rejects a lifecycle start whose agent actor has no agent info, at the nested path', () => {
    const { agent: _agent, ...agentWithoutInfo } = claudeCode;
    const result = eventSchema.safeParse({
      ...lifecycleStart,
      session: { ...lifecycleStart.session, actor: agentWithoutInfo },
    });
    expect(result.success).toBe(false);
    expect(issuesOf(result.error)).toEqual([
      { path: ['session', 'actor', 'agent'], message: 'is required when type is "agent"' },
    ]);
  });

  it('rejects a lifecycle start whose credential holds a full secret', () => {
    const result = eventSchema.safeParse({
      ...lifecycleStart,
      session: {
        ...lifecycleStart.session,
        credential: { kind: 'api_key', fingerprint: 'sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['session', 'credential', 'fingerprint']);
    expect(result.error?.issues[0]?.message).toContain('masked fingerprint');
  });

  it('rejects a lifecycle start with an upper-case environment', () => {
    const result = eventSchema.safeParse({
      ...lifecycleStart,
      session: { ...lifecycleStart.session, resource: { ...billingDb, environment: 'Production' } },
    });
    expect(result.success).toBe(false);
    expect(issuesOf(result.error)).toEqual([
      {
        path: ['session', 'resource', 'environment'],
        message: 'must be lower-case letters, digits, _ or -',
      },
    ]);
  });

  it('rejects a lifecycle start with a label key containing spaces', () => {
    const result = eventSchema.safeParse({
      ...lifecycleStart,
      session: { ...lifecycleStart.session, labels: { 'cost center': 'payments' } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['session', 'labels', 'cost center']);
  });

  it('rejects an unknown lifecycle action and session mode', () => {
    expect(lifecycleEventSchema.safeParse({ ...lifecycleEnd, action: 'pause' }).success).toBe(
      false,
    );
    expect(
      sessionStartSchema.safeParse({ ...lifecycleStart.session, mode: 'batch' }).error?.issues[0]
        ?.path,
    ).toEqual(['mode']);
  });

  it('rejects a timestamp without a time zone', () => {
    const result = eventSchema.safeParse({ ...command, time: '2026-11-25T06:19:33.123' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['time']);
    expect(result.error?.issues[0]?.code).toBe('invalid_format');
  });

  it('rejects a date without a time and an epoch number as time', () => {
    expect(eventSchema.safeParse({ ...command, time: '2026-11-25' }).success).toBe(false);
    expect(eventSchema.safeParse({ ...command, time: startedAt }).success).toBe(false);
  });

  it('accepts timestamps with Z, an offset and sub-millisecond digits', () => {
    for (const time of [
      '2026-11-25T06:19:33Z',
      '2026-11-25T07:19:33.5+01:00',
      '2026-11-25T01:19:33.123456-05:00',
    ]) {
      expect(eventSchema.safeParse({ ...command, time }).success).toBe(true);
    }
  });

  it('rejects an empty command text and an empty query sql', () => {
    expect(eventSchema.safeParse({ ...command, text: '' }).error?.issues[0]?.path).toEqual([
      'text',
    ]);
    expect(eventSchema.safeParse({ ...query, sql: '' }).error?.issues[0]?.path).toEqual(['sql']);
  });

  it('rejects an event id with characters outside letters, digits and _ . : -', () => {
    const result = eventSchema.safeParse({ ...command, id: 'evt 1' });
    expect(issuesOf(result.error)).toEqual([
      { path: ['id'], message: 'may only contain letters, digits and _ . : -' },
    ]);
    expect(eventSchema.safeParse({ ...command, id: '' }).success).toBe(false);
    expect(eventSchema.safeParse({ ...command, id: 'e'.repeat(129) }).success).toBe(false);
    expect(eventSchema.safeParse({ ...command, id: 'e'.repeat(128) }).success).toBe(true);
  });

  it('rejects an unknown terminal code and a negative offset', () => {
    expect(eventSchema.safeParse({ ...terminal, code: 'e' }).error?.issues[0]?.path).toEqual([
      'code',
    ]);
    expect(eventSchema.safeParse({ ...terminal, offsetMs: -1 }).error?.issues[0]?.path).toEqual([
      'offsetMs',
    ]);
  });

  it('rejects an unknown verdict and a bad review id on a policy event', () => {
    expect(eventSchema.safeParse({ ...policy, verdict: 'allowed' }).error?.issues[0]?.path).toEqual(
      ['verdict'],
    );
    expect(
      eventSchema.safeParse({ ...policy, reviewId: 'review_1' }).error?.issues[0]?.message,
    ).toBe('must be "rev_" followed by a ULID');
  });

  it('rejects a negative masking count and an unknown file operation', () => {
    expect(eventSchema.safeParse({ ...masking, count: -4 }).success).toBe(false);
    expect(eventSchema.safeParse({ ...file, operation: 'append' }).success).toBe(false);
  });

  it('rejects an outbound port outside 0..65535', () => {
    expect(eventSchema.safeParse({ ...outbound, port: 65536 }).error?.issues[0]?.path).toEqual([
      'port',
    ]);
    expect(eventSchema.safeParse({ ...outbound, port: -1 }).success).toBe(false);
    expect(eventSchema.safeParse({ ...outbound, port: 0 }).success).toBe(true);
    expect(eventSchema.safeParse({ ...outbound, port: 65535 }).success).toBe(true);
  });

  it('rejects an llm_call without token counts or with fractional tokens', () => {
    const { inputTokens: _inputTokens, ...withoutInput } = llmCall;
    expect(eventSchema.safeParse(withoutInput).error?.issues[0]?.path).toEqual(['inputTokens']);
    expect(eventSchema.safeParse({ ...llmCall, outputTokens: 1.5 }).success).toBe(false);
    expect(eventSchema.safeParse({ ...llmCall, costUsd: -0.01 }).success).toBe(false);
  });

  it('keeps a failed llm_call with its error, and bounds the error', () => {
    const failed = { ...llmCall, inputTokens: 0, outputTokens: 0, error: '529 overloaded_error' };
    delete (failed as Partial<LlmCallEvent>).costUsd;
    expect(eventSchema.parse(roundTrip(failed))).toStrictEqual(failed);
    expect(eventSchema.safeParse({ ...llmCall, error: 'x'.repeat(10_001) }).success).toBe(false);
  });
});

describe('EVENT_TYPES and eventTypeSchema', () => {
  it('lists exactly the types of the event union', () => {
    const unionTypes = eventSchema.options.map((option) => option.shape.type.value);
    expect(unionTypes).toEqual([...EVENT_TYPES]);
    expect(eventTypeSchema.options).toEqual([...EVENT_TYPES]);
  });

  it('rejects a type outside the list', () => {
    expect(eventTypeSchema.safeParse('keystroke').success).toBe(false);
    expect(eventTypeSchema.parse('tool_call')).toBe('tool_call');
  });
});

describe('storedEventSchema', () => {
  const hash = 'a3f2'.repeat(16);

  it('accepts an event with receivedAt and a 64-hex hash and keeps both', () => {
    const stored: StoredEvent = { ...command, receivedAt: '2026-11-25T06:19:33.456Z', hash };
    expect(storedEventSchema.parse(roundTrip(stored))).toStrictEqual(stored);
  });

  it('keeps the nested session of a stored lifecycle start', () => {
    const stored: StoredEvent = { ...lifecycleStart, receivedAt: '2026-11-25T06:19:32.500Z', hash };
    expect(storedEventSchema.parse(roundTrip(stored))).toStrictEqual(stored);
  });

  it('applies the event defaults', () => {
    const { truncated: _truncated, ...withoutTruncated } = query;
    const parsed = storedEventSchema.parse({ ...withoutTruncated, receivedAt: query.time, hash });
    expect(parsed).toStrictEqual({ ...query, receivedAt: query.time, hash });
  });

  it('rejects a hash that is not 64 lower-case hex characters', () => {
    for (const bad of [
      'a3f2'.repeat(15),
      `${'a3f2'.repeat(16)}0`,
      'A3F2'.repeat(16),
      'g'.repeat(64),
      `sha256:${'a'.repeat(57)}`,
    ]) {
      const result = storedEventSchema.safeParse({
        ...command,
        receivedAt: command.time,
        hash: bad,
      });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.path)).toEqual([['hash']]);
    }
  });

  it('rejects a stored event without receivedAt or hash', () => {
    const result = storedEventSchema.safeParse(command);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['receivedAt'], ['hash']]);
  });

  it('still validates the event part', () => {
    const result = storedEventSchema.safeParse({
      ...command,
      seq: -1,
      receivedAt: command.time,
      hash,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['seq']]);
  });
});
