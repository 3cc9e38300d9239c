/**
 * Fuzzes every operation of openapi.json against a real server on both stores: bad values for
 * every path and query parameter and for every field of every request body (each event type of
 * an ingest batch). Fails on any 5xx or dropped connection, and on a 4xx without `{ code,
 * message }`. Deterministic: the values come from fixed lists and a seeded generator.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rng } from '@auditlane/testing/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepRecordings } from '../src/jobs/retention';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

type Schema = {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  default?: unknown;
  example?: unknown;
};

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}

interface Operation {
  operationId: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | null;
}

const require = createRequire(import.meta.url);
const doc = JSON.parse(readFileSync(require.resolve('@auditlane/client/openapi.json'), 'utf8')) as {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: Parameter[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
};

const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, o]) => ({
    operationId: o.operationId,
    method: method.toUpperCase(),
    path,
    parameters: o.parameters ?? [],
    body: o.requestBody?.content['application/json']?.schema ?? null,
  })),
);

function refName(schema: Schema): string | undefined {
  return schema.$ref?.replace('#/components/schemas/', '');
}

function resolve(schema: Schema): Schema {
  let s = schema;
  for (let name = refName(s); name; name = refName(s)) {
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`openapi.json has no schema ${name}`);
    const { $ref: _, ...rest } = s;
    s = { ...target, ...rest };
  }
  return s;
}

/** Strings of random code points from awkward ranges (controls, surrogates, RTL, wide). */
function oddStrings(random: () => number, count: number): string[] {
  const ranges: [number, number][] = [
    [0x00, 0x1f],
    [0x7f, 0x9f],
    [0xd800, 0xdfff],
    [0x200b, 0x202e],
    [0xfe00, 0xfeff],
    [0xff01, 0xff5e],
    [0x1f300, 0x1f6ff],
    [0x0300, 0x036f],
  ];
  return Array.from({ length: count }, () => {
    let s = '';
    const length = 1 + Math.floor(random() * 40);
    for (let i = 0; i < length; i++) {
      const [lo, hi] = ranges[Math.floor(random() * ranges.length)]!;
      s += String.fromCodePoint(lo + Math.floor(random() * (hi - lo + 1)));
    }
    return s;
  });
}

/** encodeURIComponent, with lone surrogates (which it refuses) as U+FFFD, as browsers send them. */
const enc = (value: string) => encodeURIComponent(value.replace(/[\ud800-\udfff]/gu, '\ufffd'));

const cursorOf = (raw: string) => Buffer.from(raw).toString('base64url');
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;

/** Tokens replaced in the serialised JSON by text JSON.stringify cannot produce. */
const RAW: Record<string, string> = {
  __raw_inf__: '1e400',
  __raw_ninf__: '-1e400',
  __raw_i64__: '9223372036854775808',
  __raw_ni64__: '-9223372036854775809',
  __raw_deep_array__: deepArray(6000),
  __raw_deep_object__: deepObject(6000),
};
const rawJson = (value: unknown) =>
  JSON.stringify(value).replace(/"(__raw_[a-z0-9_]+__)"/g, (_, token: string) => RAW[token]!);

/** Bad JSON values for a body field whose valid value is described by `schema`. */
function badJsonValues(schema: Schema, random: () => number): unknown[] {
  const s = resolve(schema);
  const values: unknown[] = [
    null,
    true,
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 31 - 1,
    2 ** 53,
    -(2 ** 53),
    1e308,
    -1e308,
    '__raw_inf__',
    '__raw_ninf__',
    '__raw_i64__',
    '__raw_ni64__',
    '',
    ' ',
    'NaN',
    'Infinity',
    '-1',
    '1e309',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\ufeff',
    '\u202eevil',
    'İ'.repeat(300),
    '😀'.repeat(200),
    'e\u0301'.repeat(500),
    '2026-02-30T25:61:00Z',
    '2026-11-25T06:00:00.1234567890123456789Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999+23:59',
    'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    [],
    [null],
    {},
    { a: 1 },
    '__raw_deep_array__',
    '__raw_deep_object__',
    ...oddStrings(random, 3),
  ];
  const max = s.maxLength;
  if (max !== undefined) {
    values.push('x'.repeat(max + 1), '\u3164'.repeat(max), '😀'.repeat(Math.floor(max / 2)));
  } else values.push('x'.repeat(70_000));
  if (s.maximum !== undefined) values.push(s.maximum, s.maximum + 1);
  if (s.minimum !== undefined) values.push(s.minimum - 1);
  return values;
}

