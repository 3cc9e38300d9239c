import {
  EVENT_TYPES,
  eventListQuerySchema,
  OPERATIONS,
  revokeRequestSchema,
  type Session,
  sessionListQuerySchema,
  sessionStatusSchema,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { CursorError } from '../../store/cursor';
import { OPEN_STATUSES } from '../../store/reads';
import { readJsonBody } from '../body';
import {
  type Deps,
  type Env,
  logAccess,
  logRefusal,
  notFound,
  parseBody,
  parseQuery,
  reviewKey,
  route,
  sessionKey,
  sessionParam,
} from '../context';
import { HttpError } from '../errors';

/** Terminal output is the recording: a token without view_recording sees the other events. */
const seesRecording = (c: Context<Env>) => c.get('principal').permissions.has('view_recording');
const NOT_TERMINAL = EVENT_TYPES.filter((t) => t !== 'terminal');

export function sessionRoutes(deps: Deps) {
  const { store, cfg, notifier } = deps;
  const app = new Hono<Env>();
  const org = (c: Context<Env>) => c.get('principal').org;

  route(app, deps, OPERATIONS.listSessions, async (c) => {
    const query = parseQuery(c, sessionListQuerySchema);
    try {
      return c.json(
        await store.listSessions(org(c), query, { now: cfg.now(), countCap: cfg.countCap }),
      );
    } catch (error) {
      if (error instanceof CursorError) throw new HttpError(400, 'bad_request', error.message);
      throw error;
    }
  });

  route(app, deps, OPERATIONS.getSession, async (c) => {
    const id = sessionParam(c);
    const session = await store.getSession(org(c), id);
    if (!session) throw notFound('session', id);
    return c.json(session);
  });

  route(app, deps, OPERATIONS.listSessionEvents, async (c) => {
    const id = sessionParam(c);
    const query = parseQuery(c, eventListQuerySchema);
    if (!seesRecording(c)) {
      if (query.type?.includes('terminal')) {
        const refused = new HttpError(
          403,
          'permission_denied',
          'terminal events are the recording: this token lacks the view_recording permission',
          { permissions: ['view_recording'] },
        );
        await logRefusal(deps, c, 'view_recording', refused);
        throw refused;
      }
      if (!query.type?.length) query.type = [...NOT_TERMINAL];
    }
    const page = await store.listEvents(org(c), id, query);
    if (!page) throw notFound('session', id);
    // Terminal output read a page at a time is a view of the recording too (live playback).
    const terminal = page.data.filter((e) => e.type === 'terminal');
    if (terminal.length > 0) {
      await logAccess(
        deps,
        c,
        'view_recording',
        id,
        `events ${terminal[0]!.seq}-${terminal.at(-1)!.seq} (${terminal.length} terminal)`,
      );
    }
    return c.json(page);
  });

  route(app, deps, OPERATIONS.verifySession, async (c) => {
    const id = sessionParam(c);
    const check = await store.verifySession(org(c), id);
    if (!check) throw notFound('session', id);
    return c.json({ sessionId: id, ok: check.broken === null, ...check });
  });

  const afterSchema = z.object({ after: z.coerce.number().int().min(-1).optional() });

  route(app, deps, OPERATIONS.streamSessionEvents, async (c) => {
    const id = sessionParam(c);
    const { after: fromQuery } = parseQuery(c, afterSchema);
    const lastEventId = c.req.header('last-event-id');
    let after =
      lastEventId && /^-?\d+$/.test(lastEventId) ? Number(lastEventId) : (fromQuery ?? -1);
    const o = org(c);
    const recording = seesRecording(c);
    let logged = false;
    if (!(await store.getSession(o, id))) throw notFound('session', id);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      await stream.write('retry: 1000\n\n');
      while (!abort.signal.aborted) {
        const page = await store.listEvents(o, id, { after, limit: 500 });
        if (!page) return;
        for (const event of page.data) {
          after = event.seq;
          if (event.type === 'terminal') {
            if (!recording) continue;
            if (abort.signal.aborted) return;
            if (!logged) {
              // Once per stream: watching the live terminal is a view of the recording.
              logged = true;
              await logAccess(deps, c, 'view_recording', id, `live tail from seq ${event.seq}`);
            }
          }
          await stream.writeSSE({
            event: 'event',
            id: String(event.seq),
            data: JSON.stringify(event),
          });
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

  const statusQuery = z.object({
    waitMs: z.coerce.number().int().min(0).max(60_000).optional(),
    known: sessionStatusSchema.optional(),
  });

  /** For recorders: the session's status, held open while it is still `known` (long poll). */
  route(app, deps, OPERATIONS.getSessionStatus, async (c) => {
    const id = sessionParam(c);
    const { waitMs = 0, known } = parseQuery(c, statusQuery);
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

  route(app, deps, OPERATIONS.revokeSession, async (c) => {
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
