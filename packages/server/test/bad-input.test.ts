import { parseAsciicast } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepRecordings } from '../src/jobs/retention';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

/** Base64url JSON, as the server encodes cursors: `raw` is the JSON text, so forged numbers survive. */
const cursorOf = (raw: string) => Buffer.from(raw).toString('base64url');

/** An array nested `depth` levels deep, as JSON text (no serialiser could build it). */
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe.each(STORE_KINDS)('%s store: bad input gets a 4xx, never a 500', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { maxWaitMs: 50 });
  });
  afterAll(() => h.close());

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${h.server.url}${path}`, {
      headers: { authorization: `Bearer ${h.adminToken}`, ...headers },
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text };
  }

  /** The error body of a 4xx: `{ code, message }`. */
  async function rejected(path: string, status = 400, headers: Record<string, string> = {}) {
    const res = await get(path, headers);
    expect(res.status, `${path}: ${res.text}`).toBe(status);
    const body = JSON.parse(res.text) as { code: string; message: string };
    expect(body.code).toEqual(expect.any(String));
    expect(body.message).toEqual(expect.any(String));
    return body;
  }

  async function ingestRaw(json: string) {
    const res = await fetch(`${h.server.url}/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: json,
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return JSON.parse(text) as {
      accepted: number;
      rejected: { index: number; code: string; message: string }[];
    };
  }

  it('rejects an event nested thousands of levels deep alone, naming the field, and stores the rest of its batch', async () => {
    const s = sessionScript();
    const [start] = s.events;
    const command = s.command('echo kept');
    const base = (seq: number) => ({
      id: `evt_deep_${kind}_${seq}_${s.sessionId}`,
      sessionId: s.sessionId,
      seq,
      time: '2026-11-25T06:00:05.000Z',
    });
    const deep = deepArray(6000);
    const tool = JSON.stringify({ ...base(10), type: 'tool_call', tool: 'Bash', input: 0 });
    const query = JSON.stringify({ ...base(11), type: 'query', sql: 'SELECT 1', params: [0] });
    const rows = JSON.stringify({ ...base(12), type: 'query', sql: 'SELECT 1', rows: [[0]] });
    const body = `{"events":[${JSON.stringify(start)},${tool.replace('"input":0', `"input":${deep}`)},${query.replace('"params":[0]', `"params":${deep}`)},${rows.replace('"rows":[[0]]', `"rows":[[${deep}]]`)},${JSON.stringify(command)}]}`;
    const result = await ingestRaw(body);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'validation_failed'],
      [2, 'validation_failed'],
      [3, 'validation_failed'],
    ]);
    expect(result.rejected[0]!.message).toMatch(/^events\[1\]\.input: is nested more than 64/);
    expect(result.rejected[1]!.message).toMatch(/^events\[2\]\.params: is nested/);
    expect(result.rejected[2]!.message).toMatch(/^events\[3\]\.rows: is nested/);
    const stored = await h.admin.sessions.events.list(s.sessionId);
    expect(stored.data.map((e) => e.id)).toEqual([start!.id, command.id]);
  });

  it('keeps a JSON value at the depth limit, and refuses one too large as JSON', async () => {
    const s = sessionScript();
    const atLimit = JSON.stringify({
      id: `evt_limit_${kind}_${s.sessionId}`,
      sessionId: s.sessionId,
      seq: 1,
      time: '2026-11-25T06:00:05.000Z',
      type: 'tool_call',
      tool: 'Bash',
      input: 0,
    }).replace('"input":0', `"input":${deepArray(64)}`);
    const big = {
      id: `evt_big_${kind}_${s.sessionId}`,
      sessionId: s.sessionId,
      seq: 2,
      time: '2026-11-25T06:00:06.000Z',
      type: 'tool_call',
      tool: 'Bash',
      output: 'x'.repeat(1_000_001),
    };
    const result = await ingestRaw(
      `{"events":[${JSON.stringify(s.events[0])},${atLimit},${JSON.stringify(big)}]}`,
    );
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([
      expect.objectContaining({
        index: 2,
        message: expect.stringMatching(/^events\[2\]\.output: /),
      }),
    ]);
  });

  it('answers a malformed or forged cursor with 400 naming it, on every paged list', async () => {
    const forged = [
      'garbage!',
      cursorOf('not json'),
      cursorOf('[1e308,"x"]'),
      cursorOf('[9223372036854775808,"x"]'),
      cursorOf('[1.5,"x"]'),
      cursorOf('[0,"x\\u0000"]'),
      cursorOf(`[0,"${'x'.repeat(300)}"]`),
      cursorOf('[0,1]'),
      cursorOf('{}'),
    ];
    for (const cursor of forged) {
      const c = encodeURIComponent(cursor);
      for (const path of [
        `/v1/sessions?cursor=${c}`,
        `/v1/sessions?sort=significance&cursor=${c}`,
        `/v1/sessions?q=echo&cursor=${c}`,
        `/v1/access-log?cursor=${c}`,
        `/v1/reviews?cursor=${c}`,
        `/v1/sessions/export?format=csv&cursor=${c}`,
      ]) {
        // The export has no cursor parameter: it is ignored there, and the export runs.
        if (path.startsWith('/v1/sessions/export')) {
          expect((await get(path)).status).toBe(200);
          continue;
        }
        const body = await rejected(path);
        expect(body.message, path).toMatch(/cursor/);
      }
    }
    const significance = cursorOf('[1e308,9223372036854775808,"x"]');
    expect(
      (await rejected(`/v1/sessions?sort=significance&cursor=${significance}`)).message,
    ).toMatch(/cursor/);
  });

  it('answers U+0000 in a filter or the free text with 400 naming it, before an export starts', async () => {
    for (const query of [
      'q=a%00b',
      'user=u%00',
      'resource=billing%00db',
      'label=team%3Dpay%00',
      'environment=prod%00',
    ]) {
      const name = query.slice(0, query.indexOf('='));
      expect((await rejected(`/v1/sessions?${query}`)).message, query).toMatch(
        new RegExp(`\\b${name}\\b`),
      );
      for (const format of ['csv', 'ndjson']) {
        const res = await get(`/v1/sessions/export?format=${format}&${query}`);
        expect(res.status, `${format} ${query}`).toBe(400);
        expect(res.type).toMatch(/^application\/json/);
        expect(JSON.parse(res.text).message).toMatch(new RegExp(`\\b${name}\\b`));
      }
    }
  });

  it('refuses, event by event, what a store cannot hold: U+0000 in names and labels, a seq past 2^31 − 1, a 2 MB email', async () => {
    const withNul = [
      sessionScript({ actor: { type: 'human', id: 'u\u0000alice' } }),
      sessionScript({
        resource: { name: 'billing\u0000db', type: 'database', environment: 'production' },
      }),
      sessionScript({ labels: { team: 'pay\u0000ments' } }),
      sessionScript({ reason: 'because\u0000' }),
      sessionScript({
        actor: { type: 'human', id: 'u_alice', email: `${'a'.repeat(2_000_000)}@x.io` },
      }),
    ];
    const ok = sessionScript();
    const far = { ...ok.command('echo far'), seq: 2 ** 31 };
    const last = { ...ok.command('echo last'), seq: 2 ** 31 - 1 };
    const events = [...withNul.map((s) => s.events[0]), ok.events[0], far, last];
    const result = await ingestRaw(JSON.stringify({ events }));
    expect(result.rejected.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 6]);
    expect(result.rejected.map((r) => r.message.replace(/:.*/s, ''))).toEqual([
      'events[0].session.actor.id',
      'events[1].session.resource.name',
      'events[2].session.labels.team',
      'events[3].session.reason',
      'events[4].session.actor.email',
      'events[6].seq',
    ]);
    expect(result.rejected[0]!.message).toMatch(/U\+0000/);
    expect(result.accepted).toBe(2);
    const stored = await h.admin.sessions.events.list(ok.sessionId);
    expect(stored.data.map((e) => e.seq)).toEqual([0, 2 ** 31 - 1]);
    // Reading past the last seq both stores hold is refused, not a database error.
    expect(
      (await rejected(`/v1/sessions/${ok.sessionId}/events?after=2147483648`)).message,
    ).toMatch(/after/);
    expect(
      (await rejected(`/v1/sessions/${ok.sessionId}/events/stream?after=99999999999`)).message,
    ).toMatch(/after/);
    expect(
      (
        await rejected(`/v1/sessions/${ok.sessionId}/events/stream`, 400, {
          'last-event-id': '99999999999999999999',
        })
      ).message,
    ).toMatch(/last-event-id/);
  });

  it('refuses a lone surrogate in a session attribute, which PostgreSQL JSONB cannot hold, and keeps it in content', async () => {
    const s = sessionScript({ actor: { type: 'human', id: 'u_alice', name: 'Al\ud800' } });
    const output = s.command('echo \ud83d', 'half an emoji: \ud83d');
    const fine = sessionScript({ actor: { type: 'human', id: 'u_bob', name: 'Bob \ud83d\ude00' } });
    const result = await ingestRaw(JSON.stringify({ events: [...s.events, ...fine.events] }));
    expect(result.rejected.map((r) => [r.index, r.message.replace(/:.*/s, '')])).toEqual([
      [0, 'events[0].session.actor.name'],
      [1, 'events[1]'],
    ]);
    expect(result.rejected[0]!.message).toMatch(/well-formed Unicode/);
    expect(result.rejected[1]!.code).toBe('unknown_session');
    expect(result.accepted).toBe(1);
    expect((await h.admin.sessions.get(fine.sessionId)).actor.name).toBe('Bob \ud83d\ude00');
    // Content keeps what was recorded, lone surrogates included.
    const again = sessionScript();
    again.events.push({ ...output, sessionId: again.sessionId, id: `${output.id}_2`, seq: 1 });
    expect((await ingestRaw(JSON.stringify({ events: again.events }))).accepted).toBe(2);
    const [, stored] = (await h.admin.sessions.events.list(again.sessionId)).data;
    expect(stored).toMatchObject({ type: 'command', output: 'half an emoji: \ud83d' });
  });

  it('answers a request whose headers are too large with a JSON error, as the app would', async () => {
    const res = await get(`/v1/sessions?q=${'x'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toMatchObject({
      code: 'bad_request',
      message: expect.any(String),
    });
  });

  it('serves a recording whose offsets go backwards in seq order whole, and refuses a resize that is not COLSxROWS', async () => {
    const s = sessionScript({ recorded: true });
    const at = (seq: number, offsetMs: number, code: 'o' | 'r', data: string) => ({
      id: `evt_rec_${kind}_${seq}_${s.sessionId}`,
      sessionId: s.sessionId,
      seq,
      time: '2026-11-25T06:00:05.000Z',
      type: 'terminal' as const,
      code,
      data,
      offsetMs,
    });
    const events = [
      ...s.events,
      at(1, 0, 'r', '100x30'),
      at(2, 2000, 'o', 'late clock'),
      at(3, 1000, 'o', 'earlier'),
      at(4, 3000, 'r', '0x0'),
      at(5, 3000, 'r', 'wide'),
      at(6, 4000, 'o', 'end'),
    ];
    const result = await ingestRaw(JSON.stringify({ events }));
    expect(result.rejected.map((r) => r.message)).toEqual([
      expect.stringMatching(/^events\[4\]\.data: must be "COLSxROWS"/),
      expect.stringMatching(/^events\[5\]\.data: /),
    ]);
    for (const version of ['2', '3']) {
      const res = await get(`/v1/sessions/${s.sessionId}/recording?version=${version}`);
      expect(res.status).toBe(200);
      const recording = parseAsciicast(res.text);
      expect(recording.header.term).toMatchObject({ cols: 100, rows: 30 });
      expect(recording.events.map((e) => [e.time, e.data])).toEqual([
        [2, 'late clock'],
        [2, 'earlier'],
        [4, 'end'],
      ]);
    }
  });

  it('stores a batch whose text is more than one search row can index, and finds its words', async () => {
    // 40 commands of 6,000 distinct words: a tsvector of several MB, which PostgreSQL refuses.
    const s = sessionScript();
    let n = 0;
    const word = () => `w${(n++).toString(36)}z`;
    for (let i = 0; i < 40; i++) s.command(Array.from({ length: 6000 }, word).join(' '));
    const result = await ingestRaw(JSON.stringify({ events: s.events }));
    expect(result).toMatchObject({ accepted: 41, rejected: [] });
    for (const q of ['w0z', (n - 1).toString(36), (120_000).toString(36)]) {
      const found = await h.admin.sessions.list({ q: q.startsWith('w') ? q : `w${q}z` });
      expect(
        found.data.map((x) => x.id),
        q,
      ).toEqual([s.sessionId]);
    }
  });

  it('reads back the events of a purged recording, resizes included', async () => {
    const DAY = 86_400_000;
    const s = sessionScript(
      { resource: { name: 'web-1', type: 'ssh', environment: 'staging' }, recorded: true },
      Date.now() - 40 * DAY,
    );
    s.events.push({
      id: `evt_size_${kind}_${s.sessionId}`,
      sessionId: s.sessionId,
      seq: 50,
      time: new Date(Date.now() - 40 * DAY).toISOString(),
      type: 'terminal',
      code: 'r',
      data: '100x30',
      offsetMs: 0,
    });
    s.output('$ ');
    s.end();
    await h.admin.ingest(s.events);
    await sweepRecordings(h.store, { productionDays: null, otherDays: 7 }, Date.now());
    // The client checks what it reads against the contract: a purged resize holds no size.
    const events = await h.admin.sessions.events.list(s.sessionId, { type: ['terminal'] });
    expect(
      events.data.map((e) => [e.type === 'terminal' && e.code, e.purged !== undefined]),
    ).toEqual([
      ['o', true],
      ['r', true],
    ]);
  });

  it('answers ids in the path that cannot exist with 404, U+0000 included', async () => {
    const s = sessionScript();
    s.end();
    await h.admin.ingest(s.events);
    for (const path of [
      '/v1/reviews/rev_%00',
      '/v1/reviews/x%00y?waitMs=10',
      `/v1/sessions/${s.sessionId}/results/a%00b`,
      `/v1/sessions/${s.sessionId}/results/${'r'.repeat(300)}`,
      '/v1/sessions/sess_%00/events',
    ]) {
      await rejected(path, 404);
    }
    const approve = await fetch(`${h.server.url}/v1/reviews/rev_%00/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    expect(approve.status).toBe(404);
  });
});
