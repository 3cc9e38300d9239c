import {
  APIConnectionError,
  APIError,
  type AuditlaneClient,
  createClient,
  createIdGenerator,
  type EventInput,
  eventSchema,
} from '@auditlane/client';
import type { Sink } from './sink';
import { Spool } from './spool';

export interface HttpSinkOptions {
  /** A client of the server, or its URL and an ingest token. */
  client?: AuditlaneClient;
  url?: string;
  token?: string;
  /**
   * A directory for the disk spool: every event is written there before `write` returns and
   * stays until the server acknowledged it, so an outage or a crash loses nothing. A process
   * delivers what dead processes left in the same directory. `false`: memory only (bounded by
   * `maxQueue`; events beyond it are dropped and reported).
   */
  spool: string | false;
  /** Events per request. Default 500. */
  batchSize?: number;
  /** How long an event may wait for its batch to fill. Default 200 ms. */
  batchMs?: number;
  gzip?: boolean;
  /** Memory-only queue bound. Default 10,000 events. */
  maxQueue?: number;
  /** Problems delivering (the server unreachable, an event refused). Default: stderr. */
  onError?: (error: Error) => void;
}

interface Source {
  read(max: number): { lines: string[]; commit: () => void };
  readonly drained: boolean;
  /** How many events wait in it. */
  pending(): number;
  /** Its spool directory. */
  dir?: string;
  done?(): void;
  /** Leaves an adopted spool, not delivered yet, to the next sink (closed, for good). */
  leave?(): void;
}

/** What a sink delivered, and what waits. */
export interface DeliveryReport {
  /** Events the server acknowledged (stored now, or already). */
  sent: number;
  /** The same, by session. */
  sessions: Record<string, number>;
  /** Events the server refused (invalid): they are not sent again. */
  refused: number;
  /**
   * Sessions whose recorder process ended without ending them (a crash, `kill -9`), found in
   * the spools this sink adopted: their lifecycle end is written and delivered with the rest.
   */
  ended: string[];
  /** Events not delivered yet, and the spool directories that hold them. */
  waiting: number;
  spools: string[];
  /** Spool directories of running processes, left to them. */
  busy: string[];
}

/**
 * Delivers events to the server in batches (by size and time, gzip), retrying with backoff and
 * jitter for as long as it takes; a retried batch never duplicates (events carry their ids).
 * With a spool, nothing recorded is lost to an outage or a crash of this process.
 */