/** Bad values for a query or path parameter, as strings (each sent URL-encoded). */
function badStrings(schema: Schema, random: () => number): string[] {
  const s = resolve(schema.items ?? schema);
  const values = [
    '',
    ' ',
    '-1',
    '0',
    '1.5',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e309',
    '2147483648',
    '9007199254740993',
    '9223372036854775808',
    '-9223372036854775809',
    '0x10',
    'true',
    'null',
    '[]',
    '{}',
    '\u0000',
    'a\u0000b',
    '%',
    '\ud800',
    '\ufeff',
    '😀',
    'İ'.repeat(300),
    '=',
    'team=',
    'a=b\u0000',
    '2026-02-30T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '2026-11-25T06:00:00.000+23:59',
    '2026-11-25T06:00:00.1234567890123456789Z',
    'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    'rev_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    'x'.repeat(4000),
    // Cursors: malformed, forged, issued for another sort.
    'garbage!',
    cursorOf('not json'),
    cursorOf('[1e308,"x"]'),
    cursorOf('[9223372036854775808,"x"]'),
    cursorOf('[-1e308,"x"]'),
    cursorOf('[1.5,"x"]'),
    cursorOf('[0,"x\\u0000"]'),
    cursorOf('[0,"\\ud800"]'),
    cursorOf('[100,0,"x"]'),
    cursorOf('[1e308,1e308,"x"]'),
    cursorOf('[0,null]'),
    cursorOf('{}'),
    cursorOf(deepArray(1000)),
    ...oddStrings(random, 3),
  ];
  if (s.maxLength !== undefined) values.push('x'.repeat(s.maxLength + 1));
  if (s.maximum !== undefined) values.push(String(s.maximum), String(s.maximum + 1));
  if (s.minimum !== undefined) values.push(String(s.minimum - 1));
  for (const e of s.enum ?? []) values.push(`${String(e)} `, String(e).toUpperCase());
  return values;
}

/** Percent-encodings a URL encoder never makes: invalid escapes and invalid UTF-8. */
const RAW_ENCODED = ['%zz', '%ff%fe', '%c0%80', '%00', '%ed%a0%80', '..%2f..%2f', '%2e%2e'];

/** What a valid request is made of: the ids of the fixtures and fresh ids for new things. */
interface Fixtures {
  /** An ended session with terminal output and a large query result. */
  ended: string;
  /** An active session: events are ingested into it, reviews asked in it, and it is revoked. */
  active: string;
  resultRef: string;
  reviewId: string;
  /** An alert of the org (its webhook goes to a closed loopback port). */
  alertId: string;
  next: () => number;
}

function ulid(n: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let s = '';
  for (let i = 0; i < 26; i++) {
    s = alphabet[n % 32]! + s;
    n = Math.floor(n / 32);
  }
  return `01KF${s.slice(4)}`;
}

/** A valid value for a schema: examples first, every optional property included. */
function validValue(schema: Schema, f: Fixtures, key = ''): unknown {
  const name = refName(schema);
  if (name === 'SessionId') return f.active;
  if (name === 'ReviewId') return f.reviewId;
  if (name === 'EventId') return `evt_fuzz_${f.next()}`;
  if (key === 'resultRef') return `ref_fuzz_${f.next()}`;
  const s = resolve(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.example !== undefined && !s.properties) return s.example;
  if (s.default !== undefined && !s.properties) return s.default;
  const options = s.oneOf ?? s.anyOf;
  if (options) return validValue(options.find((o) => o.type !== 'null') ?? options[0]!, f, key);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = validValue(v, f, k);
      if (!s.properties && typeof s.additionalProperties === 'object')
        out.fuzz = validValue(s.additionalProperties, f);
      return out;
    }
    case 'array':
      return [validValue(s.items ?? {}, f)];
    case 'string':
      if (s.format === 'date-time') return '2026-11-25T06:00:30.000Z';
      if (s.format === 'email') return 'fuzz@acme.test';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum !== undefined && s.minimum > 0 ? s.minimum : 1;
    case 'boolean':
      return false;
    default:
      return 1;
  }
}

type Path = (string | number)[];

