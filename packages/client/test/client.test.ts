import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  type AsciicastItem,
  AuthenticationError,
  ConflictError,
  createClient,
  createIdGenerator,
  DownloadsDisabledError,
  type EventInput,
  InvalidParamsError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  readAsciicast,
  type Session,
} from '../src';
import { BASE, createFakeApi, type FakeApi, makeSession, TOKEN } from './fake-api';

const server = setupServer();
let api: FakeApi;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function useApi(sessions = 0) {
  api = createFakeApi(sessions);
  server.use(...api.handlers);
  return api;
}

const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) =>
  createClient({ baseUrl: `${BASE}/`, token: TOKEN, ...options });

describe('createClient', () => {
  it('needs a baseUrl and a token or getToken', () => {
    expect(() => createClient({ baseUrl: '', token: 'x' })).toThrow(/baseUrl is required/);
    expect(() => createClient({ baseUrl: BASE })).toThrow(/token or getToken/);
  });
});

describe('sessions.list', () => {
  it('returns the first page with the count, and sends filters as repeated query parameters', async () => {
    useApi(30);
    const page = await client().sessions.list({
      status: ['active', 'ended'],
      limit: 10,
      count: 'exact',
    });
    expect(page.data).toHaveLength(10);
    expect(page.extra.count).toEqual({ mode: 'exact', value: 30, capped: false });
    expect(page.hasNextPage()).toBe(true);
    const url = new URL(api.requests[0]!.url);
    expect(url.searchParams.getAll('status')).toEqual(['active', 'ended']);
    expect(api.requests[0]!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('pages with getNextPage and iterates every session across pages with for await', async () => {
    useApi(23);
    const page = await client().sessions.list({ limit: 10 });
    const second = await page.getNextPage();
    expect(second.data[0]!.id).toBe(api.sessions[10]!.id);
    const all: Session[] = [];
    for await (const s of client().sessions.list({ limit: 10 })) all.push(s);
    expect(all.map((s) => s.id)).toEqual(api.sessions.map((s) => s.id));
    const lastPage = await await second.getNextPage();
    expect(lastPage.hasNextPage()).toBe(false);
    await expect(lastPage.getNextPage()).rejects.toThrow(/No next page/);
  });

  it('rejects bad filters before sending anything, naming the parameter', async () => {
    useApi(1);
    const c = client();
    // @ts-expect-error an unknown status
    expect(() => c.sessions.list({ status: ['paused'] })).toThrow(InvalidParamsError);
    try {
      c.sessions.list({ period: '7d', from: '2026-11-01T00:00:00Z' });
      expect.unreachable();
    } catch (e) {
      expect((e as InvalidParamsError).path).toBe('period');
      expect((e as Error).message).toMatch(/cannot be combined with from\/to/);
    }
    expect(api.requests).toHaveLength(0);
  });

  it('validates the response and names the field a server got wrong', async () => {
    server.use(
      http.get(`${BASE}/v1/sessions`, () =>
        HttpResponse.json(
          {
            data: [{ ...makeSession(1), startedAt: 'yesterday' }],
            nextCursor: null,
            count: { mode: 'none', value: null, capped: false },
          },
          { headers: { 'x-request-id': 'req_bad' } },
        ),
      ),
    );
    const error = await client()
      .sessions.list()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('data[0].startedAt');
    expect((error as ResponseValidationError).requestId).toBe('req_bad');
    expect(String(error)).toMatch(/sessions\.list: data\[0\]\.startedAt/);
  });
});

describe('sessions.get and typed errors', () => {
  it('gets a session', async () => {
    useApi(3);
    const s = await client().sessions.get(api.sessions[2]!.id);
    expect(s).toEqual(api.sessions[2]);
  });

  it('throws NotFoundError with status, code, message and request id', async () => {
    useApi(0);
    const e = await client()
      .sessions.get('sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e).toMatchObject({ status: 404, code: 'not_found', requestId: 'req_test' });
    expect(String((e as Error).message)).toMatch(/no session sess_/);
  });

  it('throws AuthenticationError for a bad token, and calls getToken for every attempt', async () => {
    useApi(1);
    await expect(
      client({ token: 'wrong' }).sessions.get(api.sessions[0]!.id),
    ).rejects.toBeInstanceOf(AuthenticationError);
    let calls = 0;
    let first = true;
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, () => {
        if (first) {
          first = false;
          return HttpResponse.json(
            { code: 'unavailable', message: 'busy' },
            { status: 503, headers: { 'retry-after-ms': '1' } },
          );
        }
        return undefined;
      }),
    );
    const s = await client({
      token: undefined,
      getToken: async () => {
        calls++;
        return TOKEN;
      },
    }).sessions.get(api.sessions[0]!.id);
    expect(s.id).toBe(api.sessions[0]!.id);
    expect(calls).toBe(2);
  });

  it('tells permission denied and downloads disabled apart', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    const denied = await client({ headers: { 'x-role': 'viewer' } })
      .downloads.result(id, 'r1')
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied).not.toBeInstanceOf(DownloadsDisabledError);
    api.downloadsDisabled = true;
    const disabled = await client()
      .downloads.result(id, 'r1')
      .catch((e: unknown) => e);
    expect(disabled).toBeInstanceOf(DownloadsDisabledError);
    expect(disabled).not.toBeInstanceOf(PermissionDeniedError);
    expect(disabled).toMatchObject({ status: 403, code: 'downloads_disabled' });
  });
});

