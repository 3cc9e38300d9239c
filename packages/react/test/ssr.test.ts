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
import { toolCall } from './tool-calls';

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
    const { SessionTable, sortedRowModel } = await import('@auditlane/react/session-table');
    const { Filters } = await import('@auditlane/react/filters');
    const { SessionDetail, buildActivity } = await import('@auditlane/react/session-detail');
    const root = await import('@auditlane/react');
    const { ReplayPlayer } = await import('@auditlane/react/replay');
    expect(renderToString(createElement(ReplayPlayer, { src: null }))).toContain(
      'Loading recording',
    );
    expect(typeof root.AuditlaneProvider).toBe('function');

    const table = renderToString(
      createElement(SessionTable, { sessions: [session], features: { sortedRowModel } }),
    );
    expect(table).toContain('alice@example.com');
    expect(table).toContain('aria-rowcount="2"');
    const filters = renderToString(createElement(Filters, { defaultValue: { q: 'DROP' } }));
    expect(filters).toContain('value="DROP"');
    // The menus' triggers, before their code loads, are buttons that open a menu.
    expect(filters).toMatch(/<button[^>]*aria-haspopup="menu"[^>]*aria-expanded="false"/);
    const detail = renderToString(createElement(SessionDetail, { session }));
    expect(detail).toContain('5 commands · 1 blocked · 1 approved · 4 fields masked');
    // A tool call, whose view loads on demand: the server renders the tool's name.
    const toolCallHtml = renderToString(
      createElement(SessionDetail, {
        session,
        activity: buildActivity([
          {
            ...toolCall('Bash', { input: { command: 'ls -la' } }),
            receivedAt: session.startedAt,
            hash: '',
          },
        ]),
      }),
    );
    expect(toolCallHtml).toContain('<code>Bash</code>');
  });

  it("marks every entry 'use client' and keeps xterm out of the non-replay entries", () => {
    for (const entry of ['index', 'session-table', 'filters', 'session-detail', 'tool-call']) {
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
    // Menus and the revoke dialog load their Radix code (popper, layers, focus trap) on demand:
    // what the entries import statically never names them, a dynamic import does.
    const closure = new Set<string>();
    const collect = (file: string) => {
      if (closure.has(file)) return;
      closure.add(file);
      const code = readFileSync(join(dist, file), 'utf8');
      for (const m of code.matchAll(/(?:from|import) "\.\/([^"]+)"/g)) collect(m[1] as string);
    };
    for (const entry of ['session-table', 'filters', 'session-detail']) collect(`${entry}.js`);
    const statics = [...closure].map((file) => readFileSync(join(dist, file), 'utf8')).join('\n');
    expect(statics).not.toMatch(/from "radix-ui\/dropdown-menu"/);
    expect(statics).not.toMatch(/from "radix-ui\/alert-dialog"/);
    expect(statics).toMatch(/import\("\.\/checkbox-menu\.impl-[^"]+\.js"\)/);
    expect(statics).toMatch(/import\("\.\/revoke-dialog-[^"]+\.js"\)/);
    // So does the tool call view (diffs, terminal text): the tool-call entry's code.
    expect(statics).not.toMatch(/from "diff"/);
    expect(statics).not.toMatch(/from "@ansi-tools\/parser"/);
    // The package resolves from Node too (CommonJS consumers).
    const require = createRequire(import.meta.url);
    expect(require.resolve('@auditlane/react/session-table')).toMatch(/session-table\.cjs$/);
  });
});
