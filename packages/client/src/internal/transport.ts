import type { z } from 'zod';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  ResponseValidationError,
  UnexpectedResponseError,
} from '../core/error';
import { isRetryableStatus, retryAfterTooLong, retryDelayMs } from './retry';
import { linkedAbort, sleep } from './signal';

export interface TransportOptions {
  baseUrl: string;
  token?: string;
  getToken?: () => string | Promise<string>;
  fetch?: typeof fetch;
  retries?: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** Options every call takes. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Per attempt, until the response headers for streamed bodies. Default: the client's. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default: the client's (2). */
  retries?: number;
  headers?: Record<string, string>;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: URLSearchParams;
  body?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  accept?: string;
  /**
   * Whether repeating the call is harmless (GETs, ingest by event id). Idempotent calls are retried
   * on connection errors, timeouts and 408/429/5xx; others only on 429, which the server answers
   * before doing anything.
   */
  idempotent: boolean;
  /** Name used in error messages: `sessions.list`. */
  what: string;
  /**
   * A streamed body (downloads, SSE): returned unread, and the timeout stops at the headers.
   * Otherwise the body is read within the timeout (and the retries).
   */
  stream?: boolean;
  /**
   * A long poll: the timeout of each attempt is at least this long, whatever the client's default
   * (a client without a timeout keeps none).
   */
  minTimeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_RETRIES = 2;

export class Transport {
  readonly baseUrl: string;
  private readonly options: TransportOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: TransportOptions) {
    if (!options.baseUrl) throw new TypeError('createClient: baseUrl is required');
    if (options.token === undefined && options.getToken === undefined) {
      throw new TypeError('createClient: pass token or getToken');
    }
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function')
      throw new TypeError('createClient: no fetch available; pass options.fetch');
    // Called as a plain function: browsers throw "Illegal invocation" when fetch is called as a
    // method of another object.
    this.fetchImpl = (input, init) => f(input, init);
  }

  url(path: string, query?: URLSearchParams): string {
    const qs = query?.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /**
   * Sends a request with retries and returns the successful response, its body unread.
   * When `stream` is true the timeout stops once the headers arrive.
   */
  async send(spec: RequestSpec, opts: RequestOptions = {}): Promise<Response> {
    const retries = opts.retries ?? this.options.retries ?? DEFAULT_RETRIES;
    let timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (spec.minTimeoutMs !== undefined && timeoutMs > 0)
      timeoutMs = Math.max(timeoutMs, spec.minTimeoutMs);
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw new APIUserAbortError();
      // Outside the timeout and the retries: a failing getToken() throws its own error.
      const headers = await this.headers(spec, opts);
      if (opts.signal?.aborted) throw new APIUserAbortError();
      const abort = linkedAbort(opts.signal, timeoutMs);
      let response: Response;
      try {
        response = await this.fetchImpl(this.url(spec.path, spec.query), {
          method: spec.method,
          headers,
          body: spec.body,
          signal: abort.signal,
        });
      } catch (cause) {
        abort.clear();
        if (opts.signal?.aborted) throw new APIUserAbortError();
        const error = abort.timedOut
          ? new APIConnectionTimeoutError(timeoutMs)
          : new APIConnectionError(`Connection error calling ${spec.what}: ${describe(cause)}`, {
              cause,
            });
        if (spec.idempotent && attempt < retries) {
          await this.wait(attempt, undefined, opts.signal);
          continue;
        }
        throw error;
      }
      if (response.ok && spec.stream) {
        // The body is read later under the caller's signal; the timeout no longer applies.
        abort.clearTimeout();
        return new Response(guardedBody(response.body, abort, opts.signal), {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      }
      if (response.ok) {
        try {
          const text = await response.text();
          const empty =
            response.status === 204 || response.status === 205 || response.status === 304;
          return new Response(empty ? null : text, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          });
        } catch (cause) {
          if (opts.signal?.aborted) throw new APIUserAbortError();
          const error = abort.timedOut
            ? new APIConnectionTimeoutError(timeoutMs)
            : new APIConnectionError(`Connection error reading ${spec.what}: ${describe(cause)}`, {
                cause,
              });
          if (spec.idempotent && attempt < retries) {
            await this.wait(attempt, undefined, opts.signal);
            continue;
          }
          throw error;
        } finally {
          abort.clear();
        }
      }
      const body = await readBody(response).catch(() => undefined);
      abort.clear();
      const retryable = spec.idempotent
        ? isRetryableStatus(response.status)
        : response.status === 429;
      if (retryable && attempt < retries && !retryAfterTooLong(response.headers)) {
        await this.wait(attempt, response.headers, opts.signal);
        continue;
      }
      throw APIError.generate(response.status, body, response.headers);
    }
  }

  /** Sends a request and validates the JSON response with a schema. */
  async json<S extends z.ZodType>(
    spec: RequestSpec,
    schema: S,
    opts?: RequestOptions,
  ): Promise<z.infer<S>> {
    const response = await this.send({ ...spec, accept: 'application/json' }, opts);
    const requestId = response.headers.get('x-request-id');
    const contentType = response.headers.get('content-type');
    const text = await response.text();
    let body: unknown;
    try {
      if (!contentType || !/^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType))
        throw new Error('not JSON');
      body = JSON.parse(text);
    } catch {
      throw new UnexpectedResponseError(spec.what, {
        status: response.status,
        contentType,
        requestId,
        preview: text.slice(0, 120),
        expected: 'JSON',
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ResponseValidationError(spec.what, parsed.error, requestId);
    return parsed.data;
  }

  private async headers(spec: RequestSpec, opts: RequestOptions): Promise<Record<string, string>> {
    const token = this.options.getToken ? await this.options.getToken() : this.options.token;
    const headers: Record<string, string> = {
      accept: spec.accept ?? 'application/json',
      ...this.options.headers,
      ...spec.headers,
      ...opts.headers,
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (spec.contentType) headers['content-type'] = spec.contentType;
    return headers;
  }

  private async wait(
    attempt: number,
    headers: Headers | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await sleep(retryDelayMs(attempt, headers), signal);
    } catch {
      throw new APIUserAbortError();
    }
  }
}

/**
 * A streamed body that unhooks the request from the caller's signal once it is read to the end,
 * fails or is cancelled, and ends with APIUserAbortError when the caller aborts while it is read
 * (also where fetch does not tie the body to the request's signal).
 */
function guardedBody(
  body: ReadableStream<Uint8Array> | null,
  abort: { signal: AbortSignal; clear(): void },
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> | null {
  if (!body) {
    abort.clear();
    return null;
  }
  const reader = body.getReader();
  let settled = false;
  const release = () => {
    settled = true;
    abort.clear();
    abort.signal.removeEventListener('abort', onAbort);
  };
  let fail: ((error: unknown) => void) | undefined;
  const onAbort = () => {
    if (settled) return;
    release();
    fail?.(new APIUserAbortError());
    void reader.cancel().catch(() => {});
  };
  abort.signal.addEventListener('abort', onAbort, { once: true });
  return new ReadableStream<Uint8Array>({
    start(controller) {
      fail = (error) => controller.error(error);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (settled) return;
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        if (settled) return;
        release();
        controller.error(signal?.aborted ? new APIUserAbortError() : error);
      }
    },
    cancel(reason) {
      release();
      // Not awaited: some streams never settle a cancel.
      void reader.cancel(reason).catch(() => {});
    },
  });
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
