import { ALERT_RETRY_WINDOW_MS, type Alert, type AlertDelivery } from '@auditlane/client';
import type { DueDelivery } from '../store/alerts';
import type { Store } from '../store/types';
import { postJson, webhookHeaders } from './webhook';

export interface AlertDeliveryOptions {
  /** The clock. Default Date.now. */
  now?: () => number;
  /** Runs `fn` after `ms`; returns what cancels it. Default an unref'd setTimeout. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  /** Default the global fetch. */
  fetch?: typeof fetch;
  /** Longest one attempt may take, answer included. Default 10 s. */
  timeoutMs?: number;
  /** Attempts under way at once, over every receiver. Default 16. */
  concurrency?: number;
  /** Attempts under way at once to one alert's receiver, so a slow one holds few. Default 2. */
  perAlert?: number;
  /** How long a delivery is retried before it is given up. Default 24 hours. */
  retryWindowMs?: number;
  /** Delay before the first retry; doubled for each next one (with jitter). Default 5 s. */
  retryBaseMs?: number;
  /** Longest delay between two attempts. Default 1 hour. */
  retryMaxMs?: number;
  /** In [0, 1), for the jitter. Default Math.random. */
  random?: () => number;
  /** Due deliveries are looked for at least this often (those queued by other servers). Default 30 s. */
  pollMs?: number;
  /** A failure of matching or of the store while delivering (a receiver's failure is logged per delivery). */
  onError?: (error: unknown) => void;
}

/**
 * Alerts: when sessions change, each enabled alert of the org is evaluated against just those
 * sessions with the list's own conditions; a session that matches an alert for the first time
 * queues one signed webhook (Standard Webhooks), kept in the store and retried with exponential
 * backoff and jitter until a 2xx, for 24 hours, then given up. Sending runs apart from ingest,
 * a bounded number at a time and few per receiver, so a slow receiver holds up no one.
 */
export class AlertEngine {
  readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => () => void;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly perAlert: number;
  private readonly window: number;
  private readonly base: number;
  private readonly max: number;
  private readonly random: () => number;
  private readonly pollMs: number;
  readonly onError: (error: unknown) => void;

  private started = false;
  private stopped = false;
  private cancelTimer: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly evaluating = new Set<Promise<number>>();

  constructor(
    private readonly store: Store,
    private readonly options: AlertDeliveryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.setTimer =
      options.setTimer ??
      ((fn, ms) => {
        const timer = setTimeout(fn, ms);
        timer.unref();
        return () => clearTimeout(timer);
      });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = options.concurrency ?? 16;
    this.perAlert = options.perAlert ?? 2;
    this.window = options.retryWindowMs ?? ALERT_RETRY_WINDOW_MS;
    this.base = options.retryBaseMs ?? 5_000;
    this.max = options.retryMaxMs ?? 3_600_000;
    this.random = options.random ?? Math.random;
    this.pollMs = options.pollMs ?? 30_000;
    this.onError = options.onError ?? ((e: unknown) => console.error('[auditlane] alerts:', e));
  }

  /**
   * Sessions of an org changed (events stored, a status changed, a score recomputed): queues a
   * delivery for each enabled alert each of them newly matches. Resolves once the deliveries are
   * stored (not sent).
   */
  sessionsChanged(org: string, sessionIds: Iterable<string>): Promise<number> {
    const evaluation = this.evaluate(org, [...new Set(sessionIds)]);
    this.evaluating.add(evaluation);
    const forget = () => this.evaluating.delete(evaluation);
    evaluation.then(forget, forget);
    return evaluation;
  }

  private async evaluate(org: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const now = this.now();
    let queued = 0;
    const alerts = await this.store.alerts.enabledAlerts(org);
    if (alerts.length === 0) return 0;
    // Every alert's filter over the sessions in one statement; then one delivery per new match.
    const matched = await this.store.alerts.matchAlerts(org, alerts, ids, now);
    for (const alert of alerts)
      for (const session of matched.get(alert.id) ?? [])
        if (await this.store.alerts.recordMatch(org, alert, session, now)) queued++;
    if (queued > 0) this.kick();
    return queued;
  }

