/**
 * The built entries on a server (Node, no DOM), as Next.js renders client components: importing
 * them touches no browser global, rendering them to HTML works, and each entry says 'use client'.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from '@auditlane/client';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const session: Session = {
  id: 'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
  org: 'acme',
  actor: { type: 'human', id: 'u1', email: 'alice@example.com' },
  resource: { name: 'billing-db', type: 'database', environment: 'production' },
  endpoint: null,
  model: null,
  credential: null,
  mode: 'interactive',
  reason: null,
  status: 'ended',
  startedAt: '2026-11-25T06:19:32.123Z',
  endedAt: '2026-11-25T06:29:32.123Z',
  durationMs: 600_000,
  closeReason: null,
  droppedAt: null,
  recorded: false,
  counters: {
    commands: 5,
    queries: 0,
    blocked: 1,
    pending: 0,
    approved: 1,
    rejected: 0,
    maskedFields: 4,
    bytes: 0,
  },
  usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
  labels: {},
  significance: { score: 70, reasons: [] },
};

describe('server rendering of the built entries', () => {
  it('imports without a DOM and renders SessionTable, Filters and SessionDetail to HTML', async () => {
    expect(typeof window).toBe('undefined');
    const { SessionTable } = await import('@auditlane/react/session-table');
    const { Filters } = await import('@auditlane/react/filters');
    const { SessionDetail } = await import('@auditlane/react/session-detail');
    const root = await import('@auditlane/react');
    const { ReplayPlayer } = await import('@auditlane/react/replay');
    expect(renderToString(createElement(ReplayPlayer, { src: null }))).toContain(
      'Loading recording',
    );
    expect(typeof root.AuditlaneProvider).toBe('function');

    const table = renderToString(createElement(SessionTable, { sessions: [session] }));
    expect(table).toContain('alice@example.com');
    expect(table).toContain('aria-rowcount="2"');
    const filters = renderToString(createElement(Filters, { defaultValue: { q: 'DROP' } }));
    expect(filters).toContain('value="DROP"');
    const detail = renderToString(createElement(SessionDetail, { session, events: [] }));
    expect(detail).toContain('5 commands · 1 blocked · 1 approved · 4 fields masked');
  });

  it("marks every entry 'use client' and keeps xterm out of the non-replay entries", () => {
    for (const entry of ['index', 'session-table', 'filters', 'session-detail']) {
      const code = readFileSync(join(dist, `${entry}.js`), 'utf8');
      expect(code.startsWith('"use client";'), entry).toBe(true);
      expect(code).not.toMatch(/@xterm/);
    }
    // The replay entry loads xterm only when a player mounts (dynamic imports), never at import.
    const replay = readFileSync(join(dist, 'replay.js'), 'utf8');
    expect(replay.startsWith('"use client";')).toBe(true);
    expect(replay).toMatch(/import\("@xterm\/xterm"\)/);
    expect(replay).not.toMatch(/from "@xterm/);
    // Nothing the entries pull in (their chunks) mentions xterm either.
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dist, file), 'utf8');
      expect(code, file).not.toMatch(/@xterm/);
      for (const m of code.matchAll(/from "\.\/([^"]+)"/g)) visit(m[1] as string);
    };
    for (const entry of ['session-table', 'filters', 'session-detail']) visit(`${entry}.js`);
    expect(seen.size).toBeGreaterThan(3);
    // The package resolves from Node too (CommonJS consumers).
    const require = createRequire(import.meta.url);
    expect(require.resolve('@auditlane/react/session-table')).toMatch(/session-table\.cjs$/);
  });
});