export class HttpSink implements Sink {
  readonly client: AuditlaneClient;
  private readonly sources: Source[] = [];
  private readonly own: Source;
  private readonly spool: Spool | undefined;
  /** The spool could not be opened or written: events wait in memory (`fallback`). */
  private spoolFailed = false;
  private fallback: ReturnType<typeof memorySource> | undefined;
  private readonly maxQueue: number;
  /** What the last delivery attempt (or probe) found of the server. */
  private server: 'unknown' | 'up' | 'down' = 'unknown';
  private readonly batchSize: number;
  private readonly batchMs: number;
  private readonly gzip: boolean;
  private readonly onError: (error: Error) => void;
  private readonly revokedListeners: ((sessionId: string) => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private running: Promise<void>;
  private closed = false;
  private flushers: { resolve: () => void }[] = [];
  private failures = 0;
  private queued = 0;
  private sent = 0;
  private readonly sentBySession = new Map<string, number>();
  private refused = 0;
  private readonly ended: string[] = [];
  private readonly live: string[] = [];

  /** The server it delivers to (left off the record by the network instrumentation). */
  endpoints(): string[] {
    return [this.client.baseUrl];
  }

  constructor(options: HttpSinkOptions) {
    if (options.client) this.client = options.client;
    else if (options.url && options.token)
      this.client = createClient({ baseUrl: options.url, token: options.token, retries: 0 });
    else throw new TypeError('HttpSink: pass client, or url and token');
    this.batchSize = options.batchSize ?? 500;
    this.batchMs = options.batchMs ?? 200;
    this.gzip = options.gzip ?? true;
    this.onError =
      options.onError ?? ((error) => process.stderr.write(`auditlane: ${error.message}\n`));
    this.maxQueue = options.maxQueue ?? 10_000;
    let opened: ReturnType<typeof Spool.open> | undefined;
    if (options.spool) {
      try {
        opened = Spool.open(options.spool);
      } catch (error) {
        // An unwritable or full spool directory: the events wait in memory for the server.
        // Where recording is required, the recorder runs nothing unless the server takes them.
        this.spoolFailed = true;
        this.onError(
          new Error(
            `the spool ${options.spool} cannot be used (${(error as Error).message}): events wait in memory until the server takes them`,
          ),
        );
      }
    }
    if (opened) {
      const { own, orphans, live } = opened;
      this.spool = own;
      this.live = live;
      const ids = createIdGenerator();
      for (const orphan of orphans) {
        // Sessions its dead process held open: their end goes after what it left (this spool
        // is delivered after the adopted ones), so they do not stay active.
        for (const { sessionId, nextSeq } of orphan.heldSessions()) {
          const end: EventInput = {
            id: ids.eventId(),
            sessionId,
            seq: nextSeq,
            time: new Date().toISOString(),
            type: 'lifecycle',
            action: 'end',
            reason: 'the recorder stopped without ending the session (its process is gone)',
          };
          own.append(JSON.stringify(end));
          this.queued++;
          this.ended.push(sessionId);
        }
        orphan.releaseAll();
        if (orphan.drained) orphan.remove();
        else this.sources.push(spoolSource(orphan, true));
      }
      this.own = spoolSource(own, false);
    } else {
      this.fallback = this.memory();
      this.own = this.fallback;
    }
    this.sources.push(this.own);
    this.running = this.pump();
  }

  write(event: EventInput): void {
    if (this.closed) return;
    const line = JSON.stringify(event);
    if (this.spool && !this.spoolFailed) {
      try {
        this.spool.append(line);
        if (event.type === 'lifecycle' && event.action === 'end')
          this.spool.release(event.sessionId);
        else this.spool.wrote(event.sessionId, event.seq);
      } catch (error) {
        this.spoolFailed = true;
        this.onError(
          new Error(
            `the spool ${this.spool.dir} cannot be written (${(error as Error).message}): events wait in memory until the server takes them`,
          ),
        );
        this.fallback = this.memory();
        this.sources.push(this.fallback);
        this.fallback.push(line);
      }
    } else this.fallback!.push(line);
    this.queued++;
    // While delivery backs off (the server is down), new events wait for the retry: they do not
    // cut the pause short.
    if (this.failures > 0) return;
    if (this.queued >= this.batchSize) {
      // A full batch: the pump is woken once, and reads on while it has events.
      if (this.queued === this.batchSize || this.timer) this.kick();
    } else this.timer ??= setTimeout(() => this.kick(), this.batchMs);
  }

  holdOpen(sessionId: string, seq: number): void {
    if (!this.spoolFailed) this.spool?.hold(sessionId, seq);
  }

  /**
   * True while the spool takes events or the server did at its last attempt; false when the
   * spool cannot be written and the server did not answer; undefined before the first attempt.
   */
  recordable(): boolean | undefined {
    if (this.spool && !this.spoolFailed) return true;
    return this.server === 'unknown' ? undefined : this.server === 'up';
  }

  /** Whether events are kept: the spool takes them, or the server answers now (its `/v1/me`). */
  async probe(options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.recordable() === true) return true;
    if (this.closed) return false;
    try {
      await this.client.me({ retries: 0, timeoutMs: options.timeoutMs ?? 5_000 });
      this.server = 'up';
    } catch {
      // Unreachable, or it refuses this token: either way it does not take these events.
      this.server = 'down';
    }
    return this.server === 'up';
  }

  private keptWhere(): string {
    if (this.spool && !this.spoolFailed) return 'kept in the spool';
    return this.spoolFailed ? 'in memory only: the spool cannot be written' : 'in memory only';
  }

  private memory() {
    return memorySource(this.maxQueue, (n) =>
      this.onError(
        new Error(`dropped ${n} events: the queue is full and there is no spool (server down?)`),
      ),
    );
  }

  /** What was delivered so far, and what waits (in which spool directories). */
  report(): DeliveryReport {
    const waiting = this.sources.filter((s) => !s.drained);
    return {
      sent: this.sent,
      sessions: Object.fromEntries(this.sentBySession),
      refused: this.refused,
      ended: [...this.ended],
      waiting: waiting.reduce((n, s) => n + s.pending(), 0),
      spools: waiting.flatMap((s) => (s.dir ? [s.dir] : [])),
      busy: [...this.live],
    };
  }

  onRevoked(listener: (sessionId: string) => void): void {
    this.revokedListeners.push(listener);
  }

