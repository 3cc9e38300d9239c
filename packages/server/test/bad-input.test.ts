import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, STORE_KINDS, startHarness } from './helpers';

/** Base64url JSON, as the server encodes cursors: `raw` is the JSON text, so forged numbers survive. */
const cursorOf = (raw: string) => Buffer.from(raw).toString('base64url');

describe.each(STORE_KINDS)('%s store: bad input gets a 4xx, never a 500', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { maxWaitMs: 50 });
  });
  afterAll(() => h.close());

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${h.server.url}${path}`, {
      headers: { authorization: `Bearer ${h.adminToken}`, ...headers },
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text };
  }

  /** The error body of a 4xx: `{ code, message }`. */
  async function rejected(path: string, status = 400, headers: Record<string, string> = {}) {
    const res = await get(path, headers);
    expect(res.status, `${path}: ${res.text}`).toBe(status);
    const body = JSON.parse(res.text) as { code: string; message: string };
    expect(body.code).toEqual(expect.any(String));
    expect(body.message).toEqual(expect.any(String));
    return body;
  }

  it('answers a malformed or forged cursor with 400 naming it, on every paged list', async () => {
    const forged = [
      'garbage!',
      cursorOf('not json'),
      cursorOf('[1e308,"x"]'),
      cursorOf('[9223372036854775808,"x"]'),
      cursorOf('[1.5,"x"]'),
      cursorOf('[0,"x\\u0000"]'),
      cursorOf(`[0,"${'x'.repeat(300)}"]`),
      cursorOf('[0,1]'),
      cursorOf('{}'),
    ];
    for (const cursor of forged) {
      const c = encodeURIComponent(cursor);
      for (const path of [
        `/v1/sessions?cursor=${c}`,
        `/v1/sessions?sort=significance&cursor=${c}`,
        `/v1/sessions?q=echo&cursor=${c}`,
        `/v1/access-log?cursor=${c}`,
        `/v1/reviews?cursor=${c}`,
        `/v1/sessions/export?format=csv&cursor=${c}`,
      ]) {
        // The export has no cursor parameter: it is ignored there, and the export runs.
        if (path.startsWith('/v1/sessions/export')) {
          expect((await get(path)).status).toBe(200);
          continue;
        }
        const body = await rejected(path);
        expect(body.message, path).toMatch(/cursor/);
      }
    }
    const significance = cursorOf('[1e308,9223372036854775808,"x"]');
    expect(
      (await rejected(`/v1/sessions?sort=significance&cursor=${significance}`)).message,
    ).toMatch(/cursor/);
  });
});
