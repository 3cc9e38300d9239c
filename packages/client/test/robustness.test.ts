import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIUserAbortError,
  createClient,
  createIdGenerator,
  type EventInput,
  RateLimitError,
  UnexpectedResponseError,
} from '../src';
import { Transport } from '../src/internal/transport';
import { BASE, createFakeApi, type FakeApi, TOKEN } from './fake-api';

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
  createClient({ baseUrl: BASE, token: TOKEN, ...options });

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

const encoder = new TextEncoder();
const sse = (chunks: string[], keepOpen = false) =>
  new HttpResponse(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(encoder.encode(c));
        if (!keepOpen) controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
const eventFrame = (e: unknown) =>
  `event: event\nid: ${(e as { seq: number }).seq}\ndata: ${JSON.stringify(e)}\n\n`;

/** A signal that counts the abort listeners hooked on it. */
function countingSignal() {
  const controller = new AbortController();
  const live = new Set<unknown>();
  const { signal } = controller;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, fn: EventListener, o?: AddEventListenerOptions) => {
    live.add(fn);
    add(type, fn, o);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, fn: EventListener) => {
    live.delete(fn);
    remove(type, fn);
  }) as typeof signal.removeEventListener;
  return {
    controller,
    signal,
    get listeners() {
      return live.size;
    },
  };
}

describe('fetch', () => {
  it('calls fetch as a plain function, as browsers require', async () => {
    useApi(1);
    const strict = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      // What Chrome, Firefox and workers do when fetch is called as a method of another object.
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      return globalThis.fetch(input, init);
    };
    const page = await client({ fetch: strict as typeof fetch }).sessions.list();
    expect(page.data).toHaveLength(1);
  });

  it('lets an error of getToken() through as it is, without retrying', async () => {
    useApi(1);
    let calls = 0;
    const failing = client({
      token: undefined,
      getToken: () => {
        calls++;
        throw new Error('token store unavailable');
      },
    });
    await expect(failing.sessions.list()).rejects.toThrow('token store unavailable');
    expect(calls).toBe(1);
    expect(api.requests).toHaveLength(0);
  });
});

