import {
  type AuditlaneClient,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  summarizeCounters,
} from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

describe.each(STORE_KINDS)('%s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { maxBodyBytes: 256 * 1024 });
  });
  afterAll(() => h.close());

  async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
    const res = await fetch(`${h.server.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.adminToken}`,
        'content-type': 'application/json',
        ...headers,
      },
      body,
    });
    return {
      status: res.status,
      body: (await res.json()) as { code?: string; message?: string; requestId?: string },
    };
  }

  describe('ingest', () => {
    it('stores a session from its events and derives status, counters and significance', async () => {
      const s = sessionScript();
      const ls = s.command('ls -la', 'total 0\n');
      s.verdict(ls.id, 'passed');
      const drop = s.query('DROP TABLE customers');
      s.verdict(drop.id, 'blocked', 'DROP is not allowed in production');
      const sel = s.query('SELECT email FROM customers LIMIT 1');
      s.masked(sel.id, ['email']);
      s.end('exit');
      const result = await h.admin.ingest(s.events);
      expect(result).toEqual({
        accepted: s.events.length,
        duplicates: 0,
        rejected: [],
        revoked: [],
      });

      const session = await h.admin.sessions.get(s.sessionId);
      expect(session).toMatchObject({
        id: s.sessionId,
        org: 'acme',
        status: 'ended',
        closeReason: 'exit',
        actor: { email: 'alice@acme.test' },
        resource: { name: 'billing-db', environment: 'production' },
      });
      expect(session.durationMs).toBe(Date.parse(session.endedAt!) - Date.parse(session.startedAt));
      expect(summarizeCounters(session.counters)).toBe(
        '1 command · 2 queries · 1 blocked · 1 field masked',
      );
      expect(session.significance!.score).toBeGreaterThan(30);
      expect(session.significance!.reasons.map((r) => r.code)).toEqual(
        expect.arrayContaining(['blocked', 'production']),
      );
    });

    it('is idempotent by event id: a retried batch is acknowledged as duplicates and stored once', async () => {
      const s = sessionScript();
      s.command('whoami');
      s.end();
      await h.admin.ingest(s.events);
      const again = await h.admin.ingest(s.events, { gzip: true });
      expect(again).toEqual({
        accepted: 0,
        duplicates: s.events.length,
        rejected: [],
        revoked: [],
      });
      const events = await h.admin.sessions.events.list(s.sessionId);
      expect(events.data.map((e) => e.seq)).toEqual([0, 1, 2]);
      expect((await h.admin.sessions.get(s.sessionId)).counters.commands).toBe(1);
    });

    it('rejects a malformed event on its own, with its index and reason, and keeps the rest of the batch', async () => {
      const s = sessionScript();
      s.command('echo one');
      s.command('echo two');
      const events: unknown[] = [...s.events];
      events.splice(2, 0, { ...s.events[1], id: 'evt_bad', seq: 'x' }, { type: 'nonsense' }, 42);
      const { status, body } = await post('/v1/ingest', JSON.stringify({ events }));
      expect(status).toBe(200);
      expect(body).toMatchObject({ accepted: 3, duplicates: 0 });
      const rejected = (
        body as unknown as { rejected: { index: number; id: string | null; message: string }[] }
      ).rejected;
      expect(rejected.map((r) => r.index)).toEqual([2, 3, 4]);
      expect(rejected[0]).toMatchObject({ id: 'evt_bad' });
      expect(rejected[0]!.message).toMatch(/^events\[2\]\.seq: /);
      expect(rejected[1]!.message).toMatch(/^events\[3\]/);
      expect((await h.admin.sessions.get(s.sessionId)).counters.commands).toBe(2);
    });

    it('rejects events of a session that never started, and a second event with the same seq', async () => {
      const s = sessionScript();
      const orphan = sessionScript();
      orphan.command('echo lost');
      const first = await h.admin.ingest([orphan.events[1]!]);
      expect(first.rejected).toEqual([
        expect.objectContaining({
          index: 0,
          code: 'unknown_session',
          message: expect.stringMatching(/start event first/),
        }),
      ]);
      s.command('echo a');
      await h.admin.ingest(s.events);
      const clash = { ...s.events[1]!, id: 'evt_other' };
      const second = await h.admin.ingest([clash]);
      expect(second.rejected[0]).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/seq 1/),
      });
    });

    it('answers bad bodies with 4xx { code, message, requestId } and keeps serving', async () => {
      const malformed = await post('/v1/ingest', '{"events": [');
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(/not valid JSON/);
      expect(malformed.body.requestId).toMatch(/^req_/);
      const utf8 = await post('/v1/ingest', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
      expect(utf8).toMatchObject({ status: 400, body: { message: 'the body is not valid UTF-8' } });
      const shape = await post('/v1/ingest', JSON.stringify({ nope: [] }));
      expect(shape).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
      const big = await post(
        '/v1/ingest',
        JSON.stringify({ events: [{ pad: 'x'.repeat(300 * 1024) }] }),
      );
      expect(big).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
      const bomb = new Response(
        new Blob([JSON.stringify({ events: [{ pad: ' '.repeat(2 * 1024 * 1024) }] })])
          .stream()
          .pipeThrough(new CompressionStream('gzip')),
      );
      const gz = await post('/v1/ingest', await bomb.arrayBuffer(), { 'content-encoding': 'gzip' });
      expect(gz).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
      const notGzip = await post('/v1/ingest', 'plain', { 'content-encoding': 'gzip' });
      expect(notGzip).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/invalid gzip/) },
      });
      const text = await post('/v1/ingest', 'hi', { 'content-type': 'text/plain' });
      expect(text).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
      const route = await fetch(`${h.server.url}/v1/nothing`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      expect(route.status).toBe(404);
      expect(await route.json()).toMatchObject({ code: 'not_found' });
      expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    });
  });

  describe('sessions', () => {
    let org: AuditlaneClient;
    const ids: string[] = [];

    beforeAll(async () => {
      org = await h.clientWith(['ingest', 'view_history'], 'list-org');
      const batch = [];
      for (let i = 0; i < 60; i++) {
        const s = sessionScript(
          {
            actor:
              i % 3 === 0
                ? { type: 'agent', id: 'claude', agent: { name: 'Claude Code', version: '1.2.0' } }
                : { type: 'human', id: `u${i % 4}`, email: `User${i % 4}@acme.test` },
            resource: {
              name: i % 2 ? 'billing-db' : 'web-1',
              type: i % 2 ? 'database' : 'ssh',
              environment: i % 5 === 0 ? 'production' : 'staging',
            },
            labels: { team: i % 2 ? 'payments' : 'web' },
          },
          Date.UTC(2026, 10, 20) + i * 60_000,
        );
        const cmd = s.command(
          i === 7 ? 'kubectl delete pod api-7f9c --namespace prod' : `echo ${i}`,
        );
        if (i % 10 === 0) s.verdict(cmd.id, 'blocked', 'destructive');
        if (i % 4 !== 0) s.end();
        batch.push(...s.events);
        ids.push(s.sessionId);
      }
      const result = await org.ingest(batch);
      expect(result.rejected).toEqual([]);
      // Scores settle before the significance sort is paged.
      await h.server.scorer.idle();
    });

    it('lists newest first and pages with a cursor without gaps or repeats', async () => {
      const seen: string[] = [];
      for await (const s of org.sessions.list({ limit: 7 })) seen.push(s.id);
      expect(seen).toEqual([...ids].reverse());
    });

    it('filters by status, environment, type, resource, user, actor type and label', async () => {
      const all = async (params: Parameters<AuditlaneClient['sessions']['list']>[0]) => {
        const out = [];
        for await (const s of org.sessions.list({ ...params, limit: 100 })) out.push(s);
        return out;
      };
      const active = await all({ status: ['active'] });
      expect(active).toHaveLength(15);
      expect(active.every((s) => s.status === 'active')).toBe(true);
      expect(
        (await all({ environment: ['production'] })).every(
          (s) => s.resource.environment === 'production',
        ),
      ).toBe(true);
      expect(await all({ environment: ['production'] })).toHaveLength(12);
      expect(await all({ type: ['ssh'] })).toHaveLength(30);
      expect(await all({ resource: ['billing-db'], type: ['database'] })).toHaveLength(30);
      const byEmail = await all({ user: ['user1@acme.test'] });
      expect(byEmail.length).toBeGreaterThan(0);
      expect(byEmail.every((s) => s.actor.id === 'u1')).toBe(true);
      expect(await all({ user: ['u1'] })).toHaveLength(byEmail.length);
      expect(await all({ actorType: ['agent'] })).toHaveLength(20);
      expect(await all({ label: ['team=payments'] })).toHaveLength(30);
      expect(
        await all({ label: ['team=payments'], status: ['active'], environment: ['staging'] }),
      ).toEqual(
        (await all({ label: ['team=payments'] })).filter(
          (s) => s.status === 'active' && s.resource.environment === 'staging',
        ),
      );
    });

    it('filters by time range and period', async () => {
      const from = new Date(Date.UTC(2026, 10, 20) + 10 * 60_000).toISOString();
      const to = new Date(Date.UTC(2026, 10, 20) + 20 * 60_000).toISOString();
      const page = await org.sessions.list({ from, to, limit: 100 });
      expect(page.data).toHaveLength(10);
      const none = await org.sessions.list({ period: '1h' });
      expect(none.data).toHaveLength(0);
    });

    it('finds who ran a command with free-text search', async () => {
      const hits = await org.sessions.list({ q: 'kubectl delete pod' });
      expect(hits.data.map((s) => s.id)).toEqual([ids[7]]);
      // Words match as a phrase, in order; quotes and FTS operators are plain text, never syntax.
      expect((await org.sessions.list({ q: 'pod delete' })).data).toHaveLength(0);
      expect((await org.sessions.list({ q: 'delete pod "api' })).data.map((s) => s.id)).toEqual([
        ids[7],
      ]);
      expect((await org.sessions.list({ q: 'kubectl OR nothing' })).data).toHaveLength(0);
      expect((await org.sessions.list({ q: 'NEAR(kubectl pod)' })).data).toHaveLength(0);
      expect((await org.sessions.list({ q: 'kubectl   delete' })).data.map((s) => s.id)).toEqual([
        ids[7],
      ]);
    });

    it('ranks by significance with a stable cursor, and filters by minimum significance', async () => {
      const ranked: { id: string; score: number }[] = [];
      for await (const s of org.sessions.list({ sort: 'significance', limit: 9 })) {
        ranked.push({ id: s.id, score: s.significance!.score });
      }
      expect(ranked).toHaveLength(60);
      expect(new Set(ranked.map((r) => r.id)).size).toBe(60);
      for (let i = 1; i < ranked.length; i++)
        expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
      const blocked = await org.sessions.list({ minSignificance: 40, limit: 100 });
      expect(blocked.data.length).toBeGreaterThan(0);
      expect(blocked.data.every((s) => s.significance!.score >= 40)).toBe(true);
    });

    it('counts exactly, capped, or not at all', async () => {
      expect((await org.sessions.list({ count: 'exact', limit: 1 })).extra.count).toEqual({
        mode: 'exact',
        value: 60,
        capped: false,
      });
      expect((await org.sessions.list({ count: 'none', limit: 1 })).extra.count).toEqual({
        mode: 'none',
        value: null,
        capped: false,
      });
      const capped = await startHarness(kind, { countCap: 25 });
      try {
        const c = await capped.clientWith(['ingest', 'view_history']);
        const batch = [];
        for (let i = 0; i < 30; i++) batch.push(...sessionScript().events);
        await c.ingest(batch);
        expect((await c.sessions.list({ limit: 1 })).extra.count).toEqual({
          mode: 'capped',
          value: 25,
          capped: true,
        });
        expect((await c.sessions.list({ limit: 1, status: ['ended'] })).extra.count).toEqual({
          mode: 'capped',
          value: 0,
          capped: false,
        });
      } finally {
        await capped.close();
      }
    });

    it('rejects bad query parameters and cursors with 400 naming the parameter', async () => {
      const res = await fetch(`${h.server.url}/v1/sessions?status=paused`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/status\[0\]/);
      await expect(org.sessions.list({ cursor: 'garbage' })).rejects.toBeInstanceOf(
        BadRequestError,
      );
    });

    it('pages the events of a session in seq order, filtered by type', async () => {
      const page = await org.sessions.events.list(ids[10]!, { type: ['policy'] });
      expect(page.data.map((e) => e.type)).toEqual(['policy']);
      const all = [];
      for await (const e of org.sessions.events.list(ids[10]!, { limit: 1 })) all.push(e.seq);
      expect(all).toEqual([0, 1, 2, 3]);
    });
  });

  describe('tenancy and permissions', () => {
    it("never shows one org another org's sessions, on any endpoint", async () => {
      const s = sessionScript();
      s.command('cat /etc/secret');
      s.end();
      await h.admin.ingest(s.events);
      const foreign = await h.clientWith(
        ['view_history', 'ingest', 'view_recording', 'download_recording', 'revoke', 'review'],
        'evil-corp',
      );
      await expect(foreign.sessions.get(s.sessionId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(foreign.sessions.events.list(s.sessionId)).rejects.toBeInstanceOf(NotFoundError);
      expect((await foreign.sessions.list({ count: 'exact' })).extra.count.value).toBe(0);
      expect((await foreign.sessions.list({ q: 'secret' })).data).toEqual([]);
      const res = await fetch(`${h.server.url}/v1/sessions/${s.sessionId}/verify`, {
        headers: {
          authorization: `Bearer ${(await h.store.createToken({ org: 'evil-corp', name: 'x', permissions: ['view_history'] })).token}`,
        },
      });
      expect(res.status).toBe(404);
      // Writing into another org's session is refused like an unknown session.
      const intrude = await foreign.ingest([{ ...s.events[1]!, id: 'evt_intruder', seq: 99 }]);
      expect(intrude.rejected[0]).toMatchObject({ code: 'unknown_session' });
      expect((await h.admin.sessions.events.list(s.sessionId)).data).toHaveLength(3);
    });

    it('requires a valid token and the permission of each endpoint', async () => {
      const s = sessionScript();
      await h.admin.ingest(s.events);
      const none = await h.clientWith([]);
      await expect(none.sessions.get(s.sessionId)).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(none.sessions.list()).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(none.ingest(sessionScript().events)).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
      const viewer = await h.clientWith(['view_history']);
      await expect(viewer.ingest(sessionScript().events)).rejects.toMatchObject({
        status: 403,
        code: 'permission_denied',
      });
      expect((await viewer.sessions.get(s.sessionId)).id).toBe(s.sessionId);
      const { createClient } = await import('@auditlane/client');
      const bad = createClient({ baseUrl: h.server.url, token: 'al_nope', retries: 0 });
      await expect(bad.sessions.list()).rejects.toBeInstanceOf(AuthenticationError);
    });
  });

  describe('tamper evidence', () => {
    it('verifies the hash chain and names the first broken link', async () => {
      const s = sessionScript();
      s.command('echo 1');
      s.command('echo 2');
      s.command('echo 3');
      s.end();
      await h.admin.ingest(s.events.slice(0, 3));
      await h.admin.ingest(s.events.slice(3));
      const verify = () => h.admin.sessions.verify(s.sessionId);
      expect(await verify()).toMatchObject({ ok: true, events: 5, broken: null });
      await h.tamper(s.sessionId, 2, 'echo 2', 'echo X');
      expect(await verify()).toMatchObject({
        ok: false,
        broken: { seq: 2, reason: 'the event does not match its hash' },
      });
      await h.tamper(s.sessionId, 2, 'echo X', 'echo 2');
      expect(await verify()).toMatchObject({ ok: true });
      // Removing the last events is caught by the chain head kept with the session.
      await h.remove(s.sessionId, 4);
      expect(await verify()).toMatchObject({
        ok: false,
        events: 4,
        broken: { seq: 3, reason: 'the chain ends after 4 events but the session records 5' },
      });
    });
  });
});
