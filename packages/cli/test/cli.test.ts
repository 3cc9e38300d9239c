import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createIdGenerator } from '@auditlane/client';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli';

const dir = mkdtempSync(join(tmpdir(), 'auditlane-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string | undefined> = {}, stopped?: Promise<unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, stopped },
  };
}

describe('auditlane (in process)', () => {
  it('creates a token, serves with it, and verifies a session', async () => {
    const db = join(dir, 'a.db');
    const t = io();
    expect(
      await run(
        ['token', 'create', '--org', 'acme', '--name', 'ci', '--permissions', 'all', '--db', db],
        t.io,
      ),
    ).toBe(0);
    const token = t.out[0]!;
    expect(token).toMatch(/^al_[A-Za-z0-9_-]{43}$/);
    expect(t.err[0]).toMatch(/for org acme: view_history, view_recording/);

    let stop!: (v?: unknown) => void;
    const s = io(
      {},
      new Promise((r) => {
        stop = r;
      }),
    );
    const serving = run(['serve', '--db', db, '--port', '0'], s.io);
    await expect.poll(() => s.out.length).toBe(1);
    const url = /serving (http:\/\/[^/]+)\/v1 \(SQLite .*a\.db\)/.exec(s.out[0]!)![1]!;
    const client = createClient({ baseUrl: url, token });
    const ids = createIdGenerator();
    const sessionId = ids.sessionId();
    await client.ingest([
      {
        id: ids.eventId(),
        sessionId,
        seq: 0,
        time: new Date().toISOString(),
        type: 'lifecycle',
        action: 'start',
        session: {
          actor: { type: 'human', id: 'u1' },
          resource: { name: 'db', type: 'database', environment: 'staging' },
          mode: 'interactive',
        },
      },
    ]);
    const v = io();
    expect(await run(['verify', sessionId, '--server', url, '--token', token], v.io)).toBe(0);
    expect(v.out[0]).toBe(`${sessionId}: intact, 1 events chained (chain version 2)`);
    const missing = io({ AUDITLANE_URL: url, AUDITLANE_TOKEN: token });
    expect(await run(['verify', ids.sessionId()], missing.io)).toBe(1);
    expect(missing.err[0]).toMatch(/404 not_found/);
    stop();
    expect(await serving).toBe(0);
  });

  it('answers bad usage with exit code 2 and a message naming what is wrong', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['serve', '--port', 'eighty'],
        {},
        /--port must be an integer from 0 to 65535, got "eighty"/,
      ],
      [['serve', '--bogus'], {}, /Unknown option '--bogus'/],
      [['serve'], { AUDITLANE_PORT: '99999' }, /AUDITLANE_PORT must be an integer/],
      [
        ['serve'],
        { DISABLE_SESSIONS_DOWNLOAD: 'maybe' },
        /DISABLE_SESSIONS_DOWNLOAD must be true or false, got "maybe"/,
      ],
      [['serve', '--postgres', 'mysql://x'], {}, /--postgres must be a postgres:\/\/ URL/],
      [
        ['serve', '--retention-days-other', '0'],
        {},
        /--retention-days-other must be an integer from 1 to 36500/,
      ],
      [
        ['token', 'create', '--org', 'a', '--permissions', 'view_history,fly'],
        {},
        /unknown permission fly/,
      ],
      [['token', 'create', '--permissions', 'all'], {}, /--org is required/],
      [['verify'], {}, /missing SESSION_ID\nusage: auditlane verify \[options\] SESSION_ID/],
      [['verify', 'a', 'b'], {}, /unexpected argument "b"/],
      [
        ['rec', '--type', 'mainframe', '--file', 'x.cast'],
        {},
        /--type must be one of .*ssh.*, got "mainframe"/,
      ],
      [['rec', '--cols', 'wide', '--file', 'x.cast'], {}, /--cols must be an integer/],
      [['launch'], {}, /unknown command "launch"/],
    ];
    for (const [argv, env, message] of cases) {
      const t = io(env);
      expect(await run(argv, t.io), argv.join(' ')).toBe(2);
      expect(t.err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });
});

describe('auditlane (a real process)', () => {
  it('serves until SIGTERM, then closes cleanly with exit code 0, honouring AUDITLANE_* and DISABLE_SESSIONS_DOWNLOAD', async () => {
    const child: ChildProcess = spawn(
      process.execPath,
      [
        '--conditions=@auditlane/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '../src/bin.ts'),
        'serve',
      ],
      {
        env: {
          ...process.env,
          AUDITLANE_DB: join(dir, 'p.db'),
          AUDITLANE_PORT: '0',
          DISABLE_SESSIONS_DOWNLOAD: 'true',
          AUDITLANE_RETENTION_DAYS_OTHER: '30',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    await expect.poll(() => stdout, { timeout: 15_000 }).toMatch(/serving http/);
    expect(stdout).toMatch(
      /downloads disabled, recordings kept ∞ days in production, 30 elsewhere/,
    );
    const url = /serving (http:\/\/\S+)\/v1/.exec(stdout)![1]!;
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, store: 'sqlite' });
    const exit = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exit, stderr).toBe(0);
  });
});

