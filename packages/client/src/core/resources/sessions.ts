import { z } from 'zod';
import type { RequestOptions } from '../../internal/transport';
import {
  type ActivityEntry,
  type ActivityPage,
  type ActivityParams,
  activityPageSchema,
  activityQuerySchema,
  type Count,
  type EventListParams,
  type ExportRow,
  eventListQuerySchema,
  eventPageSchema,
  exportRowSchema,
  type RevokeRequest,
  revokeRequestSchema,
  type Session,
  type SessionExportParams,
  type SessionListParams,
  type SessionRelationships,
  type SessionStatus,
  type SessionStatusResult,
  type StoredEvent,
  sessionExportQuerySchema,
  sessionListQuerySchema,
  sessionPageSchema,
  sessionRelationshipsSchema,
  sessionSchema,
  sessionStatusResultSchema,
  storedEventSchema,
  type TelemetryListParams,
  type TelemetryRecord,
  type TelemetrySummary,
  telemetryListQuerySchema,
  telemetryPageSchema,
  toSearchParams,
  type VerifyResult,
  verifyResultSchema,
} from '../../model';
import { DownloadResponse } from '../download';
import { AuditlaneError, ResponseValidationError } from '../error';
import { CursorPage, PagePromise } from '../pagination';
import { LiveStream, type LiveStreamOptions } from '../streaming';
import { check, Resource, segment } from './base';

export type SessionPageExtra = {
  count: Count;
  /**
   * With sort significance: the org's sessions waiting to be rescored (up to 1,001). While above
   * 0, a session whose score moves between two pages may be skipped or listed twice.
   */
  rescoring?: number;
};
export type TelemetryPageExtra = { summary: TelemetrySummary };
/** What an activity page says besides its items: where it is, what is on each side, the count. */
export type ActivityPageExtra = Omit<ActivityPage, 'data' | 'nextCursor'>;

export class Sessions extends Resource {
  /** The events of a session: pages, and a live tail. */
  readonly events = new SessionEvents(this.transport);

