// An in-memory implementation of the API for the client's tests, as MSW handlers. Requests are
// parsed with the same schemas the server uses and every response is validated against the
// response schema before it is sent, so the fake cannot drift from the contract.
import { HttpResponse, http } from 'msw';
import type { z } from 'zod';
import {
  createIdGenerator,
  createReviewSchema,
  type Event,
  EXPORT_COLUMNS,
  type ExportRow,
  errorBodySchema,
  eventListQuerySchema,
  eventPageSchema,
  eventSchema,
  exportRowSchema,
  fromSearchParams,
  type IngestRejection,
  ingestResultSchema,
  type Review,
  reviewPageSchema,
  reviewSchema,
  type Session,
  type StoredEvent,
  sessionListQuerySchema,
  sessionPageSchema,
  sessionSchema,
} from '../src/model';

export const BASE = 'http://api.test';
export const TOKEN = 'tok_admin';

const ids = createIdGenerator();

export function makeSession(i: number, overrides: Partial<Session> = {}): Session {
  const started = Date.UTC(2026, 10, 25, 6, 0, 0) - i * 60_000;
  return sessionSchema.parse({
    id: ids.sessionId(started),
    org: 'org_acme',
    actor:
      i % 2 === 0
        ? { type: 'human', id: `u${i % 5}`, email: `user${i % 5}@acme.test` }
        : { type: 'agent', id: 'claude', agent: { name: 'Claude Code', version: '1.2.0' } },
    resource: {
      name: 'billing-db',
      type: 'database',
      engine: 'postgres',
      environment: i % 3 ? 'staging' : 'production',
    },
    endpoint: '10.0.0.7',
    model: null,
    credential: { kind: 'api_key', fingerprint: 'sk-ant-...A3F2' },
    mode: 'interactive',
    reason: null,
    status: i === 0 ? 'active' : 'ended',
    startedAt: new Date(started).toISOString(),
    endedAt: i === 0 ? null : new Date(started + 30_000).toISOString(),
    durationMs: i === 0 ? null : 30_000,
    closeReason: null,
    recorded: true,
    counters: {
      commands: 5,
      queries: 2,
      blocked: 1,
      pending: 0,
      approved: 1,
      rejected: 0,
      maskedFields: 4,
      bytes: 1024,
    },
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    labels: {},
    significance: { score: i % 100, reasons: [] },
    ...overrides,
  });
}

function error(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return HttpResponse.json(errorBodySchema.parse({ code, message, requestId: 'req_test' }), {
    status,
    headers: { 'x-request-id': 'req_test', ...headers },
  });
}

function ok<S extends z.ZodType>(schema: S, body: z.input<S>, status = 200) {
  return HttpResponse.json(schema.parse(body) as object, {
    status,
    headers: { 'x-request-id': 'req_test' },
  });
}

export interface FakeApi {
  sessions: Session[];
  events: Map<string, StoredEvent[]>;
  reviews: Review[];
  requests: Request[];
  downloadsDisabled: boolean;
  handlers: ReturnType<typeof http.get>[];
  addEvents(sessionId: string, events: Event[]): void;
}

