import { type RequestOptions, Transport, type TransportOptions } from '../internal/transport';
import {
  type EventInput,
  type IngestResult,
  ingestRequestSchema,
  ingestResultSchema,
  type Overview,
  type OverviewParams,
  overviewQuerySchema,
  overviewSchema,
  toSearchParams,
  type Viewer,
  viewerSchema,
} from '../model';
import { InvalidParamsError } from './error';
import { Alerts } from './resources/alerts';
import { check } from './resources/base';
import { Downloads } from './resources/downloads';
import { Entities } from './resources/entities';
import { Reviews } from './resources/reviews';
import { Sessions } from './resources/sessions';

export interface ClientOptions {
  /** The API's base URL, without `/v1` (e.g. `http://127.0.0.1:4680`). */
  baseUrl: string;
  /** An API token scoped to one org. */
  token?: string;
  /** Called before every request (every attempt), for tokens that expire. */
  getToken?: () => string | Promise<string>;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  /** Retries of a failed idempotent call (default 2). */
  retries?: number;
  /** Per attempt (default 60,000 ms). */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

export interface IngestOptions extends RequestOptions {
  /** gzip the body (CompressionStream). Default false. */
  gzip?: boolean;
}

export class AuditlaneClient {
  readonly sessions: Sessions;
  readonly reviews: Reviews;
  readonly downloads: Downloads;
  readonly entities: Entities;
  readonly alerts: Alerts;
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options satisfies TransportOptions);
    this.sessions = new Sessions(this.transport);
    this.reviews = new Reviews(this.transport);
    this.downloads = new Downloads(this.transport);
    this.entities = new Entities(this.transport);
    this.alerts = new Alerts(this.transport);
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Who the token belongs to and what it may do (permissions, whether downloads are enabled). */
  me(options?: RequestOptions): Promise<Viewer> {
    return this.transport.json(
      { method: 'GET', path: '/v1/me', idempotent: true, what: 'me' },
      viewerSchema,
      options,
    );
  }

  /**
   * What matters now, over a period (default 24h) and the sessions list's filters: KPIs, the
   * priority queue with why each session matters, cross-entity links and the operator brief.
   */
  overview(params: OverviewParams = {}, options?: RequestOptions): Promise<Overview> {
    check(overviewQuerySchema, params, 'overview params');
    return this.transport.json(
      {
        method: 'GET',
        path: '/v1/overview',
        query: toSearchParams(params),
        idempotent: true,
        what: 'overview',
      },
      overviewSchema,
      options,
    );
  }

  /**
   * Sends a batch of events (for recorders). Safe to retry: the server stores each event id once,
   * so a retried batch never duplicates. Events are checked here first; a malformed event throws
   * an InvalidParamsError naming its index and field before anything is sent.
   */
  async ingest(events: EventInput[], options: IngestOptions = {}): Promise<IngestResult> {
    const parsed = ingestRequestSchema.safeParse({ events });
    if (!parsed.success) throw new InvalidParamsError('ingest events', parsed.error);
    const { gzip, ...request } = options;
    const json = JSON.stringify({ events });
    const body = gzip ? await gzipText(json) : json;
    return this.transport.json(
      {
        method: 'POST',
        path: '/v1/ingest',
        body,
        contentType: 'application/json',
        headers: gzip ? { 'content-encoding': 'gzip' } : {},
        idempotent: true,
        what: 'ingest',
      },
      ingestResultSchema,
      request,
    );
  }
}

export function createClient(options: ClientOptions): AuditlaneClient {
  return new AuditlaneClient(options);
}

async function gzipText(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}
