import { randomBytes } from 'node:crypto';
import { OPERATIONS, PERMISSIONS, type Viewer } from '@auditlane/client';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { CursorError } from '../store/cursor';
import type { Store } from '../store/types';
import {
  type AppConfig,
  authenticate,
  DEFAULT_APP_CONFIG,
  type Deps,
  type Env,
  route,
} from './context';
import { HttpError } from './errors';
import { Notifier } from './notifier';
import { alertRoutes } from './routes/alerts';
import { downloadRoutes } from './routes/downloads';
import { ingestRoutes } from './routes/ingest';
import { meaningRoutes } from './routes/meaning';
import { otlpRoutes } from './routes/otlp';
import { reviewRoutes } from './routes/reviews';
import { sessionRoutes } from './routes/sessions';

export { type AppConfig, DEFAULT_APP_CONFIG } from './context';

/** The HTTP API of the reference server (`/v1`), on any runtime Hono runs on. */
export function createApp(store: Store, config: Partial<AppConfig> = {}) {
  const deps: Deps = { store, cfg: { ...DEFAULT_APP_CONFIG, ...config }, notifier: new Notifier() };
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const requestId = `req_${randomBytes(8).toString('hex')}`;
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
    // On every answer (errors, 404s, live streams and files too): a browser never sniffs a
    // recorded payload into HTML or script.
    c.res.headers.set('x-content-type-options', 'nosniff');
    // Evidence is never kept by a browser's or a proxy's cache (playback, events, live tails).
    if (c.req.path.startsWith('/v1/')) c.res.headers.set('cache-control', 'no-store');
  });

  app.onError((error, c) => {
    const requestId = c.get('requestId');
    if (error instanceof HttpError) {
      return c.json(
        { code: error.code, message: error.message, details: error.details, requestId },
        error.status as 400,
      );
    }
    if (error instanceof CursorError) {
      // Thrown wherever a store reads a `cursor` back (sessions, reviews, the access log, exports).
      return c.json(
        {
          code: 'validation_failed',
          message: `invalid query parameters: ${error.message}`,
          details: { issues: [{ path: 'cursor', message: error.message }] },
          requestId,
        },
        400,
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

  if (deps.cfg.corsOrigins.length > 0) {
    // Browsers on these origins (an admin panel served elsewhere) may call the API with a token.
    const allowed = new Set(deps.cfg.corsOrigins);
    app.use(
      '/v1/*',
      cors({
        origin: (origin) => (allowed.has('*') || allowed.has(origin) ? origin : null),
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
        allowHeaders: ['authorization', 'content-type', 'content-encoding', 'last-event-id'],
        exposeHeaders: ['x-request-id', 'retry-after', 'retry-after-ms', 'content-disposition'],
        maxAge: 600,
      }),
    );
  }

  const v1 = new Hono<Env>();
  v1.use('*', authenticate(store));
  route(v1, deps, OPERATIONS.getViewer, (c) => {
    const p = c.get('principal');
    const viewer: Viewer = {
      org: p.org,
      token: { id: p.tokenId, name: p.name },
      permissions: PERMISSIONS.filter((permission) => p.permissions.has(permission)),
      downloadsEnabled: !deps.cfg.disableDownloads,
    };
    return c.json(viewer);
  });
  v1.route('/', ingestRoutes(deps));
  // Before the session routes: `/sessions/export` must not be read as a session id.
  v1.route('/', downloadRoutes(deps));
  v1.route('/', sessionRoutes(deps));
  v1.route('/', reviewRoutes(deps));
  v1.route('/', meaningRoutes(deps));
  v1.route('/', alertRoutes(deps));
  app.route('/v1', v1);
  // The OpenTelemetry receiver: `OTEL_EXPORTER_OTLP_ENDPOINT=<server>/otlp` appends `/v1/logs`.
  app.route('/', otlpRoutes(deps));
  return app;
}
