import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AlertEvent,
  type AuditlaneClient,
  createClient,
  type EventInput,
} from '@auditlane/client';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AlertDeliveryOptions } from '../src/jobs/alerts';
import { type RunningServer, startServer } from '../src/serve';
import { PostgresStore } from '../src/store/postgres';
import { SqliteStore } from '../src/store/sqlite';
import { PERMISSIONS, type Store } from '../src/store/types';
import { STORE_KINDS, type StoreKind, sessionScript } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

/** A webhook receiver on an ephemeral port of 127.0.0.1, answering as told. */
class Receiver {
  received: { headers: IncomingHttpHeaders; body: string; at: number }[] = [];
  /** 'ok': 200; a number: that status; 'hang': never answers. */
  answer: 'ok' | number | 'hang' = 'ok';
  port = 0;
  private server: Server | null = null;
  private waiters: (() => void)[] = [];

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        for (const wake of this.waiters.splice(0)) wake();
        if (this.answer === 'hang') return;
        res.statusCode = this.answer === 'ok' ? 200 : this.answer;
        res.end('thanks');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the port: the next attempts are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `n` requests have arrived. */
  async until(n: number, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < n) {
      if (Date.now() > deadline) throw new Error(`${this.received.length} of ${n} requests`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  events(): AlertEvent[] {
    return this.received.map((r) => JSON.parse(r.body) as AlertEvent);
  }
}

/** A database of the kind that can be closed and opened again (a server restart). */
async function reopenableStore(kind: StoreKind) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'auditlane-alerts-'));
    const filename = join(dir, 'test.db');
    return {
      open: async (): Promise<Store> => new SqliteStore({ filename }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = inject('postgresUrl');
  const name = `auditlane_alerts_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    open: async (): Promise<Store> =>
      PostgresStore.open({ connectionString: url.toString(), max: 4 }),
    drop: async () => {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A session-level policy verdict: the session is blocked. */
function blockSession(script: ReturnType<typeof sessionScript>): EventInput {
  const last = script.events.at(-1)!;
  const event: EventInput = {
    id: `${script.sessionId}-block-${script.events.length}`,
    sessionId: script.sessionId,
    seq: last.seq + 1,
    time: new Date(Date.parse(last.time) + 1000).toISOString(),
    type: 'policy',
    verdict: 'blocked',
    rule: 'no-prod-writes',
  };
  script.events.push(event);
  return event;
}

describe.each(STORE_KINDS)('%s store: alerts', (kind) => {
  let db: Awaited<ReturnType<typeof reopenableStore>>;
  let store: Store;
  let server: RunningServer;
  let admin: AuditlaneClient;
  let adminToken: string;
  let receiver: Receiver;
  /** The clock of the alert engine; the engine's own timers never fire (tests drive it). */
  let clock: number;
  const manual: AlertDeliveryOptions = {
    now: () => clock,
    setTimer: () => () => {},
    timeoutMs: 2_000,
  };

  const serve = async (options: AlertDeliveryOptions = manual) => {
    server = await startServer({ store, port: 0, alerts: options });
    admin = createClient({ baseUrl: server.url, token: adminToken, retries: 0 });
  };

  beforeEach(async () => {
    clock = Date.now();
    db = await reopenableStore(kind);
    store = await db.open();
    adminToken = (
      await store.createToken({ org: 'acme', name: 'admin', permissions: [...PERMISSIONS] })
    ).token;
    await serve();
    receiver = await new Receiver().start();
  });

  afterEach(async () => {
    await receiver.stop();
    await server.close();
    await store.close();
    await db.drop();
  });

  it('fires once per session that newly matches production + blocked, signed as Standard Webhooks says', async () => {
    const alert = await admin.alerts.create({
      name: 'blocked in production',
      query: { environment: ['production'], status: ['blocked'] },
      url: receiver.url,
    });
    expect(alert.secret).toMatch(/^whsec_/);
    expect(alert.query).toEqual({ environment: ['production'], status: ['blocked'] });

    const prod = sessionScript();
    prod.command('rm -rf /var/lib/data');
    const staging = sessionScript({
      resource: { name: 'billing-db', type: 'database', environment: 'staging' },
    });
    blockSession(staging);
    await admin.ingest([...prod.events, ...staging.events]);
    expect(await server.alerts.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(0);

    // The production session is blocked: it matches for the first time.
    await admin.ingest([blockSession(prod)]);
    expect(await server.alerts.deliverDue()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [event] = receiver.events();
    expect(event!.type).toBe('alert.matched');
    expect(event!.data.alert).toEqual({ id: alert.id, name: 'blocked in production' });
    expect(event!.data.session?.id).toBe(prod.sessionId);
    expect(event!.data.session?.status).toBe('blocked');

    // The receiver's verification, with a library we did not write.
    const { headers, body } = receiver.received[0]!;
    const verified = new Webhook(alert.secret).verify(body, {
      'webhook-id': headers['webhook-id'] as string,
      'webhook-timestamp': headers['webhook-timestamp'] as string,
      'webhook-signature': headers['webhook-signature'] as string,
    });
    expect(verified).toEqual(event);
    // ...which refuses a body changed on the way, and another alert's secret.
    expect(() =>
      new Webhook(alert.secret).verify(body.replace('blocked', 'passed'), {
        'webhook-id': headers['webhook-id'] as string,
        'webhook-timestamp': headers['webhook-timestamp'] as string,
        'webhook-signature': headers['webhook-signature'] as string,
      }),
    ).toThrow();
    const other = await admin.alerts.create({ name: 'x', query: {}, url: receiver.url });
    expect(() =>
      new Webhook(other.secret).verify(body, {
        'webhook-id': headers['webhook-id'] as string,
        'webhook-timestamp': headers['webhook-timestamp'] as string,
        'webhook-signature': headers['webhook-signature'] as string,
      }),
    ).toThrow();
    await admin.alerts.delete(other.id);

    // Still matching after more events (and blocked again): never a second time.
    prod.command('ls');
    await admin.ingest([prod.events.at(-1)!, blockSession(prod)]);
    expect(await server.alerts.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(1);

    const log = await admin.alerts.deliveries(alert.id);
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({
      id: headers['webhook-id'],
      type: 'alert.matched',
      sessionId: prod.sessionId,
      status: 'delivered',
      attempts: 1,
      responseStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it('evaluates every alert of the org over a batch at once: each queues its own new matches, once', async () => {
    // Twelve alerts and 600 sessions in one batch: the alerts' branches take more than one
    // statement (500 ids each, cut at 4,000 parameters).
    const alerts = [];
    for (let k = 0; k < 12; k++)
      alerts.push(
        await admin.alerts.create({
          name: `team ${k}`,
          query: { label: [`team=t${k}`], environment: ['production'] },
          url: receiver.url,
        }),
      );
    const sessions = Array.from({ length: 600 }, (_, i) =>
      sessionScript({
        labels: { team: `t${i % 12}` },
        resource: {
          name: 'billing-db',
          type: 'database',
          environment: i % 2 === 0 ? 'production' : 'staging',
        },
      }),
    );
    expect((await admin.ingest(sessions.flatMap((s) => s.events))).rejected).toEqual([]);
    // Evaluated again (new events): nothing queued twice.
    for (const s of sessions.slice(0, 100)) s.command('ls');
    await admin.ingest(sessions.slice(0, 100).map((s) => s.events.at(-1)!));
    for (const [k, alert] of alerts.entries()) {
      const log = await admin.alerts.deliveries(alert.id, { limit: 200 });
      const expected = sessions
        .filter((_, i) => i % 12 === k && i % 2 === 0)
        .map((s) => s.sessionId)
        .sort();
      expect(log.data.map((d) => d.sessionId).sort()).toEqual(expected);
    }
  });

  it('fires when a session crosses a significance threshold, once', async () => {
    const alert = await admin.alerts.create({
      name: 'significant',
      query: { minSignificance: 60 },
      url: receiver.url,
    });
    const s = sessionScript();
    const c = s.command('DROP TABLE invoices');
    s.verdict(c.id, 'blocked');
    await admin.ingest(s.events);
    const before = (await admin.sessions.get(s.sessionId)).significance?.score ?? 0;
    expect(before).toBeLessThan(60);
    expect(await server.alerts.deliverDue()).toBe(0);

    // More blocked commands, and a reviewer's rejection: the score crosses 60.
    const more: EventInput[] = [];
    for (const text of ['DROP TABLE users', 'TRUNCATE payments']) {
      const e = s.command(text);
      more.push(e);
      s.verdict(e.id, 'rejected');
      more.push(s.events.at(-1)!);
    }
    await admin.ingest(more);
    const after = (await admin.sessions.get(s.sessionId)).significance?.score ?? 0;
    expect(after).toBeGreaterThanOrEqual(60);
    expect(await server.alerts.deliverDue()).toBe(1);
    expect(receiver.events().map((e) => e.data.session?.id)).toEqual([s.sessionId]);

    const e = s.command('DROP TABLE audit');
    s.verdict(e.id, 'blocked');
    await admin.ingest([e, s.events.at(-1)!]);
    expect(await server.alerts.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect((await admin.alerts.deliveries(alert.id)).data).toHaveLength(1);
  });

  it('fires for every session on a credential once it becomes shared, the earlier one through rescoring', async () => {
    const key = { kind: 'api_key' as const, fingerprint: 'sk-live-...7Q2Z', name: 'deploy key' };
    const owner = sessionScript({
      actor: { type: 'human', id: 'u_alice', email: 'alice@acme.test' },
      credential: key,
    });
    owner.command('git pull');
    owner.end();
    await admin.ingest(owner.events);
    await server.scorer.idle();
    const alert = await admin.alerts.create({
      name: 'shared credential',
      query: { reason: ['shared_credential'] },
      url: receiver.url,
    });
    await server.alerts.settled();
    expect(await server.alerts.deliverDue()).toBe(0);

    // Another actor uses the key: its session is shared from the start, and the owner's ended
    // session gains the reason when the scorer recomputes it (no event of its own arrives).
    const other = sessionScript(
      { actor: { type: 'human', id: 'ext_7' }, credential: key, endpoint: '203.0.113.9' },
      Date.UTC(2026, 10, 25, 9, 0, 0),
    );
    other.command('cat .env');
    await admin.ingest(other.events);
    await server.scorer.idle();
    await server.alerts.settled();
    expect(await server.alerts.deliverDue()).toBe(2);
    const fired = receiver.events().map((e) => e.data.session!);
    expect(fired.map((s) => s.id).sort()).toEqual([owner.sessionId, other.sessionId].sort());
    for (const s of fired)
      expect(s.significance?.reasons.map((r) => r.code)).toContain('shared_credential');

    // A third actor on the key rescores both again: neither fires twice.
    const third = sessionScript(
      { actor: { type: 'human', id: 'ext_8' }, credential: key },
      Date.UTC(2026, 10, 25, 10, 0, 0),
    );
    await admin.ingest(third.events);
    await server.scorer.idle();
    await server.alerts.settled();
    expect(await server.alerts.deliverDue()).toBe(1);
    expect(receiver.events().at(-1)!.data.session!.id).toBe(third.sessionId);
    expect((await admin.alerts.deliveries(alert.id)).data).toHaveLength(3);
  });

  it('fires when a revoke or a reviewer changes a session, not only on ingest', async () => {
    const alert = await admin.alerts.create({
      name: 'closed by a person',
      query: { status: ['revoked', 'blocked'] },
      url: receiver.url,
    });
    const revoked = sessionScript();
    const rejected = sessionScript();
    await admin.ingest([...revoked.events, ...rejected.events]);
    expect(await server.alerts.deliverDue()).toBe(0);

    await admin.sessions.revoke(revoked.sessionId, { reason: 'left open' });
    expect(await server.alerts.deliverDue()).toBe(1);
    expect(receiver.events()[0]!.data.session).toMatchObject({
      id: revoked.sessionId,
      status: 'revoked',
    });

    // Just-in-time access rejected by a reviewer: the session is blocked.
    const review = await admin.reviews.create({
      kind: 'session',
      sessionId: rejected.sessionId,
      subject: { type: 'session', text: 'let me in' },
    });
    const reviewer = createClient({
      baseUrl: server.url,
      token: (await store.createToken({ org: 'acme', name: 'bob', permissions: ['review'] })).token,
      retries: 0,
    });
    await reviewer.reviews.reject(review.id, { comment: 'not today' });
    expect(await server.alerts.deliverDue()).toBe(1);
    expect(receiver.events()[1]!.data.session).toMatchObject({
      id: rejected.sessionId,
      status: 'blocked',
    });
    expect((await admin.alerts.deliveries(alert.id)).data).toHaveLength(2);
  });

  it('takes the sessions matching at creation as seen, and evaluates label and text filters with the list SQL', async () => {
    const old = sessionScript({ labels: { team: 'payments' } });
    old.command('psql -c "select card_number from cards"');
    await admin.ingest(old.events);
    const alert = await admin.alerts.create({
      name: 'payments cards',
      query: { label: ['team=payments'], q: 'card_number' },
      url: receiver.url,
    });
    // The backlog does not fire, not even when the old session changes.
    old.command('echo card_number again');
    await admin.ingest([old.events.at(-1)!]);
    expect(await server.alerts.deliverDue()).toBe(0);

    const other = sessionScript({ labels: { team: 'search' } });
    other.command('echo card_number');
    const plain = sessionScript({ labels: { team: 'payments' } });
    plain.command('ls');
    await admin.ingest([...other.events, ...plain.events]);
    expect(await server.alerts.deliverDue()).toBe(0);
    // The payments session types the text: now it matches both filters.
    plain.command('grep card_number dump.sql');
    await admin.ingest([plain.events.at(-1)!]);
    expect(await server.alerts.deliverDue()).toBe(1);
    expect(receiver.events().map((e) => e.data.session?.id)).toEqual([plain.sessionId]);
    expect((await admin.alerts.deliveries(alert.id)).data.map((d) => d.sessionId)).toEqual([
      plain.sessionId,
    ]);
  });

  it('marks a backlog larger than one statement takes as seen, chunk by chunk, ties of start time included', async () => {
    store.alerts.seenChunk = 3;
    // Thirteen matching sessions, started in pairs in the same millisecond (a pair may straddle
    // two chunks), and one that does not match.
    const at = Date.UTC(2026, 10, 3, 8);
    const backlog = Array.from({ length: 13 }, (_, i) =>
      sessionScript({}, at + Math.floor(i / 2) * 1000),
    );
    const staging = sessionScript({
      resource: { name: 'billing-db', type: 'database', environment: 'staging' },
    });
    expect((await admin.ingest([...backlog, staging].flatMap((s) => s.events))).rejected).toEqual(
      [],
    );
    const alert = await admin.alerts.create({
      name: 'production',
      query: { environment: ['production'] },
      url: receiver.url,
    });
    // Every old session changes: none fires; a new production session does.
    for (const s of backlog) s.command('ls');
    await admin.ingest(backlog.map((s) => s.events.at(-1)!));
    const fresh = sessionScript();
    await admin.ingest(fresh.events);
    expect((await admin.alerts.deliveries(alert.id)).data.map((d) => d.sessionId)).toEqual([
      fresh.sessionId,
    ]);
  });

  it('retries a receiver that is down, then answers 500, with the same webhook-id until it comes back', async () => {
    const port = receiver.port;
    await receiver.stop();
    const alert = await admin.alerts.create({
      name: 'all production',
      query: { environment: ['production'] },
      url: receiver.url,
    });
    const s = sessionScript();
    await admin.ingest(s.events);

    const log = async () => (await admin.alerts.deliveries(alert.id)).data[0]!;
    // Connection refused, twice.
    expect(await server.alerts.deliverDue()).toBe(1);
    let d = await log();
    expect(d).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
    expect(d.lastError).toMatch(/ECONNREFUSED/);
    const firstRetry = Date.parse(d.nextAttemptAt!) - clock;
    expect(firstRetry).toBeGreaterThan(0);
    // Not due yet: nothing is sent.
    clock += firstRetry - 1;
    expect(await server.alerts.deliverDue()).toBe(0);
    clock += 1;
    expect(await server.alerts.deliverDue()).toBe(1);
    d = await log();
    expect(d).toMatchObject({ status: 'pending', attempts: 2 });
    const secondRetry = Date.parse(d.nextAttemptAt!) - clock;
    // Exponential: the second wait is longer than the first (jitter keeps it within 2x-4x / 2).
    expect(secondRetry).toBeGreaterThan(firstRetry);

    // Back, but failing.
    receiver.answer = 500;
    await receiver.start(port);
    clock = Date.parse(d.nextAttemptAt!);
    expect(await server.alerts.deliverDue()).toBe(1);
    d = await log();
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 3,
      responseStatus: 500,
      lastError: 'HTTP 500',
    });

    // Healthy again.
    receiver.answer = 'ok';
    clock = Date.parse(d.nextAttemptAt!);
    expect(await server.alerts.deliverDue()).toBe(1);
    d = await log();
    expect(d).toMatchObject({ status: 'delivered', attempts: 4, responseStatus: 200 });
    expect(d.deliveredAt).toBe(new Date(clock).toISOString());

    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received;
    expect(a!.headers['webhook-id']).toBe(d.id);
    expect(b!.headers['webhook-id']).toBe(d.id);
    expect(a!.body).toBe(b!.body);
    // Each attempt is signed at its own time.
    expect(Number(b!.headers['webhook-timestamp'])).toBeGreaterThan(
      Number(a!.headers['webhook-timestamp']),
    );
    clock += DAY;
    expect(await server.alerts.deliverDue()).toBe(0);
  });

  it('gives up after 24 hours of retries and says so in the delivery log', async () => {
    receiver.answer = 503;
    const alert = await admin.alerts.create({
      name: 'everything',
      query: {},
      url: receiver.url,
    });
    const created = clock;
    await admin.ingest(sessionScript().events);
    let d = (await admin.alerts.deliveries(alert.id)).data[0]!;
    for (let i = 0; i < 200 && d.status === 'pending'; i++) {
      clock = Math.max(clock, Date.parse(d.nextAttemptAt!));
      expect(await server.alerts.deliverDue()).toBe(1);
      d = (await admin.alerts.deliveries(alert.id)).data[0]!;
    }
    expect(d.status).toBe('failed');
    expect(d.nextAttemptAt).toBeNull();
    expect(d.responseStatus).toBe(503);
    expect(d.lastError).toBe(`gave up after ${d.attempts} attempts over 24 hours; last: HTTP 503`);
    // Backoff: many attempts, yet far fewer than one a minute, all within the 24 hours.
    expect(d.attempts).toBeGreaterThan(10);
    expect(d.attempts).toBeLessThan(60);
    expect(Date.parse(d.lastAttemptAt!) - created).toBeLessThanOrEqual(DAY);
    expect(Date.parse(d.lastAttemptAt!) - created).toBeGreaterThan(DAY - 2 * 3_600_000);
    expect(receiver.received).toHaveLength(d.attempts);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([d.id]));
    // Nothing more is ever sent.
    clock += 7 * DAY;
    expect(await server.alerts.deliverDue()).toBe(0);
    expect((await admin.alerts.deliveries(alert.id, { status: ['failed'] })).data).toHaveLength(1);
    expect((await admin.alerts.deliveries(alert.id, { status: ['pending'] })).data).toHaveLength(0);
  });

  it('keeps pending deliveries across a server restart and sends them when it starts again', async () => {
    const port = receiver.port;
    await receiver.stop();
    const alert = await admin.alerts.create({
      name: 'production',
      query: { environment: ['production'] },
      url: receiver.url,
    });
    const first = sessionScript();
    await admin.ingest(first.events);
    expect(await server.alerts.deliverDue()).toBe(1);
    const failed = (await admin.alerts.deliveries(alert.id)).data[0]!;
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });

    // The server stops, and the store is closed.
    await server.close();
    await store.close();

    clock = Date.parse(failed.nextAttemptAt!);
    receiver.answer = 'ok';
    await receiver.start(port);
    store = await db.open();
    // This time with real timers: starting sends what is due, nothing drives it.
    await serve({ now: () => clock, timeoutMs: 2_000 });
    await receiver.until(1);
    for (let i = 0; i < 50; i++) {
      if ((await admin.alerts.deliveries(alert.id)).data[0]!.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = (await admin.alerts.deliveries(alert.id)).data[0]!;
    expect(after).toMatchObject({ id: failed.id, status: 'delivered', attempts: 2 });
    expect(receiver.received[0]!.headers['webhook-id']).toBe(failed.id);
    expect(receiver.events()[0]!.data.session?.id).toBe(first.sessionId);

    // The session still never fires twice, after the restart too.
    first.command('ls');
    await admin.ingest([first.events.at(-1)!]);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(1);
    expect((await admin.alerts.deliveries(alert.id)).data).toHaveLength(1);
  });

  it("never fires for another org's sessions, even with the same session ids", async () => {
    const evilToken = (
      await store.createToken({ org: 'evil', name: 'evil', permissions: [...PERMISSIONS] })
    ).token;
    const evil = createClient({ baseUrl: server.url, token: evilToken, retries: 0 });
    const evilReceiver = await new Receiver().start();
    try {
      const ours = await admin.alerts.create({ name: 'all', query: {}, url: receiver.url });
      const theirs = await evil.alerts.create({ name: 'all', query: {}, url: evilReceiver.url });
      const s = sessionScript();
      blockSession(s);
      // The other org records a session with the very same ids.
      await evil.ingest(s.events);
      expect(await server.alerts.deliverDue()).toBe(1);
      expect(receiver.received).toHaveLength(0);
      expect(evilReceiver.events().map((e) => e.data.alert.id)).toEqual([theirs.id]);

      await admin.ingest(s.events);
      expect(await server.alerts.deliverDue()).toBe(1);
      expect(receiver.events().map((e) => e.data.alert.id)).toEqual([ours.id]);
      expect(evilReceiver.received).toHaveLength(1);
      // Neither org's changes were evaluated against the other's alert: no delivery of one org's
      // alert is kept under the other.
      for (const [org, alertId] of [
        ['evil', ours.id],
        ['acme', theirs.id],
      ] as const) {
        expect((await store.alerts.listDeliveries(org, alertId, { limit: 10 })).data).toEqual([]);
      }
      // Neither org sees the other's alert or its log.
      await expect(evil.alerts.get(ours.id)).rejects.toMatchObject({ status: 404 });
      await expect(evil.alerts.deliveries(ours.id)).rejects.toMatchObject({ status: 404 });
      await expect(evil.alerts.delete(ours.id)).rejects.toMatchObject({ status: 404 });
      expect((await evil.alerts.list()).data.map((a) => a.id)).toEqual([theirs.id]);
      expect((await admin.alerts.get(ours.id)).enabled).toBe(true);
    } finally {
      await evilReceiver.stop();
    }
  });

  it('sends to a fast receiver while a slow one hangs, and ingest never waits for either', async () => {
    const slow = await new Receiver().start();
    slow.answer = 'hang';
    try {
      const a = await admin.alerts.create({ name: 'slow', query: {}, url: slow.url });
      await admin.alerts.create({ name: 'fast', query: {}, url: receiver.url });
      const s = sessionScript();
      await admin.ingest(s.events);
      const started = Date.now();
      const sending = server.alerts.deliverDue();
      await slow.until(1);
      await receiver.until(1);
      expect(Date.now() - started).toBeLessThan(1_500);
      // Ingest goes on while the slow receiver holds its attempt.
      const t = Date.now();
      await admin.ingest([s.command('ls')]);
      expect(Date.now() - t).toBeLessThan(1_000);
      expect(await sending).toBe(2);
      const d = (await admin.alerts.deliveries(a.id)).data[0]!;
      expect(d).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
      expect(d.lastError).toBe('no answer within 2000 ms');
    } finally {
      await slow.stop();
    }
  });

  it('sends a test message on request, signed like the others', async () => {
    const alert = await admin.alerts.create({ name: 'test me', query: {}, url: receiver.url });
    const queued = await admin.alerts.test(alert.id);
    expect(queued).toMatchObject({ type: 'alert.test', sessionId: null, status: 'pending' });
    expect(await server.alerts.deliverDue()).toBe(1);
    const { headers, body } = receiver.received[0]!;
    const event = new Webhook(alert.secret).verify(body, {
      'webhook-id': headers['webhook-id'] as string,
      'webhook-timestamp': headers['webhook-timestamp'] as string,
      'webhook-signature': headers['webhook-signature'] as string,
    }) as AlertEvent;
    expect(event).toMatchObject({ type: 'alert.test', data: { session: null } });
    expect(headers['webhook-id']).toBe(queued.id);
  });

  it('manages alerts: list, change, disable, delete', async () => {
    const a = await admin.alerts.create({
      name: 'one',
      query: { status: ['blocked'] },
      url: receiver.url,
    });
    const b = await admin.alerts.create({ name: 'two', query: {}, url: receiver.url });
    const page = await admin.alerts.list({ limit: 1 });
    expect(page.data.map((x) => x.id)).toEqual([b.id]);
    const all: string[] = [];
    for await (const x of admin.alerts.list({ limit: 1 })) all.push(x.id);
    expect(all).toEqual([b.id, a.id]);
    // The secret is shown only at creation.
    expect(JSON.stringify(await admin.alerts.get(a.id))).not.toContain(a.secret);
    expect(JSON.stringify(page)).not.toContain('whsec_');

    const changed = await admin.alerts.update(a.id, { name: 'renamed', enabled: false });
    expect(changed).toMatchObject({
      name: 'renamed',
      enabled: false,
      query: { status: ['blocked'] },
    });
    await admin.alerts.update(b.id, { enabled: false });
    await admin.ingest(sessionScript().events);
    expect(await server.alerts.deliverDue()).toBe(0);

    await admin.alerts.delete(a.id);
    await expect(admin.alerts.get(a.id)).rejects.toMatchObject({ status: 404 });
    await expect(admin.alerts.delete(a.id)).rejects.toMatchObject({ status: 404 });
    expect((await admin.alerts.list()).data.map((x) => x.id)).toEqual([b.id]);
  });

  it('refuses bad alert bodies with a 400 naming the field, and tokens without manage_alerts', async () => {
    const post = (body: unknown, method = 'POST', path = '/v1/alerts') =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
    const ok = { name: 'n', query: {}, url: receiver.url };
    const cases: [unknown, RegExp][] = [
      [{ ...ok, url: 'ftp://files.example.com/x' }, /url: must be an absolute http or https URL/],
      [
        { ...ok, url: 'https://hook:s3cret@hooks.example.com/x' },
        /url: must not carry a user name or password/,
      ],
      [{ ...ok, url: 'not a url' }, /url: must be an absolute http or https URL/],
      [{ ...ok, query: { environment: ['production'], sort: 'recent' } }, /query: .*"sort"/],
      [{ ...ok, query: { nope: '1' } }, /query: .*"nope"/],
      [{ ...ok, query: { status: ['exploded'] } }, /query\.status\[0\]/],
      [{ ...ok, query: { minSignificance: 101 } }, /query\.minSignificance/],
      [{ ...ok, name: '' }, /name/],
      [{ ...ok, extra: true }, /"extra"/],
      [{ query: {}, url: receiver.url }, /name/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toMatch(message);
    }
    const a = await admin.alerts.create(ok);
    for (const [body, message] of [
      [{}, /at least one of/],
      [{ url: 'javascript:alert(1)' }, /url/],
      [{ query: { actorType: ['robot'] } }, /query\.actorType\[0\]/],
    ] as [unknown, RegExp][]) {
      const res = await post(body, 'PATCH', `/v1/alerts/${a.id}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    const listed = await fetch(`${server.url}/v1/alerts/${a.id}/deliveries?status=lost`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(listed.status).toBe(400);
    expect(((await listed.json()) as { message: string }).message).toMatch(/status/);

    const viewer = createClient({
      baseUrl: server.url,
      token: (
        await store.createToken({ org: 'acme', name: 'viewer', permissions: ['view_history'] })
      ).token,
      retries: 0,
    });
    await expect(viewer.alerts.list()).rejects.toMatchObject({ status: 403 });
    await expect(viewer.alerts.create(ok)).rejects.toMatchObject({ status: 403 });
  });
});
