import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventInput } from '@auditlane/client';
import type { Sink } from './sink';

/**
 * Appends events to an NDJSON file, one line each, written before `write` returns (a crash of
 * the process loses nothing written); `flush` also syncs the file to disk. For offline use;
 * `auditlane` reads such files back into a server.
 */
export class FileSink implements Sink {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  private failed = false;

  write(event: EventInput): void {
    if (this.fd === undefined) return; // closed: the session is over
    try {
      writeSync(this.fd, `${JSON.stringify(event)}\n`);
      this.failed = false;
    } catch (error) {
      this.failed = true; // a full disk: events are not kept (the recorder reports the error)
      throw error;
    }
  }

  /** False once a write failed (until one succeeds again). */
  recordable(): boolean {
    return !this.failed;
  }

  async probe(): Promise<boolean> {
    return !this.failed;
  }

  async flush(): Promise<void> {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  async close(): Promise<void> {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
