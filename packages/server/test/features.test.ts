import {
  type AsciicastItem,
  ConflictError,
  DownloadsDisabledError,
  NotFoundError,
  PermissionDeniedError,
  readAsciicast,
} from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

describe.each(STORE_KINDS)('%s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { pollMs: 200 });
  });
  afterAll(() => h.close());

  describe('reviews', () => {
    it('holds a command for review, wakes the waiting recorder on approval, and refuses a second decision', async () => {
      const s = sessionScript();
      const update = s.query('UPDATE accounts SET plan = 2');
      s.verdict(update.id, 'pending', 'UPDATE needs review in production');
      await h.admin.ingest(s.events);
      const review = await h.admin.reviews.create({
        kind: 'command',
        sessionId: s.sessionId,
        eventId: update.id,
        subject: { type: 'query', text: update.sql },
        rule: 'update-needs-review',
      });
      expect(review).toMatchObject({
        status: 'pending',
        requestedBy: { email: 'alice@acme.test' },
        resource: { name: 'billing-db' },
      });
      const pending = await h.admin.reviews.list({ status: ['pending'], sessionId: s.sessionId });
      expect(pending.data.map((r) => r.id)).toEqual([review.id]);

      const started = Date.now();
      const waiting = h.admin.reviews.waitForDecision(review.id);
      await new Promise((r) => setTimeout(r, 100));
      const reviewer = await h.clientWith(['review'], 'acme');
      const approved = await reviewer.reviews.approve(review.id, { comment: 'OPS-1234' });
      const decided = await waiting;
      expect(decided).toMatchObject({
        status: 'approved',
        comment: 'OPS-1234',
        decidedBy: 'test review',
      });
      // Woken by the decision, not by a poll interval or the 25 s long-poll limit.
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(approved.decidedAt).not.toBeNull();
      await expect(reviewer.reviews.reject(review.id)).rejects.toBeInstanceOf(ConflictError);
      const viewer = await h.clientWith(['view_history']);
      await expect(viewer.reviews.approve(review.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    });

    it('keeps a just-in-time session in pending_review until a reviewer decides', async () => {
      const a = sessionScript();
      await h.admin.ingest(a.events);
      const ra = await h.admin.reviews.create({
        kind: 'session',
        sessionId: a.sessionId,
        subject: { type: 'session', text: 'psql billing-db' },
      });
      expect((await h.admin.sessions.get(a.sessionId)).status).toBe('pending_review');
      // Another token than the one that asked decides.
      const reviewer = await h.clientWith(['review']);
      await reviewer.reviews.reject(ra.id, { comment: 'not during the freeze' });
      expect(await h.admin.sessions.get(a.sessionId)).toMatchObject({
        status: 'blocked',
        closeReason: 'access rejected by test review: not during the freeze',
      });
      const b = sessionScript();
      await h.admin.ingest(b.events);
      const rb = await h.admin.reviews.create({
        kind: 'session',
        sessionId: b.sessionId,
        subject: { type: 'session', text: 'psql' },
      });
      const waiting = h.admin.sessions.status(b.sessionId, {
        known: 'pending_review',
        waitMs: 10_000,
      });
      await reviewer.reviews.approve(rb.id);
      expect(await waiting).toMatchObject({ status: 'active' });
    });

    it('cancels what still waits in a session that ends or is revoked', async () => {
      const s = sessionScript();
      const cmd = s.command('kubectl delete deployment legacy-cron');
      await h.admin.ingest(s.events);
      const held = await h.admin.reviews.create({
        kind: 'command',
        sessionId: s.sessionId,
        eventId: cmd.id,
        subject: { type: 'command', text: cmd.text },
      });
      const waiting = h.admin.reviews.waitForDecision(held.id);
      s.end('exit');
      await h.admin.ingest(s.events);
      expect(await waiting).toMatchObject({
        status: 'cancelled',
        comment: 'the session ended before a decision',
      });
      await expect(h.admin.reviews.approve(held.id)).rejects.toThrow(/already cancelled/);
      expect(
        (await h.admin.reviews.list({ status: ['pending'], sessionId: s.sessionId })).data,
      ).toEqual([]);

      const t = sessionScript();
      const q = t.query('UPDATE accounts SET plan = 3 WHERE id = 1');
      await h.admin.ingest(t.events);
      const other = await h.admin.reviews.create({
        kind: 'command',
        sessionId: t.sessionId,
        eventId: q.id,
        subject: { type: 'query', text: q.sql },
      });
      await h.admin.sessions.revoke(t.sessionId, { reason: 'leaked key' });
      expect(await h.admin.reviews.get(other.id)).toMatchObject({ status: 'cancelled' });
    });

    it('expires a pending review after its expiry time', async () => {
      const s = sessionScript();
      await h.admin.ingest(s.events);
      const r = await h.admin.reviews.create({
        kind: 'session',
        sessionId: s.sessionId,
        subject: { type: 'session', text: 'x' },
        expiresAt: new Date(Date.now() + 150).toISOString(),
      });
      await new Promise((res) => setTimeout(res, 250));
      expect((await h.admin.reviews.get(r.id)).status).toBe('expired');
      await expect(h.admin.reviews.approve(r.id)).rejects.toThrow(/already expired/);
    });
  });

  describe('revoke', () => {
    it('revokes an active session, tells the recorder, and refuses to revoke it twice', async () => {
      const s = sessionScript();
      await h.admin.ingest(s.events);
      const waiting = h.admin.sessions.status(s.sessionId, { known: 'active', waitMs: 10_000 });
      const revoker = await h.clientWith(['revoke', 'view_history']);
      const revoked = await revoker.sessions.revoke(s.sessionId, { reason: 'suspicious' });
      expect(revoked).toMatchObject({
        status: 'revoked',
        closeReason: 'revoked by test revoke,view_history: suspicious',
      });
      expect(revoked.endedAt).not.toBeNull();
      expect(await waiting).toMatchObject({ status: 'revoked' });
      // The recorder's next batch is answered with the revoke too.
      s.command('rm -rf /tmp/x');
      const result = await h.admin.ingest(s.events);
      expect(result.revoked).toEqual([s.sessionId]);
      s.end('revoked');
      await h.admin.ingest(s.events);
      expect((await h.admin.sessions.get(s.sessionId)).status).toBe('revoked');
      await expect(revoker.sessions.revoke(s.sessionId)).rejects.toBeInstanceOf(ConflictError);
      const viewer = await h.clientWith(['view_history']);
      await expect(viewer.sessions.revoke(s.sessionId)).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
    });
  });

  describe('reconnect', () => {
    it('lets the own actor reconnect a dropped session within the grace window, and nobody else', async () => {
      const s = sessionScript();
      const t0 = Date.parse(s.events[0]!.time);
      const at = (ms: number) => new Date(t0 + ms).toISOString();
      const ev = (
        seq: number,
        extra: { time: string; action: 'drop' | 'reconnect'; by?: string; reason?: string },
      ) => ({
        id: `${s.sessionId}-${seq}`,
        sessionId: s.sessionId,
        seq,
        type: 'lifecycle' as const,
        ...extra,
      });
      await h.admin.ingest([
        ...s.events,
        ev(1, { time: at(1_000), action: 'drop', reason: 'connection lost' }),
      ]);
      expect(await h.admin.sessions.get(s.sessionId)).toMatchObject({
        status: 'dropped',
        droppedAt: at(1_000),
      });
      const tries = await h.admin.ingest([
        ev(2, { time: at(2_000), action: 'reconnect', by: 'u_mallory' }),
        ev(3, { time: at(2_000), action: 'reconnect' }),
      ]);
      expect(tries.rejected.map((r) => [r.code, r.message])).toEqual([
        [
          'reconnect_refused',
          expect.stringMatching(
            /only the session's own actor \(u_alice\) may reconnect it, not u_mallory/,
          ),
        ],
        ['reconnect_refused', expect.stringMatching(/set "by"/)],
      ]);
      const ok = await h.admin.ingest([
        ev(4, { time: at(60_000), action: 'reconnect', by: 'u_alice' }),
      ]);
      expect(ok).toMatchObject({ accepted: 1, rejected: [] });
      expect(await h.admin.sessions.get(s.sessionId)).toMatchObject({
        status: 'active',
        droppedAt: null,
      });
      // Dropped again, and back too late: the window (5 minutes by default) has closed.
      await h.admin.ingest([ev(5, { time: at(70_000), action: 'drop' })]);
      const late = await h.admin.ingest([
        ev(6, { time: at(70_000 + 301_000), action: 'reconnect', by: 'u_alice' }),
      ]);
      expect(late.rejected[0]).toMatchObject({
        code: 'reconnect_refused',
        message: expect.stringMatching(/window closed: 301 s after the drop, the limit is 300 s/),
      });
      expect((await h.admin.sessions.get(s.sessionId)).status).toBe('dropped');
    });
  });

  describe('live tail', () => {
    it('streams what is stored, then new events as they arrive, and ends with the session', async () => {
      const s = sessionScript();
      s.command('echo before');
      await h.admin.ingest(s.events);
      const seen: number[] = [];
      const done = (async () => {
        for await (const e of h.admin.sessions.events.stream(s.sessionId)) seen.push(e.seq);
      })();
      await expect.poll(() => seen.length).toBe(2);
      s.command('echo after');
      await h.admin.ingest(s.events);
      await expect.poll(() => seen.length).toBe(3);
      s.end();
      await h.admin.ingest(s.events);
      await done;
      expect(seen).toEqual([0, 1, 2, 3]);
    });
  });

  describe('recordings and downloads', () => {
    it('streams a recording as asciicast v3 or v2, and records that it was viewed', async () => {
      const s = sessionScript();
      s.events.push(
        {
          id: `${s.sessionId}-r`,
          sessionId: s.sessionId,
          seq: 1,
          time: new Date().toISOString(),
          type: 'terminal',
          code: 'r',
          data: '120x40',
          offsetMs: 0,
          header: { term: { type: 'xterm-256color' }, timestamp: 1_795_000_000, command: 'psql' },
        },
        {
          id: `${s.sessionId}-o1`,
          sessionId: s.sessionId,
          seq: 2,
          time: new Date().toISOString(),
          type: 'terminal',
          code: 'o',
          data: '$ ls\r\n',
          offsetMs: 500,
        },
        {
          id: `${s.sessionId}-o2`,
          sessionId: s.sessionId,
          seq: 3,
          time: new Date().toISOString(),
          type: 'terminal',
          code: 'o',
          data: '\u001b[31mred\u001b[0m\r\n',
          offsetMs: 1250,
        },
      );
      await h.admin.ingest(s.events);
      const viewer = await h.clientWith(['view_recording', 'view_history']);
      const items: AsciicastItem[] = [];
      for await (const item of readAsciicast((await viewer.sessions.recording(s.sessionId)).body))
        items.push(item);
      expect(items[0]).toMatchObject({
        kind: 'header',
        header: {
          version: 3,
          term: { cols: 120, rows: 40, type: 'xterm-256color' },
          timestamp: 1_795_000_000,
          command: 'psql',
        },
      });
      expect(
        items.slice(1).map((i) => (i.kind === 'event' ? [i.event.time, i.event.code] : null)),
      ).toEqual([
        [0.5, 'o'],
        [1.25, 'o'],
      ]);
      const v2 = await (await viewer.sessions.recording(s.sessionId, { version: 2 })).text();
      expect(JSON.parse(v2.split('\n')[0]!)).toMatchObject({ version: 2, width: 120, height: 40 });
      const log = await viewer.downloads.accessLog();
      expect(log.data[0]).toMatchObject({
        action: 'view_recording',
        sessionId: s.sessionId,
        actor: { name: 'test view_recording,view_history' },
      });
      await expect(
        (await h.clientWith(['view_history'])).sessions.recording(s.sessionId),
      ).rejects.toBeInstanceOf(PermissionDeniedError);
      const none = sessionScript();
      await h.admin.ingest(none.events);
      await expect(h.admin.sessions.recording(none.sessionId)).rejects.toThrow(
        /has no terminal recording/,
      );
    });

    it('keeps a preview of a large result on the event and the whole result for download', async () => {
      const s = sessionScript();
      const rows = Array.from({ length: 120 }, (_, i) => [i, `user${i}@acme.test`]);
      s.events.push({
        id: `${s.sessionId}-q`,
        sessionId: s.sessionId,
        seq: 1,
        time: new Date().toISOString(),
        type: 'query',
        sql: 'SELECT id, email FROM users',
        columns: [{ name: 'id' }, { name: 'email' }],
        rows,
        rowCount: 120,
      });
      await h.admin.ingest(s.events);
      const event = (await h.admin.sessions.events.list(s.sessionId, { type: ['query'] })).data[0]!;
      expect(event).toMatchObject({
        type: 'query',
        truncated: true,
        resultRef: `${s.sessionId}-q`,
        rowCount: 120,
      });
      expect(event.type === 'query' && event.rows).toHaveLength(50);
      const file = await h.admin.downloads.result(s.sessionId, `${s.sessionId}-q`, {
        format: 'csv',
      });
      const lines = (await file.text()).trimEnd().split('\r\n');
      expect(lines).toHaveLength(121);
      expect(lines[0]).toBe('id,email');
      expect(lines[120]).toBe('119,user119@acme.test');
      expect(file.filename).toBe(`${s.sessionId}-${s.sessionId}-q.csv`);
      expect((await h.admin.downloads.accessLog()).data[0]).toMatchObject({
        action: 'download_result',
        sessionId: s.sessionId,
      });
      expect((await h.admin.sessions.verify(s.sessionId)).ok).toBe(true);
    });

    it('exports sessions joined with their audit events as CSV (formulas neutralised) and NDJSON', async () => {
      const exporter = await h.clientWith(
        ['ingest', 'download_recording', 'view_history'],
        `export-${kind}`,
      );
      const s = sessionScript({ labels: { ticket: 'EXP-1' } });
      const evil = s.command('=HYPERLINK("http://evil.test","click")');
      s.verdict(evil.id, 'blocked', 'formula, "quoted", and\nnewline');
      s.output('terminal output is not exported');
      s.end();
      await exporter.ingest(s.events);
      const csv = await (
        await exporter.sessions.export({ format: 'csv', label: ['ticket=EXP-1'] })
      ).text();
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'sessionId,org,actorType,actor,resource,resourceType,environment,status,startedAt,endedAt,eventSeq,eventTime,eventType,summary,verdict,reviewer,reason',
      );
      expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
      expect(csv).toContain('"formula, ""quoted"", and\nnewline"');
      expect(csv).not.toContain('terminal output');
      const rows = [];
      for await (const row of exporter.sessions.exportRows({ label: ['ticket=EXP-1'] }))
        rows.push(row);
      expect(rows.map((r) => r.eventType)).toEqual(['lifecycle', 'command', 'policy', 'lifecycle']);
      expect(rows[2]).toMatchObject({
        verdict: 'blocked',
        summary: 'default',
        sessionId: s.sessionId,
      });
      const logs = await (await exporter.downloads.logs(s.sessionId)).text();
      expect(logs.trimEnd().split('\n')).toHaveLength(5);
      expect((await exporter.downloads.accessLog()).data.map((e) => e.action)).toEqual([
        'download_logs',
        'export',
        'export',
      ]);
    });

    it('refuses every download when downloads are disabled, and still plays recordings', async () => {
      const off = await startHarness(kind, { disableDownloads: true });
      try {
        const s = sessionScript();
        s.output('hello\r\n');
        await off.admin.ingest(s.events);
        for (const attempt of [
          () => off.admin.downloads.recording(s.sessionId),
          () => off.admin.downloads.logs(s.sessionId),
          () => off.admin.downloads.result(s.sessionId, 'x'),
          () => off.admin.sessions.export({ format: 'csv' }),
        ]) {
          await expect(attempt()).rejects.toBeInstanceOf(DownloadsDisabledError);
        }
        expect(await (await off.admin.sessions.recording(s.sessionId)).text()).toContain('hello');
        // A viewer learns this before offering a download.
        expect((await off.admin.me()).downloadsEnabled).toBe(false);
        // Served and refused attempts alike are in the access log.
        expect(
          (await off.admin.downloads.accessLog()).data.map((e) => [e.action, e.outcome]),
        ).toEqual([
          ['view_recording', 'allowed'],
          ['export', 'refused'],
          ['download_result', 'refused'],
          ['download_logs', 'refused'],
          ['download_recording', 'refused'],
        ]);
      } finally {
        await off.close();
      }
    });

    it('tells a token who it is and what it may do', async () => {
      const viewer = await h.admin.me();
      expect(viewer).toMatchObject({ org: 'acme', downloadsEnabled: true });
      expect(viewer.permissions).toContain('revoke');
      const reader = await h.clientWith(['view_history']);
      expect((await reader.me()).permissions).toEqual(['view_history']);
    });

    it('answers 404 for a result that does not exist', async () => {
      const s = sessionScript();
      await h.admin.ingest(s.events);
      await expect(h.admin.downloads.result(s.sessionId, 'nope')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
});

describe('postgres store: connection loss', () => {
  it('survives connections terminated by the server, and keeps answering', async () => {
    const h = await startHarness('postgres');
    try {
      const s = sessionScript();
      await h.admin.ingest(s.events);
      const pool = (h.store as import('../src/store/postgres').PostgresStore).pool;
      // Kill every other connection of this database, as a restart or an admin would.
      const admin = await pool.connect();
      try {
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
      } finally {
        admin.release();
      }
      await new Promise((r) => setTimeout(r, 100));
      expect((await h.admin.sessions.get(s.sessionId)).id).toBe(s.sessionId);
    } finally {
      await h.close();
    }
  });
});