/** Every place in a valid value that a bad value can take, with the schema that describes it. */
function fieldPaths(
  schema: Schema,
  value: unknown,
  at: Path = [],
): { path: Path; schema: Schema }[] {
  const s = resolve(schema);
  const out = [{ path: at, schema: s }];
  const options = s.oneOf ?? s.anyOf;
  if (options) {
    const match = options.find((o) => {
      const r = resolve(o);
      const t = r.properties?.type?.const;
      return t === undefined || t === (value as { type?: unknown })?.type;
    });
    if (match) return [...out.slice(1), ...fieldPaths(match, value, at)];
  }
  if (Array.isArray(value) && value.length > 0 && s.items) {
    out.push(...fieldPaths(s.items, value[0], [...at, 0]));
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const child =
        s.properties?.[k] ??
        (typeof s.additionalProperties === 'object' ? s.additionalProperties : {});
      out.push(...fieldPaths(child, v, [...at, k]));
    }
  }
  return out;
}

function withValue(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

interface Probe {
  what: string;
  method: string;
  url: string;
  body?: string;
  headers?: Record<string, string>;
  /** Checks a 200 answer further (ingest: the valid events of the batch were kept). */
  check?: (status: number, text: string) => string | null;
}

describe.each(STORE_KINDS)('%s store: fuzzing every operation of openapi.json', (kind) => {
  let h: Harness;
  let f: Fixtures;

  beforeAll(async () => {
    // previewRows 0: every ingested query with rows keeps a full result, downloaded when read back.
    h = await startHarness(kind, { maxWaitMs: 20, pollMs: 10, previewRows: 0 });
    let n = 0;
    const next = () => ++n;
    const ended = sessionScript();
    ended.output('$ ls\r\n');
    const query = ended.query('SELECT n FROM t');
    Object.assign(query, { rows: [[1], [2], [3]], rowCount: 3, resultRef: 'ref_fixture' });
    ended.end();
    const active = sessionScript();
    const waiting = active.command('rm -rf /tmp/x');
    // A recording that opens with its size: read back once retention purged it.
    active.events.push({
      id: 'evt_fixture_size',
      sessionId: active.sessionId,
      seq: 50_000,
      time: '2026-11-25T06:00:01.000Z',
      type: 'terminal',
      code: 'r',
      data: '120x40',
      offsetMs: 0,
    });
    await h.admin.ingest([...ended.events, ...active.events]);
    const review = await h.admin.reviews.create({
      kind: 'command',
      sessionId: active.sessionId,
      eventId: waiting.id,
      subject: { type: 'command', text: waiting.text },
    });
    const alert = await h.admin.alerts.create({
      name: 'fuzz fixture',
      query: { environment: ['production'] },
      url: 'http://127.0.0.1:9/fuzz',
    });
    f = {
      ended: ended.sessionId,
      active: active.sessionId,
      resultRef: 'ref_fixture',
      reviewId: review.id,
      alertId: alert.id,
      next,
    };
  });
  afterAll(() => h.close());

  async function run(probes: Probe[]): Promise<string[]> {
    const failures: string[] = [];
    let i = 0;
    const worker = async () => {
      while (i < probes.length) {
        const p = probes[i++]!;
        let status = 0;
        let text = '';
        try {
          const res = await fetch(`${h.server.url}${p.url}`, {
            method: p.method,
            headers: {
              authorization: `Bearer ${h.adminToken}`,
              ...(p.body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...p.headers,
            },
            body: p.body,
            signal: AbortSignal.timeout(15_000),
          });
          status = res.status;
          if (status === 200 && res.headers.get('content-type')?.startsWith('text/event-stream')) {
            // A live tail stays open: it is enough that it started.
            const reader = res.body!.getReader();
            await reader.read();
            await reader.cancel();
          } else text = await res.text();
        } catch (error) {
          const cause = (error as Error & { cause?: Error }).cause;
          failures.push(
            `${p.what}: the connection dropped (${(error as Error).message}${cause ? `: ${cause.message}` : ''})`,
          );
          continue;
        }
        if (status >= 500) {
          failures.push(`${p.what}: ${status} ${text.slice(0, 200)}`);
        } else if (status >= 400) {
          let body: { code?: unknown; message?: unknown } = {};
          try {
            body = JSON.parse(text);
          } catch {}
          if (typeof body.code !== 'string' || typeof body.message !== 'string')
            failures.push(`${p.what}: ${status} without { code, message }: ${text.slice(0, 200)}`);
        } else {
          const problem = p.check?.(status, text);
          if (problem) failures.push(`${p.what}: ${problem}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return failures;
  }

  function pathFor(op: Operation, values: Record<string, string>): string {
    return op.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);
  }

  function validPathParams(op: Operation): Record<string, string> {
    const values: Record<string, string> = {};
    for (const p of op.parameters) {
      if (p.in !== 'path') continue;
      if (p.name === 'sessionId')
        values[p.name] = op.operationId === 'revokeSession' ? f.active : f.ended;
      else if (p.name === 'reviewId') values[p.name] = f.reviewId;
      else if (p.name === 'resultRef') values[p.name] = f.resultRef;
      // An entity of the fixtures' sessions (their resource).
      else if (p.name === 'kind') values[p.name] = 'resource';
      else if (p.name === 'key') values[p.name] = 'billing-db';
      else if (p.name === 'alertId') values[p.name] = f.alertId;
      else throw new Error(`no fixture for the path parameter ${p.name} of ${op.operationId}`);
    }
    return values;
  }

  /** A valid command event of the active session: the control kept in every fuzzed batch. */
  function controlEvent() {
    const n = f.next();
    return {
      id: `evt_control_${n}`,
      sessionId: f.active,
      seq: 100_000 + n,
      time: '2026-11-25T06:00:30.000Z',
      type: 'command',
      text: 'echo control',
    };
  }

  /** Bad values for every field of every event type, many events per batch. */
  function ingestProbes(op: Operation, random: () => number): Probe[] {
    const eventSchema = resolve(resolve(op.body!).properties!.events!.items!);
    const probes: Probe[] = [];
    for (const variant of eventSchema.oneOf!) {
      const type = resolve(variant).properties!.type!.const as string;
      const fresh = () => {
        const n = f.next();
        const event = validValue(variant, f) as Record<string, unknown>;
        event.seq = 100_000 + n;
        // A start event opens a new session; every other event goes to the active one.
        if (type === 'lifecycle') event.sessionId = `sess_${ulid(n)}`;
        return event;
      };
      const events: string[] = [];
      const sample = fresh();
      for (const { path, schema } of fieldPaths(variant, sample)) {
        if (path.length === 0) continue;
        for (const bad of badJsonValues(schema, random)) {
          events.push(rawJson(withValue(fresh(), path, bad)));
        }
        events.push(rawJson(withValue(fresh(), path, undefined, true)));
      }
      // A few events with several fields wrong at once, picked by the seeded generator.
      const paths = fieldPaths(variant, sample).filter((p) => p.path.length > 0);
      for (let i = 0; i < 20; i++) {
        let event: unknown = fresh();
        for (let k = 0; k < 3; k++) {
          const { path, schema } = paths[Math.floor(random() * paths.length)]!;
          const bads = badJsonValues(schema, random);
          try {
            event = withValue(event, path, bads[Math.floor(random() * bads.length)]);
          } catch {
            // A path under a field an earlier pick replaced: leave it.
          }
        }
        events.push(rawJson(event));
      }
      events.push(rawJson({ ...fresh(), extra: '__raw_deep_array__' }));
      // Batches of at most 200 events and about 4 MB, each with a valid control event.
      for (let start = 0; start < events.length; ) {
        const batch: string[] = [];
        let size = 0;
        while (start < events.length && batch.length < 200 && size < 4_000_000) {
          size += events[start]!.length;
          batch.push(events[start++]!);
        }
        const control = controlEvent();
        const body = `{"events":[${[...batch, JSON.stringify(control)].join(',')}]}`;
        probes.push({
          what: `ingest ${type} (${batch.length} events)`,
          method: 'POST',
          url: '/v1/ingest',
          body,
          check: (_status, text) => {
            const result = JSON.parse(text) as { rejected: { index: number; message: string }[] };
            const lost = result.rejected.find((r) => r.index === batch.length);
            return lost ? `the valid event of the batch was rejected: ${lost.message}` : null;
          },
        });
      }
    }
    return probes;
  }

  function probesFor(op: Operation): Probe[] {
    const random = rng(0xa0d17 + op.operationId.length * 7919);
    const probes: Probe[] = [];
    const pathValues = validPathParams(op);
    const base = pathFor(op, pathValues);
    const body =
      op.body && op.operationId !== 'ingest' ? JSON.stringify(validValue(op.body, f)) : undefined;
    const request = (what: string, url: string, b = body): Probe => ({
      what: `${op.method} ${url.length > 200 ? `${url.slice(0, 200)}...` : url} (${what})`,
      method: op.method,
      url,
      body: b,
    });

    probes.push(request('valid', base));
    for (const p of op.parameters) {
      const values = badStrings(p.schema, random);
      if (p.in === 'path') {
        for (const v of values) {
          const url = pathFor(op, { ...pathValues, [p.name]: enc(v) });
          probes.push(request(`${p.name}=${JSON.stringify(v.slice(0, 40))}`, url));
        }
        for (const raw of RAW_ENCODED)
          probes.push(request(`${p.name} ${raw}`, pathFor(op, { ...pathValues, [p.name]: raw })));
      } else if (p.in === 'header') {
        // Only what HTTP can carry in a header (fetch refuses the rest, and trims).
        for (const v of values.filter((x) => /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(x))) {
          probes.push({
            ...request(`header ${p.name}: ${JSON.stringify(v.slice(0, 40))}`, base),
            headers: { [p.name]: v },
          });
        }
      } else if (p.in === 'query') {
        for (const v of values) {
          probes.push(
            request(`${p.name}=${JSON.stringify(v.slice(0, 40))}`, `${base}?${p.name}=${enc(v)}`),
          );
        }
        for (const raw of RAW_ENCODED)
          probes.push(request(`${p.name} ${raw}`, `${base}?${p.name}=${raw}`));
        probes.push(request(`${p.name} twice`, `${base}?${p.name}=1&${p.name}=2`));
        const repeated = Array.from({ length: 101 }, () => `${p.name}=a`).join('&');
        probes.push(request(`${p.name} 101 times`, `${base}?${repeated}`));
      }
    }
    // Several parameters wrong at once.
    const query = op.parameters.filter((p) => p.in === 'query');
    for (let i = 0; query.length > 1 && i < 20; i++) {
      const parts = Array.from({ length: 3 }, () => {
        const p = query[Math.floor(random() * query.length)]!;
        const values = badStrings(p.schema, random);
        return `${p.name}=${enc(values[Math.floor(random() * values.length)]!)}`;
      });
      probes.push(
        request(`combined ${parts.join('&').slice(0, 80)}`, `${base}?${parts.join('&')}`),
      );
    }

    if (op.operationId === 'ingest') probes.push(...ingestProbes(op, random));
    else if (op.body && body !== undefined) {
      const valid = JSON.parse(body) as unknown;
      for (const { path, schema } of fieldPaths(op.body, valid)) {
        for (const bad of badJsonValues(schema, random)) {
          probes.push(
            request(
              `body ${path.join('.') || '(root)'} = ${String(JSON.stringify(bad)).slice(0, 40)}`,
              base,
              rawJson(withValue(valid, path, bad)),
            ),
          );
        }
        if (path.length > 0)
          probes.push(
            request(
              `body without ${path.join('.')}`,
              base,
              rawJson(withValue(valid, path, undefined, true)),
            ),
          );
      }
      // Several fields wrong at once, picked by the seeded generator.
      const fields = fieldPaths(op.body, valid).filter((p) => p.path.length > 0);
      for (let i = 0; fields.length > 1 && i < 20; i++) {
        let value: unknown = valid;
        for (let k = 0; k < 3; k++) {
          const { path, schema } = fields[Math.floor(random() * fields.length)]!;
          const bads = badJsonValues(schema, random);
          try {
            value = withValue(value, path, bads[Math.floor(random() * bads.length)]);
          } catch {
            // A path under a field an earlier pick replaced: leave it.
          }
        }
        probes.push(request(`body combined #${i}`, base, rawJson(value)));
      }
    }
    for (const authorization of [
      '',
      'Bearer',
      'Bearer nope',
      'Basic YTpi',
      `Bearer ${'x'.repeat(8000)}`,
    ]) {
      probes.push({
        ...request(`authorization ${JSON.stringify(authorization.slice(0, 20))}`, base),
        headers: { authorization },
      });
    }
    if (op.body) {
      for (const raw of [
        '',
        '{',
        'null',
        '[]',
        '"x"',
        '\u0000',
        deepArray(100_000),
        '{"events":[]}',
      ]) {
        probes.push(request(`body ${JSON.stringify(raw.slice(0, 20))}`, base, raw));
      }
      probes.push({
        ...request('text/plain body', base),
        headers: { 'content-type': 'text/plain' },
      });
      probes.push({
        ...request('a gzip body that is not gzip', base),
        headers: { 'content-encoding': 'gzip' },
      });
    }
    return probes;
  }

  it('covers every operation of the document', () => {
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.map((o) => o.operationId)).toContain('ingest');
  });

  // Ingest last: the exports and lists before it stream the fixtures only, not the thousands of
  // sessions the ingest fuzz opens; reading those back is the last test.
  const ordered = [
    ...operations.filter((o) => o.operationId !== 'ingest'),
    ...operations.filter((o) => o.operationId === 'ingest'),
  ];
  for (const op of ordered) {
    it(`${op.operationId}: ${op.method} ${op.path}`, async () => {
      const failures = await run(probesFor(op));
      // The message lists every failure in full (an array diff would be cut short).
      expect(failures, `${failures.length} failures:\n${failures.join('\n')}\n`).toEqual([]);
    }, 120_000);
  }

  it('reads back everything the fuzz stored: every page of sessions, the exports, the events', async () => {
    const probes: Probe[] = [];
    let cursor: string | null = null;
    let sessions = 0;
    do {
      const url = `/v1/sessions?limit=500&count=exact${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await fetch(`${h.server.url}${url}`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.status, url).toBe(200);
      const page = (await res.json()) as { data: unknown[]; nextCursor: string | null };
      sessions += page.data.length;
      cursor = page.nextCursor;
    } while (cursor);
    // The fuzzed start events that were valid opened sessions of their own.
    expect(sessions).toBeGreaterThan(100);
    for (const path of [
      '/v1/sessions/export?format=csv',
      '/v1/sessions/export?format=ndjson',
      '/v1/sessions?sort=significance&limit=500',
      '/v1/sessions?q=control&limit=500',
      `/v1/sessions/${f.active}/events?limit=1000`,
      `/v1/sessions/${f.active}/logs?format=csv`,
      `/v1/sessions/${f.active}/logs?format=ndjson`,
      `/v1/sessions/${f.active}/recording?version=3`,
      `/v1/sessions/${f.active}/recording/download?version=2`,
      `/v1/sessions/${f.active}/verify`,
      '/v1/reviews?limit=500',
      '/v1/access-log?limit=500',
    ]) {
      probes.push({ what: `GET ${path}`, method: 'GET', url: path });
    }
    // Every full result a fuzzed query left, by its ref (odd refs included).
    const events = (await h.admin.sessions.events.list(f.active, { type: ['query'], limit: 1000 }))
      .data;
    const refs = new Set(
      events.flatMap((e) => (e.type === 'query' && e.resultRef ? [e.resultRef] : [])),
    );
    expect(refs.size).toBeGreaterThan(10);
    for (const ref of refs) {
      for (const format of ['csv', 'ndjson']) {
        const url = `/v1/sessions/${f.active}/results/${enc(ref)}?format=${format}`;
        probes.push({
          what: `GET ${url.slice(0, 120)}`,
          method: 'GET',
          url,
          check: (status) => (status === 200 ? null : `the result ${ref} answered ${status}`),
        });
      }
    }
    const failures = await run(probes);
    expect(failures, failures.join('\n')).toEqual([]);
    const verify = await h.admin.sessions.verify(f.active);
    expect(verify.ok).toBe(true);

    // Once retention purged the recordings, what is left still reads back within the contract
    // (the client checks every event it reads against the model).
    const purged = await sweepRecordings(h.store, { productionDays: 1, otherDays: 1 }, Date.now());
    expect(purged.sessions).toBeGreaterThan(0);
    let read = 0;
    for await (const _ of h.admin.sessions.events.list(f.active, { limit: 1000 })) read++;
    expect(read).toBeGreaterThan(100);
    const after = await run(
      ['/v1/sessions?limit=500', `/v1/sessions/${f.active}/logs?format=ndjson`].map((url) => ({
        what: `GET ${url} (purged)`,
        method: 'GET',
        url,
      })),
    );
    expect(after, after.join('\n')).toEqual([]);
    expect((await h.admin.sessions.verify(f.active)).ok).toBe(true);
  }, 120_000);
});
