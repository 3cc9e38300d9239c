import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { z } from 'zod';
import { isRetryableStatus, retryDelayMs } from '../internal/retry';
import { sleep } from '../internal/signal';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuditlaneError,
  ResponseValidationError,
  UnexpectedResponseError,
} from './error';

export interface LiveStreamOptions {
  /**
   * Resume after the event with this seq (-1: from the first event). The server sends events in
   * the order it stored them, so events stored after it are delivered whatever their seq (a
   * recorder that sent seqs 6–10 before 1–5 is tailed as 6–10, 1–5).
   */
  after?: number;
  signal?: AbortSignal;
  /** Reconnections in a row without receiving an event before giving up. Default 5. */
  reconnects?: number;
  /**
   * A connection that brings nothing (not even the server's keep-alive comments) for this long is
   * taken as dead and reopened. Default 30 s; 0 turns it off.
   */
  idleTimeoutMs?: number;
}

const MAX_SERVER_RETRY_MS = 60_000;

/**
 * A live tail over server-sent events, read once with `for await`. Events come in the order the
 * server stored them (not necessarily by seq). It reconnects after a dropped connection (also when
 * reopening fails for a while: a server restart), resuming after the last event it delivered (no
 * gaps, no duplicates), and ends when the server sends `end` (the session ended), when `close()`
 * is called or the signal fires.
 */
export class LiveStream<T extends { seq: number }> implements AsyncIterable<T> {
  private readonly controller = new AbortController();
  private consumed = false;
  private lastSeq: number | undefined;
  private readonly open: (after: number | undefined, signal: AbortSignal) => Promise<Response>;
  private readonly schema: z.ZodType<T>;
  private readonly what: string;
  private readonly reconnects: number;
  private readonly idleTimeoutMs: number;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly onCallerAbort = () => this.controller.abort();

  constructor(
    open: (after: number | undefined, signal: AbortSignal) => Promise<Response>,
    schema: z.ZodType<T>,
    what: string,
    options: LiveStreamOptions = {},
  ) {
    this.open = open;
    this.schema = schema;
    this.what = what;
    this.reconnects = options.reconnects ?? 5;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.lastSeq = options.after;
    this.callerSignal = options.signal;
    if (this.callerSignal?.aborted) this.controller.abort();
    else this.callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** The seq of the last event delivered (not the greatest seq): where a new stream would resume. */
  get lastEventSeq(): number | undefined {
    return this.lastSeq;
  }

  /** Stops the stream; a pending `for await` ends without error. */
  close(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    if (this.consumed) throw new AuditlaneError(`${this.what}: a stream can be read only once`);
    this.consumed = true;
    const signal = this.controller.signal;
    let failures = 0;
    try {
      while (!signal.aborted) {
        let serverRetryMs: number | undefined;
        let why = 'closed';
        let response: Response | undefined;
        try {
          response = await this.open(this.lastSeq, signal);
        } catch (error) {
          if (signal.aborted || error instanceof APIUserAbortError) return;
          // Unreachable or restarting server: like a dropped connection, within the budget.
          if (!isTransient(error)) throw error;
          why = `could not reconnect (${(error as Error).message})`;
        }
        if (response) {
          const requestId = response.headers.get('x-request-id');
          const contentType = response.headers.get('content-type');
          if (!contentType || !/^text\/event-stream\b/i.test(contentType)) {
            const preview = await response.text().catch(() => '');
            throw new UnexpectedResponseError(this.what, {
              status: response.status,
              contentType,
              requestId,
              preview: preview.slice(0, 120),
              expected: 'text/event-stream',
            });
          }
          const queue: T[] = [];
          let ended = false;
          let problem: Error | undefined;
          const parser = createParser({
            onEvent: (message: EventSourceMessage) => {
              if (problem) return;
              if (message.event === 'end') {
                ended = true;
                return;
              }
              if (message.event !== undefined && message.event !== 'event') return;
              let value: unknown;
              try {
                value = JSON.parse(message.data);
              } catch {
                problem = new AuditlaneError(
                  `${this.what}: event data is not JSON: ${message.data.slice(0, 100)}`,
                );
                return;
              }
              const parsed = this.schema.safeParse(value);
              if (!parsed.success) {
                problem = new ResponseValidationError(this.what, parsed.error, requestId);
                return;
              }
              queue.push(parsed.data);
            },
            onRetry: (ms) => {
              serverRetryMs = ms;
            },
          });
          const reader = (response.body ?? new ReadableStream<Uint8Array>()).getReader();
          const decoder = new TextDecoder();
          let idle = false;
          // Not every fetch ties the body to the request's signal: cancel the read ourselves.
          const cancel = () => void reader.cancel().catch(() => {});
          signal.addEventListener('abort', cancel, { once: true });
          let timer: ReturnType<typeof setTimeout> | undefined;
          const arm = () => {
            if (timer !== undefined) clearTimeout(timer);
            if (this.idleTimeoutMs > 0)
              timer = setTimeout(() => {
                idle = true;
                cancel();
              }, this.idleTimeoutMs);
          };
          try {
            arm();
            for (;;) {
              let chunk: ReadableStreamReadResult<Uint8Array>;
              try {
                chunk = await reader.read();
              } catch {
                why = 'dropped';
                break;
              }
              if (chunk.done) break;
              arm();
              parser.feed(decoder.decode(chunk.value, { stream: true }));
              // Events that arrived before a bad one are delivered first.
              while (queue.length > 0) {
                // No filtering by seq: a late event may carry a lower seq than the last one.
                const item = queue.shift() as T;
                this.lastSeq = item.seq;
                failures = 0;
                yield item;
              }
              if (problem) throw problem;
              if (ended) return;
            }
          } finally {
            if (timer !== undefined) clearTimeout(timer);
            signal.removeEventListener('abort', cancel);
            await reader.cancel().catch(() => {});
          }
          if (idle) why = `went silent for ${this.idleTimeoutMs} ms`;
        }
        if (signal.aborted) return;
        // The connection ended without `end`: reconnect after a pause, resuming after lastSeq.
        failures++;
        if (failures > this.reconnects) {
          throw new AuditlaneError(
            `${this.what}: the stream ${why} ${failures} times in a row without an event; giving up`,
          );
        }
        // Growing, jittered pauses; the server's \`retry:\` is a floor (within reason).
        const floor =
          serverRetryMs === undefined
            ? 0
            : Math.min(serverRetryMs, MAX_SERVER_RETRY_MS) * (1 + 0.25 * Math.random());
        try {
          await sleep(Math.round(Math.max(floor, retryDelayMs(failures - 1))), signal);
        } catch {
          return;
        }
      }
    } catch (error) {
      if (
        signal.aborted &&
        !(error instanceof APIError) &&
        !(error instanceof ResponseValidationError)
      )
        return;
      throw error;
    } finally {
      this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
      this.controller.abort();
    }
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  return error instanceof APIError && isRetryableStatus(error.status);
}