  /**
   * A session's activity: actions joined with their verdicts, filtered (`type`, `verdict`, `q`)
   * and grouped by statement shape, a page at a time. Await it for a page (`page.data`; where it
   * is and what is on each side in `page.extra`), or `for await` every item after it. Pages go
   * back with `{ before: page.extra.prevCursor }`; a seek starts with `aroundSeq` or
   * `aroundTime`; a group expands with `{ fromSeq: item.seq, toSeq: item.lastSeq, group: 'none' }`.
   */
  activity(
    sessionId: string,
    params: ActivityParams = {},
    options?: RequestOptions,
  ): PagePromise<ActivityEntry, ActivityPageExtra> {
    const path = `/v1/sessions/${segment(sessionId, 'sessionId')}/activity`;
    check(activityQuerySchema, params, 'sessions.activity params');
    const fetchPage = async (
      after?: string,
    ): Promise<CursorPage<ActivityEntry, ActivityPageExtra>> => {
      // The pages after the first go on forward from it (a seek's or a backward page's too).
      const query =
        after === undefined
          ? params
          : { ...params, after, before: undefined, aroundSeq: undefined, aroundTime: undefined };
      const page = await this.transport.json(
        {
          method: 'GET',
          path,
          query: toSearchParams(query),
          idempotent: true,
          what: 'sessions.activity',
        },
        activityPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  /**
   * Claude Code's own telemetry (received over OTLP) attached to a session, in time order: await
   * it for a page (`page.data`, totals in `page.extra.summary`), or `for await` every record.
   */
  telemetry(
    sessionId: string,
    params: TelemetryListParams = {},
    options?: RequestOptions,
  ): PagePromise<TelemetryRecord, TelemetryPageExtra> {
    const path = `/v1/sessions/${segment(sessionId, 'sessionId')}/telemetry`;
    check(telemetryListQuerySchema, params, 'sessions.telemetry params');
    const fetchPage = async (
      cursor?: string,
    ): Promise<CursorPage<TelemetryRecord, TelemetryPageExtra>> => {
      const page = await this.transport.json(
        {
          method: 'GET',
          path,
          query: toSearchParams(cursor ? { ...params, cursor } : params),
          idempotent: true,
          what: 'sessions.telemetry',
        },
        telemetryPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  /**
   * Lists sessions, newest first or by significance. Await it for a page
   * (`page.data`, `page.extra.count`, `page.getNextPage()`), or `for await` every session.
   */
  list(
    params: SessionListParams = {},
    options?: RequestOptions,
  ): PagePromise<Session, SessionPageExtra> {
    check(sessionListQuerySchema, params, 'sessions.list params');
    const fetchPage = async (cursor?: string): Promise<CursorPage<Session, SessionPageExtra>> => {
      const page = await this.transport.json(
        {
          method: 'GET',
          path: '/v1/sessions',
          query: toSearchParams(cursor ? { ...params, cursor } : params),
          idempotent: true,
          what: 'sessions.list',
        },
        sessionPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  get(sessionId: string, options?: RequestOptions): Promise<Session> {
    return this.transport.json(
      {
        method: 'GET',
        path: `/v1/sessions/${segment(sessionId, 'sessionId')}`,
        idempotent: true,
        what: 'sessions.get',
      },
      sessionSchema,
      options,
    );
  }

  /**
   * The session's status; with `known` and `waitMs` the server holds the call while the status is
   * still `known` (long poll): how a recorder learns of a revoke or a JIT decision.
   */
  status(
    sessionId: string,
    params: { known?: SessionStatus; waitMs?: number } = {},
    options?: RequestOptions,
  ): Promise<SessionStatusResult> {
    return this.transport.json(
      {
        method: 'GET',
        path: `/v1/sessions/${segment(sessionId, 'sessionId')}/status`,
        query: toSearchParams(params),
        idempotent: true,
        what: 'sessions.status',
        // A long poll must be allowed to outlast its wait.
        minTimeoutMs: (params.waitMs ?? 0) + 15_000,
      },
      sessionStatusResultSchema,
      options,
    );
  }

  /** Walks the session's hash chain on the server and names the first broken link, if any. */
  verify(sessionId: string, options?: RequestOptions): Promise<VerifyResult> {
    return this.transport.json(
      {
        method: 'GET',
        path: `/v1/sessions/${segment(sessionId, 'sessionId')}/verify`,
        idempotent: true,
        what: 'sessions.verify',
      },
      verifyResultSchema,
      options,
    );
  }

  /**
   * The graph around a session for a map: its identity anchors, the other actors and sessions on
   * its credential or endpoint, the files, tables and resources it touched, and its outbound hosts
   * and models, each with counts and a trust level.
   */
  relationships(sessionId: string, options?: RequestOptions): Promise<SessionRelationships> {
    return this.transport.json(
      {
        method: 'GET',
        path: `/v1/sessions/${segment(sessionId, 'sessionId')}/relationships`,
        idempotent: true,
        what: 'sessions.relationships',
      },
      sessionRelationshipsSchema,
      options,
    );
  }

  /** The terminal recording as an asciicast stream (read it with `readAsciicast(res.body)`). */
  recording(sessionId: string, params: { version?: 2 | 3 } = {}, options?: RequestOptions) {
    return this.download(
      `/v1/sessions/${segment(sessionId, 'sessionId')}/recording`,
      toSearchParams(params),
      'sessions.recording',
      options,
    );
  }

  /** Sessions joined with their audit events, as CSV or NDJSON, streamed. */
  export(params: SessionExportParams = {}, options?: RequestOptions): Promise<DownloadResponse> {
    check(sessionExportQuerySchema, params, 'sessions.export params');
    return this.download('/v1/sessions/export', toSearchParams(params), 'sessions.export', options);
  }

  /** The NDJSON export as validated rows, streamed one at a time. */
  async *exportRows(
    params: Omit<SessionExportParams, 'format'> = {},
    options?: RequestOptions,
  ): AsyncGenerator<ExportRow> {
    const file = await this.export({ ...params, format: 'ndjson' }, options);
    let line = 0;
    for await (const text of file.lines()) {
      line++;
      if (!text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new AuditlaneError(`sessions.exportRows: line ${line} is not JSON`);
      }
      const parsed = exportRowSchema.safeParse(value);
      if (!parsed.success) {
        throw new ResponseValidationError(
          `sessions.exportRows line ${line}`,
          parsed.error,
          file.requestId,
        );
      }
      yield parsed.data;
    }
  }

  /** Ends an active session; the recorder is told. */
  revoke(sessionId: string, body: RevokeRequest = {}, options?: RequestOptions): Promise<Session> {
    check(revokeRequestSchema, body, 'sessions.revoke body');
    return this.transport.json(
      {
        method: 'POST',
        path: `/v1/sessions/${segment(sessionId, 'sessionId')}/revoke`,
        body: JSON.stringify(body),
        contentType: 'application/json',
        idempotent: false,
        what: 'sessions.revoke',
      },
      sessionSchema,
      options,
    );
  }

  private async download(
    path: string,
    query: URLSearchParams,
    what: string,
    options?: RequestOptions,
  ) {
    const response = await this.transport.send(
      { method: 'GET', path, query, accept: '*/*', idempotent: true, stream: true, what },
      options,
    );
    return new DownloadResponse(response);
  }
}

export class SessionEvents extends Resource {
  /** Events in seq order, a page at a time (`after` is the cursor), or every event with `for await`. */
  list(
    sessionId: string,
    params: EventListParams = {},
    options?: RequestOptions,
  ): PagePromise<StoredEvent> {
    const path = `/v1/sessions/${segment(sessionId, 'sessionId')}/events`;
    check(eventListQuerySchema, params, 'sessions.events.list params');
    const fetchPage = async (after?: string): Promise<CursorPage<StoredEvent>> => {
      const page = await this.transport.json(
        {
          method: 'GET',
          path,
          query: toSearchParams(after === undefined ? params : { ...params, after }),
          idempotent: true,
          what: 'sessions.events.list',
        },
        eventPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  /**
   * A live tail of an active session over server-sent events: the events stored after the one
   * with seq `after` (all of them without it), then new ones as they are recorded, in the order
   * the server stored them, until the session ends. Reconnects without gaps or duplicates.
   */
  stream(
    sessionId: string,
    options: LiveStreamOptions & Omit<RequestOptions, 'signal'> = {},
  ): LiveStream<StoredEvent> {
    const path = `/v1/sessions/${segment(sessionId, 'sessionId')}/events/stream`;
    const { after, signal, reconnects, idleTimeoutMs, ...request } = options;
    if (after !== undefined) check(z.number().int().min(-1), after, 'sessions.events.stream after');
    return new LiveStream(
      (resumeAfter, streamSignal) =>
        this.transport.send(
          {
            method: 'GET',
            path,
            query: toSearchParams({ after: resumeAfter }),
            headers: resumeAfter === undefined ? {} : { 'last-event-id': String(resumeAfter) },
            accept: 'text/event-stream',
            idempotent: true,
            stream: true,
            what: 'sessions.events.stream',
          },
          { ...request, signal: streamSignal },
        ),
      storedEventSchema,
      'sessions.events.stream',
      { after, signal, reconnects, idleTimeoutMs },
    );
  }
}
