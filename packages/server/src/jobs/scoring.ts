import {
  DEFAULT_SIGNIFICANCE,
  type SignificanceConfig,
  scoreSession,
} from '../domain/significance';
import type { QueuedScore } from '../store/scoring';
import type { Store } from '../store/types';

/** Called with the sessions of an org whose significance was just recomputed. */
export type ScoredListener = (org: string, sessionIds: string[]) => void;

/**
 * The rescoring job: drains the score queue (the sessions whose facts changed) right after each
 * ingest commit and on an interval (sessions queued by another server process, or before a
 * restart), recomputing each from stored facts.
 */
export interface Scorer {
  readonly config: SignificanceConfig;
  /** Drains the queue in a moment (the ingest route calls it after each commit). */
  kick(): void;
  /** Resolves once every session queued before the call is scored (tests, benchmarks). */
  idle(): Promise<void>;
  /** Subscribes to scored sessions; returns the unsubscribe function. */
  onScored(listener: ScoredListener): () => void;
  stop(): Promise<void>;
}

export interface ScorerOptions {
  /** How often the queue is checked without a kick. Default 1 s. */
  intervalMs?: number;
  /** Queued sessions read per step. Default 200. */
  batch?: number;
  onError?: (error: unknown) => void;
}

/** Sessions of one org rescored per transaction. */
const PER_TRANSACTION = 200;
/** How long a kick waits for more commits before draining (well inside the 1 s a score takes). */
const COALESCE_MS = 50;

/** Starts the rescoring job. With scoring off, it never scores (kick and idle do nothing). */
export function startScoring(
  store: Store,
  config: SignificanceConfig = DEFAULT_SIGNIFICANCE,
  options: ScorerOptions = {},
): Scorer {
  const batch = options.batch ?? 200;
  const onError =
    options.onError ??
    ((error: unknown) =>
      console.error(`[auditlane] rescoring failed: ${(error as Error).message ?? error}`));
  const listeners = new Set<ScoredListener>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failure: unknown = null;
  let kicked: ReturnType<typeof setTimeout> | null = null;
  const score = (facts: Parameters<typeof scoreSession>[0]) => scoreSession(facts, config);

  async function drain(): Promise<void> {
    for (;;) {
      const queued = await store.queuedScores(batch);
      if (queued.length === 0) return;
      const byOrg = new Map<string, QueuedScore[]>();
      for (const q of queued) {
        let list = byOrg.get(q.org);
        if (!list) {
          list = [];
          byOrg.set(q.org, list);
        }
        list.push(q);
      }
      for (const [org, list] of byOrg) {
        for (let i = 0; i < list.length; i += PER_TRANSACTION) {
          const scored = await store.rescore(
            org,
            list.slice(i, i + PER_TRANSACTION),
            score,
            config.baseline,
          );
          if (scored.length === 0) continue;
          for (const listener of listeners) {
            try {
              listener(org, scored);
            } catch (error) {
              onError(error);
            }
          }
        }
      }
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        failure = null;
        do {
          again = false;
          await drain();
        } while (again && !stopped);
      } catch (error) {
        failure = error;
        onError(error);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const timer = config.enabled
    ? setInterval(() => {
        if (!stopped) void run();
      }, options.intervalMs ?? 1000)
    : null;
  timer?.unref();

  return {
    config,
    kick() {
      if (!config.enabled || stopped || kicked) return;
      // Kicks within a moment share one drain: under load, sessions that several commits queue
      // again (a shared key's, a session spanning batches) are scored once.
      kicked = setTimeout(() => {
        kicked = null;
        if (!stopped) void run();
      }, COALESCE_MS);
    },
    async idle() {
      if (!config.enabled) return;
      for (;;) {
        await run();
        if (failure) throw failure;
        if (running) continue;
        if ((await store.queuedScores(1)).length === 0) return;
      }
    },
    onScored(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (kicked) clearTimeout(kicked);
      await running;
    },
  };
}
