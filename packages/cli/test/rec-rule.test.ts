import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@auditlane/client';
import { SqliteStore, startServer } from '@auditlane/server';
import * as pty from 'node-pty';
import { afterAll, describe, expect, it } from 'vitest';

// `auditlane rec` where recording is required (production) or optional (elsewhere), as a user
// runs it: the CLI in a real terminal, the program's side effect checked on disk.

const dir = mkdtempSync(join(tmpdir(), 'auditlane-rec-rule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = join(import.meta.dirname, '../src/bin.ts');

function recInTerminal(args: string[]) {
  const term = pty.spawn(
    process.execPath,
    ['--conditions=@auditlane/source', '--import', 'tsx', BIN, 'rec', ...args],
    {
      name: 'xterm-256color',
      cols: 200,
      rows: 30,
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, HOME: dir, AUDITLANE_SPOOL: join(dir, 'spool') } as Record<
        string,
        string
      >,
    },
  );
  let screen = '';
  term.onData((d) => {
    screen += d;
  });
  const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
  return { exited, screen: () => screen };
}

/** A port nothing listens on (bound, then released). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A spool directory that cannot be created (its parent is a regular file), as root too. */
function unwritableSpool(): string {
  const file = join(mkdtempSync(join(dir, 'spool-')), 'not-a-dir');
  writeFileSync(file, '');
  return join(file, 'spool');
}

/** A program whose only effect is a file: whether it ran. */
function touching(name: string) {
  const file = join(dir, name);
  return { file, args: ['--', 'sh', '-c', `touch ${file}`] };
}

describe('auditlane rec and the recording rule', () => {
  it('refuses to start a production session that would keep only a local file (nothing recorded)', async () => {
    const program = touching('ran-file-only');
    const r = recInTerminal([
      '--environment',
      'production',
      '--file',
      join(dir, 'local.cast'),
      ...program.args,
    ]);
    expect(await r.exited).toBe(2);
    expect(r.screen()).toMatch(
      /recording is required for .* \(production\) by rule production-recorded/,
    );
    expect(r.screen()).toMatch(/--file alone keeps only a local copy/);
    expect(existsSync(program.file)).toBe(false);
    expect(existsSync(join(dir, 'local.cast'))).toBe(false);
  }, 30_000);

  it('does not run the program in production when neither the spool nor the server can take events', async () => {
    const program = touching('ran-production');
    const r = recInTerminal([
      '--server',
      await deadUrl(),
      '--token',
      'alt_test',
      '--spool',
      unwritableSpool(),
      '--environment',
      'production',
      ...program.args,
    ]);
    expect(await r.exited).toBe(126);
    expect(r.screen()).toMatch(/not started: recording is required/);
    expect(r.screen()).toMatch(/neither the spool nor the server can take its events/);
    expect(existsSync(program.file)).toBe(false);
  }, 30_000);

  it('runs the program in development with a dead server and an unwritable spool (recording optional)', async () => {
    const program = touching('ran-development');
    const r = recInTerminal([
      '--server',
      await deadUrl(),
      '--token',
      'alt_test',
      '--spool',
      unwritableSpool(),
      '--environment',
      'development',
      ...program.args,
    ]);
    expect(await r.exited).toBe(0);
    expect(existsSync(program.file)).toBe(true);
    expect(r.screen()).toMatch(/the spool .* cannot be used/);
  }, 30_000);

  it('records a production session to a server that takes it: the program runs, the session is not flagged', async () => {
    const store = new SqliteStore({ filename: join(mkdtempSync(join(dir, 'srv-')), 'db') });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'all',
      permissions: ['ingest', 'view_history', 'view_recording'],
    });
    const running = await startServer({ store, port: 0 });
    try {
      const program = touching('ran-production-recorded');
      const r = recInTerminal([
        '--server',
        running.url,
        '--token',
        token,
        '--environment',
        'production',
        '--resource',
        'web-1',
        ...program.args,
      ]);
      expect(await r.exited).toBe(0);
      expect(existsSync(program.file)).toBe(true);
      const sessionId = /recording session (sess_\w+)/.exec(r.screen())![1]!;
      const session = await createClient({ baseUrl: running.url, token }).sessions.get(sessionId);
      expect(session).toMatchObject({ recorded: true, status: 'ended' });
      expect(session.counters.terminalEvents).toBeGreaterThan(0);
      expect(session.significance!.reasons.map((x) => x.code)).not.toContain('unrecorded');
    } finally {
      await running.close();
      await store.close();
    }
  }, 30_000);

  it('still records a development session to a local file alone', async () => {
    const program = touching('ran-dev-file');
    const cast = join(dir, 'dev.cast');
    const r = recInTerminal(['--file', cast, ...program.args]);
    expect(await r.exited).toBe(0);
    expect(existsSync(program.file)).toBe(true);
    expect(existsSync(cast)).toBe(true);
  }, 30_000);
});
