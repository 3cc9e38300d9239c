import { formatPath } from '@auditlane/client';
import type { ZodError } from 'zod';

/** An error answered as `{ code, message, details, requestId }` with its status. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** "status[0]: Invalid option: expected one of ..." — the first issue, naming the field. */
export function describeZodError(error: ZodError, prefix = ''): string {
  const first = error.issues[0];
  if (!first) return 'invalid';
  const path = formatPath(first.path);
  const where = prefix && path ? `${prefix}.${path}` : prefix || path;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${where ? `${where}: ` : ''}${first.message}${more}`;
}

export function validationError(error: ZodError, what: string): HttpError {
  return new HttpError(400, 'validation_failed', `invalid ${what}: ${describeZodError(error)}`, {
    issues: error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  });
}
