import { randomBytes } from 'node:crypto';
import {
  type Event,
  eventListQuerySchema,
  eventSchema,
  fromSearchParams,
  type IngestResult,
  MAX_INGEST_BATCH,
  sessionIdSchema,
  sessionListQuerySchema,
} from '@auditlane/client';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { ZodError, type z } from 'zod';
import { CursorError } from '../store/cursor';
import type { Permission, Principal, Store } from '../store/types';
import { readJsonBody } from './body';
import { describeZodError, HttpError, validationError } from './errors';

export interface AppConfig {
  /** Largest request body accepted, after decompression. Default 10 MiB. */
  maxBodyBytes: number;
  /** Most sessions a `capped` count counts. Default 10,000. */
  countCap: number;
  /** DISABLE_SESSIONS_DOWNLOAD: refuse results, logs, recordings and exports as files. */
  disableDownloads: boolean;
  /** The clock, for tests. */
  now: () => number;
}

export const DEFAULT_APP_CONFIG: AppConfig = {
  maxBodyBytes: 10 * 1024 * 1024,
  countCap: 10_000,
  disableDownloads: false,
  now: Date.now,
};

type Env = { Variables: { principal: Principal; requestId: string } };

/** The HTTP API of the reference server, on any runtime Hono runs on. */
export function createApp(store: Store, config: Partial<AppConfig> = {}) {
  const cfg: AppConfig = { ...DEFAULT_APP_CONFIG, ...config };
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const requestId = `req_${randomBytes(8).toString('hex')}`;
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
  });

  app.onError((error, c) => {
    const requestId = c.get('requestId');
    if (error instanceof HttpError) {
      return c.json(
        { code: error.code, message: error.message, details: error.details, requestId },
        error.status as 400,
      );
    }
    console.error(`[auditlane] ${requestId} ${c.req.method} ${c.req.path}:`, error);
    return c.json({ code: 'internal', message: 'internal server error', requestId }, 500);
  });

  app.notFound((c) =>
    c.json(
      {
        code: 'not_found',
        message: `no route ${c.req.method} ${c.req.path}`,
        requestId: c.get('requestId'),
      },
      404,
    ),
  );

  app.get('/healthz', (c) => c.json({ ok: true, store: store.dialect }));

  const v1 = new Hono<Env>();
  v1.use('*', authenticate(store));

  v1.post('/ingest', requirePermission('ingest'), async (c) => {
    const body = await readJsonBody(c.req.raw, cfg.maxBodyBytes);
    if (
      !body ||
      typeof body !== 'object' ||
      !Array.isArray((body as { events?: unknown }).events)
    ) {
      throw new HttpError(
        400,
        'validation_failed',
        'the body must be an object with an "events" array',
      );
    }
    const raw = (body as { events: unknown[] }).events;
    if (raw.length === 0) throw new HttpError(400, 'validation_failed', 'events must not be empty');
    if (raw.length > MAX_INGEST_BATCH) {
      throw new HttpError(
        413,
        'payload_too_large',
        `a batch holds at most ${MAX_INGEST_BATCH} events, got ${raw.length}: split it`,
      );
    }
    const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
    const valid: Event[] = [];
    const positions: number[] = [];
    raw.forEach((item, index) => {
      const parsed = eventSchema.safeParse(item);
      if (parsed.success) {
        valid.push(parsed.data);
        positions.push(index);
      } else {
        const id =
          item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string'
            ? (item as { id: string }).id
            : null;
        result.rejected.push({
          index,
          id,
          code: 'validation_failed',
          message: describeZodError(parsed.error, `events[${index}]`),
        });
      }
    });
    if (valid.length > 0) {
      const outcomes = await store.ingest(
        c.get('principal').org,
        valid,
        new Date(cfg.now()).toISOString(),
      );
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'accepted') result.accepted++;
        else if (outcome.status === 'duplicate') result.duplicates++;
        else {
          const event = valid[i]!;
          result.rejected.push({
            index: positions[i]!,
            id: event.id,
            code: outcome.code,
            message: `events[${positions[i]}]: ${outcome.message}`,
          });
        }
      });
      result.rejected.sort((a, b) => a.index - b.index);
    }
    return c.json(result);
  });

  v1.get('/sessions', requirePermission('view_history'), async (c) => {
    const query = parseQuery(c, sessionListQuerySchema, 'query parameters');
    try {
      return c.json(
        await store.listSessions(c.get('principal').org, query, {
          now: cfg.now(),
          countCap: cfg.countCap,
        }),
      );
    } catch (error) {
      if (error instanceof CursorError) throw new HttpError(400, 'bad_request', error.message);
      throw error;
    }
  });

  v1.get('/sessions/:sessionId', requirePermission('view_history'), async (c) => {
    const id = sessionParam(c);
    const session = await store.getSession(c.get('principal').org, id);
    if (!session) throw notFound('session', id);
    return c.json(session);
  });

  v1.get('/sessions/:sessionId/events', requirePermission('view_history'), async (c) => {
    const id = sessionParam(c);
    const query = parseQuery(c, eventListQuerySchema, 'query parameters');
    const page = await store.listEvents(c.get('principal').org, id, query);
    if (!page) throw notFound('session', id);
    return c.json(page);
  });

  v1.get('/sessions/:sessionId/verify', requirePermission('view_history'), async (c) => {
    const id = sessionParam(c);
    const check = await store.verifySession(c.get('principal').org, id);
    if (!check) throw notFound('session', id);
    return c.json({ sessionId: id, ok: check.broken === null, ...check });
  });

  app.route('/v1', v1);
  return app;
}

function authenticate(store: Store): MiddlewareHandler<Env> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new HttpError(
        401,
        'unauthorized',
        'missing API token: send Authorization: Bearer <token>',
      );
    const principal = await store.findToken(match[1]!);
    if (!principal) throw new HttpError(401, 'unauthorized', 'invalid API token');
    c.set('principal', principal);
    await next();
  };
}

function requirePermission(permission: Permission): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (!c.get('principal').permissions.has(permission)) {
      throw new HttpError(
        403,
        'permission_denied',
        `this token lacks the ${permission} permission`,
        { permission },
      );
    }
    await next();
  };
}

function parseQuery<S extends z.ZodType>(c: Context<Env>, schema: S, what: string): z.infer<S> {
  try {
    return fromSearchParams(schema, new URL(c.req.url).searchParams);
  } catch (error) {
    if (error instanceof ZodError) throw validationError(error, what);
    throw error;
  }
}

function sessionParam(c: Context<Env>): string {
  const id = c.req.param('sessionId') ?? '';
  // A malformed id cannot exist: answer 404 like any unknown id, naming what is wrong.
  if (!sessionIdSchema.safeParse(id).success)
    throw new HttpError(404, 'not_found', `no session ${id} (not a session id)`);
  return id;
}

function notFound(what: string, id: string): HttpError {
  return new HttpError(404, 'not_found', `no ${what} ${id}`);
}
