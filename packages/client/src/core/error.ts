import type { ZodError } from 'zod';

/** Base of every error the client throws. */
export class AuditlaneError extends Error {
  override name = 'AuditlaneError';
}

/** The server answered with an error status. */
export class APIError extends AuditlaneError {
  override name = 'APIError';
  /** HTTP status. */
  readonly status: number;
  /** Machine-readable code from the error body (`permission_denied`, `not_found`, ...). */
  readonly code: string;
  /** The server's request id: quote it when reporting a problem. */
  readonly requestId: string | null;
  readonly details: unknown;
  readonly headers: Headers;

  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | null,
    details: unknown,
    headers: Headers,
  ) {
    super(`${status} ${code}: ${message}${requestId ? ` (request ${requestId})` : ''}`);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
    this.headers = headers;
  }

  /** Builds the most specific error class for a status and an error body. */
  static generate(status: number, body: unknown, headers: Headers): APIError {
    const parsed = readErrorBody(body);
    const requestId = headers.get('x-request-id') ?? parsed.requestId;
    const code = parsed.code ?? defaultCode(status);
    const message =
      parsed.message ?? (typeof body === 'string' && body ? body.slice(0, 500) : `HTTP ${status}`);
    const args = [status, code, message, requestId, parsed.details, headers] as const;
    if (status === 400) return new BadRequestError(...args);
    if (status === 401) return new AuthenticationError(...args);
    if (status === 403 && code === 'downloads_disabled') return new DownloadsDisabledError(...args);
    if (status === 403) return new PermissionDeniedError(...args);
    if (status === 404) return new NotFoundError(...args);
    if (status === 409) return new ConflictError(...args);
    if (status === 413) return new PayloadTooLargeError(...args);
    if (status === 422) return new UnprocessableEntityError(...args);
    if (status === 429) return new RateLimitError(...args);
    if (status >= 500) return new InternalServerError(...args);
    return new APIError(...args);
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
/**
 * The token may not do this (status 403): it lacks the permission (code `permission_denied`), or
 * it would decide a review it asked for or that waits on its holder (code `self_review`).
 */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
/** The server has downloads disabled (`DISABLE_SESSIONS_DOWNLOAD`; status 403, code `downloads_disabled`). */
export class DownloadsDisabledError extends APIError {
  override name = 'DownloadsDisabledError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class PayloadTooLargeError extends APIError {
  override name = 'PayloadTooLargeError';
}
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** The request never got a response (network error, connection refused, reset). */
export class APIConnectionError extends AuditlaneError {
  override name = 'APIConnectionError';
  constructor(message = 'Connection error.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs} ms.`);
  }
}

/**
 * The server answered with a success status but not with what the call reads (an HTML page from
 * a proxy, an empty body, another content type).
 */
export class UnexpectedResponseError extends AuditlaneError {
  override name = 'UnexpectedResponseError';
  readonly status: number;
  readonly contentType: string | null;
  readonly requestId: string | null;

  constructor(
    what: string,
    response: {
      status: number;
      contentType: string | null;
      requestId: string | null;
      preview: string;
      expected: string;
    },
  ) {
    super(
      `Unexpected response from ${what}: status ${response.status}, ${response.contentType ? `content-type ${response.contentType}` : 'no content-type'}, expected ${response.expected}` +
        (response.preview ? `: ${JSON.stringify(response.preview)}` : ' (empty body)') +
        (response.requestId ? ` (request ${response.requestId})` : ''),
    );
    this.status = response.status;
    this.contentType = response.contentType;
    this.requestId = response.requestId;
  }
}

/** The caller's AbortSignal fired. */
export class APIUserAbortError extends AuditlaneError {
  override name = 'APIUserAbortError';
  constructor() {
    super('Request was aborted.');
  }
}

/** The server answered with something the schemas do not allow; `path` names the field. */
export class ResponseValidationError extends AuditlaneError {
  override name = 'ResponseValidationError';
  readonly path: string;
  readonly requestId: string | null;
  readonly issues: ZodError['issues'];

  constructor(what: string, error: ZodError, requestId: string | null) {
    const first = error.issues[0];
    const path = first ? formatPath(first.path) : '';
    super(
      `Unexpected response from ${what}: ${path || '(root)'}: ${first?.message ?? 'invalid'}` +
        (error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '') +
        (requestId ? ` (request ${requestId})` : ''),
    );
    this.path = path;
    this.requestId = requestId;
    this.issues = error.issues;
  }
}

/** Invalid arguments passed to a client method; `path` names the parameter. */
export class InvalidParamsError extends AuditlaneError {
  override name = 'InvalidParamsError';
  readonly path: string;
  readonly issues: ZodError['issues'];

  constructor(what: string, error: ZodError) {
    const first = error.issues[0];
    const path = first ? formatPath(first.path) : '';
    super(`Invalid ${what}: ${path || '(root)'}: ${first?.message ?? 'invalid'}`);
    this.path = path;
    this.issues = error.issues;
  }
}

/** `data[3].startedAt` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function readErrorBody(body: unknown): {
  code?: string;
  message?: string;
  details?: unknown;
  requestId: string | null;
} {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    return {
      code: typeof b.code === 'string' ? b.code : undefined,
      message: typeof b.message === 'string' ? b.message : undefined,
      details: b.details,
      requestId: typeof b.requestId === 'string' ? b.requestId : null,
    };
  }
  return { requestId: null };
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'error';
  }
}
