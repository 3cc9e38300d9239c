import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/store/types';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

interface Operation {
  method: string;
  path: string;
  operationId: string;
}

// Every operation the published contract lists: a new endpoint is covered without editing this.
const openapi = JSON.parse(
  readFileSync(new URL('../../client/openapi.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, { operationId: string }>> };
const operations: Operation[] = Object.entries(openapi.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    operationId: op.operationId,
  })),
);

describe.each(STORE_KINDS)('%s store: another org', (kind) => {
  let h: Harness;
  let sessionId: string;
  let reviewId: string;
  let resultRef: string;
  let alertId: string;
  let foreignToken: string;

  beforeAll(async () => {
    h = await startHarness(kind);
    const s = sessionScript({ labels: { secret: 'acme-only' } });
    const q = s.query('SELECT ssn FROM people');
    s.events.push({
      id: `${s.sessionId}-big`,
      sessionId: s.sessionId,
      seq: s.events.length,
      time: new Date().toISOString(),
      type: 'query',
      sql: 'SELECT * FROM big',
      columns: [{ name: 'n' }],
      rows: Array.from({ length: 60 }, (_, i) => [i]),
    });
    s.output('acme secret output\r\n');
    await h.admin.ingest(s.events);
    sessionId = s.sessionId;
    resultRef = `${s.sessionId}-big`;
    reviewId = (
      await h.admin.reviews.create({
        kind: 'command',
        sessionId,
        eventId: q.id,
        subject: { type: 'query', text: q.sql },
      })
    ).id;
    alertId = (
      await h.admin.alerts.create({
        name: 'acme secret alert',
        query: { label: ['secret=acme-only'] },
        url: 'http://127.0.0.1:9/acme-hook',
      })
    ).id;
    // Take something out once, so the access log of acme is not empty.
    await (await h.admin.downloads.logs(sessionId)).text();
    foreignToken = (
      await h.store.createToken({ org: 'evil-corp', name: 'evil', permissions: [...PERMISSIONS] })
    ).token;
  });
  afterAll(() => h.close());

  it('covers the whole contract', () => {
    expect(operations.length).toBeGreaterThanOrEqual(18);
  });

  /** The request with the given ids; the answer with ids and request ids made neutral. */
  async function call(
    op: Operation,
    ids: { session: string; review: string; ref: string; entity: string; alert: string },
  ) {
    const url = new URL(
      `${h.server.url}${op.path
        .replace('{sessionId}', ids.session)
        .replace('{reviewId}', ids.review)
        .replace('{resultRef}', ids.ref)
        .replace('{kind}', 'resource')
        .replace('{key}', encodeURIComponent(ids.entity))
        .replace('{alertId}', ids.alert)}`,
    );
    let body: string | undefined;
    if (op.operationId === 'ingest') {
      body = JSON.stringify({
        events: [
          {
            id: 'evt_evil',
            sessionId: ids.session,
            seq: 999,
            time: new Date().toISOString(),
            type: 'command',
            text: 'evil',
          },
        ],
      });
    } else if (op.operationId === 'createReview') {
      body = JSON.stringify({
        kind: 'session',
        sessionId: ids.session,
        subject: { type: 'session', text: 'let me in' },
      });
    } else if (op.operationId === 'updateAlert') {
      body = JSON.stringify({ enabled: false, url: 'http://127.0.0.1:9/evil' });
    } else if (op.method === 'POST') body = '{}';
    if (op.operationId === 'getReview' || op.operationId === 'getSessionStatus')
      url.searchParams.set('waitMs', '0');
    const res = await fetch(url, {
      method: op.method,
      headers: { authorization: `Bearer ${foreignToken}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    const text = (await res.text())
      .replaceAll(ids.session, '<session>')
      .replaceAll(ids.review, '<review>')
      .replaceAll(ids.ref, '<ref>')
      .replaceAll(ids.alert, '<alert>')
      .replaceAll(`resource:${ids.entity}`, '<entity>')
      .replace(/req_[0-9a-f]+/g, '<request>')
      // The overview's period counts back from the time of the call.
      .replace(/"period":\{"from":"[^"]+"/g, '"period":{"from":"<time>"');
    return { status: res.status, text };
  }

  it.each(operations)('$method $path answers as if acme did not exist', async (op) => {
    const real = await call(op, {
      session: sessionId,
      review: reviewId,
      ref: resultRef,
      entity: 'billing-db',
      alert: alertId,
    });
    // Nothing of acme's is in the answer...
    expect(real.text).not.toContain('acme');
    expect(real.text).not.toContain('ssn');
    expect(real.text).not.toContain('secret');
    // ...and it is the answer for ids that never existed: existence does not leak either.
    const ghost = await call(op, {
      session: 'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
      review: 'rev_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
      ref: 'ghost',
      entity: 'never-seen-db',
      alert: 'alrt_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    });
    expect(real).toEqual(ghost);
    if (real.status === 200) {
      expect([
        'ingest',
        'exportOtlpLogs',
        'listSessions',
        'exportSessions',
        'listReviews',
        'listAccessLog',
        'getViewer',
        'getOverview',
        'listAlerts',
      ]).toContain(op.operationId);
    } else if (op.operationId === 'createAlert') {
      // Creating names nothing of acme's: the empty body is refused as it would be anywhere.
      expect(real.status, real.text).toBe(400);
    } else {
      expect(real.status, `${op.operationId}: ${real.text}`).toBe(404);
    }
  });

  it('left acme untouched', async () => {
    const session = await h.admin.sessions.get(sessionId);
    expect(session.status).toBe('active');
    expect((await h.admin.reviews.get(reviewId)).status).toBe('pending');
    expect((await h.admin.sessions.verify(sessionId)).ok).toBe(true);
    expect(await h.admin.alerts.get(alertId)).toMatchObject({
      enabled: true,
      url: 'http://127.0.0.1:9/acme-hook',
    });
  });
});
