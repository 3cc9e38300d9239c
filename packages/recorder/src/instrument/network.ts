import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { OutboundFact } from '../facts/url';
import { cleanUrl } from '../facts/url';
import type { RecordedSession, Recorder } from '../recorder';

export interface NetworkInstrumentOptions {
  /** The session to record into (default: the recorder's current session when a request starts). */
  session?: RecordedSession;
  /**
   * Requests left off the record (the recorder's own delivery and review calls always are:
   * the sink's `endpoints()` and the `reviews` client's server).
   */
  exclude?: (url: URL) => boolean;
}

/** What is known of a request while it is on its way. */
interface Pending {
  session: RecordedSession;
  fact: OutboundFact;
  done: boolean;
}

/** undici's request object, as its diagnostics channels publish it. */
interface UndiciRequest {
  origin?: string | URL;
  path?: string;
  method?: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/**
 * Records the HTTP requests this process makes as `outbound` events, through Node's diagnostics
 * channels (nothing is patched): `fetch` and undici (`undici:request:create`, `…:headers`,
 * `…:error`, `undici:client:sendHeaders`) and `node:http`/`node:https` clients
 * (`http.client.request.start`, `http.client.response.finish`). Each request made while a
 * session is current (or into `options.session`) is recorded once, when its response headers
 * arrive or it fails: protocol, host, port, method, the URL without credentials, secret query
 * values and fragment (then masked like any field), the status, and the bytes sent and
 * received when their `content-length` says. Bodies and headers are never recorded. Requests
 * to the recorder's own server are left out. Returns the function that uninstalls it.
 */
export function instrumentNetwork(
  recorder: Recorder,
  options: NetworkInstrumentOptions = {},
): () => void {
  const own = [
    ...(recorder.sink.endpoints?.() ?? []),
    ...(recorder.options.reviews ? [recorder.options.reviews.baseUrl] : []),
  ]
    .map((u) => u.replace(/\/+$/, ''))
    .filter(Boolean);
  const masker = recorder.masker;
  const sensitive = masker ? (name: string) => masker.sensitiveField(name) !== null : undefined;
  const undici = new WeakMap<object, Pending>();
  const http = new WeakMap<object, Pending>();

  const safely =
    <T>(fn: (message: T) => void) =>
    (message: unknown) => {
      try {
        fn(message as T);
      } catch (error) {
        recorder.onError(
          new Error(`a request was not recorded: ${(error as Error)?.message ?? error}`),
        );
      }
    };

  /** The fact a request starts as, or undefined when it is not recorded. */
  const begin = (url: URL, method: string | undefined): Pending | undefined => {
    const session = options.session ?? recorder.current();
    if (!session) return undefined;
    const href = url.href;
    if (own.some((o) => href === o || href.startsWith(`${o}/`) || href.startsWith(`${o}?`)))
      return undefined;
    if (options.exclude?.(url)) return undefined;
    const protocol = url.protocol.replace(/:$/, '').toLowerCase();
    const fact: OutboundFact = {
      protocol,
      host: url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase(),
      url: cleanUrl(url, sensitive),
    };
    const port = url.port ? Number(url.port) : DEFAULT_PORTS[protocol];
    if (port !== undefined) fact.port = port;
    if (method) fact.method = method.toUpperCase().slice(0, 16);
    return { session, fact, done: false };
  };

  const finish = (
    pending: Pending | undefined,
    status: number | undefined,
    bytesReceived?: number,
  ) => {
    if (!pending || pending.done) return;
    pending.done = true;
    pending.session.outbound({
      ...pending.fact,
      ...(status !== undefined ? { status } : {}),
      ...(bytesReceived !== undefined ? { bytesReceived } : {}),
    });
  };

  const subscriptions: [string, (message: unknown) => void][] = [
    [
      'undici:request:create',
      safely<{ request: UndiciRequest }>(({ request }) => {
        if (!request?.origin) return;
        const url = new URL(String(request.path ?? '/'), String(request.origin));
        const pending = begin(url, request.method);
        if (pending) undici.set(request, pending);
      }),
    ],
    [
      'undici:client:sendHeaders',
      safely<{ request: UndiciRequest; headers?: unknown }>(({ request, headers }) => {
        const pending = undici.get(request);
        // Only the length is read from the headers.
        const length =
          typeof headers === 'string'
            ? /(?:^|\r\n)content-length:\s*(\d+)/i.exec(headers)?.[1]
            : undefined;
        if (pending && length !== undefined) pending.fact.bytesSent = Number(length);
      }),
    ],
    [
      'undici:request:headers',
      safely<{ request: UndiciRequest; response: { statusCode?: number; headers?: unknown[] } }>(
        ({ request, response }) => {
          finish(undici.get(request), response?.statusCode, contentLength(response?.headers));
        },
      ),
    ],
    [
      'undici:request:error',
      safely<{ request: UndiciRequest }>(({ request }) => finish(undici.get(request), undefined)),
    ],
    [
      'http.client.request.start',
      safely<{ request: ClientRequest }>(({ request }) => {
        const protocol = request.protocol || 'http:';
        const hostHeader = request.getHeader('host');
        const port = typeof hostHeader === 'string' ? /:(\d+)$/.exec(hostHeader)?.[1] : undefined;
        const host = request.host.includes(':') ? `[${request.host}]` : request.host;
        const url = new URL(`${protocol}//${host}${port ? `:${port}` : ''}${request.path}`);
        const pending = begin(url, request.method);
        if (!pending) return;
        const length = request.getHeader('content-length');
        if (length !== undefined && /^\d+$/.test(String(length)))
          pending.fact.bytesSent = Number(length);
        http.set(request, pending);
        // A request that ends without a response (refused, reset) is recorded when it closes.
        request.once('close', () => finish(pending, undefined));
      }),
    ],
    [
      'http.client.response.finish',
      safely<{ request: ClientRequest; response: IncomingMessage }>(({ request, response }) => {
        const length = response.headers['content-length'];
        finish(
          http.get(request),
          response.statusCode,
          length && /^\d+$/.test(length) ? Number(length) : undefined,
        );
      }),
    ],
  ];
  for (const [name, fn] of subscriptions) diagnostics.subscribe(name, fn);
  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    for (const [name, fn] of subscriptions) diagnostics.unsubscribe(name, fn);
  };
}

/** The content-length of undici's raw header list (`[name, value, …]` as buffers or strings). */
function contentLength(headers: unknown[] | undefined): number | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() !== 'content-length') continue;
    const value = String(headers[i + 1]);
    return /^\d+$/.test(value) ? Number(value) : undefined;
  }
  return undefined;
}
