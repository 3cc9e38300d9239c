import { readFileSync } from 'node:fs';
import { createIdGenerator } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app';
import { PERMISSIONS, type Permission } from '../src/store/types';
import { type Harness, openTestStore, STORE_KINDS, startHarness } from './helpers';

interface Operation {
  method: string;
  path: string;
  operationId: string;
  'x-permissions'?: Permission[];
  'x-download'?: boolean;
  'x-access-log'?: string;
}

// The published contract: what a client reads there is what the server must enforce.
const openapi = JSON.parse(
  readFileSync(new URL('../../client/openapi.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, Operation>> };
const operations: Operation[] = Object.entries(openapi.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
);

const ids = createIdGenerator();
/** A URL of the operation with ids that exist nowhere (a guard answers before any lookup). */
const urlOf = (base: string, op: Operation) =>
  base +
  op.path
    .replace('{sessionId}', ids.sessionId(Date.now()))
    .replace('{reviewId}', ids.reviewId(Date.now()))
    .replace('{resultRef}', 'no-such-result');

describe('routes', () => {
  it('serve exactly the operations of openapi.json, at their methods and paths', async () => {
    const { store, drop } = await openTestStore('sqlite');
    try {
      const routed = new Set(
        createApp(store)
          .routes.filter((r) => r.method !== 'ALL' && /^\/(?:otlp\/)?v1\//.test(r.path))
          .map((r) => `${r.method} ${r.path}`),
      );
      const documented = new Set(
        operations.map((op) => `${op.method} ${op.path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      expect([...routed].sort()).toEqual([...documented].sort());
    } finally {
      await drop();
    }
  });
});

describe.each(STORE_KINDS)('%s store: each operation', (kind) => {
  let h: Harness;
  let off: Harness;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    h = await startHarness(kind);
    off = await startHarness(kind, { disableDownloads: true });
  });
  afterAll(async () => {
    await h.close();
    await off.close();
  });

  const call = async (server: Harness, op: Operation, permissions: readonly Permission[]) => {
    const key = `${server === h ? 'on' : 'off'}:${[...permissions].sort().join(',')}`;
    let token = tokens.get(key);
    if (!token) {
      token = (
        await server.store.createToken({ org: 'acme', name: key, permissions: [...permissions] })
      ).token;
      tokens.set(key, token);
    }
    const res = await fetch(urlOf(`${server.server.url}`, op), {
      method: op.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: op.method === 'POST' ? '{}' : undefined,
    });
    if (!res.headers.get('content-type')?.includes('application/json')) {
      await res.body?.cancel();
      return { status: res.status, code: undefined, details: undefined };
    }
    const body = (await res.json()) as { code?: string; details?: { permissions?: string[] } };
    return { status: res.status, ...body };
  };

  it('needs exactly the permissions openapi.json declares (any one of them)', async () => {
    for (const op of operations) {
      const declared = op['x-permissions'];
      expect([op.operationId, Array.isArray(declared)]).toEqual([op.operationId, true]);
      const others = PERMISSIONS.filter((p) => !declared!.includes(p));
      const without = await call(h, op, others);
      if (declared!.length === 0) {
        expect([op.operationId, without.code]).not.toEqual([op.operationId, 'permission_denied']);
        continue;
      }
      expect([op.operationId, without.status, without.code]).toEqual([
        op.operationId,
        403,
        'permission_denied',
      ]);
      expect([op.operationId, without.details?.permissions]).toEqual([op.operationId, declared]);
      for (const permission of declared!) {
        const alone = await call(h, op, [permission]);
        expect([op.operationId, permission, alone.code]).not.toEqual([
          op.operationId,
          permission,
          'permission_denied',
        ]);
      }
    }
  });

  it('refuses with downloads disabled exactly the operations openapi.json marks as downloads', async () => {
    for (const op of operations) {
      const got = await call(off, op, PERMISSIONS);
      if (op['x-download'])
        expect([op.operationId, got.status, got.code]).toEqual([
          op.operationId,
          403,
          'downloads_disabled',
        ]);
      else expect([op.operationId, got.code]).not.toEqual([op.operationId, 'downloads_disabled']);
    }
  });

  it('logs a refused attempt at exactly the operations openapi.json marks for the access log', async () => {
    const cases = [
      { server: h, org: 'refused-permission', permissions: [] as Permission[] },
      { server: off, org: 'refused-download', permissions: [...PERMISSIONS] },
    ];
    for (const { server, org, permissions } of cases) {
      const { token } = await server.store.createToken({ org, name: 'tries', permissions });
      const expected: [string, string, string | undefined][] = [];
      for (const op of operations) {
        const res = await fetch(urlOf(server.server.url, op), {
          method: op.method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: op.method === 'POST' ? '{}' : undefined,
        });
        const code = res.status >= 400 ? ((await res.json()) as { code: string }).code : undefined;
        if (res.status < 400) await res.body?.cancel();
        if (op['x-access-log']) expected.unshift([op.operationId, op['x-access-log'], code]);
      }
      const { token: auditor } = await server.store.createToken({
        org,
        name: 'auditor',
        permissions: ['view_history'],
      });
      const res = await fetch(`${server.server.url}/v1/access-log`, {
        headers: { authorization: `Bearer ${auditor}` },
      });
      const log = (await res.json()) as {
        data: { action: string; outcome: string; reason: { code: string } | null }[];
      };
      expect(log.data.map((e) => [e.action, e.outcome, e.reason?.code])).toEqual(
        expected.map(([, action, code]) => [action, 'refused', code]),
      );
      // Each was refused for the reason the case sets up (downloads first, then permissions).
      for (const [id, , code] of expected) {
        const op = operations.find((o) => o.operationId === id)!;
        const why =
          server === h
            ? 'permission_denied'
            : op['x-download']
              ? 'downloads_disabled'
              : 'not_found';
        expect([id, code]).toEqual([id, why]);
      }
    }
  });
});