describe('retries', () => {
  it('retries an idempotent call on 503, honouring Retry-After', async () => {
    useApi(1);
    const times: number[] = [];
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, () => {
        times.push(Date.now());
        if (times.length < 3) {
          return HttpResponse.json(
            { code: 'unavailable', message: 'try later' },
            { status: 503, headers: { 'retry-after': '0.2' } },
          );
        }
        return undefined;
      }),
    );
    const s = await client().sessions.get(api.sessions[0]!.id);
    expect(s.id).toBe(api.sessions[0]!.id);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(190);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(190);
  });

  it('gives up after `retries` and throws the last error', async () => {
    useApi(1);
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, () => {
        calls++;
        return HttpResponse.json(
          { code: 'internal', message: 'boom' },
          { status: 500, headers: { 'retry-after-ms': '1' } },
        );
      }),
    );
    await expect(client({ retries: 3 }).sessions.get(api.sessions[0]!.id)).rejects.toMatchObject({
      status: 500,
      code: 'internal',
    });
    expect(calls).toBe(4);
  });

  it('never retries a non-idempotent call on 500, but does on 429', async () => {
    useApi(1);
    api.sessions[0]!.status = 'active';
    let calls = 0;
    server.use(
      http.post(`${BASE}/v1/sessions/:id/revoke`, () => {
        calls++;
        return HttpResponse.json(
          { code: 'internal', message: 'boom' },
          { status: 500, headers: { 'retry-after-ms': '1' } },
        );
      }),
    );
    await expect(client().sessions.revoke(api.sessions[0]!.id)).rejects.toMatchObject({
      status: 500,
    });
    expect(calls).toBe(1);

    server.resetHandlers(...api.handlers);
    let limited = 0;
    server.use(
      http.post(`${BASE}/v1/sessions/:id/revoke`, () => {
        if (limited++ === 0) {
          return HttpResponse.json(
            { code: 'rate_limited', message: 'slow down' },
            { status: 429, headers: { 'retry-after-ms': '1' } },
          );
        }
        return undefined;
      }),
    );
    const revoked = await client().sessions.revoke(api.sessions[0]!.id, {
      reason: 'left the company',
    });
    expect(revoked.status).toBe('revoked');
    expect(revoked.closeReason).toBe('left the company');
    expect(limited).toBe(2);
  });

  it('throws RateLimitError when 429 persists, and does not retry a 4xx', async () => {
    useApi(1);
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, () => {
        calls++;
        return HttpResponse.json(
          { code: 'rate_limited', message: 'slow' },
          { status: 429, headers: { 'retry-after-ms': '1' } },
        );
      }),
    );
    await expect(client({ retries: 1 }).sessions.get(api.sessions[0]!.id)).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(calls).toBe(2);
    await expect(
      client().sessions.get('sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V', { retries: 0 }),
    ).rejects.toBeInstanceOf(RateLimitError);
  });

  it('retries a connection error for idempotent calls and reports it when retries run out', async () => {
    useApi(1);
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, () => {
        calls++;
        return HttpResponse.error();
      }),
    );
    const e = await client({ retries: 1 })
      .sessions.get(api.sessions[0]!.id)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(APIConnectionError);
    expect(String(e)).toMatch(/sessions\.get/);
    expect(calls).toBe(2);
  });
});

describe('timeouts and aborts', () => {
  it('times out a slow call with APIConnectionTimeoutError', async () => {
    useApi(1);
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        return undefined;
      }),
    );
    const started = Date.now();
    const e = await client({ timeoutMs: 100, retries: 0 })
      .sessions.get(api.sessions[0]!.id)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('aborts with the caller signal, also while waiting to retry', async () => {
    useApi(1);
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, () =>
        HttpResponse.json(
          { code: 'unavailable', message: 'x' },
          { status: 503, headers: { 'retry-after': '30' } },
        ),
      ),
    );
    const controller = new AbortController();
    const pending = client().sessions.get(api.sessions[0]!.id, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    const aborted = AbortSignal.abort();
    await expect(
      client().sessions.get(api.sessions[0]!.id, { signal: aborted }),
    ).rejects.toBeInstanceOf(APIUserAbortError);
  });
});