describe('auditlane hook (a real process, as Claude Code runs it)', () => {
  function hook(args: string[], stdin: string, env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@auditlane/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '../src/bin.ts'),
        'hook',
        ...args,
      ],
      { env: { ...process.env, HOME: dir, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.stdin!.end(stdin);
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once('exit', (code) => resolve({ code, stdout, stderr })),
    );
  }
  const payload = (extra: object) =>
    JSON.stringify({
      session_id: 'c0ffee00-1111-4222-8333-444455556666',
      transcript_path: '/tmp/t.jsonl',
      cwd: '/srv/app',
      permission_mode: 'default',
      ...extra,
    });

  it('denies a DROP in the hook protocol and appends the events to a file', async () => {
    const file = join(dir, 'hook-events.ndjson');
    const start = await hook(
      ['--file', file],
      payload({ hook_event_name: 'SessionStart', source: 'startup' }),
    );
    expect(start).toMatchObject({ code: 0, stdout: '' });
    const pre = await hook(
      ['--file', file],
      payload({
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_use_id: 'toolu_9',
        tool_input: { command: 'psql -c "DROP TABLE customers"' },
      }),
    );
    expect(pre.code).toBe(0);
    expect(JSON.parse(pre.stdout).hookSpecificOutput).toMatchObject({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
    });
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // The SQL its command line gives psql is on the record with its tables.
    expect(lines.map((e) => e.type)).toEqual(['lifecycle', 'tool_call', 'query', 'policy']);
    expect(lines.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
  }, 30_000);

  it('refuses to run without a destination, and reports a malformed payload without blocking', async () => {
    const none = await hook([], payload({ hook_event_name: 'SessionStart' }), {
      AUDITLANE_URL: '',
      AUDITLANE_TOKEN: '',
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/pass --file FILE, or --server URL and --token TOKEN/);
    const bad = await hook(['--file', join(dir, 'x.ndjson')], 'not json');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a hook event/);
  }, 30_000);
});

describe('auditlane rec (a real process and PTY)', () => {
  function rec(args: string[], env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@auditlane/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '../src/bin.ts'),
        'rec',
        ...args,
      ],
      { env: { ...process.env, HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once('exit', (code) => resolve({ code, stdout, stderr })),
    );
    return { exited, stderr: () => stderr };
  }

  it('writes an asciicast file and the events, passing the exit code through', async () => {
    const cast = join(dir, 'rec.cast');
    const events = join(dir, 'rec.ndjson');
    const { exited } = rec([
      '--file',
      cast,
      '--events',
      events,
      '--format',
      '2',
      '--',
      'bash',
      '--norc',
      '-c',
      'echo recorded-line; exit 4',
    ]);
    const result = await exited;
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('recorded-line');
    const lines = readFileSync(cast, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2 });
    expect(lines.slice(1).some((l) => l.includes('recorded-line'))).toBe(true);
    const types = readFileSync(events, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((e) => `${e.type}${e.code ? `:${e.code}` : ''}${e.action ? `:${e.action}` : ''}`);
    expect(types[0]).toBe('lifecycle:start');
    expect(types).toContain('terminal:o');
    expect(types.slice(-2)).toEqual(['terminal:x', 'lifecycle:end']);
  }, 30_000);

  it('streams a session to a server, where it is visible while it runs', async () => {
    const db = join(dir, 'rec-server.db');
    const t = io();
    await run(
      ['token', 'create', '--org', 'acme', '--name', 'rec', '--permissions', 'all', '--db', db],
      t.io,
    );
    const token = t.out[0]!;
    let stop!: (v?: unknown) => void;
    const s = io({}, new Promise((r) => (stop = r)));
    const serving = run(['serve', '--db', db, '--port', '0'], s.io);
    await expect.poll(() => s.out.length).toBe(1);
    const url = /serving (http:\/\/[^/]+)\/v1/.exec(s.out[0]!)![1]!;
    const client = createClient({ baseUrl: url, token });
    const r = rec(
      [
        '--server',
        url,
        '--token',
        token,
        '--',
        'bash',
        '--norc',
        '-c',
        'echo first; sleep 2; echo second',
      ],
      {
        AUDITLANE_SPOOL: join(dir, 'spool'),
      },
    );
    await expect
      .poll(() => /recording session (sess_\w+)/.exec(r.stderr())?.[1], { timeout: 10_000 })
      .toBeTruthy();
    const sessionId = /recording session (sess_\w+)/.exec(r.stderr())![1]!;
    // Live: the session and its first output are on the server before the program ends.
    await expect
      .poll(async () => (await client.sessions.get(sessionId).catch(() => null))?.status, {
        timeout: 10_000,
      })
      .toBe('active');
    const result = await r.exited;
    expect(result.code).toBe(0);
    const session = await client.sessions.get(sessionId);
    expect(session.status).toBe('ended');
    const output: string[] = [];
    for await (const e of client.sessions.events.list(sessionId))
      if (e.type === 'terminal') output.push((e as { data: string }).data);
    expect(output.join('')).toMatch(/first[\s\S]*second/);
    stop();
    expect(await serving).toBe(0);
  }, 40_000);
});
