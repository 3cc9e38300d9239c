import { createHash } from 'node:crypto';
import {
  TELEMETRY_TYPES,
  type TelemetryRecord,
  type TelemetryType,
  TOOL_DECISION_SOURCES,
} from '@auditlane/client';
import type { AttributeValue, OtlpLogRecord } from './records';

/** What a Claude Code event becomes before it is attached to a session. */
export interface TelemetryInput {
  /** The idempotency key: the same record exported again has the same key. */
  id: string;
  claudeSessionId: string;
  type: TelemetryType;
  /** ms since the epoch. */
  at: number;
  /** The kept attributes (an allowlist of numbers, enumerations and names). */
  fields: TelemetryFields;
}

export type TelemetryFields = Omit<
  TelemetryRecord,
  'id' | 'sessionId' | 'claudeSessionId' | 'type' | 'time' | 'receivedAt'
>;

export type Reading = { ok: true; input: TelemetryInput } | { ok: false; message: string };

class Unusable extends Error {}

const KEPT = new Set<string>(TELEMETRY_TYPES);
const SOURCES = new Set<string>(TOOL_DECISION_SOURCES);
const MODEL = /^[A-Za-z0-9][\w.:@/[\]-]{0,127}$/;
const TOOL = /^[A-Za-z0-9_][\w.:@/-]{0,255}$/;
const ID = /^[\w.:-]{1,256}$/;
/** 2000-01-01 to 2200-01-01: a time outside is not a real event's. */
const EARLIEST = 946_684_800_000;
const LATEST = 7_258_118_400_000;

/** `claude_code.api_request` or `api_request` → `api_request`; null when not Claude Code's. */
function eventName(record: OtlpLogRecord): string | null {
  const named = record.attributes.get('event.name');
  if (typeof named === 'string' && named) return named.replace(/^claude_code\./, '');
  for (const candidate of [record.eventName, record.body]) {
    if (typeof candidate === 'string' && candidate.startsWith('claude_code.'))
      return candidate.slice('claude_code.'.length);
  }
  return null;
}

function attr(record: OtlpLogRecord, key: string): AttributeValue | undefined {
  const value = record.attributes.get(key);
  return value === null ? undefined : value;
}