describe('events', () => {
  const ids = createIdGenerator();
  function commands(sessionId: string, n: number, from = 0): EventInput[] {
    return Array.from({ length: n }, (_, i) => ({
      id: ids.eventId(),
      sessionId,
      seq: from + i,
      time: new Date(Date.UTC(2026, 10, 25, 6, 0, from + i)).toISOString(),
      type: 'command' as const,
      text: `echo ${from + i}`,
      exitCode: 0,
    }));
  }

  it('lists events a page at a time and all of them with for await', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    await client().ingest(commands(id, 25));
    const page = await client().sessions.events.list(id, { limit: 10 });
    expect(page.data.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const seqs: number[] = [];
    for await (const e of client().sessions.events.list(id, { limit: 10 })) seqs.push(e.seq);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('ingests idempotently, gzip or not, and reports rejected events by index', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    const batch = commands(id, 3);
    expect(await client().ingest(batch, { gzip: true })).toEqual({
      accepted: 3,
      duplicates: 0,
      rejected: [],
      revoked: [],
    });
    expect(api.requests.at(-1)!.headers.get('content-encoding')).toBe('gzip');
    expect(await client().ingest(batch)).toEqual({
      accepted: 0,
      duplicates: 3,
      rejected: [],
      revoked: [],
    });
  });

  it('refuses a malformed event before sending, naming its index and field', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    const batch = commands(id, 3);
    (batch[1] as { seq: number }).seq = -1;
    const e = await client()
      .ingest(batch)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidParamsError);
    expect((e as InvalidParamsError).path).toBe('events[1].seq');
    expect(api.requests).toHaveLength(0);
  });

  it('retries ingest after a dropped connection without duplicating', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    let drop = true;
    server.use(
      http.post(`${BASE}/v1/ingest`, () => {
        if (drop) {
          drop = false;
          return HttpResponse.error();
        }
        return undefined;
      }),
    );
    const result = await client().ingest(commands(id, 5));
    expect(result.accepted).toBe(5);
    expect(api.events.get(id)).toHaveLength(5);
  });

  it('streams live events over SSE, resumes after a dropped connection without gaps or duplicates, and ends with the session', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    api.addEvents(id, commands(id, 6) as never);
    const seen: (string | null)[] = [];
    let connection = 0;
    server.use(
      http.get(`${BASE}/v1/sessions/:id/events/stream`, ({ request }) => {
        connection++;
        const after = Number(new URL(request.url).searchParams.get('after') ?? -1);
        seen.push(request.headers.get('last-event-id'));
        const events = (api.events.get(id) ?? []).filter((e) => e.seq > after);
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(': connected\nretry: 10\n\n'));
            if (connection === 1) {
              // Three events (the third split across chunks), then the connection drops.
              for (const e of events.slice(0, 2)) {
                controller.enqueue(
                  encoder.encode(`event: event\nid: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`),
                );
              }
              const third = `event: event\nid: ${events[2]!.seq}\ndata: ${JSON.stringify(events[2])}\n\n`;
              controller.enqueue(encoder.encode(third.slice(0, 20)));
              controller.enqueue(encoder.encode(third.slice(20)));
              // Queued chunks are discarded by error(): drop the connection once they are read.
              setTimeout(() => controller.error(new Error('connection reset')), 30);
              return;
            }
            for (const e of events) {
              controller.enqueue(
                encoder.encode(`event: event\nid: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`),
              );
            }
            controller.enqueue(encoder.encode('event: end\ndata: {}\n\n'));
            controller.close();
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const seqs: number[] = [];
    const stream = client().sessions.events.stream(id);
    for await (const e of stream) seqs.push(e.seq);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(connection).toBe(2);
    expect(seen).toEqual([null, '2']);
    expect(stream.lastEventSeq).toBe(5);
    await expect(async () => {
      for await (const _ of stream) break;
    }).rejects.toThrow(/read only once/);
  });

  it('stops a live stream with close()', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    server.use(
      http.get(`${BASE}/v1/sessions/:id/events/stream`, () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(': waiting\n\n'));
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const stream = client().sessions.events.stream(id, { after: 3 });
    setTimeout(() => stream.close(), 50);
    const got: unknown[] = [];
    for await (const e of stream) got.push(e);
    expect(got).toEqual([]);
  });
});

