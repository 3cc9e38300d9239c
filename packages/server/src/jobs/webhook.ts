import { createHmac } from 'node:crypto';

/** What one POST of a webhook came to. */
export interface PostResult {
  /** A 2xx was answered. */
  ok: boolean;
  /** The HTTP status, or null when none was answered (refused, timed out, bad address). */
  status: number | null;
  /** Why it was not delivered, or null. */
  error: string | null;
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** The whole attempt, answer included. */
  timeoutMs: number;
  fetch?: typeof fetch;
  /** 'manual': a redirect is an answer like any other (not delivered). Default 'follow'. */
  redirect?: 'follow' | 'manual';
}

/** POSTs a JSON body once, bounded in time; never throws. The answer's body is discarded. */
export async function postJson(
  url: string,
  body: string,
  options: PostOptions,
): Promise<PostResult> {
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      redirect: options.redirect ?? 'follow',
      signal,
    });
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, error: null };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, status: null, error: describeFetchError(error, signal, options.timeoutMs) };
  }
}

function describeFetchError(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `no answer within ${timeoutMs} ms`;
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  // An error may quote the URL: never its user name or password.
  const text = cause ? `${e.message} (${cause})` : e.message;
  return text.replace(/\/\/[^/@\s]*@/g, '//');
}

/**
 * The Standard Webhooks signature of a message: `v1,` + base64 of HMAC-SHA256 over
 * `{id}.{timestamp}.{body}`, keyed with the base64 part of a `whsec_` secret.
 */
export function signWebhook(
  secret: string,
  id: string,
  timestampSec: number,
  body: string,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The headers of a signed message (Standard Webhooks). */
export function webhookHeaders(
  secret: string,
  id: string,
  timestampSec: number,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': signWebhook(secret, id, timestampSec, body),
  };
}
