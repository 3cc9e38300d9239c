import {
  type AccessAction,
  accessLogQuerySchema,
  createAsciicastWriter,
  downloadFormatQuerySchema,
  EXPORT_COLUMNS,
  logFormatQuerySchema,
  OPERATIONS,
  recordingQuerySchema,
  resultRefSchema,
  type Session,
  type StoredEvent,
  sessionExportQuerySchema,
  type TerminalEvent,
  terminalEventsToAsciicast,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import { exportEventLine, exportHeaderLine } from '../../chain/evidence';
import type { Store } from '../../store/types';
import {
  type Deps,
  type Env,
  logAccess,
  notFound,
  parseQuery,
  route,
  sessionParam,
} from '../context';
import { csvLine } from '../csv';
import { HttpError } from '../errors';
import { exportRow, isAuditEvent } from '../export-rows';

const PAGE = 500;

/** Every event of a session in seq order, a page at a time: constant memory. */
async function* sessionEvents(
  store: Store,
  org: string,
  sessionId: string,
  type?: StoredEvent['type'][],
) {
  let after = -1;
  for (;;) {
    const page = await store.listEvents(org, sessionId, { after, limit: PAGE, type });
    if (!page || page.data.length === 0) return;
    yield* page.data;
    after = page.data.at(-1)!.seq;
    if (page.data.length < PAGE) return;
  }
}

/**
 * Runs a generator up to its first value, so that whatever fails early (a bad cursor, the store)
 * fails before the response starts and is answered with its status; after the headers an error
 * can only cut the connection.
 */
async function primed<T>(source: AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
  const first = await source.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* source;
  })();
}

/** A response body pulled from an async generator: nothing is produced faster than it is sent. */
function streamBody(lines: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await lines.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}