  /** Resolves once every event written so far is acknowledged, or when `timeoutMs` passes (then rejects). */
  flush(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.sources.every((s) => s.drained)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry = { resolve };
      this.flushers.push(entry);
      this.kick();
      if (options.timeoutMs !== undefined) {
        const t = setTimeout(() => {
          this.flushers = this.flushers.filter((f) => f !== entry);
          reject(
            new Error(`events not delivered within ${options.timeoutMs} ms (${this.keptWhere()})`),
          );
        }, options.timeoutMs);
        const done = entry.resolve;
        entry.resolve = () => {
          clearTimeout(t);
          done();
        };
      }
    });
  }

  /** Flushes for up to `timeoutMs` (default 5 s; 0: not at all), then stops; what is left stays in the spool. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    try {
      if (options.timeoutMs !== 0) await this.flush({ timeoutMs: options.timeoutMs ?? 5_000 });
    } catch (error) {
      this.onError(error as Error);
    }
    this.closed = true;
    this.kick();
    await this.running;
    // Nothing left to deliver or to end: the directory goes (otherwise the next process adopts it).
    if (this.spool?.drained && this.spool.heldSessions().length === 0) this.spool.remove();
    else this.spool?.close();
    // Spools it adopted and could not deliver: to the next sink too, as if this process ended.
    for (const source of this.sources) if (source !== this.own && !source.drained) source.leave?.();
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
  }

  private async pump(): Promise<void> {
    while (!this.closed) {
      const source = this.sources.find((s) => !s.drained);
      if (!source) {
        for (const f of this.flushers.splice(0)) f.resolve();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      const { lines, commit } = source.read(this.batchSize);
      if (lines.length === 0) {
        // A partly written line: wait for the rest.
        await this.sleep(10);
        continue;
      }
      const events: EventInput[] = [];
      for (const line of lines) {
        try {
          const parsed = eventSchema.safeParse(JSON.parse(line));
          if (parsed.success) events.push(parsed.data as EventInput);
          else
            this.onError(
              new Error(`event refused before sending: ${parsed.error.issues[0]?.message}`),
            );
        } catch {
          this.onError(new Error('a spooled line is not JSON; skipped'));
        }
      }
      try {
        if (events.length > 0) {
          const result = await this.client.ingest(events, { gzip: this.gzip, retries: 0 });
          this.sent += result.accepted + result.duplicates;
          this.refused += result.rejected.length;
          const refused = new Set(result.rejected.map((r) => r.index));
          events.forEach((e, i) => {
            if (!refused.has(i))
              this.sentBySession.set(e.sessionId, (this.sentBySession.get(e.sessionId) ?? 0) + 1);
          });
          for (const r of result.rejected)
            this.onError(new Error(`the server refused event ${r.id ?? r.index}: ${r.message}`));
          for (const id of result.revoked) for (const l of this.revokedListeners) l(id);
        }
        commit();
        this.server = 'up';
        this.queued = Math.max(0, this.queued - lines.length);
        if (this.failures > 0) this.failures = 0;
        if (source !== this.own && source.drained) source.done?.();
      } catch (error) {
        // Kept: the same batch goes again after a pause (the server drops what it already has).
        this.failures++;
        this.server = 'down';
        if (this.failures === 1 || this.failures % 20 === 0) {
          const what =
            error instanceof APIConnectionError || error instanceof APIError
              ? error.message
              : String(error);
          this.onError(new Error(`cannot deliver events (attempt ${this.failures}): ${what}`));
        }
        const base = Math.min(500 * 2 ** Math.min(this.failures - 1, 6), 30_000);
        await this.sleep(base * (0.75 + Math.random() * 0.25));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    }).then(() => {
      this.wake = undefined;
    });
  }
}

function spoolSource(spool: Spool, adopted: boolean): Source {
  return {
    read(max) {
      const { lines, next } = spool.read(max);
      return { lines, commit: () => spool.ack(next) };
    },
    get drained() {
      return spool.drained;
    },
    pending: () => spool.pendingLines(),
    dir: spool.dir,
    done: adopted ? () => spool.remove() : undefined,
    leave: adopted ? () => spool.close() : undefined,
  };
}

function memorySource(max: number, dropped: (n: number) => void) {
  let queue: string[] = [];
  return {
    push(line: string) {
      queue.push(line);
      if (queue.length > max) {
        const n = queue.length - max;
        queue = queue.slice(n);
        dropped(n);
      }
    },
    read(n: number) {
      const lines = queue.slice(0, n);
      return {
        lines,
        commit: () => {
          queue = queue.slice(lines.length);
        },
      };
    },
    get drained() {
      return queue.length === 0;
    },
    pending: () => queue.length,
  };
}
