import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { buildOpenApiDocument } from '../scripts/openapi-document';

describe('openapi.json', () => {
  it('is what the zod schemas generate (run `pnpm openapi` after changing a schema)', () => {
    const checkedIn = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
    expect(JSON.parse(checkedIn)).toEqual(buildOpenApiDocument(pkg.version));
  });

  it('describes every endpoint of the client with an operation id and a 200/201 response', () => {
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
      ]),
    );
    for (const o of operations) {
      expect(Object.keys(o.responses ?? {}).some((s) => s === '200' || s === '201')).toBe(true);
    }
    expect(doc.components?.schemas).toHaveProperty('Session');
    expect(doc.components?.schemas).toHaveProperty('Event');
  });
});
