import { describe, expect, it } from 'vitest';
import { chooseSession, type LabelledSession } from '../store/telemetry';
import { readClaudeCodeRecord } from './claude-code';
import { createOtlpProtobuf } from './proto';
import { OtlpShapeError, readLogsRequest } from './records';

const kv = (key: string, value: object) => ({ key, value });

function request(records: object[], resource: object[] = []) {
  return {
    resourceLogs: [{ resource: { attributes: resource }, scopeLogs: [{ logRecords: records }] }],
  };
}

describe('readLogsRequest', () => {
  it('reads int64 as decimal strings or numbers, and nanoseconds past 2^53 exactly', () => {
    const { records, invalid } = readLogsRequest(
      request([
        {
          timeUnixNano: '1764566400123456789',
          attributes: [
            kv('a', { intValue: '9007199254740993' }),
            kv('b', { intValue: 7 }),
            kv('c', { doubleValue: 'NaN' }),
            kv('d', { kvlistValue: { values: [] } }),
          ],
        },
      ]),
    );
    expect(invalid).toEqual([]);
    expect(records[0]!.timeUnixNano).toBe('1764566400123456789');
    expect(records[0]!.attributes.get('b')).toBe(7);
    expect(records[0]!.attributes.get('c')).toBeNaN();
    expect(records[0]!.attributes.get('d')).toBeNull();
  });

  it('rejects a malformed record alone, and a malformed container as a whole', () => {
    const { records, invalid } = readLogsRequest(
      request([{ attributes: [kv('x', { boolValue: 'yes' })] }, { timeUnixNano: '1' }]),
    );
    expect(records).toHaveLength(1);
    expect(invalid).toEqual([
      {
        path: 'resourceLogs[0].scopeLogs[0].logRecords[0]',
        message:
          'resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].value.boolValue: expected a boolean',
      },
    ]);
    // A bad resource attribute rejects that resource's records; another resource's are kept.
    const bad = request(
      [{ timeUnixNano: '1' }, { timeUnixNano: '2' }],
      [kv('x', { stringValue: 5 })],
    );
    const good = request([{ timeUnixNano: '3' }]);
    const mixed = readLogsRequest({ resourceLogs: [...bad.resourceLogs, ...good.resourceLogs] });
    expect(mixed.records.map((r) => r.path)).toEqual([
      'resourceLogs[1].scopeLogs[0].logRecords[0]',
    ]);
    expect(mixed.invalid).toEqual(
      [0, 1].map((k) => ({
        path: `resourceLogs[0].scopeLogs[0].logRecords[${k}]`,
        message: 'resourceLogs[0].resource.attributes[0].value.stringValue: expected a string',
      })),
    );
    expect(() => readLogsRequest({ resourceLogs: [{ scopeLogs: 5 }] })).toThrow(OtlpShapeError);
    // proto3 JSON: absent and null repeated fields are empty.
    expect(readLogsRequest({}).records).toEqual([]);
    expect(readLogsRequest({ resourceLogs: null }).records).toEqual([]);
  });

  it('decodes protobuf into the same shape as JSON (a round trip through the codec)', () => {
    const codec = createOtlpProtobuf();
    const answer = codec.encodeResponse({
      partialSuccess: { rejectedLogRecords: '3', errorMessage: 'why' },
    });
    expect(answer.byteLength).toBeGreaterThan(0);
    expect(() => codec.decodeRequest(new Uint8Array([0x0a, 0x05, 0x01]))).toThrow();
  });
});

describe('readClaudeCodeRecord', () => {
  const record = (attributes: object[], extra: object = {}) =>
    readLogsRequest(request([{ timeUnixNano: '1764566400000000000', attributes, ...extra }]))
      .records[0]!;

  it('keeps only the allowlist: no prompt, parameters, error text or identity', () => {
    const reading = readClaudeCodeRecord(
      record([
        kv('event.name', { stringValue: 'tool_decision' }),
        kv('session.id', { stringValue: 's-1' }),
        kv('user.email', { stringValue: 'a@b.test' }),
        kv('tool_name', { stringValue: 'mcp__db__query' }),
        kv('decision', { stringValue: 'reject' }),
        kv('source', { stringValue: 'hook' }),
        kv('tool_parameters', { stringValue: '{"sql":"password=hunter2"}' }),
      ]),
    );
    expect(reading).toEqual({
      ok: true,
      input: {
        id: expect.stringMatching(/^tel_[0-9a-f]{32}$/),
        claudeSessionId: 's-1',
        type: 'tool_decision',
        at: 1764566400000,
        fields: { tool: 'mcp__db__query', decision: 'reject', source: 'hook' },
      },
    });
  });

  it('refuses a model or tool name that is free text, and says why a record is not kept', () => {
    const base = [kv('session.id', { stringValue: 's-1' })];
    expect(
      readClaudeCodeRecord(
        record([
          ...base,
          kv('event.name', { stringValue: 'api_request' }),
          kv('model', { stringValue: 'my key is sk-123 ok' }),
        ]),
      ),
    ).toEqual({ ok: false, message: 'model: not a model this server keeps' });
    expect(
      readClaudeCodeRecord(record([...base, kv('event.name', { stringValue: 'auth' })])),
    ).toEqual({ ok: false, message: 'claude_code.auth events are not kept by this server' });
    expect(
      readClaudeCodeRecord(record([kv('event.name', { stringValue: 'api_request' })])),
    ).toEqual({
      ok: false,
      message: 'no session.id attribute (is OTEL_METRICS_INCLUDE_SESSION_ID false?)',
    });
  });

  it('gives the same record the same id, and another record another', () => {
    const attrs = [
      kv('event.name', { stringValue: 'api_request' }),
      kv('session.id', { stringValue: 's-1' }),
      kv('input_tokens', { intValue: '5' }),
    ];
    const a = readClaudeCodeRecord(record(attrs));
    const b = readClaudeCodeRecord(record(attrs));
    const c = readClaudeCodeRecord(record(attrs, { timeUnixNano: '1764566400000000001' }));
    expect(a.ok && b.ok && a.input.id === b.input.id).toBe(true);
    expect(a.ok && c.ok && a.input.id !== c.input.id).toBe(true);
  });
});

describe('chooseSession', () => {
  const s = (id: string, startedAt: number, endedAt: number | null): LabelledSession => ({
    id,
    claudeSessionId: 'c',
    startedAt,
    endedAt,
  });
  const sessions = [s('prod', 60, null), s('dev', 0, 120)];

  it('picks the session active at the time, the first started when several are', () => {
    expect(chooseSession(sessions, 30)).toBe('dev');
    expect(chooseSession(sessions, 90)).toBe('dev');
    expect(chooseSession(sessions, 200)).toBe('prod');
  });

  it('before every start: the first; after every end: the one that ended last; none: null', () => {
    expect(chooseSession(sessions, -5)).toBe('dev');
    expect(chooseSession([s('a', 0, 10), s('b', 5, 20)], 50)).toBe('b');
    expect(chooseSession([], 5)).toBeNull();
  });
});
