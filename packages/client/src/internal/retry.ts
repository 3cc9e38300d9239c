const MAX_RETRY_AFTER_MS = 60_000;

/** Statuses worth retrying for an idempotent call. */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 ||
    status === 429 ||
    status === 500 ||
    status === 502 ||
    status === 503 ||
    status === 504
  );
}

/**
 * How long to wait before retry number `attempt` (0-based): the server's `retry-after-ms` or
 * `retry-after` (seconds or an HTTP date) when given and at most 60 s, else exponential backoff
 * from 0.5 s to 8 s with up to 25% jitter.
 */
export function retryDelayMs(
  attempt: number,
  headers?: Headers,
  random: () => number = Math.random,
): number {
  const fromServer = retryAfterMs(headers);
  if (fromServer !== undefined && fromServer >= 0 && fromServer <= MAX_RETRY_AFTER_MS)
    return fromServer;
  const base = Math.min(500 * 2 ** attempt, 8_000);
  return Math.round(base * (1 - 0.25 * random()));
}

/** Whether the server asked for a longer pause than a retry waits: give up at once instead. */
export function retryAfterTooLong(headers?: Headers): boolean {
  const ms = retryAfterMs(headers);
  return ms !== undefined && ms > MAX_RETRY_AFTER_MS;
}

function retryAfterMs(headers?: Headers): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - Date.now();
}
