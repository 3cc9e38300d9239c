import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createIdGenerator, type EventInput } from '@auditlane/client';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

type ClaudeEvent = { name: string; attributes: Record<string, string | number | boolean> };

/** Log records made by the OpenTelemetry SDK, shaped as Claude Code's monitoring docs describe. */
async function claudeCodeRecords(
  claudeSession: string,
  at: number,
  events: ClaudeEvent[],
): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'claude-code',
      'service.version': '2.1.300',
      'os.type': 'linux',
    }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.300');
  events.forEach((event, i) => {
    logger.emit({
      timestamp: new Date(at + i * 1000),
      body: `claude_code.${event.name}`,
      attributes: {
        'session.id': claudeSession,
        'user.id': 'f3b2c1d0e9a8',
        'user.account_uuid': '7d0c4e8e-2f41-4c6e-9a55-0b1c2d3e4f50',
        'organization.id': '2a9f4b1c-3d5e-4f60-8a71-b2c3d4e5f607',
        'user.email': 'alice@acme.test',
        'terminal.type': 'tmux',
        'event.name': event.name,
        'event.timestamp': new Date(at + i * 1000).toISOString(),
        'event.sequence': i,
        'prompt.id': '0b7e2d43-51a9-4b8f-9c0d-1e2f3a4b5c6d',
        ...event.attributes,
      },
    });
  });
  await provider.forceFlush();
  return memory.getFinishedLogRecords();
}

/** One of everything Claude Code logs, with free text that must never be stored. */
const SESSION_EVENTS: ClaudeEvent[] = [
  {
    name: 'user_prompt',
    attributes: { prompt_length: 41, prompt: 'deploy with key sk-live-SECRET-123 please' },
  },
  {
    name: 'api_request',
    attributes: {
      model: 'claude-sonnet-4-5-20250929',
      cost_usd: 0.0123,
      duration_ms: 2140,
      input_tokens: 1200,
      output_tokens: 310,
      cache_read_tokens: 9000,
      cache_creation_tokens: 400,
      request_id: 'req_011CTzQ',
      speed: 'normal',
    },
  },
  {
    name: 'tool_decision',
    attributes: {
      tool_name: 'Bash',
      tool_use_id: 'toolu_01A',
      decision: 'reject',
      source: 'user_reject',
      tool_parameters: '{"bash_command":"curl -H \'Authorization: sk-live-SECRET-123\'"}',
    },
  },
  {
    name: 'tool_result',
    attributes: {
      tool_name: 'Read',
      tool_use_id: 'toolu_01B',
      success: 'false',
      duration_ms: 12,
      error: 'ENOENT: /home/alice/sk-live-SECRET-123.txt',
      error_type: 'Error:ENOENT',
      decision_type: 'accept',
      decision_source: 'config',
    },
  },
  {
    name: 'api_error',
    attributes: {
      model: 'claude-sonnet-4-5-20250929',
      error: 'overloaded: sk-live-SECRET-123',
      status_code: 529,
      duration_ms: 800,
      attempt: 2,
    },
  },
  {
    // Numbers as Claude Code sends some of them: strings.
    name: 'api_request',
    attributes: {
      model: 'claude-haiku-4-5',
      cost_usd: '0.0007',
      duration_ms: '350',
      input_tokens: '100',
      output_tokens: '20',
      cache_read_tokens: '0',
      cache_creation_tokens: '0',
    },
  },
  {
    name: 'assistant_response',
    attributes: { response_length: 12, response: '<REDACTED>', model: 'claude-haiku-4-5' },
  },
];

function exported(exporter: LogRecordExporter, records: ReadableLogRecord[]) {
  return new Promise<ExportResult>((resolve) => exporter.export(records, resolve));
}

const T0 = Date.UTC(2026, 10, 25, 6, 0, 0);

