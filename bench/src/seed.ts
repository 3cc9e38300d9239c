// Seeding a store with generated sessions through its own ingest path (the same algorithm the
// API runs: chains, counters, search, the entity index, scores), in large batches, so 1M
// sessions take minutes instead of hours of HTTP requests.
import type { Event } from '@auditlane/client';
import type { Store } from '@auditlane/server';
import type { Workload } from './workload';

export interface SeedOptions {
  sessions: number;
  /** Session `i` starts at `from + i / sessions * spanMs`. */
  from: number;
  spanMs: number;
  /** Events per store.ingest call (one transaction). */
  batchEvents?: number;
  /** Batches in flight: PostgreSQL overlaps one batch's commit with the next one's work. */
  inFlight?: number;
  /**
   * The server's rescoring job (`RunningServer.scorer`): kicked after each batch, as the ingest
   * route does, and waited for at the end, so every session's score reflects every event.
   */
  scorer?: { kick(): void; idle(): Promise<void> };
  /** Called about every 2% of the sessions. */
  onProgress?: (sessions: number, seconds: number) => void;
}

/** When session `i` of `n` spread over `spanMs` from `from` starts. */
export function startOf(i: number, n: number, from: number, spanMs: number): number {
  return from + Math.floor((i / n) * spanMs);
}

/**
 * Seeds `org` with sessions 0…n-1 of the workload, in order of their start, every event in the
 * batch its session starts in. The events are made in their parsed form (no schema pass: the
 * workload's test checks they parse to themselves). Returns the seconds it took (until every session is scored) and the seconds until the last batch
 * was committed, and the CPU seconds of this process (the machine's other load left out; a
 * PostgreSQL server's own work too).
 */
export async function seed(
  store: Store,
  org: string,
  workload: Workload,
  options: SeedOptions,
): Promise<{ seconds: number; ingestSeconds: number; cpuSeconds: number; events: number }> {
  const batchEvents = options.batchEvents ?? 10_000;
  const inFlight = options.inFlight ?? 1;
  const settings = () => ({
    receivedAt: new Date().toISOString(),
    previewRows: 50,
    reconnectGraceMs: 300_000,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const step = Math.max(1, Math.floor(options.sessions / 50));
  let next = 0;
  let events = 0;
  const take = (): Event[] | null => {
    if (next >= options.sessions) return null;
    const batch: Event[] = [];
    while (next < options.sessions && batch.length < batchEvents) {
      const i = next++;
      batch.push(
        ...workload.session(i, startOf(i, options.sessions, options.from, options.spanMs)),
      );
      if (i % step === step - 1) options.onProgress?.(i + 1, (performance.now() - started) / 1000);
    }
    return batch;
  };
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let batch = take(); batch; batch = take()) {
        const report = await store.ingest(org, batch, settings());
        const bad = report.outcomes.find((o) => o.status !== 'accepted');
        if (bad) throw new Error(`seeding: an event was not accepted: ${JSON.stringify(bad)}`);
        events += batch.length;
        options.scorer?.kick();
      }
    }),
  );
  const ingested = (performance.now() - started) / 1000;
  await options.scorer?.idle();
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - started) / 1000,
    ingestSeconds: ingested,
    cpuSeconds: (used.user + used.system) / 1e6,
    events,
  };
}
