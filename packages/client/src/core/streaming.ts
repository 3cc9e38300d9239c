import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { z } from 'zod';
import { retryDelayMs } from '../internal/retry';
import { sleep } from '../internal/signal';
import { APIError, APIUserAbortError, AuditlaneError, ResponseValidationError } from './error';

export interface LiveStreamOptions {
  /** Resume after this seq (events with a greater seq are delivered). */
  after?: number;
  signal?: AbortSignal;
  /** Reconnections in a row without receiving an event before giving up. Default 5. */
  reconnects?: number;
}

/**
 * A live tail over server-sent events, read once with `for await`. It reconnects after a dropped
 * connection, resuming after the last event it delivered (no gaps, no duplicates), and ends when
 * the server sends `end` (the session ended), when `close()` is called or the signal fires.
 */
export class LiveStream<T extends { seq: number }> implements AsyncIterable<T> {
  private readonly controller = new AbortController();
  private consumed = false;
  private lastSeq: number | undefined;
  private readonly open: (after: number | undefined, signal: AbortSignal) => Promise<Response>;
  private readonly schema: z.ZodType<T>;
  private readonly what: string;
  private readonly reconnects: number;

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
    this.lastSeq = options.after;
    const { signal } = options;
    if (signal?.aborted) this.controller.abort();
    else signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  /** The seq of the last event delivered: where a new stream would resume. */
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
        let response: Response;
        try {
          response = await this.open(this.lastSeq, signal);
        } catch (error) {
          if (signal.aborted || error instanceof APIUserAbortError) return;
          throw error;
        }
        const requestId = response.headers.get('x-request-id');
        const queue: T[] = [];
        let ended = false;
        let problem: Error | undefined;
        let serverRetryMs: number | undefined;
        const parser = createParser({
          onEvent: (message: EventSourceMessage) => {
            if (message.event === 'end') {
              ended = true;
              return;
            }
            if (message.event !== undefined && message.event !== 'event') return;
            let value: unknown;
            try {
              value = JSON.parse(message.data);
            } catch {
              problem ??= new AuditlaneError(
                `${this.what}: event data is not JSON: ${message.data.slice(0, 100)}`,
              );
              return;
            }
            const parsed = this.schema.safeParse(value);
            if (!parsed.success) {
              problem ??= new ResponseValidationError(this.what, parsed.error, requestId);
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
        let dropped = false;
        // Not every fetch ties the body to the request's signal: cancel the read ourselves.
        const cancel = () => void reader.cancel().catch(() => {});
        signal.addEventListener('abort', cancel, { once: true });
        try {
          for (;;) {
            let chunk: ReadableStreamReadResult<Uint8Array>;
            try {
              chunk = await reader.read();
            } catch {
              dropped = true;
              break;
            }
            if (chunk.done) break;
            parser.feed(decoder.decode(chunk.value, { stream: true }));
            if (problem) throw problem;
            while (queue.length > 0) {
              const item = queue.shift() as T;
              if (this.lastSeq !== undefined && item.seq <= this.lastSeq) continue;
              this.lastSeq = item.seq;
              failures = 0;
              yield item;
            }
            if (ended) return;
          }
        } finally {
          signal.removeEventListener('abort', cancel);
          await reader.cancel().catch(() => {});
        }
        if (signal.aborted) return;
        // The connection ended without `end`: reconnect after a pause, resuming after lastSeq.
        failures++;
        if (failures > this.reconnects) {
          throw new AuditlaneError(
            `${this.what}: the stream ${dropped ? 'dropped' : 'closed'} ${failures} times in a row without an event; giving up`,
          );
        }
        try {
          await sleep(serverRetryMs ?? retryDelayMs(failures - 1), signal);
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
      this.controller.abort();
    }
  }
}
