import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { buildOpenApiDocument } from '../scripts/openapi-document';
import { OPERATIONS, type OperationDeclaration } from '../src/model';

describe('openapi.json', () => {
  it('is what the zod schemas generate (run `pnpm openapi` after changing a schema)', () => {
    const checkedIn = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
    expect(JSON.parse(checkedIn)).toEqual(buildOpenApiDocument(pkg.version));
  });

  it('describes every endpoint of the client with an operation id and a 2xx response', () => {
    const doc = buildOpenApiDocument(pkg.version);
    const operations = Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string; responses?: object }>),
    );
    const ids = operations.map((o) => o.operationId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'ingest',
        'listSessions',
        'getSession',
        'listSessionEvents',
        'streamSessionEvents',
        'getSessionRecording',
        'exportSessions',
        'revokeSession',
        'listReviews',
        'approveReview',
        'rejectReview',
        'listAlerts',
        'createAlert',
        'getAlert',
        'updateAlert',
        'deleteAlert',
        'listAlertDeliveries',
        'testAlert',
      ]),
    );
    for (const o of operations) {
      // 200/201 with a body; 202 (queued) and 204 (deleted) where that is the answer.
      expect(Object.keys(o.responses ?? {}).some((s) => /^20[0124]$/.test(s))).toBe(true);
    }
    expect(doc.components?.schemas).toHaveProperty('Session');
    expect(doc.components?.schemas).toHaveProperty('Event');
  });

  it('writes what each operation needs from its declaration in OPERATIONS', () => {
    const doc = buildOpenApiDocument(pkg.version);
    const written = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Record<string, unknown>>).map(([method, o]) => ({
        id: o.operationId as keyof typeof OPERATIONS,
        method,
        path,
        permissions: o['x-permissions'],
        download: o['x-download'],
        accessLog: o['x-access-log'],
      })),
    );
    expect(written.map((o) => o.id).sort()).toEqual(Object.keys(OPERATIONS).sort());
    for (const o of written) {
      const declared: OperationDeclaration = OPERATIONS[o.id];
      expect(o).toEqual({
        id: o.id,
        method: OPERATIONS[o.id].method,
        path: OPERATIONS[o.id].path,
        permissions: OPERATIONS[o.id].permissions,
        download: declared.download,
        accessLog: declared.accessLog,
      });
    }
    expect(doc.paths?.['/v1/sessions/export']?.get).toMatchObject({
      'x-permissions': ['download_recording'],
      description: expect.stringContaining('Needs `download_recording`.'),
    });
  });
});
