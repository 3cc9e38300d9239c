import type { PurgeReport } from '../store/purge';
import type { Store } from '../store/types';
import type { Notary } from './checkpoints';

export interface RetentionPolicy {
  /** Days production recordings are kept; null keeps them forever. */
  productionDays: number | null;
  /** Days recordings of every other environment are kept; null keeps them forever. */
  otherDays: number | null;
}

const DAY_MS = 86_400_000;

/** One sweep: purges the recordings older than the policy allows. */
export async function sweepRecordings(
  store: Store,
  policy: RetentionPolicy,
  now: number,
  /** Signs a record of each session's purge (with the purge's time and reason). */
  notary?: Notary | null,
): Promise<PurgeReport> {
  const total: PurgeReport = { sessions: 0, events: 0 };
  const at = new Date(now).toISOString();
  for (const [production, days] of [
    [true, policy.productionDays],
    [false, policy.otherDays],
  ] as const) {
    if (days === null) continue;
    const reason = `retention: ${production ? 'production' : 'non-production'} recordings are kept ${days} days`;
    const report = await store.purgeRecordings({
      before: now - days * DAY_MS,
      production,
      at,
      reason,
      ...(notary
        ? {
            onPurged: (org: string, sessionId: string) =>
              notary.recordPurge(org, sessionId, { at, reason }).then(() => {}, notary.onError),
          }
        : {}),
    });
    total.sessions += report.sessions;
    total.events += report.events;
  }
  return total;
}

/**
 * Sweeps now and then every `intervalMs` (hourly by default) until stopped. Errors go to
 * `onError` and the next sweep tries again: retention never takes the server down.
 */
export function startRetention(
  store: Store,
  policy: RetentionPolicy,
  options: {
    intervalMs?: number;
    now?: () => number;
    onError?: (error: unknown) => void;
    onSweep?: (r: PurgeReport) => void;
    /** Signs a record of each purge. */
    notary?: Notary | null;
  } = {},
): { stop(): Promise<void> } {
  const now = options.now ?? Date.now;
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running
      .then(() => sweepRecordings(store, policy, now(), options.notary))
      .then((report) => options.onSweep?.(report))
      .catch((error) =>
        (options.onError ?? ((e) => console.error('[auditlane] retention sweep failed:', e)))(
          error,
        ),
      );
  };
  if (policy.productionDays === null && policy.otherDays === null) return { stop: async () => {} };
  sweep();
  const timer = setInterval(sweep, options.intervalMs ?? 3_600_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