describe('recordings, exports and downloads', () => {
  it('streams a recording that readAsciicast parses', async () => {
    useApi(1);
    const file = await client().sessions.recording(api.sessions[0]!.id);
    expect(file.contentType).toBe('application/x-asciicast');
    const items: AsciicastItem[] = [];
    for await (const item of readAsciicast(file.body)) items.push(item);
    expect(items[0]).toMatchObject({
      kind: 'header',
      header: { version: 3, term: { cols: 80, rows: 24 } },
    });
    expect(
      items.slice(1).map((i) => (i.kind === 'event' ? [i.event.time, i.event.data] : null)),
    ).toEqual([
      [0.5, '$ ls\r\n'],
      [0.75, 'README.md\r\n'],
    ]);
  });

  it('exports NDJSON rows, validated, and CSV as a file with its name', async () => {
    useApi(4);
    const rows = [];
    for await (const row of client().sessions.exportRows({
      environment: ['production', 'staging'],
    }))
      rows.push(row);
    expect(rows.map((r) => r.sessionId)).toEqual(api.sessions.map((s) => s.id));
    expect(rows[0]!.summary).toBe('DROP TABLE "customers", now');
    const csv = await client().sessions.export({ format: 'csv' });
    expect(csv.filename).toBe('sessions.csv');
    const lines = (await csv.text()).split('\n');
    expect(lines[0]).toMatch(/^sessionId,org,actorType,actor,/);
    expect(lines).toHaveLength(5);
  });

  it('downloads a result with its UTF-8 file name', async () => {
    useApi(1);
    const file = await client().downloads.result(api.sessions[0]!.id, 'r1', { format: 'csv' });
    expect(file.filename).toBe('result-r1 é.csv');
    expect(await file.text()).toBe('id,email\n1,****\n');
  });
});

describe('reviews', () => {
  it('creates, lists, approves and refuses a second decision with ConflictError', async () => {
    useApi(1);
    const c = client();
    const session = api.sessions[0]!;
    const review = await c.reviews.create({
      kind: 'command',
      sessionId: session.id,
      eventId: 'evt_1',
      subject: { type: 'query', text: 'UPDATE accounts SET plan = $1' },
      rule: 'update-needs-review',
    });
    expect(review.status).toBe('pending');
    const page = await c.reviews.list({ status: ['pending'] });
    expect(page.data.map((r) => r.id)).toEqual([review.id]);
    const approved = await c.reviews.approve(review.id, { comment: 'ok for OPS-1234' });
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: 'alice@acme.test',
      comment: 'ok for OPS-1234',
    });
    await expect(c.reviews.reject(review.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('waits for a decision with long polls', async () => {
    useApi(1);
    const c = client();
    const review = await c.reviews.create({
      kind: 'session',
      sessionId: api.sessions[0]!.id,
      subject: { type: 'session', text: 'psql billing-db (production)' },
    });
    const waits: string[] = [];
    server.use(
      http.get(`${BASE}/v1/reviews/:id`, async ({ request }) => {
        waits.push(new URL(request.url).searchParams.get('waitMs') ?? '');
        await new Promise((r) => setTimeout(r, 30));
        const current = api.reviews.find((r) => r.id === review.id)!;
        return HttpResponse.json(current);
      }),
    );
    setTimeout(() => void c.reviews.reject(review.id, { comment: 'not now' }), 50);
    const decided = await c.reviews.waitForDecision(review.id);
    expect(decided.status).toBe('rejected');
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.every((w) => Number(w) >= 1000)).toBe(true);
  });
});

describe('overview, relationships and entities', () => {
  it('sends an entity key URL-encoded and refuses a bad kind or query before sending', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/v1/entities/:kind/:key`, ({ request }) => {
        seen.push(new URL(request.url).pathname + new URL(request.url).search);
        return HttpResponse.json(
          { code: 'not_found', message: 'no entity file:/srv/a b.ts' },
          { status: 404 },
        );
      }),
    );
    await expect(client().entities.get('file', '/srv/a b.ts', { limit: 5 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(seen).toEqual(['/v1/entities/file/%2Fsrv%2Fa%20b.ts?limit=5']);
    expect(() => client().entities.get('planet' as never, 'mars')).toThrow(InvalidParamsError);
    expect(() => client().entities.get('host', 'h', { limit: 0 })).toThrow(/limit/);
    expect(() => client().overview({ period: '2d' as never })).toThrow(/period/);
    expect(seen).toHaveLength(1);
  });
});
