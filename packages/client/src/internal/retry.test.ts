import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryDelayMs } from './retry';

describe('retryDelayMs', () => {
  it('uses retry-after-ms, then retry-after in seconds or as a date, up to 60 s', () => {
    expect(retryDelayMs(0, new Headers({ 'retry-after-ms': '1234' }))).toBe(1234);
    expect(retryDelayMs(0, new Headers({ 'retry-after': '3' }))).toBe(3000);
    const date = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryDelayMs(0, new Headers({ 'retry-after': date }));
    expect(fromDate).toBeGreaterThan(8_000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
    // Beyond 60 s the server's hint is ignored in favour of backoff.
    expect(retryDelayMs(0, new Headers({ 'retry-after': '3600' }), () => 0)).toBe(500);
  });

  it('backs off exponentially from 0.5 s to 8 s with up to 25% jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => retryDelayMs(a, undefined, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(750);
  });

  it('retries only transient statuses', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 413, 422, 501].some(isRetryableStatus)).toBe(false);
  });
});
