import {
  createClient,
  DownloadsDisabledError,
  NotFoundError,
  PermissionDeniedError,
} from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConfig } from '../src/serve-config';
import type { Permission } from '../src/store/types';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

/** Cells of an RFC 4180 CSV text (quotes, doubled quotes, line breaks inside quotes). */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === '\n') {
      cells.push(cell);
      cell = '';
    } else if (ch !== '\r' || text[i + 1] !== '\n') cell += ch;
  }
  if (cell) cells.push(cell);
  return cells;
}

// What a spreadsheet may take for a formula: a formula character after blanks or invisible
// characters (full-width forms too), or a leading tab, CR or LF.
const runnable = (cell: string) =>
  /^[\s\p{Cc}\p{Cf}]*[=+\-@＝＋－＠]/u.test(cell) || /^[\t\r\n]/.test(cell);

const FORMULAS = [
  '=1+1',
  ' =1+1',
  '\n=1+1',
  '\r\n=1+1',
  '\t=1+1',
  '\u3000=1+1',
  '\u00a0+1+1',
  '\u200b@SUM(A1)',
  '＝1+1',
  ' ＝1+1',
  '＋1+1',
  '－1+1',
  '＠SUM(A1)',
  '-2+3',
];

describe.each(STORE_KINDS)('%s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { pollMs: 200 });
  });
  afterAll(() => h.close());

  describe('CSV files', () => {
    it('keep every formula form as text: exports, session logs and query results', async () => {
      const org = `csv-${kind}`;
      const client = await h.clientWith(['ingest', 'view_history', 'download_recording'], org);
      const s = sessionScript({ labels: { ticket: 'CSV-1' } });
      for (const f of FORMULAS) s.command(f);
      s.events.push({
        id: `${s.sessionId}-q`,
        sessionId: s.sessionId,
        seq: s.events.length,
        time: new Date().toISOString(),
        type: 'query',
        sql: " =cmd|' /C calc'!A0",
        columns: [{ name: '＝name' }],
        rows: Array.from({ length: 60 }, (_, i) => [FORMULAS[i % FORMULAS.length]]),
      });
      expect((await client.ingest(s.events)).rejected).toEqual([]);
      const files = [
        await (await client.sessions.export({ format: 'csv', label: ['ticket=CSV-1'] })).text(),
        await (await client.downloads.logs(s.sessionId, { format: 'csv' })).text(),
        await (
          await client.downloads.result(s.sessionId, `${s.sessionId}-q`, { format: 'csv' })
        ).text(),
      ];
      for (const text of files) {
        const cells = csvCells(text);
        expect(cells.filter(runnable)).toEqual([]);
        // Kept, not dropped: each formula is there as text.
        for (const f of FORMULAS) expect(cells).toContain(`'${f}`);
      }
    });
  });

  describe('reviews', () => {
    const tokenOf = async (on: Harness, org: string, name: string, permissions: Permission[]) => {
      const { id, token } = await on.store.createToken({ org, name, permissions });
      return { id, name, client: createClient({ baseUrl: on.server.url, token, retries: 0 }) };
    };

    it('are decided by another token than the one that asked, and not by the person who waits', async () => {
      const org = `four-eyes-${kind}`;
      // One token holds both ingest and review, as a CI bot or a careless admin might.
      const bot = await tokenOf(h, org, 'ci-bot', ['ingest', 'review', 'view_history']);
      const s = sessionScript();
      const update = s.query('UPDATE accounts SET plan = 2');
      await bot.client.ingest(s.events);
      const review = await bot.client.reviews.create({
        kind: 'command',
        sessionId: s.sessionId,
        eventId: update.id,
        subject: { type: 'query', text: update.sql },
      });
      expect(review.requestedByToken).toEqual({ id: bot.id, name: 'ci-bot' });
      for (const decide of [
        () => bot.client.reviews.approve(review.id),
        () => bot.client.reviews.reject(review.id),
      ]) {
        await expect(decide()).rejects.toMatchObject({ status: 403, code: 'self_review' });
      }
      // A token of the person whose command waits (named by actor id, email or name, any case).
      for (const name of ['alice@acme.test', 'U_ALICE']) {
        const alice = await tokenOf(h, org, name, ['review']);
        await expect(alice.client.reviews.approve(review.id)).rejects.toBeInstanceOf(
          PermissionDeniedError,
        );
      }
      expect((await bot.client.reviews.get(review.id)).status).toBe('pending');

      const bob = await tokenOf(h, org, 'bob@acme.test', ['review']);
      const approved = await bob.client.reviews.approve(review.id, { comment: 'OPS-7' });
      const decided = {
        status: 'approved',
        requestedByToken: { id: bot.id, name: 'ci-bot' },
        decidedBy: 'bob@acme.test',
        decidedByToken: { id: bob.id, name: 'bob@acme.test' },
        comment: 'OPS-7',
      };
      expect(approved).toMatchObject(decided);
      // Stored so: read back, and listed.
      expect(await bot.client.reviews.get(review.id)).toMatchObject(decided);
      expect((await bot.client.reviews.list({ sessionId: s.sessionId })).data[0]).toMatchObject(
        decided,
      );
    });

    it('keep a just-in-time session waiting when its own token or person decides', async () => {
      const org = `jit-${kind}`;
      const bot = await tokenOf(h, org, 'ci-bot', ['ingest', 'review', 'view_history']);
      const s = sessionScript();
      await bot.client.ingest(s.events);
      const review = await bot.client.reviews.create({
        kind: 'session',
        sessionId: s.sessionId,
        subject: { type: 'session', text: 'psql billing-db' },
      });
      await expect(bot.client.reviews.approve(review.id)).rejects.toMatchObject({
        code: 'self_review',
      });
      expect((await bot.client.sessions.get(s.sessionId)).status).toBe('pending_review');
      const rita = await tokenOf(h, org, 'rita', ['review']);
      await rita.client.reviews.reject(review.id, { comment: 'freeze' });
      expect(await bot.client.sessions.get(s.sessionId)).toMatchObject({
        status: 'blocked',
        closeReason: 'access rejected by rita: freeze',
      });
      expect(await bot.client.reviews.get(review.id)).toMatchObject({
        status: 'rejected',
        decidedByToken: { id: rita.id, name: 'rita' },
      });
    });

    it('may be decided by the requester in an org that allows it (one-person teams)', async () => {
      const solo = await startHarness(kind, { selfReviewOrgs: ['solo'] });
      try {
        for (const org of ['solo', 'team']) {
          const me = await tokenOf(solo, org, 'alice@acme.test', ['ingest', 'review']);
          const s = sessionScript();
          await me.client.ingest(s.events);
          const review = await me.client.reviews.create({
            kind: 'session',
            sessionId: s.sessionId,
            subject: { type: 'session', text: 'psql' },
          });
          if (org === 'team') {
            await expect(me.client.reviews.approve(review.id)).rejects.toMatchObject({
              code: 'self_review',
            });
            continue;
          }
          expect(await me.client.reviews.approve(review.id)).toMatchObject({
            status: 'approved',
            requestedByToken: { id: me.id },
            decidedByToken: { id: me.id, name: 'alice@acme.test' },
          });
        }
      } finally {
        await solo.close();
      }
    });
  });

  describe('access log', () => {
    it('records refused attempts at evidence: who tried what, and why it was refused', async () => {
      const off = await startHarness(kind, { disableDownloads: true });
      try {
        const s = sessionScript();
        s.output('secret\r\n');
        const q = s.query('SELECT 1');
        await off.admin.ingest(s.events);
        const taker = await off.clientWith([
          'view_history',
          'view_recording',
          'download_recording',
        ]);
        const attempts = [
          () => taker.downloads.recording(s.sessionId),
          () => taker.downloads.logs(s.sessionId, { format: 'csv' }),
          () => taker.downloads.result(s.sessionId, q.id),
          () => taker.sessions.export({ format: 'csv', q: 'secret' }),
        ];
        for (const attempt of attempts)
          await expect(attempt()).rejects.toBeInstanceOf(DownloadsDisabledError);
        // HEAD is refused and recorded the same way.
        const head = await fetch(`${off.server.url}/v1/sessions/${s.sessionId}/logs`, {
          method: 'HEAD',
          headers: { authorization: `Bearer ${off.adminToken}` },
        });
        expect(head.status).toBe(403);
        const log = (await taker.downloads.accessLog()).data;
        const reason = {
          code: 'downloads_disabled',
          message: expect.stringContaining('downloads are disabled'),
        };
        const actor = { name: 'test view_history,view_recording,download_recording' };
        expect(log).toEqual([
          expect.objectContaining({
            action: 'download_logs',
            outcome: 'refused',
            reason,
            actor: expect.objectContaining({ name: 'admin' }),
            sessionId: s.sessionId,
            detail: `HEAD /v1/sessions/${s.sessionId}/logs`,
          }),
          expect.objectContaining({
            action: 'export',
            outcome: 'refused',
            reason,
            actor: expect.objectContaining(actor),
            sessionId: null,
            detail: 'GET /v1/sessions/export?format=csv&q=secret',
          }),
          expect.objectContaining({
            action: 'download_result',
            outcome: 'refused',
            reason,
            sessionId: s.sessionId,
            detail: `GET /v1/sessions/${s.sessionId}/results/${q.id}`,
          }),
          expect.objectContaining({
            action: 'download_logs',
            outcome: 'refused',
            reason,
            sessionId: s.sessionId,
            detail: `GET /v1/sessions/${s.sessionId}/logs?format=csv`,
          }),
          expect.objectContaining({
            action: 'download_recording',
            outcome: 'refused',
            reason,
            actor: expect.objectContaining(actor),
            sessionId: s.sessionId,
            detail: `GET /v1/sessions/${s.sessionId}/recording/download`,
          }),
        ]);
      } finally {
        await off.close();
      }
    });

    it('records refusals for a missing permission or an unknown session next to what was served', async () => {
      const org = `refusals-${kind}`;
      const owner = await h.clientWith(['ingest', 'view_history', 'download_recording'], org);
      const s = sessionScript();
      s.output('hello\r\n');
      await owner.ingest(s.events);
      const reader = await h.clientWith(['view_history'], org);
      await expect(reader.sessions.recording(s.sessionId)).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
      await expect(reader.downloads.logs(s.sessionId)).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
      const elsewhere = sessionScript().sessionId;
      await expect(owner.downloads.logs(elsewhere)).rejects.toBeInstanceOf(NotFoundError);
      await (await owner.downloads.logs(s.sessionId)).text();
      const log = (await owner.downloads.accessLog()).data;
      expect(log.map((e) => [e.action, e.outcome, e.reason?.code ?? null, e.actor.name])).toEqual([
        ['download_logs', 'allowed', null, 'test ingest,view_history,download_recording'],
        ['download_logs', 'refused', 'not_found', 'test ingest,view_history,download_recording'],
        ['download_logs', 'refused', 'permission_denied', 'test view_history'],
        ['view_recording', 'refused', 'permission_denied', 'test view_history'],
      ]);
      expect(log[0]).toMatchObject({ reason: null, sessionId: s.sessionId, detail: 'ndjson' });
      expect(log[1]).toMatchObject({ sessionId: elsewhere });
      expect(log[2]?.reason?.message).toContain('download_recording');
    });
  });

  describe('recordings', () => {
    it('reach only tokens with view_recording through event pages and the live tail, and are logged', async () => {
      const org = `recording-${kind}`;
      const owner = await h.clientWith(['ingest', 'view_history', 'view_recording'], org);
      const s = sessionScript();
      s.output('secret terminal output\r\n');
      s.command('ls');
      s.output('more output\r\n');
      s.end();
      await owner.ingest(s.events);
      const reader = await h.clientWith(['view_history'], org);
      const types = async (client: typeof reader) => {
        const seen: string[] = [];
        for await (const e of client.sessions.events.list(s.sessionId)) seen.push(e.type);
        return seen;
      };
      expect(await types(reader)).toEqual(['lifecycle', 'command', 'lifecycle']);
      for (const type of [['terminal'], ['command', 'terminal']] as const) {
        await expect(
          reader.sessions.events.list(s.sessionId, { type: [...type] }),
        ).rejects.toMatchObject({ status: 403, code: 'permission_denied' });
      }
      const tail: string[] = [];
      for await (const e of reader.sessions.events.stream(s.sessionId)) tail.push(e.type);
      expect(tail).toEqual(['lifecycle', 'command', 'lifecycle']);
      expect(await types(owner)).toEqual([
        'lifecycle',
        'terminal',
        'command',
        'terminal',
        'lifecycle',
      ]);
      const watched: string[] = [];
      for await (const e of owner.sessions.events.stream(s.sessionId)) watched.push(e.type);
      expect(watched).toHaveLength(5);
      // Reading terminal output is a view of the recording: in the access log, refusals too.
      const log = (await owner.downloads.accessLog()).data;
      expect(log.map((e) => [e.action, e.outcome, e.actor.name, e.sessionId])).toEqual([
        ['view_recording', 'allowed', 'test ingest,view_history,view_recording', s.sessionId],
        ['view_recording', 'allowed', 'test ingest,view_history,view_recording', s.sessionId],
        ['view_recording', 'refused', 'test view_history', s.sessionId],
        ['view_recording', 'refused', 'test view_history', s.sessionId],
      ]);
      expect(log.map((e) => e.detail)).toEqual([
        'live tail from seq 1',
        'events 1-3 (2 terminal)',
        expect.stringMatching(/^GET \/v1\/sessions\/sess_\w+\/events\?.*type=terminal/),
        expect.stringMatching(/^GET \/v1\/sessions\/sess_\w+\/events\?.*type=terminal/),
      ]);
      expect(log[2]?.reason?.code).toBe('permission_denied');
    });
  });

  describe('downloads disabled', () => {
    it('still plays recordings, shown and never cached or offered as a file', async () => {
      const off = await startHarness(kind, { disableDownloads: true });
      try {
        const s = sessionScript();
        s.output('secret output\r\n');
        s.command('ls');
        s.end();
        await off.admin.ingest(s.events);
        const auth = { authorization: `Bearer ${off.adminToken}` };
        const base = `${off.server.url}/v1/sessions/${s.sessionId}`;
        const play = await fetch(`${base}/recording`, { headers: auth });
        expect(play.status).toBe(200);
        expect(await play.text()).toContain('secret output');
        expect(play.headers.get('content-disposition')).toBe('inline');
        expect(play.headers.get('cache-control')).toBe('no-store');
        expect(play.headers.get('x-content-type-options')).toBe('nosniff');
        // The events and the live tail are served too (what a viewer shows), never cached.
        const events = await fetch(`${base}/events`, { headers: auth });
        expect(events.status).toBe(200);
        expect(events.headers.get('cache-control')).toBe('no-store');
        const tail = await fetch(`${base}/events/stream`, { headers: auth });
        expect(tail.headers.get('cache-control')).toBe('no-store');
        expect(await tail.text()).toContain('event: end');
        // The file is refused.
        const file = await fetch(`${base}/recording/download`, { headers: auth });
        expect(file.status).toBe(403);
        expect(file.headers.get('content-disposition')).toBeNull();
      } finally {
        await off.close();
      }
    });
  });

  describe('headers', () => {
    it('sends X-Content-Type-Options: nosniff on every answer', async () => {
      const s = sessionScript();
      s.output('<script>alert(1)</script>\r\n');
      s.query('SELECT 1');
      s.end();
      await h.admin.ingest(s.events);
      const auth = { authorization: `Bearer ${h.adminToken}` };
      const base = `${h.server.url}/v1`;
      const answers: [string, RequestInit & { status: number }][] = [
        [`${h.server.url}/healthz`, { status: 200 }],
        [`${base}/sessions`, { headers: auth, status: 200 }],
        [`${base}/sessions`, { status: 401 }],
        [`${base}/nowhere`, { headers: auth, status: 404 }],
        [`${h.server.url}/nowhere`, { status: 404 }],
        [`${base}/sessions?limit=abc`, { headers: auth, status: 400 }],
        [`${base}/sessions/${s.sessionId}/recording`, { headers: auth, status: 200 }],
        [`${base}/sessions/${s.sessionId}/recording/download`, { headers: auth, status: 200 }],
        [`${base}/sessions/${s.sessionId}/logs?format=csv`, { headers: auth, status: 200 }],
        [`${base}/sessions/export?format=csv`, { headers: auth, status: 200 }],
        [`${base}/sessions/${s.sessionId}/events/stream`, { headers: auth, status: 200 }],
        [
          `${base}/ingest`,
          { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, status: 415 },
        ],
      ];
      for (const [url, { status, ...init }] of answers) {
        const res = await fetch(url, init);
        expect([url, res.status]).toEqual([url, status]);
        expect([url, res.headers.get('x-content-type-options')]).toEqual([url, 'nosniff']);
        // Read to the end (the live tail of an ended session ends too).
        await res.arrayBuffer();
      }
    });
  });
});

describe('serve settings', () => {
  it('name the orgs whose requesters may decide their own reviews', () => {
    expect(serveConfig({}, {}).app.selfReviewOrgs).toBeUndefined();
    expect(serveConfig({ 'allow-self-review': 'solo, duo' }, {}).app.selfReviewOrgs).toEqual([
      'solo',
      'duo',
    ]);
    expect(serveConfig({}, { AUDITLANE_ALLOW_SELF_REVIEW: 'solo' }).app.selfReviewOrgs).toEqual([
      'solo',
    ]);
  });
});