  /** Resolves once the evaluations started so far (by ingest or by rescoring) are stored. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.evaluating]);
  }

  /** Queues an `alert.test` message of the alert, due now, and sends it soon. */
  async test(org: string, alert: Alert): Promise<AlertDelivery> {
    const delivery = await this.store.alerts.createTestDelivery(org, alert, this.now());
    this.kick();
    return delivery;
  }

  /** Sends what is due soon (a delivery was queued). */
  kick(): void {
    if (!this.started || this.stopped) return;
    this.schedule(0);
  }

  /** Starts sending: what is due now (deliveries left pending by an earlier run too), then as it comes due. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Waits for the evaluations under way, stops scheduling and waits for the attempts under way. */
  async stop(): Promise<void> {
    await this.settled();
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.running;
  }

  /**
   * Makes one attempt at every delivery due now, and waits for them; returns how many were made.
   * The timers call it; tests call it after moving their clock.
   */
  async deliverDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      await this.running;
      return 0;
    }
    let attempts = 0;
    const run = (async () => {
      do {
        this.again = false;
        attempts += await this.sendDue();
      } while (this.again && !this.stopped);
    })();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
    }
    return attempts;
  }

  private async sendDue(): Promise<number> {
    const inFlight = new Map<string, number>();
    const running = new Set<Promise<void>>();
    const taken = new Set<string>();
    let attempts = 0;
    for (;;) {
      if (this.stopped && running.size === 0) break;
      const now = this.now();
      const due = this.stopped
        ? []
        : (await this.store.alerts.dueDeliveries(now, this.concurrency * 4, this.perAlert)).filter(
            (d) => !taken.has(`${d.org}\n${d.id}`),
          );
      let started = 0;
      for (const d of due) {
        if (running.size >= this.concurrency) break;
        const key = `${d.org}\n${d.alertId}`;
        if ((inFlight.get(key) ?? 0) >= this.perAlert) continue;
        // Pushed past the attempt's timeout: another server (or this one) takes it only if
        // this process died during the attempt.
        if (!(await this.store.alerts.claim(d, now + this.timeoutMs + 60_000))) continue;
        taken.add(`${d.org}\n${d.id}`);
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
        started++;
        attempts++;
        const attempt = this.attempt(d)
          .catch(this.onError)
          .finally(() => {
            running.delete(attempt);
            inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
          });
        running.add(attempt);
      }
      if (running.size === 0) break;
      if (started === 0 || running.size >= this.concurrency) await Promise.race(running);
    }
    return attempts;
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const at = this.now();
    const headers = webhookHeaders(d.secret, d.id, Math.floor(at / 1000), d.payload);
    const res = await postJson(d.url, d.payload, {
      headers: { ...headers, 'user-agent': 'auditlane-alerts' },
      timeoutMs: this.timeoutMs,
      fetch: this.options.fetch,
      redirect: 'manual',
    });
    const done = this.now();
    if (res.ok) {
      await this.store.alerts.recordAttempt(d, {
        at: done,
        responseStatus: res.status,
        delivered: true,
        error: null,
        nextAttemptAt: null,
      });
      return;
    }
    const made = d.attempts + 1;
    const next = done + this.delay(made);
    const deadline = d.createdAt + this.window;
    const giveUp = next > deadline;
    await this.store.alerts.recordAttempt(d, {
      at: done,
      responseStatus: res.status,
      delivered: false,
      error: giveUp
        ? `gave up after ${made} attempt${made === 1 ? '' : 's'} over ${formatWindow(this.window)}; last: ${res.error}`
        : res.error,
      nextAttemptAt: giveUp ? null : next,
    });
  }

  /** Before retry n (1 = the first retry): base·2^(n−1), capped, between half and all of it. */
  private delay(n: number): number {
    const full = Math.min(this.max, this.base * 2 ** Math.min(n - 1, 30));
    return Math.round(full / 2 + (this.random() * full) / 2);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancelTimer?.();
    this.cancelTimer = this.setTimer(() => {
      this.cancelTimer = null;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      await this.deliverDue();
      const next = await this.store.alerts.nextDue();
      const wait =
        next === null ? this.pollMs : Math.max(0, Math.min(this.pollMs, next - this.now()));
      this.schedule(wait);
    } catch (error) {
      this.onError(error);
      this.schedule(this.pollMs);
    }
  }
}

function formatWindow(ms: number): string {
  const hours = ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours} hours` : `${Math.round(ms / 1000)} s`;
}
