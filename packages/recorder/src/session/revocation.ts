/**
 * A session's revocation by the server: the sink hears of it on an ingest answer, the recorder
 * calls `revoke`, and every instrumentation recording the session hears of it once (to stop the
 * program, refuse further calls).
 */
export class Revocation {
  private readonly listeners: (() => void)[] = [];
  private done = false;

  constructor(private readonly onError: (error: Error) => void) {}

  get revoked(): boolean {
    return this.done;
  }

  listen(listener: () => void): void {
    this.listeners.push(listener);
  }

  revoke(): void {
    if (this.done) return;
    this.done = true;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.onError(error as Error);
      }
    }
  }
}
