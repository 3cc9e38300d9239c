import { DownloadsDisabledError, NotFoundError, PermissionDeniedError } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      s.end();
      await client.ingest(s.events);
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

  describe('headers', () => {
    it('sends X-Content-Type-Options: nosniff on every answer', async () => {
      const s = sessionScript();
      s.output('<script>alert(1)</script>\r\n');
      s.query('SELECT 1');
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
        const controller = new AbortController();
        const res = await fetch(url, { ...init, signal: controller.signal });
        expect([url, res.status]).toEqual([url, status]);
        expect([url, res.headers.get('x-content-type-options')]).toEqual([url, 'nosniff']);
        controller.abort();
      }
    });
  });
});