describe('responses', () => {
  it('names a success response that is not JSON (a proxy page), without retrying', async () => {
    useApi(1);
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/sessions/:id`, () => {
        calls++;
        return new HttpResponse('<html>Bad gateway page</html>', {
          headers: { 'content-type': 'text/html', 'x-request-id': 'req_1' },
        });
      }),
    );
    const e = await client()
      .sessions.get(api.sessions[0]!.id)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnexpectedResponseError);
    expect((e as UnexpectedResponseError).message).toMatch(
      /sessions\.get: status 200, content-type text\/html, expected JSON: "<html>Bad gateway page<\/html>" \(request req_1\)/,
    );
    expect(calls).toBe(1);
  });

  it('returns a 204 as an empty response instead of failing and retrying', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/v1/nothing`, () => {
        calls++;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const transport = new Transport({ baseUrl: BASE, token: TOKEN });
    const res = await transport.send({
      method: 'POST',
      path: '/v1/nothing',
      idempotent: true,
      what: 'nothing',
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(calls).toBe(1);
  });

  it('gives up at once when the server asks to wait longer than a retry waits', async () => {
    useApi(1);
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/sessions`, () => {
        calls++;
        return HttpResponse.json(
          { code: 'rate_limited', message: 'slow down', details: null },
          { status: 429, headers: { 'retry-after': '120' } },
        );
      }),
    );
    const started = Date.now();
    await expect(client().sessions.list()).rejects.toBeInstanceOf(RateLimitError);
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('asks a failed first page again instead of remembering the failure', async () => {
    useApi(3);
    let fail = true;
    server.use(
      http.get(`${BASE}/v1/sessions`, () => {
        if (!fail) return undefined;
        fail = false;
        return HttpResponse.json(
          { code: 'not_found', message: 'no', details: null },
          { status: 404 },
        );
      }),
    );
    const pages = client().sessions.list();
    await expect(pages).rejects.toThrow(/no/);
    const ids: string[] = [];
    for await (const s of pages) ids.push(s.id);
    expect(ids).toHaveLength(3);
  });
});

describe('long polls', () => {
  it('lets a long poll outlast a short client timeout, and keeps the timeout for other calls', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    server.use(
      http.get(`${BASE}/v1/sessions/:id/status`, async () => {
        await new Promise((r) => setTimeout(r, 150));
        return HttpResponse.json({ sessionId: id, status: 'active', closeReason: null });
      }),
      http.get(`${BASE}/v1/sessions/:id/verify`, async () => {
        await new Promise((r) => setTimeout(r, 150));
        return HttpResponse.json({ sessionId: id, ok: true, events: 0, broken: null });
      }),
    );
    const c = client({ timeoutMs: 50, retries: 0 });
    await expect(c.sessions.status(id, { waitMs: 100 })).resolves.toMatchObject({
      status: 'active',
    });
    await expect(c.sessions.verify(id)).rejects.toThrow(/timed out after 50 ms/);
  });

  it('does not poll hard when a decision poll comes back early', async () => {
    useApi(1);
    const times: number[] = [];
    server.use(
      http.get(`${BASE}/v1/reviews/:id`, ({ params }) => {
        times.push(Date.now());
        const review = api.reviews.find((r) => r.id === params.id);
        // Answers at once (ignores waitMs), pending twice, then decided.
        if (review && times.length === 3) review.status = 'approved';
        return review ? HttpResponse.json(review) : undefined;
      }),
    );
    const c = client();
    const review = await c.reviews.create({
      kind: 'command',
      sessionId: api.sessions[0]!.id,
      eventId: 'evt_1',
      subject: { type: 'query', text: 'DROP TABLE customers' },
    });
    const decided = await c.reviews.waitForDecision(review.id);
    expect(decided.status).toBe('approved');
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);
  }, 10_000);
});

describe('downloads and streams release the caller signal', () => {
  it('unhooks every listener from the caller signal after downloads and a stream', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    const c = client();
    const s = countingSignal();
    for (let i = 0; i < 3; i++) {
      const file = await c.sessions.export({ format: 'csv' }, { signal: s.signal });
      await file.text();
    }
    const partly = await c.sessions.recording(id, {}, { signal: s.signal });
    await partly.body.cancel();
    api.addEvents(id, commands(id, 2) as never);
    server.use(
      http.get(`${BASE}/v1/sessions/:id/events/stream`, () =>
        sse([...(api.events.get(id) ?? []).map(eventFrame), 'event: end\ndata: {}\n\n']),
      ),
    );
    const stream = c.sessions.events.stream(id, { signal: s.signal });
    for await (const _ of stream);
    expect(s.listeners).toBe(0);
  });

  it('reports an abort while a download is read as APIUserAbortError', async () => {
    server.use(
      http.get(
        `${BASE}/v1/sessions/export`,
        () =>
          new HttpResponse(
            new ReadableStream<Uint8Array>({
              start(controller) {
                controller.enqueue(encoder.encode('sessionId,org\n'));
              },
            }),
            { headers: { 'content-type': 'text/csv' } },
          ),
      ),
    );
    const controller = new AbortController();
    const file = await client().sessions.export({ format: 'csv' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const e = await file.text().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(APIUserAbortError);
  });
});

describe('live stream resilience', () => {
  it('keeps going through failed reconnects (a server restart) within its budget', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    api.addEvents(id, commands(id, 4) as never);
    let connection = 0;
    server.use(
      http.get(`${BASE}/v1/sessions/:id/events/stream`, ({ request }) => {
        connection++;
        const after = Number(new URL(request.url).searchParams.get('after') ?? -1);
        const events = (api.events.get(id) ?? []).filter((e) => e.seq > after);
        if (connection === 1) return sse(['retry: 10\n\n', eventFrame(events[0])]);
        if (connection <= 3)
          return HttpResponse.json(
            { code: 'unavailable', message: 'restarting', details: null },
            { status: 503 },
          );
        return sse([...events.map(eventFrame), 'event: end\ndata: {}\n\n']);
      }),
    );
    const seqs: number[] = [];
    for await (const e of client({ retries: 0 }).sessions.events.stream(id, { reconnects: 3 }))
      seqs.push(e.seq);
    expect(seqs).toEqual([0, 1, 2, 3]);
    expect(connection).toBe(4);
  }, 15_000);

  it('reopens a connection that went silent, resuming where it was', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    api.addEvents(id, commands(id, 3) as never);
    const lastIds: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/v1/sessions/:id/events/stream`, ({ request }) => {
        lastIds.push(request.headers.get('last-event-id'));
        const after = Number(new URL(request.url).searchParams.get('after') ?? -1);
        const events = (api.events.get(id) ?? []).filter((e) => e.seq > after);
        // The first connection delivers one event, then hangs without a byte more.
        if (lastIds.length === 1) return sse(['retry: 10\n\n', eventFrame(events[0])], true);
        return sse([...events.map(eventFrame), 'event: end\ndata: {}\n\n']);
      }),
    );
    const seqs: number[] = [];
    for await (const e of client().sessions.events.stream(id, { idleTimeoutMs: 200 }))
      seqs.push(e.seq);
    expect(seqs).toEqual([0, 1, 2]);
    expect(lastIds).toEqual([null, '0']);
  });

  it('delivers the events that came before a malformed one, then fails naming it', async () => {
    useApi(1);
    const id = api.sessions[0]!.id;
    api.addEvents(id, commands(id, 2) as never);
    server.use(
      http.get(`${BASE}/v1/sessions/:id/events/stream`, () =>
        sse([
          (api.events.get(id) ?? []).map(eventFrame).join('') +
            'event: event\ndata: {"seq":"x"}\n\n',
        ]),
      ),
    );
    const stream = client().sessions.events.stream(id);
    const seqs: number[] = [];
    const e = await (async () => {
      for await (const ev of stream) seqs.push(ev.seq);
    })().catch((x: unknown) => x);
    expect(seqs).toEqual([0, 1]);
    expect(stream.lastEventSeq).toBe(1);
    expect(String(e)).toMatch(/Unexpected response from sessions\.events\.stream/);
  });

  it('fails clearly when the stream answers with something other than server-sent events', async () => {
    useApi(1);
    server.use(
      http.get(`${BASE}/v1/sessions/:id/events/stream`, () =>
        HttpResponse.json({ hello: 'proxy' }),
      ),
    );
    const e = await (async () => {
      for await (const _ of client().sessions.events.stream(api.sessions[0]!.id));
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnexpectedResponseError);
    expect(String(e)).toMatch(/expected text\/event-stream/);
  });
});