export function downloadRoutes(deps: Deps) {
  const { store, cfg } = deps;
  const app = new Hono<Env>();

  const audit = (
    c: Context<Env>,
    action: AccessAction,
    sessionId: string | null,
    detail: string | null,
  ) => logAccess(deps, c, action, sessionId, detail);

  const existing = async (c: Context<Env>): Promise<Session> => {
    const id = sessionParam(c);
    const session = await store.getSession(c.get('principal').org, id);
    if (!session) throw notFound('session', id);
    return session;
  };

  const recording =
    (action: 'view_recording' | 'download_recording') => async (c: Context<Env>) => {
      const session = await existing(c);
      const { version = '3' } = parseQuery(c, recordingQuerySchema);
      const org = c.get('principal').org;
      const events = sessionEvents(store, org, session.id, ['terminal']);
      const first = await events.next();
      if (first.done)
        throw new HttpError(404, 'not_found', `session ${session.id} has no terminal recording`);
      const firstEvent = first.value as TerminalEvent & Pick<StoredEvent, 'purged'>;
      if (firstEvent.purged) {
        throw new HttpError(
          404,
          'not_found',
          `the recording of session ${session.id} was purged: ${firstEvent.purged.reason}`,
          {
            purgedAt: firstEvent.purged.at,
          },
        );
      }
      // The recorder opens a recording with its size and header (an `r` event at 0); times
      // never go backwards; a resize that is not a size (stored before the contract checked
      // them) is left out, and the rest of the recording still plays.
      const toAsciicast = terminalEventsToAsciicast({
        timestamp: Math.floor(Date.parse(session.startedAt) / 1000),
        title: `${session.resource.name} (${session.id})`,
      });
      // The first event makes the header (and is an event too when it is not the size).
      const firstItems = toAsciicast(firstEvent);
      const header = firstItems.flatMap((item) => (item.kind === 'header' ? [item.header] : []));
      const writer = createAsciicastWriter(header[0]!, { version: Number(version) as 2 | 3 });
      await audit(c, action, session.id, `asciicast v${version}`);
      const lines = (items: ReturnType<typeof toAsciicast>) =>
        items.map((item) => (item.kind === 'event' ? writer.event(item.event) : '')).join('');
      async function* body() {
        yield writer.header();
        const first = lines(firstItems);
        if (first) yield first;
        for await (const e of events) {
          const text = lines(toAsciicast(e as TerminalEvent));
          if (text) yield text;
        }
      }
      const headers: Record<string, string> = {
        'content-type': 'application/x-asciicast; charset=utf-8',
        // Playback is shown, not saved: inline, and never cached (see app.ts). The same bytes
        // as a file are the download, which downloads-disabled refuses.
        'content-disposition':
          action === 'download_recording' ? `attachment; filename="${session.id}.cast"` : 'inline',
      };
      return c.body(streamBody(body()), 200, headers);
    };

  route(app, deps, OPERATIONS.getSessionRecording, recording('view_recording'));
  route(app, deps, OPERATIONS.downloadSessionRecording, recording('download_recording'));

  route(app, deps, OPERATIONS.downloadSessionLogs, async (c) => {
    const session = await existing(c);
    const { format = 'ndjson' } = parseQuery(c, logFormatQuerySchema);
    const org = c.get('principal').org;
    if (format === 'export') {
      // What offline verification needs: the chain head, its signed statement, and every
      // stored event with its chain columns and the exact JSON its hash covers.
      const head = await store.chainHead(org, session.id);
      if (!head) throw notFound('session', session.id);
      async function* exported() {
        yield exportHeaderLine(head!, session, head!.signedHead);
        for await (const row of store.chainRows(org, session.id)) yield exportEventLine(row);
      }
      await audit(c, 'download_logs', session.id, format);
      return c.body(streamBody(exported()), 200, {
        'content-type': 'application/x-ndjson',
        'content-disposition': `attachment; filename="${session.id}.export.ndjson"`,
      });
    }
    const events = await primed(sessionEvents(store, org, session.id));
    await audit(c, 'download_logs', session.id, format);
    async function* lines() {
      if (format === 'csv') yield csvLine(EXPORT_COLUMNS);
      for await (const e of events) {
        if (format === 'csv') {
          if (isAuditEvent(e)) yield csvLine(EXPORT_COLUMNS.map((k) => exportRow(session, e)[k]));
        } else yield `${JSON.stringify(e)}\n`;
      }
    }
    return c.body(streamBody(lines()), 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="${session.id}-events.${format}"`,
    });
  });

  route(app, deps, OPERATIONS.downloadQueryResult, async (c) => {
    const session = await existing(c);
    const ref = c.req.param('resultRef') ?? '';
    // A malformed ref cannot exist: 404 like any unknown one.
    if (!resultRefSchema.safeParse(ref).success)
      throw notFound('result', `${ref} (not a result ref)`);
    const { format = 'csv' } = parseQuery(c, downloadFormatQuerySchema);
    const result = await store.shared.getResult(c.get('principal').org, session.id, ref);
    if (!result) throw notFound('result', ref);
    await audit(c, 'download_result', session.id, `${ref} (${format})`);
    const names = result.columns.map((col) => col.name);
    async function* lines() {
      yield format === 'csv' ? csvLine(names) : `${JSON.stringify(names)}\n`;
      for (const row of result!.rows)
        yield format === 'csv' ? csvLine(row) : `${JSON.stringify(row)}\n`;
    }
    return c.body(streamBody(lines()), 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="${session.id}-${ref.replace(/[^\w.-]/g, '_')}.${format}"`,
    });
  });

  route(app, deps, OPERATIONS.exportSessions, async (c) => {
    const query = parseQuery(c, sessionExportQuerySchema);
    const org = c.get('principal').org;
    const { format, ...filters } = query;
    const now = cfg.now();
    // The first page is read before the answer starts: a bad filter is a 4xx, not a cut stream.
    const sessionPages = await primed(
      (async function* () {
        let cursor: string | undefined;
        do {
          const page = await store.listSessions(
            org,
            { ...filters, sort: 'recent', limit: 100, count: 'none', cursor },
            { now, countCap: 0 },
          );
          yield page;
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      })(),
    );
    await audit(c, 'export', null, new URL(c.req.url).search || format);
    async function* lines() {
      if (format === 'csv') yield csvLine(EXPORT_COLUMNS);
      for await (const page of sessionPages) {
        for (const session of page.data) {
          let any = false;
          for await (const event of sessionEvents(store, org, session.id)) {
            if (!isAuditEvent(event)) continue;
            any = true;
            const row = exportRow(session, event);
            yield format === 'csv'
              ? csvLine(EXPORT_COLUMNS.map((k) => row[k]))
              : `${JSON.stringify(row)}\n`;
          }
          if (!any) {
            const row = exportRow(session, null);
            yield format === 'csv'
              ? csvLine(EXPORT_COLUMNS.map((k) => row[k]))
              : `${JSON.stringify(row)}\n`;
          }
        }
      }
    }
    return c.body(streamBody(lines()), 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="sessions.${format}"`,
    });
  });

  route(app, deps, OPERATIONS.listAccessLog, async (c) => {
    const { cursor, limit } = parseQuery(c, accessLogQuerySchema);
    return c.json(await store.shared.listAccess(c.get('principal').org, cursor, limit));
  });

  return app;
}