function count(record: OtlpLogRecord, key: string): number | undefined {
  const value = attr(record, key);
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new Unusable(`${key}: expected a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

function amount(record: OtlpLogRecord, key: string, max: number): number | undefined {
  const value = attr(record, key);
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > max)
    throw new Unusable(`${key}: expected a non-negative number, got ${JSON.stringify(value)}`);
  return n;
}

function flag(record: OtlpLogRecord, key: string): boolean | undefined {
  const value = attr(record, key);
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Unusable(`${key}: expected "true" or "false", got ${JSON.stringify(value)}`);
}

function name(record: OtlpLogRecord, key: string, pattern: RegExp): string | undefined {
  const value = attr(record, key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !pattern.test(value))
    throw new Unusable(`${key}: not a ${key.replace(/_/g, ' ')} this server keeps`);
  return value;
}

function enumeration<T extends string>(
  record: OtlpLogRecord,
  keys: string[],
  allowed: ReadonlySet<string>,
): T | undefined {
  for (const key of keys) {
    const value = attr(record, key);
    if (typeof value === 'string' && allowed.has(value)) return value as T;
  }
  return undefined;
}

/** ms since the epoch of the record: its time, else `event.timestamp`, else when observed. */
function recordTime(record: OtlpLogRecord): number {
  const stamp = attr(record, 'event.timestamp');
  const ms = record.timeUnixNano
    ? Number(BigInt(record.timeUnixNano) / 1_000_000n)
    : typeof stamp === 'string' && !Number.isNaN(Date.parse(stamp))
      ? Date.parse(stamp)
      : record.observedTimeUnixNano
        ? Number(BigInt(record.observedTimeUnixNano) / 1_000_000n)
        : null;
  if (ms === null)
    throw new Unusable(
      'no time: timeUnixNano, event.timestamp and observedTimeUnixNano are all absent',
    );
  if (ms < EARLIEST || ms > LATEST)
    throw new Unusable(`its time (${new Date(ms).toISOString()}) is out of range`);
  return ms;
}

function fieldsOf(type: TelemetryType, record: OtlpLogRecord): TelemetryFields {
  const sequence = count(record, 'event.sequence');
  const common: TelemetryFields = sequence === undefined ? {} : { sequence };
  switch (type) {
    case 'api_request':
      return {
        ...common,
        model: name(record, 'model', MODEL),
        inputTokens: count(record, 'input_tokens'),
        outputTokens: count(record, 'output_tokens'),
        cacheReadTokens: count(record, 'cache_read_tokens'),
        cacheCreationTokens: count(record, 'cache_creation_tokens'),
        costUsd: amount(record, 'cost_usd', 1_000_000),
        durationMs: amount(record, 'duration_ms', 1e12),
      };
    case 'api_error': {
      const status = count(record, 'status_code');
      if (status !== undefined && (status < 100 || status > 599))
        throw new Unusable(`status_code: ${status} is not an HTTP status`);
      return {
        ...common,
        model: name(record, 'model', MODEL),
        statusCode: status,
        attempt: count(record, 'attempt'),
        durationMs: amount(record, 'duration_ms', 1e12),
      };
    }
    case 'tool_decision':
      return {
        ...common,
        tool: name(record, 'tool_name', TOOL),
        toolUseId: name(record, 'tool_use_id', ID),
        decision: enumeration(record, ['decision'], new Set(['accept', 'reject'])),
        source: enumeration(record, ['source'], SOURCES),
      };
    case 'tool_result':
      return {
        ...common,
        // Older Claude Code versions named it `name`.
        tool: name(record, 'tool_name', TOOL) ?? name(record, 'name', TOOL),
        toolUseId: name(record, 'tool_use_id', ID),
        success: flag(record, 'success'),
        durationMs: amount(record, 'duration_ms', 1e12),
        decision: enumeration(record, ['decision_type', 'decision'], new Set(['accept', 'reject'])),
        source: enumeration(record, ['decision_source', 'source'], SOURCES),
      };
    case 'user_prompt':
      return { ...common, promptLength: count(record, 'prompt_length') };
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A Claude Code event as the server keeps it, or why it is not kept. Only the allowlisted
 * attributes are read: the prompt, tool parameters and input, error messages, the user's email
 * and account ids are never stored.
 */
export function readClaudeCodeRecord(record: OtlpLogRecord): Reading {
  try {
    const event = eventName(record);
    if (event === null)
      throw new Unusable(
        'not a Claude Code event (no event.name, and its body is not claude_code.*)',
      );
    if (!KEPT.has(event))
      throw new Unusable(`claude_code.${event.slice(0, 64)} events are not kept by this server`);
    const type = event as TelemetryType;
    const session = record.attributes.get('session.id') ?? record.resource.get('session.id');
    if (typeof session !== 'string' || !session)
      throw new Unusable('no session.id attribute (is OTEL_METRICS_INCLUDE_SESSION_ID false?)');
    if (session.length > 256) throw new Unusable('session.id: longer than 256 characters');
    const at = recordTime(record);
    const fields = withoutUndefined(fieldsOf(type, record));
    // Same record, same key: the time at full precision, its sequence and every kept field.
    const digest = createHash('sha256')
      .update(
        JSON.stringify([
          session,
          type,
          record.timeUnixNano ?? attr(record, 'event.timestamp') ?? record.observedTimeUnixNano,
          Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)),
        ]),
      )
      .digest('hex');
    return {
      ok: true,
      input: { id: `tel_${digest.slice(0, 32)}`, claudeSessionId: session, type, at, fields },
    };
  } catch (error) {
    if (error instanceof Unusable) return { ok: false, message: error.message };
    throw error;
  }
}
