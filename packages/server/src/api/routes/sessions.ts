import {
  eventListQuerySchema,
  eventStreamHeadersSchema,
  eventStreamQuerySchema,
  revokeRequestSchema,
  type Session,
  sessionListQuerySchema,
  sessionStatusQuerySchema,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { OPEN_STATUSES } from '../../store/reads';
import { readJsonBody } from '../body';
import {
  type Deps,
  type Env,
  notFound,
  parseBody,
  parseQuery,
  requirePermission,
  reviewKey,
  sessionKey,
  sessionParam,
} from '../context';
import { HttpError } from '../errors';

export function sessionRoutes({ store, cfg, notifier }: Deps) {
  const app = new Hono<Env>();
  const org = (c: Context<Env>) => c.get('principal').org;

  app.get('/sessions', requirePermission('view_history'), async (c) => {
    const query = parseQuery(c, sessionListQuerySchema);
    return c.json(
      await store.listSessions(org(c), query, { now: cfg.now(), countCap: cfg.countCap }),
    );
  });

  app.get('/sessions/:sessionId', requirePermission('view_history'), async (c) => {
    const id = sessionParam(c);
    const session = await store.getSession(org(c), id);
    if (!session) throw notFound('session', id);
    return c.json(session);
  });

  app.get('/sessions/:sessionId/events', requirePermission('view_history'), async (c) => {
    const id = sessionParam(c);
    const page = await store.listEvents(org(c), id, parseQuery(c, eventListQuerySchema));
    if (!page) throw notFound('session', id);
    return c.json(page);
  });

  app.get('/sessions/:sessionId/verify', requirePermission('view_history'), async (c) => {
    const id = sessionParam(c);
    const check = await store.verifySession(org(c), id);
    if (!check) throw notFound('session', id);
    return c.json({ sessionId: id, ok: check.broken === null, ...check });
  });

  app.get('/sessions/:sessionId/events/stream', requirePermission('view_history'), async (c) => {
    const id = sessionParam(c);
    // Checked before the stream opens: once it has, an error could only drop the connection.
    const { after: fromQuery } = parseQuery(c, eventStreamQuerySchema);
    const header = c.req.header('last-event-id');
    const { 'last-event-id': lastEventId } = parseBody(
      eventStreamHeadersSchema,
      header === undefined ? {} : { 'last-event-id': header },
      'headers',
    );
    let after = lastEventId ?? fromQuery ?? -1;
    const o = org(c);
    if (!(await store.getSession(o, id))) throw notFound('session', id);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      await stream.write('retry: 1000\n\n');
      while (!abort.signal.aborted) {
        const page = await store.listEvents(o, id, { after, limit: 500 });
        if (!page) return;
        for (const event of page.data) {
          await stream.writeSSE({
            event: 'event',
            id: String(event.seq),
            data: JSON.stringify(event),
          });
          after = event.seq;
        }
        if (page.data.length === 500) continue;
        const session = await store.getSession(o, id);
        if (!session || !OPEN_STATUSES.has(session.status)) {
          await stream.writeSSE({
            event: 'end',
            data: JSON.stringify({ status: session?.status ?? null }),
          });
          return;
        }
        await notifier.wait(sessionKey(id), cfg.pollMs, abort.signal);
        // A comment keeps proxies from closing an idle stream.
        await stream.write(': ping\n\n');
      }
    });
  });

  /** For recorders: the session's status, held open while it is still `known` (long poll). */
  app.get('/sessions/:sessionId/status', requirePermission('ingest', 'view_history'), async (c) => {
    const id = sessionParam(c);
    const { waitMs = 0, known } = parseQuery(c, sessionStatusQuerySchema);
    const deadline = cfg.now() + Math.min(waitMs, cfg.maxWaitMs);
    for (;;) {
      const session = await store.getSession(org(c), id);
      if (!session) throw notFound('session', id);
      const left = deadline - cfg.now();
      if (session.status !== known || left <= 0 || c.req.raw.signal.aborted) {
        return c.json({ sessionId: id, status: session.status, closeReason: session.closeReason });
      }
      await notifier.wait(sessionKey(id), Math.min(left, cfg.pollMs), c.req.raw.signal);
    }
  });

  app.post('/sessions/:sessionId/revoke', requirePermission('revoke'), async (c) => {
    const id = sessionParam(c);
    const body = parseBody(
      revokeRequestSchema,
      (await readJsonBody(c.req.raw, cfg.maxBodyBytes, { optional: true })) ?? {},
    );
    const principal = c.get('principal');
    let refused: Session | undefined;
    const session = await store.updateSession(principal.org, id, (s) => {
      if (!OPEN_STATUSES.has(s.status)) {
        refused = s;
        return null;
      }
      const now = cfg.now();
      const reason = `revoked by ${principal.name}${body.reason ? `: ${body.reason}` : ''}`;
      return {
        ...s,
        status: 'revoked',
        closeReason: reason,
        endedAt: new Date(now).toISOString(),
        durationMs: Math.max(0, now - Date.parse(s.startedAt)),
      };
    });
    if (!session) throw notFound('session', id);
    if (refused)
      throw new HttpError(
        409,
        'conflict',
        `session ${id} is ${refused.status}, not active: nothing to revoke`,
      );
    const cancelled = await store.shared.cancelReviews(
      principal.org,
      id,
      `the session was revoked by ${principal.name}`,
      cfg.now(),
    );
    for (const r of cancelled) notifier.notify(reviewKey(r.id));
    notifier.notify(sessionKey(id));
    return c.json(session);
  });

  return app;
}
