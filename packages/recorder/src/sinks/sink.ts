import type { EventInput } from '@auditlane/client';

/** Where recorded events go. */
export interface Sink {
  /** Takes an event: never throws, never waits for the network. */
  write(event: EventInput): void;
  /** Resolves when everything written so far is delivered (or kept durably by the sink). */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Flushes what it can, then releases files and timers. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * The recorder opened a session that this process ends (`seq`: its start event's). A durable
   * sink keeps that, so a session whose process dies before its end is ended by whoever
   * delivers what the process left (`auditlane spool drain`, the next recorder on the spool).
   */
  holdOpen?(sessionId: string, seq: number): void;
  /** Called with the id of a session the server says was revoked (the recorder ends it). */
  onRevoked?(listener: (sessionId: string) => void): void;
  /**
   * Whether what is written now is kept: on disk, or by a server that takes it. `false` when
   * nothing can take events (the spool cannot be written and the server does not answer),
   * `undefined` while that is not known yet. A sink without it always keeps what it is given.
   * Where recording is required, the recorder runs nothing while this is `false`.
   */
  recordable?(): boolean | undefined;
  /** Finds out whether events are kept (asks the server now if it must), within `timeoutMs`. */
  probe?(options?: { timeoutMs?: number }): Promise<boolean>;
  /**
   * The URLs the sink itself sends events to: the network instrumentation leaves requests to
   * them off the record (delivery is not the session's traffic).
   */
  endpoints?(): string[];
}

/**
 * A sink that keeps nothing (a terminal recorded to a local asciicast file only): where
 * recording is required, sessions on it do not start.
 */
export class DiscardSink implements Sink {
  write(): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  recordable(): boolean {
    return false;
  }
  async probe(): Promise<boolean> {
    return false;
  }
}

/** Keeps events in memory (tests, custom forwarding). */
export class MemorySink implements Sink {
  readonly events: EventInput[] = [];
  write(event: EventInput): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
