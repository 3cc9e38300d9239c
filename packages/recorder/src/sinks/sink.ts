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