describe.each(STORE_KINDS)('%s store: Claude Code telemetry over OTLP', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A session as the Claude Code hook records it: labelled with the Claude session id. */
  async function hookSession(
    claudeSession: string,
    startedAt = T0,
    environment = 'development',
    actorId = 'claude-code',
  ) {
    const script = sessionScript(
      {
        actor: { type: 'agent', id: actorId, agent: { name: 'Claude Code' } },
        resource: { name: 'shop', type: 'application', environment },
        mode: 'agent',
        labels: { 'claude.session': claudeSession, cwd: '/work/shop' },
      },
      startedAt,
    );
    const result = await h.admin.ingest(script.events);
    expect(result.accepted).toBe(script.events.length);
    return script;
  }

  const post = (body: BodyInit, type: string, headers: Record<string, string> = {}) =>
    fetch(`${h.server.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': type, ...headers },
      body,
    });

  it('takes a JSON export configured as Claude Code is (OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS), keeping no free text', async () => {
    const claude = randomUUID();
    const script = await hookSession(claude);
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `${h.server.url}/otlp`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer ${h.adminToken}`;
    let exporter: JsonLogExporter;
    try {
      exporter = new JsonLogExporter();
    } finally {
      process.env = saved;
    }
    const result = await exported(
      exporter,
      await claudeCodeRecords(claude, T0 + 5_000, SESSION_EVENTS),
    );
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();

    const session = await h.admin.sessions.get(script.sessionId);
    // Input counted as an llm_call counts it: cache reads (9,000) and writes (400) included.
    expect(session.usage).toEqual({ inputTokens: 10_700, outputTokens: 330, costUsd: 0.013 });
    expect(session.model).toBe('claude-sonnet-4-5-20250929');

    const page = await h.admin.sessions.telemetry(script.sessionId);
    expect(page.data.map((r) => r.type)).toEqual([
      'user_prompt',
      'api_request',
      'tool_decision',
      'tool_result',
      'api_error',
      'api_request',
    ]);
    expect(page.data[1]).toMatchObject({
      sessionId: script.sessionId,
      claudeSessionId: claude,
      time: new Date(T0 + 6_000).toISOString(),
      sequence: 1,
      model: 'claude-sonnet-4-5-20250929',
      inputTokens: 1200,
      outputTokens: 310,
      cacheReadTokens: 9000,
      cacheCreationTokens: 400,
      costUsd: 0.0123,
      durationMs: 2140,
    });
    expect(page.data[2]).toMatchObject({
      tool: 'Bash',
      toolUseId: 'toolu_01A',
      decision: 'reject',
      source: 'user_reject',
    });
    expect(page.data[3]).toMatchObject({ tool: 'Read', success: false, durationMs: 12 });
    expect(page.data[4]).toMatchObject({ statusCode: 529, attempt: 2 });
    expect(page.data[0]).toMatchObject({ promptLength: 41 });
    expect(page.extra.summary).toEqual({
      records: 6,
      apiRequests: 2,
      apiErrors: 1,
      toolDecisions: 1,
      toolRejections: 1,
      toolResults: 1,
      toolFailures: 1,
      prompts: 1,
      inputTokens: 1300,
      outputTokens: 330,
      cacheReadTokens: 9000,
      cacheCreationTokens: 400,
      costUsd: 0.013,
      models: ['claude-haiku-4-5', 'claude-sonnet-4-5-20250929'],
    });
    // The model entity, with the session's edge to it, as the recorder's llm_call events make it.
    for (const model of ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5']) {
      const found = await h.admin.sessions.list({ entity: [`model:${model}`] });
      expect(found.data.map((s) => s.id)).toContain(script.sessionId);
      const entity = await h.admin.entities.get('model', model);
      const edge = entity.sessions.data.find((e) => e.session.id === script.sessionId);
      // No recorded llm_call: the edge's first event is the telemetry record.
      expect(edge).toMatchObject({ ops: ['call'], firstEventId: expect.stringMatching(/^tel_/) });
    }
    const everything = JSON.stringify([session, page.data]);
    for (const secret of ['sk-live', 'alice@acme.test', 'ENOENT', 'overloaded', 'REDACTED'])
      expect(everything).not.toContain(secret);
  });

  it('takes a protobuf export, gzip-encoded, and counts a re-sent export once', async () => {
    const claude = randomUUID();
    const script = await hookSession(claude);
    const exporter = new ProtoLogExporter({
      url: `${h.server.url}/otlp/v1/logs`,
      headers: { Authorization: `Bearer ${h.adminToken}` },
      compression: 'gzip' as never,
    });
    const records = await claudeCodeRecords(claude, T0 + 5_000, SESSION_EVENTS);
    for (let i = 0; i < 2; i++) {
      const result = await exported(exporter, records);
      expect(result.code).toBe(ExportResultCode.SUCCESS);
    }
    await exporter.shutdown();
    const session = await h.admin.sessions.get(script.sessionId);
    // Input counted as an llm_call counts it: cache reads (9,000) and writes (400) included.
    expect(session.usage).toEqual({ inputTokens: 10_700, outputTokens: 330, costUsd: 0.013 });
    const page = await h.admin.sessions.telemetry(script.sessionId);
    expect(page.extra.summary.records).toBe(6);
    expect(page.data.map((r) => r.id)).toEqual([...new Set(page.data.map((r) => r.id))]);
  });

  it('counts the same export sent concurrently (a retry racing its original) once', async () => {
    const claude = randomUUID();
    const script = await hookSession(claude);
    const body = new Uint8Array(
      ProtobufLogsSerializer.serializeRequest(
        await claudeCodeRecords(claude, T0 + 5_000, SESSION_EVENTS.slice(0, 6)),
      )!,
    );
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(body, 'application/x-protobuf')),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const session = await h.admin.sessions.get(script.sessionId);
    // Input counted as an llm_call counts it: cache reads (9,000) and writes (400) included.
    expect(session.usage).toEqual({ inputTokens: 10_700, outputTokens: 330, costUsd: 0.013 });
    expect((await h.admin.sessions.telemetry(script.sessionId)).extra.summary.records).toBe(6);
  });

  it('answers partial success in the request encoding: what it cannot use is counted, the rest kept', async () => {
    const claude = randomUUID();
    const script = await hookSession(claude);
    const records = await claudeCodeRecords(claude, T0 + 5_000, [
      SESSION_EVENTS[1]!,
      SESSION_EVENTS[6]!,
      { name: 'api_request', attributes: { model: 'claude-haiku-4-5', input_tokens: -4 } },
    ]);
    const proto = await post(
      new Uint8Array(ProtobufLogsSerializer.serializeRequest(records)!),
      'application/x-protobuf',
    );
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    const answer = ProtobufLogsSerializer.deserializeResponse(
      new Uint8Array(await proto.arrayBuffer()),
    );
    expect(Number(answer.partialSuccess?.rejectedLogRecords)).toBe(2);
    expect(answer.partialSuccess?.errorMessage).toContain(
      'claude_code.assistant_response events are not kept',
    );
    expect(answer.partialSuccess?.errorMessage).toContain(
      'logRecords[2]: input_tokens: expected a non-negative integer, got -4',
    );

    const json = await post(
      gzipSync(JsonLogsSerializer.serializeRequest(records)!),
      'application/json',
      { 'content-encoding': 'gzip' },
    );
    expect(json.status).toBe(200);
    const body = (await json.json()) as { partialSuccess: { rejectedLogRecords: string } };
    expect(body.partialSuccess.rejectedLogRecords).toBe('2');
    const page = await h.admin.sessions.telemetry(script.sessionId);
    expect(page.extra.summary.records).toBe(1);
  });

  it('reads every OTLP value kind the SDK encodes, and rejects records that are not Claude Code events', async () => {
    const made = await claudeCodeRecords(randomUUID(), T0, [
      { name: 'api_request', attributes: {} },
    ]);
    const records = made.map((r) => ({
      ...r,
      resource: r.resource,
      instrumentationScope: r.instrumentationScope,
      hrTime: r.hrTime,
      hrTimeObserved: r.hrTimeObserved,
      body: { nested: { list: [1, 'two', true], bytes: new Uint8Array([1, 2]) } },
      attributes: { 'some.double': 1.5, 'some.int': 7, 'some.bool': false, 'some.list': ['a'] },
    })) as unknown as ReadableLogRecord[];
    for (const [bytes, type] of [
      [ProtobufLogsSerializer.serializeRequest(records)!, 'application/x-protobuf'],
      [JsonLogsSerializer.serializeRequest(records)!, 'application/json'],
    ] as const) {
      const res = await post(new Uint8Array(bytes), type);
      expect(res.status).toBe(200);
      const answer =
        type === 'application/json'
          ? ((await res.json()) as { partialSuccess: { errorMessage: string } })
          : ProtobufLogsSerializer.deserializeResponse(new Uint8Array(await res.arrayBuffer()));
      expect(answer.partialSuccess?.errorMessage).toBe(
        '1 of 1 log records not kept: resourceLogs[0].scopeLogs[0].logRecords[0]: not a Claude Code event (no event.name, and its body is not claude_code.*)',
      );
    }
  });

  it('answers 400 naming what is wrong for a malformed export, 415 for another media type', async () => {
    const cases: [BodyInit, string, number, string][] = [
      ['{"resourceLogs": 5}', 'application/json', 400, 'resourceLogs: expected an array'],
      [
        '{"resourceLogs": [{"scopeLogs": [{"logRecords": {}}]}]}',
        'application/json',
        400,
        'resourceLogs[0].scopeLogs[0].logRecords: expected an array',
      ],
      ['[1]', 'application/json', 400, 'must be an ExportLogsServiceRequest object'],
      ['{"resourceLogs": [', 'application/json', 400, 'not valid JSON'],
      ['hello', 'text/plain', 415, 'application/x-protobuf'],
    ];
    for (const [body, type, status, message] of cases) {
      const res = await post(body, type);
      expect(res.status).toBe(status);
      const error = (await res.json()) as { code: string; message: string };
      expect(error.message).toContain(message);
    }
    // A protobuf request's error is a protobuf google.rpc.Status (code 3: invalid argument).
    const garbage = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff]), 'application/x-protobuf');
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
    const status = new Uint8Array(await garbage.arrayBuffer());
    expect(status[0]).toBe(0x08); // field 1 (code), varint
    expect(status[1]).toBe(3);
    expect(new TextDecoder().decode(status.slice(4))).toContain(
      'the body is not a protobuf ExportLogsServiceRequest',
    );
    // A record with a malformed field is rejected alone.
    const res = await post(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: 'yesterday', body: { stringValue: 'claude_code.api_request' } },
                ],
              },
            ],
          },
        ],
      }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage:
          '1 of 1 log records not kept: resourceLogs[0].scopeLogs[0].logRecords[0]: resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano: expected unsigned nanoseconds since the epoch',
      },
    });
  });

  it('refuses a wrong token (401) and a token without ingest (403)', async () => {
    const claude = randomUUID();
    const records = await claudeCodeRecords(claude, T0, [SESSION_EVENTS[1]!]);
    const exporter = new JsonLogExporter({
      url: `${h.server.url}/otlp/v1/logs`,
      headers: { Authorization: 'Bearer not-a-token' },
    });
    const result = await exported(exporter, records);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(String(result.error)).toContain('Unauthorized');
    await exporter.shutdown();
    // In protobuf, the refusal is a google.rpc.Status (16: unauthenticated).
    const refused = await fetch(`${h.server.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(ProtobufLogsSerializer.serializeRequest(records)!),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/x-protobuf');
    expect([...new Uint8Array(await refused.arrayBuffer()).slice(0, 2)]).toEqual([0x08, 16]);
    const viewer = await h.store.createToken({
      org: 'acme',
      name: 'viewer',
      permissions: ['view_history'],
    });
    const res = await fetch(`${h.server.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer.token}`, 'content-type': 'application/json' },
      body: new Uint8Array(JsonLogsSerializer.serializeRequest(records)!),
    });
    expect(res.status).toBe(403);
  });

  it("never attaches one org's telemetry to another org's session of the same Claude session", async () => {
    const claude = randomUUID();
    const ours = await hookSession(claude);
    const other = await h.clientWith(['ingest', 'view_history'], 'globex');
    const theirs = sessionScript(
      {
        actor: { type: 'agent', id: 'claude-code', agent: { name: 'Claude Code' } },
        resource: { name: 'shop', type: 'application', environment: 'development' },
        mode: 'agent',
        labels: { 'claude.session': claude },
      },
      T0,
    );
    await other.ingest(theirs.events);
    const { token: globexToken } = await h.store.createToken({
      org: 'globex',
      name: 'otel',
      permissions: ['ingest'],
    });
    const exporter = new ProtoLogExporter({
      url: `${h.server.url}/otlp/v1/logs`,
      headers: { Authorization: `Bearer ${globexToken}` },
    });
    const result = await exported(
      exporter,
      await claudeCodeRecords(claude, T0 + 5_000, [SESSION_EVENTS[1]!]),
    );
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect((await h.admin.sessions.get(ours.sessionId)).usage.inputTokens).toBe(0);
    expect((await h.admin.sessions.telemetry(ours.sessionId)).data).toEqual([]);
    expect((await other.sessions.get(theirs.sessionId)).usage.inputTokens).toBe(10_600);
    await expect(h.admin.sessions.telemetry(theirs.sessionId)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('keeps records whose session has not started yet, and attaches them when it starts', async () => {
    const claude = randomUUID();
    const exporter = new JsonLogExporter({
      url: `${h.server.url}/otlp/v1/logs`,
      headers: { Authorization: `Bearer ${h.adminToken}` },
    });
    const records = await claudeCodeRecords(claude, T0 - 2_000, [SESSION_EVENTS[1]!]);
    expect((await exported(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    const script = await hookSession(claude);
    expect((await h.admin.sessions.get(script.sessionId)).usage.inputTokens).toBe(10_600);
    // Exported again after it was attached: still counted once.
    expect((await exported(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    const page = await h.admin.sessions.telemetry(script.sessionId);
    expect(page.data).toHaveLength(1);
    expect((await h.admin.sessions.get(script.sessionId)).usage.inputTokens).toBe(10_600);
  });

  it('attaches to the session active at the record time: the first started of a Claude session’s environments', async () => {
    const claude = randomUUID();
    const dev = await hookSession(claude, T0, 'development');
    const prod = await hookSession(claude, T0 + 60_000, 'production');
    await h.admin.ingest([
      {
        id: 'evt_end_dev_0000000000000001',
        sessionId: dev.sessionId,
        seq: 100,
        time: new Date(T0 + 120_000).toISOString(),
        type: 'lifecycle',
        action: 'end',
      },
    ]);
    const exporter = new ProtoLogExporter({
      url: `${h.server.url}/otlp/v1/logs`,
      headers: { Authorization: `Bearer ${h.adminToken}` },
    });
    // One record while both are open, one after the first ended.
    const early = await claudeCodeRecords(claude, T0 + 90_000, [SESSION_EVENTS[1]!]);
    const late = await claudeCodeRecords(claude, T0 + 200_000, [SESSION_EVENTS[5]!]);
    expect((await exported(exporter, [...early, ...late])).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect((await h.admin.sessions.get(dev.sessionId)).usage.inputTokens).toBe(10_600);
    expect((await h.admin.sessions.get(prod.sessionId)).usage.inputTokens).toBe(100);
  });

  it('pages a session’s telemetry in time order', async () => {
    const claude = randomUUID();
    const script = await hookSession(claude);
    const records = await claudeCodeRecords(
      claude,
      T0 + 1_000,
      Array.from({ length: 5 }, () => SESSION_EVENTS[1]!),
    );
    const res = await post(
      new Uint8Array(JsonLogsSerializer.serializeRequest(records)!),
      'application/json',
    );
    expect(res.status).toBe(200);
    const first = await h.admin.sessions.telemetry(script.sessionId, { limit: 2 });
    expect(first.data).toHaveLength(2);
    const all = [];
    for await (const r of h.admin.sessions.telemetry(script.sessionId, { limit: 2 })) all.push(r);
    expect(all.map((r) => r.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(first.extra.summary.apiRequests).toBe(5);
  });

  it("counts telemetry cost in the actor's cost baseline: a session costing far more than its usual gets cost_spike", async () => {
    const actor = `claude-code-${randomUUID().slice(0, 8)}`;
    const day = 86_400_000;
    const send = async (claude: string, at: number, cost: number) => {
      const records = await claudeCodeRecords(claude, at + 1_000, [
        {
          name: 'api_request',
          attributes: { model: 'claude-haiku-4-5', cost_usd: cost, input_tokens: 10 },
        },
      ]);
      const res = await post(
        new Uint8Array(ProtobufLogsSerializer.serializeRequest(records)!),
        'application/x-protobuf',
      );
      expect(res.status).toBe(200);
    };
    // Ten routine sessions over ten days, then one that costs 50 times as much.
    for (let i = 0; i < 10; i++) {
      const claude = randomUUID();
      const at = T0 - (20 - i) * day;
      await hookSession(claude, at, 'development', actor);
      await send(claude, at, 0.02);
    }
    const claude = randomUUID();
    const spike = await hookSession(claude, T0, 'development', actor);
    await send(claude, T0, 1);
    let reasons: string[] = [];
    for (let i = 0; i < 100 && !reasons.includes('cost_spike'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const session = await h.admin.sessions.get(spike.sessionId);
      reasons = session.significance?.reasons.map((r) => r.code) ?? [];
    }
    expect(reasons).toContain('cost_spike');
  });
});

describe.each(STORE_KINDS)('%s store: telemetry whatever the order it arrives in', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });
  const day = 86_400_000;
  const ids = createIdGenerator();

  /** A hook session of a Claude session, not ingested yet. */
  const hookScript = (claude: string, startedAt: number, environment: string, actorId: string) =>
    sessionScript(
      {
        actor: { type: 'agent', id: actorId, agent: { name: 'Claude Code' } },
        resource: { name: 'shop', type: 'application', environment: environment as 'staging' },
        mode: 'agent',
        labels: { 'claude.session': claude },
      },
      startedAt,
    );
  const ingest = async (events: EventInput[]) => {
    const result = await h.admin.ingest(events);
    expect(result.rejected).toEqual([]);
  };
  const end = (s: ReturnType<typeof sessionScript>, at: number): EventInput => ({
    id: ids.eventId(),
    sessionId: s.sessionId,
    seq: 100,
    time: new Date(at).toISOString(),
    type: 'lifecycle',
    action: 'end',
  });
  /** One api_request of a Claude session at `at`: cost and tokens (and a model when given). */
  const send = async (claude: string, at: number, cost: number, tokens = 10, model?: string) => {
    const records = await claudeCodeRecords(claude, at, [
      {
        name: 'api_request',
        attributes: { cost_usd: cost, input_tokens: tokens, ...(model ? { model } : {}) },
      },
    ]);
    const res = await fetch(`${h.server.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: new Uint8Array(JsonLogsSerializer.serializeRequest(records)!),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  };

  it('gives every session the same score whether cost telemetry arrives before or after the later sessions it is a baseline of', async () => {
    /** Six routine sessions over ten days, then one costing 50 times as much; per order, its own actor. */
    const plan = (order: string) => {
      const actor = `cc-${order}-${randomUUID().slice(0, 6)}`;
      const sessions = Array.from({ length: 7 }, (_, i) => {
        const claude = randomUUID();
        const at = i < 6 ? T0 - (20 - 2 * i) * day : T0;
        return {
          claude,
          at,
          cost: i < 6 ? 0.02 : 1,
          script: hookScript(claude, at, 'staging', actor),
        };
      });
      return sessions;
    };
    const results: Record<string, { score: number; reasons: string[]; costUsd: number }[]> = {};
    const read = async (sessions: ReturnType<typeof plan>) => {
      await h.server.scorer.idle();
      const out = [];
      for (const s of sessions) {
        const got = await h.admin.sessions.get(s.script.sessionId);
        out.push({
          score: got.significance!.score,
          reasons: got.significance!.reasons.map((r) => r.code).sort(),
          costUsd: got.usage.costUsd,
        });
      }
      return out;
    };

    // Each session followed by its telemetry, in time order.
    const inOrder = plan('a');
    for (const s of inOrder) {
      await ingest(s.script.events);
      await send(s.claude, s.at + 1_000, s.cost);
    }
    results.inOrder = await read(inOrder);

    // Every session first; the costly one's telemetry, scored; then the routine ones' telemetry.
    const lateBaseline = plan('b');
    for (const s of lateBaseline) await ingest(s.script.events);
    await send(lateBaseline[6]!.claude, lateBaseline[6]!.at + 1_000, 1);
    await h.server.scorer.idle();
    for (const s of lateBaseline.slice(0, 6).reverse()) {
      await send(s.claude, s.at + 1_000, s.cost);
      await h.server.scorer.idle();
    }
    results.lateBaseline = await read(lateBaseline);

    // Every record first (pending), then the sessions, newest first, each scored.
    const pendingFirst = plan('c');
    for (const s of pendingFirst) await send(s.claude, s.at + 1_000, s.cost);
    for (const s of [...pendingFirst].reverse()) {
      await ingest(s.script.events);
      await h.server.scorer.idle();
    }
    results.pendingFirst = await read(pendingFirst);

    expect(results.inOrder!.at(-1)!.reasons).toContain('cost_spike');
    expect(results.lateBaseline).toEqual(results.inOrder);
    expect(results.pendingFirst).toEqual(results.inOrder);
  });

  it('places the records of two sessions sharing a Claude session the same way whatever arrives first', async () => {
    // dev opens at T0, prod at T0+60 s; dev ends at T0+120 s, prod at T0+300 s. Records: before
    // both (dev, the first), while both are open (dev, the first started), after dev ended (prod),
    // after both ended (prod, which ended last).
    const times = [T0 - 5_000, T0 + 90_000, T0 + 200_000, T0 + 400_000];
    const costs = [0.001, 0.002, 0.004, 0.008];
    /** Per order its own model names: each order's model entities are its own. */
    const modelsOf = (tag: string) => [
      `claude-haiku-${tag}`,
      `claude-sonnet-${tag}`,
      `claude-opus-${tag}`,
      `claude-sonnet-${tag}`,
    ];
    type Step = 'devStart' | 'prodStart' | 'devEnd' | 'prodEnd' | 'records';
    const orders: Step[][] = [
      ['devStart', 'prodStart', 'devEnd', 'prodEnd', 'records'],
      ['records', 'devStart', 'prodStart', 'devEnd', 'prodEnd'],
      ['prodStart', 'records', 'devStart', 'devEnd', 'prodEnd'],
      ['devStart', 'records', 'devEnd', 'prodStart', 'prodEnd'],
      ['prodStart', 'prodEnd', 'records', 'devStart', 'devEnd'],
      ['records', 'prodStart', 'devStart', 'prodEnd', 'devEnd'],
    ];
    const outcomes = [];
    for (const [n, order] of orders.entries()) {
      const models = modelsOf(`${n}-${randomUUID().slice(0, 6)}`);
      const claude = randomUUID();
      const actor = `cc-${randomUUID().slice(0, 6)}`;
      const dev = hookScript(claude, T0, 'development', actor);
      const prod = hookScript(claude, T0 + 60_000, 'production', actor);
      for (const step of order) {
        if (step === 'devStart') await ingest(dev.events);
        if (step === 'prodStart') await ingest(prod.events);
        if (step === 'devEnd') await ingest([end(dev, T0 + 120_000)]);
        if (step === 'prodEnd') await ingest([end(prod, T0 + 300_000)]);
        // Newest first: the earliest request's model is the session's, whatever came first.
        if (step === 'records')
          for (const [i, at] of [...times.entries()].reverse())
            await send(claude, at, costs[i]!, 10 ** i, models[i]);
      }
      // Record ids and session ids as what they stand for: the record's time, the session's role.
      const name = new Map<string, string>([
        [dev.sessionId, 'dev'],
        [prod.sessionId, 'prod'],
      ]);
      const placed = async (s: ReturnType<typeof sessionScript>) => {
        const records = (await h.admin.sessions.telemetry(s.sessionId)).data;
        for (const r of records) name.set(r.id, r.time);
        const session = await h.admin.sessions.get(s.sessionId);
        return {
          times: records.map((r) => Date.parse(r.time)),
          usage: session.usage,
          model: session.model?.replace(/-[^-]+-[^-]+$/, ''),
        };
      };
      const roles = { dev: await placed(dev), prod: await placed(prod) };
      // The model entities, their actors and edges, as if each record had been where it is now
      // from the start.
      const index = [];
      for (const model of [...new Set(models)]) {
        const found = await h.admin.entities.get('model', model).catch(() => null);
        if (!found) {
          index.push({ model: model.replace(/-[^-]+-[^-]+$/, ''), found: false });
          continue;
        }
        const { entity, actors, sessions } = found;
        index.push({
          model: model.replace(/-[^-]+-[^-]+$/, ''),
          entity: {
            firstAt: entity.firstAt,
            lastAt: entity.lastAt,
            first: name.get(entity.firstSessionId),
            sessions: entity.sessions,
            actors: entity.actors,
          },
          actors: actors.data.map((a) => ({
            firstAt: a.firstAt,
            first: name.get(a.firstSessionId),
            sessions: a.sessions,
          })),
          edges: sessions.data.map((e) => ({
            session: name.get(e.session.id),
            firstAt: e.firstAt,
            lastAt: e.lastAt,
            first: name.get(e.firstEventId),
            events: e.events,
            ops: e.ops,
          })),
        });
      }
      outcomes.push({ order: order.join(' '), ...roles, index });
    }
    // The model entities are the same in every order: the first order's.
    for (const o of outcomes) expect(o.index).toEqual(outcomes[0]!.index);
    expect(outcomes[0]!.index.map((m) => m.edges?.map((e) => e.session))).toEqual([
      ['dev'],
      ['prod', 'dev'],
      ['prod'],
    ]);
    const expected = {
      dev: {
        times: [times[0], times[1]],
        usage: { inputTokens: 11, outputTokens: 0, costUsd: 0.003 },
        model: 'claude-haiku',
      },
      prod: {
        times: [times[2], times[3]],
        usage: { inputTokens: 1100, outputTokens: 0, costUsd: 0.012 },
        model: 'claude-opus',
      },
    };
    for (const o of outcomes)
      expect({ order: o.order, dev: o.dev, prod: o.prod }).toEqual({ order: o.order, ...expected });
  });
});

describe.each(STORE_KINDS)('%s store: telemetry over time: pending limits, revokes', (kind) => {
  let h: Harness;
  let clock = T0;
  beforeAll(async () => {
    h = await startHarness(kind, {
      now: () => clock,
      telemetryPending: { maxAgeMs: 60_000, maxRecords: 3 },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const send = async (claude: string, count: number) => {
    const records = await claudeCodeRecords(
      claude,
      T0,
      Array.from({ length: count }, () => SESSION_EVENTS[5]!),
    );
    const res = await fetch(`${h.server.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: new Uint8Array(JsonLogsSerializer.serializeRequest(records)!),
    });
    expect(res.status).toBe(200);
  };
  const start = async (claude: string) => {
    const script = sessionScript(
      {
        actor: { type: 'agent', id: 'claude-code', agent: { name: 'Claude Code' } },
        resource: { name: 'shop', type: 'application', environment: 'development' },
        mode: 'agent',
        labels: { 'claude.session': claude },
      },
      T0,
    );
    expect((await h.admin.ingest(script.events)).rejected).toEqual([]);
    return (await h.admin.sessions.telemetry(script.sessionId)).data.length;
  };

  /** Two sessions of one Claude session, dev then prod a minute later, both open. */
  const devAndProd = async () => {
    const claude = randomUUID();
    const script = (startedAt: number, environment: 'development' | 'production') =>
      sessionScript(
        {
          actor: { type: 'agent', id: 'claude-code', agent: { name: 'Claude Code' } },
          resource: { name: 'shop', type: 'application', environment },
          mode: 'agent',
          labels: { 'claude.session': claude },
        },
        startedAt,
      );
    const dev = script(T0 + 1_000_000, 'development');
    const prod = script(T0 + 1_060_000, 'production');
    expect((await h.admin.ingest([...dev.events, ...prod.events])).rejected).toEqual([]);
    return { claude, dev, prod };
  };
  /** One API request of the Claude session, timed T0+1,100 s. */
  const sendRequest = async (claude: string) => {
    const records = await claudeCodeRecords(claude, T0 + 1_100_000, [SESSION_EVENTS[5]!]);
    const res = await fetch(`${h.server.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: new Uint8Array(JsonLogsSerializer.serializeRequest(records)!),
    });
    expect(res.status).toBe(200);
  };

  it('moves the records after a revoke to the Claude session’s other open session', async () => {
    const { claude, dev, prod } = await devAndProd();
    // Both open: the first started (dev) takes it.
    clock = T0 + 1_090_000;
    await sendRequest(claude);
    expect((await h.admin.sessions.get(dev.sessionId)).usage.inputTokens).toBe(100);
    // Revoked at T0+1,090 s: the record, 10 s later, belongs to prod, still open.
    await h.admin.sessions.revoke(dev.sessionId, { reason: 'left open' });
    expect((await h.admin.sessions.get(dev.sessionId)).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    });
    expect((await h.admin.sessions.get(prod.sessionId)).usage.inputTokens).toBe(100);
    expect((await h.admin.sessions.telemetry(prod.sessionId)).data).toHaveLength(1);
  });

  it('a revoke recorded in the session (an ingested lifecycle event) places the records as the API revoke does, whichever arrives first', async () => {
    const usages: unknown[] = [];
    for (const revokeFirst of [false, true]) {
      const { claude, dev, prod } = await devAndProd();
      // Dev revoked at T0+1,090 s, by its own recorder; the record is timed 10 s later.
      const revoke = {
        id: `evt_${randomUUID().replaceAll('-', '')}`,
        sessionId: dev.sessionId,
        seq: dev.events.length,
        time: new Date(T0 + 1_090_000).toISOString(),
        type: 'lifecycle' as const,
        action: 'revoke' as const,
        reason: 'left open',
      };
      const sendRecord = () => sendRequest(claude);
      if (revokeFirst) {
        expect((await h.admin.ingest([revoke])).rejected).toEqual([]);
        await sendRecord();
      } else {
        await sendRecord();
        expect((await h.admin.ingest([revoke])).rejected).toEqual([]);
      }
      expect((await h.admin.sessions.get(dev.sessionId)).status).toBe('revoked');
      usages.push([
        (await h.admin.sessions.get(dev.sessionId)).usage.inputTokens,
        (await h.admin.sessions.get(prod.sessionId)).usage.inputTokens,
      ]);
    }
    // Either way the record, after dev's revoke, is prod's.
    expect(usages).toEqual([
      [0, 100],
      [0, 100],
    ]);
  });

  it('drops pending records older than the age limit and beyond the count limit, oldest first, and logs it', async () => {
    const warned: string[] = [];
    const spy = vi.spyOn(console, 'warn').mockImplementation((m: unknown) => {
      warned.push(String(m));
    });
    try {
      const [attachedEarly, old, recent, burst] = [0, 1, 2, 3].map(() => randomUUID());
      // Attached records are never dropped, whatever their age.
      await start(attachedEarly!);
      await send(attachedEarly!, 2);
      await send(old!, 2);
      expect(warned).toEqual([]);
      // Two minutes later: the age limit (1 min) drops the two old pending records.
      clock += 120_000;
      await send(recent!, 1);
      expect(warned).toEqual([expect.stringContaining('dropped 2 pending record(s) of org acme')]);
      // A second later, five more at once: six pending, three kept (the newest received).
      clock += 1_000;
      await send(burst!, 5);
      expect(warned[1]).toContain('dropped 3 pending record(s)');
      expect(await start(old!)).toBe(0);
      expect(await start(recent!)).toBe(0);
      expect(await start(burst!)).toBe(3);
      const first = await h.admin.sessions.list({ label: [`claude.session=${attachedEarly}`] });
      expect((await h.admin.sessions.telemetry(first.data[0]!.id)).data).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });
});
