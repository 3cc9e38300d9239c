import {
  activityQuerySchema,
  EVENT_TYPES,
  type EventPage,
  eventListQuerySchema,
  eventStreamHeadersSchema,
  eventStreamQuerySchema,
  OPEN_STATUSES,
  OPERATIONS,
  revokeRequestSchema,
  type Session,
  type StoredEvent,
  sessionListQuerySchema,
  sessionStatusQuerySchema,
  telemetryListQuerySchema,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { UnknownSeqError } from '../../store/reads';
import { readJsonBody } from '../body';
import {
  type Deps,
  type Env,
  logAccess,
  logRefusal,
  notFound,
  parseBody,
  parseQuery,
  reattachTelemetry,
  reviewKey,
  route,
  seal,
  sessionKey,
  sessionParam,
  sessionsChanged,
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
    const page = await store.listSessions(org(c), query, {
      now: cfg.now(),
      countCap: cfg.countCap,
    });
    // With scoring off nothing rescores (scores come from each session's counters and never
    // move): no count of a queue that no one drains.
    if (!cfg.significance.enabled) delete page.rescoring;
    return c.json(page);
  });

  route(app, deps, OPERATIONS.getSession, async (c) => {
    const id = sessionParam(c);
    const session = await store.getSession(org(c), id);
    if (!session) throw notFound('session', id);
    return c.json(session);
  });

  route(app, deps, OPERATIONS.listSessionTelemetry, async (c) => {
    const id = sessionParam(c);
    const query = parseQuery(c, telemetryListQuerySchema);
    const page = await store.listTelemetry(org(c), id, query);
    if (!page) throw notFound('session', id);
    return c.json(page);
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
    let page: EventPage | null;
    try {
      page = await store.listEvents(org(c), id, query);
    } catch (error) {
      if (error instanceof UnknownSeqError)
        throw new HttpError(400, 'bad_request', `after: ${error.message}`);
      throw error;
    }
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

  // The activity is built from actions and verdicts only: no terminal output, nothing that needs
  // view_recording.
  route(app, deps, OPERATIONS.listSessionActivity, async (c) => {
    const id = sessionParam(c);
    const query = parseQuery(c, activityQuerySchema);
    const page = await store.listActivity(org(c), id, query);
    if (!page) throw notFound('session', id);
    return c.json(page);
  });

  route(app, deps, OPERATIONS.verifySession, async (c) => {
    const id = sessionParam(c);
    const evidence = cfg.notary ? await cfg.notary.evidence(id) : {};
    const check = await store.verifySession(org(c), id, evidence);
    if (!check) throw notFound('session', id);
    return c.json({ sessionId: id, ok: check.broken === null, ...check });
  });

  const TAIL_PAGE = 500;

  route(app, deps, OPERATIONS.streamSessionEvents, async (c) => {
    const id = sessionParam(c);
    // Checked before the stream opens: once it has, an error could only drop the connection.
    const { after: fromQuery } = parseQuery(c, eventStreamQuerySchema);
    const header = c.req.header('last-event-id');
    const { 'last-event-id': lastEventId } = parseBody(
      eventStreamHeadersSchema,
      header === undefined ? {} : { 'last-event-id': header },
      'headers',
    );
    const fromHeader = lastEventId !== undefined;
    // The seq of the last event the client has; the stream goes on in the order events were
    // stored, so one that arrives late with a lower seq is still delivered (once).
    let after = lastEventId ?? fromQuery ?? -1;
    const o = org(c);
    const recording = seesRecording(c);
    let logged = false;
    const read = () => store.listEvents(o, id, { after, sort: 'stored', limit: TAIL_PAGE });
    let first: EventPage | null;
    try {
      first = await read();
    } catch (error) {
      if (error instanceof UnknownSeqError)
        throw new HttpError(
          400,
          'bad_request',
          `${fromHeader ? 'Last-Event-ID' : 'after'}: ${error.message} (resume after an event the stream delivered)`,
        );
      throw error;
    }
    if (!first) throw notFound('session', id);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      const send = async (events: StoredEvent[]) => {
        for (const event of events) {
          if (abort.signal.aborted) return;
          if (event.type === 'terminal') {
            if (!recording) {
              after = event.seq;
              continue;
            }
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
          after = event.seq;
        }
      };
      await stream.write('retry: 1000\n\n');
      await send(first.data);
      while (!abort.signal.aborted) {
        // The status before the events: whatever was stored before the session closed is read
        // below, so `end` never comes ahead of the session's last events.
        const session = await store.getSession(o, id);
        const open = session !== null && OPEN_STATUSES.has(session.status);
        for (;;) {
          const page = (await read())?.data ?? [];
          await send(page);
          if (page.length < TAIL_PAGE || abort.signal.aborted) break;
        }
        if (!open) {
          await stream.writeSSE({
            event: 'end',
            data: JSON.stringify({ status: session?.status ?? null }),
          });
          return;
        }
        await notifier.wait(sessionKey(o, id), cfg.pollMs, abort.signal);
        // A comment keeps proxies from closing an idle stream.
        await stream.write(': ping\n\n');
      }
    });
  });

  /** For recorders: the session's status, held open while it is still `known` (long poll). */
  route(app, deps, OPERATIONS.getSessionStatus, async (c) => {
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
      await notifier.wait(sessionKey(org(c), id), Math.min(left, cfg.pollMs), c.req.raw.signal);
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
    for (const r of cancelled) notifier.notify(reviewKey(principal.org, r.id));
    notifier.notify(sessionKey(principal.org, id));
    await seal(cfg, principal.org, id);
    // It ended now: its Claude session's telemetry after this moment may belong to another.
    const claude = session.labels['claude.session'];
    const moved = claude ? await reattachTelemetry(store, cfg, principal.org, [claude]) : [];
    await sessionsChanged(cfg, principal.org, [id, ...moved]);
    return c.json(session);
  });

  return app;
}
