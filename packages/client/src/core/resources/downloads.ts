import type { RequestOptions } from '../../internal/transport';
import {
  type AccessLogEntry,
  accessLogPageSchema,
  type ExportFormat,
  type LogFormat,
  toSearchParams,
} from '../../model';
import { DownloadResponse } from '../download';
import { CursorPage, PagePromise } from '../pagination';
import { Resource, segment } from './base';

/**
 * Files for people to keep: full query results, session logs and recordings. The server refuses
 * them with a DownloadsDisabledError when downloads are disabled, and with a
 * PermissionDeniedError when the token lacks the permission. Each download is audited.
 */
export class Downloads extends Resource {
  /** The full (masked) result of a query, whose preview is on the query event (`resultRef`). */
  result(
    sessionId: string,
    resultRef: string,
    params: { format?: ExportFormat } = {},
    options?: RequestOptions,
  ) {
    return this.get(
      `/v1/sessions/${segment(sessionId, 'sessionId')}/results/${segment(resultRef, 'resultRef')}`,
      toSearchParams(params),
      'downloads.result',
      options,
    );
  }

  /** The events of a session as NDJSON or CSV, or the session export for offline verification. */
  logs(sessionId: string, params: { format?: LogFormat } = {}, options?: RequestOptions) {
    return this.get(
      `/v1/sessions/${segment(sessionId, 'sessionId')}/logs`,
      toSearchParams(params),
      'downloads.logs',
      options,
    );
  }

  /** The terminal recording as a .cast file. */
  recording(sessionId: string, params: { version?: 2 | 3 } = {}, options?: RequestOptions) {
    return this.get(
      `/v1/sessions/${segment(sessionId, 'sessionId')}/recording/download`,
      toSearchParams(params),
      'downloads.recording',
      options,
    );
  }

  /** Who viewed a recording or downloaded what, when (newest first). */
  accessLog(
    params: { limit?: number } = {},
    options?: RequestOptions,
  ): PagePromise<AccessLogEntry> {
    const fetchPage = async (cursor?: string): Promise<CursorPage<AccessLogEntry>> => {
      const page = await this.transport.json(
        {
          method: 'GET',
          path: '/v1/access-log',
          query: toSearchParams({ ...params, cursor }),
          idempotent: true,
          what: 'downloads.accessLog',
        },
        accessLogPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  private async get(
    path: string,
    query: URLSearchParams,
    what: string,
    options?: RequestOptions,
  ): Promise<DownloadResponse> {
    const response = await this.transport.send(
      { method: 'GET', path, query, accept: '*/*', idempotent: true, stream: true, what },
      options,
    );
    return new DownloadResponse(response);
  }
}