export function createFakeApi(sessionCount = 0): FakeApi {
  const api: FakeApi = {
    sessions: Array.from({ length: sessionCount }, (_, i) => makeSession(i)),
    events: new Map(),
    reviews: [],
    requests: [],
    downloadsDisabled: false,
    handlers: [],
    addEvents(sessionId, events) {
      const list = api.events.get(sessionId) ?? [];
      for (const e of events) {
        list.push({
          ...e,
          receivedAt: '2026-11-25T06:00:00.000Z',
          hash: 'a'.repeat(64),
        } as StoredEvent);
      }
      api.events.set(sessionId, list);
    },
  };
  const auth = (request: Request) => {
    api.requests.push(request.clone());
    return request.headers.get('authorization') === `Bearer ${TOKEN}`;
  };
  const find = (id: string | readonly string[] | undefined) =>
    api.sessions.find((s) => s.id === id);

  api.handlers = [
    http.get(`${BASE}/v1/sessions`, ({ request }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      let query: z.infer<typeof sessionListQuerySchema>;
      try {
        query = fromSearchParams(sessionListQuerySchema, new URL(request.url).searchParams);
      } catch (e) {
        return error(400, 'validation_failed', String(e));
      }
      let rows = api.sessions.filter(
        (s) =>
          (!query.status || query.status.includes(s.status)) &&
          (!query.environment || query.environment.includes(s.resource.environment)),
      );
      if (query.sort === 'significance') {
        rows = [...rows].sort(
          (a, b) => (b.significance?.score ?? 0) - (a.significance?.score ?? 0),
        );
      }
      const start = query.cursor ? Number(query.cursor) : 0;
      const data = rows.slice(start, start + query.limit);
      const next = start + query.limit < rows.length ? String(start + query.limit) : null;
      const cap = 1000;
      const count =
        query.count === 'none'
          ? { mode: 'none' as const, value: null, capped: false }
          : query.count === 'exact'
            ? { mode: 'exact' as const, value: rows.length, capped: false }
            : {
                mode: 'capped' as const,
                value: Math.min(rows.length, cap),
                capped: rows.length > cap,
              };
      return ok(sessionPageSchema, { data, nextCursor: next, count });
    }),
    http.get(`${BASE}/v1/sessions/export`, ({ request }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      if (api.downloadsDisabled)
        return error(403, 'downloads_disabled', 'downloads are disabled on this server');
      const format = new URL(request.url).searchParams.get('format') ?? 'ndjson';
      const rows: ExportRow[] = api.sessions.map((s) =>
        exportRowSchema.parse({
          sessionId: s.id,
          org: s.org,
          actorType: s.actor.type,
          actor: s.actor.email ?? s.actor.id,
          resource: s.resource.name,
          resourceType: s.resource.type,
          environment: s.resource.environment,
          status: s.status,
          startedAt: s.startedAt,
          endedAt: s.endedAt,
          eventSeq: null,
          eventTime: null,
          eventType: null,
          summary: 'DROP TABLE "customers", now',
          verdict: 'blocked',
          reviewer: null,
          reason: null,
        }),
      );
      const body =
        format === 'csv'
          ? [
              EXPORT_COLUMNS.join(','),
              ...rows.map((r) => EXPORT_COLUMNS.map((c) => JSON.stringify(r[c] ?? '')).join(',')),
            ].join('\n')
          : rows.map((r) => JSON.stringify(r)).join('\n');
      return new HttpResponse(body, {
        headers: {
          'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson',
          'content-disposition': `attachment; filename="sessions.${format}"`,
        },
      });
    }),
    http.get(`${BASE}/v1/sessions/:id`, ({ request, params }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      const session = find(params.id);
      if (!session) return error(404, 'not_found', `no session ${String(params.id)}`);
      return ok(sessionSchema, session);
    }),
    http.get(`${BASE}/v1/sessions/:id/events`, ({ request, params }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      if (!find(params.id)) return error(404, 'not_found', `no session ${String(params.id)}`);
      const query = fromSearchParams(eventListQuerySchema, new URL(request.url).searchParams);
      const all = (api.events.get(String(params.id)) ?? []).filter(
        (e) => e.seq > (query.after ?? -1) && (!query.type || query.type.includes(e.type)),
      );
      const data = all.slice(0, query.limit);
      const last = data.at(-1);
      return ok(eventPageSchema, {
        data,
        nextCursor: last && all.length > data.length ? String(last.seq) : null,
      });
    }),
    http.get(`${BASE}/v1/sessions/:id/recording`, ({ request, params }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      if (!find(params.id)) return error(404, 'not_found', `no session ${String(params.id)}`);
      const cast = [
        JSON.stringify({ version: 3, term: { cols: 80, rows: 24 } }),
        JSON.stringify([0.5, 'o', '$ ls\r\n']),
        JSON.stringify([0.25, 'o', 'README.md\r\n']),
        '',
      ].join('\n');
      return new HttpResponse(cast, { headers: { 'content-type': 'application/x-asciicast' } });
    }),
    http.get(`${BASE}/v1/sessions/:id/results/:ref`, ({ request, params }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      if (api.downloadsDisabled)
        return error(403, 'downloads_disabled', 'downloads are disabled on this server');
      if (request.headers.get('x-role') === 'viewer') {
        return error(403, 'permission_denied', 'token lacks download_recording');
      }
      return new HttpResponse(`id,email\n1,****\n`, {
        headers: {
          'content-type': 'text/csv',
          'content-disposition': `attachment; filename*=UTF-8''result-${String(params.ref)}%20%C3%A9.csv`,
        },
      });
    }),
    http.post(`${BASE}/v1/sessions/:id/revoke`, async ({ request, params }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      const session = find(params.id);
      if (!session) return error(404, 'not_found', `no session ${String(params.id)}`);
      if (session.status !== 'active') return error(409, 'conflict', 'session is not active');
      const body = (await request.json()) as { reason?: string };
      session.status = 'revoked';
      session.closeReason = body.reason ?? null;
      return ok(sessionSchema, session);
    }),
    http.post(`${BASE}/v1/ingest`, async ({ request }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      let text: string;
      if (request.headers.get('content-encoding') === 'gzip') {
        const stream = request.body!.pipeThrough(new DecompressionStream('gzip'));
        text = await new Response(stream).text();
      } else {
        text = await request.text();
      }
      const body = JSON.parse(text) as { events: unknown[] };
      let accepted = 0;
      let duplicates = 0;
      const rejected: IngestRejection[] = [];
      body.events.forEach((raw, index) => {
        const parsed = eventSchema.safeParse(raw);
        if (!parsed.success) {
          rejected.push({
            index,
            id: null,
            code: 'validation_failed',
            message: parsed.error.issues[0]?.message ?? '',
          });
          return;
        }
        const list = api.events.get(parsed.data.sessionId) ?? [];
        if (list.some((e) => e.id === parsed.data.id)) duplicates++;
        else {
          api.addEvents(parsed.data.sessionId, [parsed.data]);
          accepted++;
        }
      });
      return ok(ingestResultSchema, { accepted, duplicates, rejected });
    }),
    http.post(`${BASE}/v1/reviews`, async ({ request }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      const body = createReviewSchema.parse(await request.json());
      const session = find(body.sessionId);
      if (!session) return error(404, 'not_found', `no session ${body.sessionId}`);
      const review = reviewSchema.parse({
        id: ids.reviewId(),
        org: session.org,
        kind: body.kind,
        status: 'pending',
        sessionId: body.sessionId,
        eventId: body.eventId ?? null,
        subject: body.subject,
        requestedBy: session.actor,
        requestedByToken: { id: 'tok_fake', name: 'recorders' },
        resource: session.resource,
        rule: body.rule ?? null,
        reason: body.reason ?? null,
        requestedAt: new Date().toISOString(),
        expiresAt: null,
        decidedBy: null,
        decidedByToken: null,
        decidedAt: null,
        comment: null,
      });
      api.reviews.push(review);
      return ok(reviewSchema, review, 201);
    }),
    http.get(`${BASE}/v1/reviews`, ({ request }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      return ok(reviewPageSchema, { data: api.reviews, nextCursor: null });
    }),
    http.post(`${BASE}/v1/reviews/:id/:decision`, async ({ request, params }) => {
      if (!auth(request)) return error(401, 'unauthorized', 'missing or invalid token');
      const review = api.reviews.find((r) => r.id === params.id);
      if (!review) return error(404, 'not_found', `no review ${String(params.id)}`);
      if (review.status !== 'pending')
        return error(409, 'conflict', `review is already ${review.status}`);
      const body = (await request.json()) as { comment?: string };
      review.status = params.decision === 'approve' ? 'approved' : 'rejected';
      review.decidedBy = 'alice@acme.test';
      review.decidedByToken = { id: 'tok_alice', name: 'alice@acme.test' };
      review.decidedAt = new Date().toISOString();
      review.comment = body.comment ?? null;
      return ok(reviewSchema, review);
    }),
  ];
  return api;
}
