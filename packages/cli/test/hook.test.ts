import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type StoredEvent } from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// `auditlane hook` as Claude Code runs it: a new process per hook event, the event's JSON on
// stdin, the answer in its exit code, stdout and stderr; recording to a real server (SQLite).

const dir = mkdtempSync(join(tmpdir(), 'auditlane-hook-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = join(import.meta.dirname, '../src/bin.ts');

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of open.splice(0)) await stop().catch(() => {});
});

async function server() {
  const store = new SqliteStore({ filename: join(mkdtempSync(join(dir, 'srv-')), 'server.db') });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'agent hooks',
    permissions: ['ingest', 'review', 'view_history'],
  });
  const running: RunningServer = await startServer({ store, port: 0 });
  open.push(async () => {
    await running.close();
    await store.close();
  });
  return { url: running.url, token, client: createClient({ baseUrl: running.url, token }) };
}

/** One hook process; `home` holds its state (~/.auditlane). */
function hook(args: string[], stdin: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=@auditlane/source', '--import', 'tsx', BIN, 'hook', ...args],
    {
      env: { ...process.env, HOME: dir, AUDITLANE_ENVIRONMENT: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
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
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return Object.assign(exited, { child });
}

const payload = (sessionId: string, extra: object) =>
  JSON.stringify({
    session_id: sessionId,
    transcript_path: `/home/dev/.claude/projects/app/${sessionId}.jsonl`,
    cwd: '/srv/app',
    permission_mode: 'default',
    ...extra,
  });

describe('auditlane hook (a real process, as Claude Code runs it)', () => {
  it('refuses the call when the hook fails in production: exit 2 with the reason on stderr, never exit 1', async () => {
    const file = join(dir, 'failing.ndjson');
    const pre = payload('5e551011-0000-4000-8000-000000000001', {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_t1',
      tool_input: { command: 'psql -c "DELETE FROM orders WHERE id = 7"' },
    });
    const truncated = pre.slice(0, pre.length - 40);

    const flag = await hook(['--file', file, '--environment', 'production'], truncated);
    expect(flag.code).toBe(2);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toMatch(
      /^auditlane hook failed, so the tool call is refused \(fail-closed\): the input is not a hook event \(JSON expected\)/,
    );
    const variable = await hook(['--file', file], truncated, {
      AUDITLANE_ENVIRONMENT: 'production',
    });
    expect(variable.code).toBe(2);
    // A spool that cannot be opened (a file where its directory would be) and a server that
    // does not answer: nothing can keep the call's events, and production requires them.
    const spool = await hook(
      [
        '--server',
        'http://127.0.0.1:9',
        '--token',
        'al_x',
        '--spool',
        '/dev/null/spool',
        '--environment',
        'production',
      ],
      pre,
    );
    expect(spool.code).toBe(0);
    expect(JSON.parse(spool.stdout).hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(/recording is required .*\(fail-closed\)/),
    });
    expect(spool.stderr).toMatch(/ENOTDIR|not a directory/);

    // Outside production it fails open, with a warning Claude Code shows (exit 1).
    const dev = await hook(['--file', file], truncated);
    expect(dev.code).toBe(1);
    expect(dev.stderr).toMatch(/not a hook event .*fails open: the call is not refused/);
  }, 60_000);

  it("refuses the call in production when the process crashes outside the command (an error thrown in a timer): exit 2, not Node's exit 1", async () => {
    const crash = join(import.meta.dirname, 'fixtures/crash-later.mjs');
    const pre = payload('5e551011-0000-4000-8000-0000000000c1', {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_c1',
      tool_input: { command: 'ls -la' },
    });
    const run = (environment: string) => {
      const child = spawn(
        process.execPath,
        [
          '--conditions=@auditlane/source',
          '--import',
          'tsx',
          '--import',
          crash,
          BIN,
          'hook',
          '--file',
          join(dir, 'crash.ndjson'),
        ],
        {
          env: {
            ...process.env,
            HOME: dir,
            AUDITLANE_ENVIRONMENT: environment,
            AUDITLANE_HOOK_HELPER: 'off',
            CRASH_AFTER_MS: '300',
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr!.on('data', (d) => {
        stderr += d;
      });
      // The event arrives after the crash: the call is still being read when the timer throws.
      const timer = setTimeout(() => child.stdin!.end(pre), 3_000);
      child.stdin!.on('error', () => {});
      return new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        }),
      );
    };
    const production = await run('production');
    expect(production.code).toBe(2);
    expect(production.stderr).toMatch(/refused \(fail-closed\): Error: crashed in a timer/);
    const development = await run('development');
    expect(development.code).toBe(1);
    expect(development.stderr).toMatch(/crashed in a timer/);
  }, 60_000);

  it('records each PreToolUse with its verdict at once, in the environment of that call: a production write held for review is on the server while it waits, and after the hook is killed', async () => {
    const s = await server();
    const claudeSession = '5e551011-0000-4000-8000-000000000002';
    const args = ['--server', s.url, '--token', s.token, '--spool', join(dir, 'spool')];
    const started = await hook(
      args,
      payload(claudeSession, { hook_event_name: 'SessionStart', source: 'startup' }),
    );
    expect(started).toMatchObject({ code: 0, stdout: '' });

    // Later in the same Claude Code session, a call with --environment production.
    const held = hook(
      [...args, '--environment', 'production'],
      payload(claudeSession, {
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_use_id: 'toolu_w1',
        tool_input: { command: 'psql -c "UPDATE orders SET paid = true WHERE id = 7"' },
      }),
    );
    const sessionIn = async (environment: string) =>
      (await s.client.sessions.list()).data.find(
        (x) =>
          x.resource.environment === environment && x.labels['claude.session'] === claudeSession,
      );
    const eventsOf = async (id: string) => {
      const all: StoredEvent[] = [];
      for await (const e of s.client.sessions.events.list(id, { limit: 500 })) all.push(e);
      return all;
    };
    // The hook waits for a reviewer; the attempt and its pending verdict are already there.
    let production: StoredEvent[] = [];
    await expect
      .poll(
        async () => {
          const session = await sessionIn('production');
          production = session ? await eventsOf(session.id) : [];
          return production.map((e) => (e.type === 'policy' ? `policy:${e.verdict}` : e.type));
        },
        { timeout: 30_000, interval: 200 },
      )
      .toEqual(['lifecycle', 'tool_call', 'query', 'policy:pending']);
    const [, call, query, verdict] = production;
    // The SQL its command line gives psql, with the tables it writes.
    expect(query).toMatchObject({ tables: { read: [], written: ['orders'] } });
    expect(call).toMatchObject({
      tool: 'Bash',
      callId: 'toolu_w1',
      input: { command: 'psql -c "UPDATE orders SET paid = true WHERE id = 7"' },
    });
    expect(verdict).toMatchObject({ subjectId: call!.id, rule: 'sql-write-production' });
    const reviews = (await s.client.reviews.list({ status: ['pending'] })).data;
    expect(reviews.map((r) => r.eventId)).toEqual([call!.id]);

    // The attempt never returns: Claude Code gives up on the hook.
    held.child.kill('SIGKILL');
    expect((await held).code).toBe(null);

    // The session's first environment is unchanged for the calls that name none.
    const read = await hook(
      args,
      payload(claudeSession, {
        hook_event_name: 'PreToolUse',
        tool_name: 'Read',
        tool_use_id: 'toolu_r1',
        tool_input: { file_path: '/srv/app/README.md' },
      }),
    );
    expect(read).toMatchObject({ code: 0, stdout: '' });
    const ended = await hook(
      args,
      payload(claudeSession, { hook_event_name: 'SessionEnd', reason: 'other' }),
    );
    expect(ended.code).toBe(0);

    const development = await sessionIn('development');
    expect(development).toBeDefined();
    expect(
      (await eventsOf(development!.id)).map((e) =>
        e.type === 'policy' ? `policy:${e.verdict}` : e.type,
      ),
    ).toEqual(['lifecycle', 'tool_call', 'file', 'policy:passed', 'lifecycle']);
    expect((await eventsOf((await sessionIn('production'))!.id)).map((e) => e.type)).toEqual([
      'lifecycle',
      'tool_call',
      'query',
      'policy',
      'lifecycle',
    ]);
    for (const env of ['development', 'production'])
      expect((await sessionIn(env))!.status).toBe('ended');
  }, 90_000);

  it('denies DELETE FROM orders through an MCP SQL tool in production, and the server has the attempt, its SQL and its verdict', async () => {
    const s = await server();
    const claudeSession = '5e551011-0000-4000-8000-000000000003';
    const pre = await hook(
      [
        '--server',
        s.url,
        '--token',
        s.token,
        '--spool',
        join(dir, 'spool-mcp'),
        '--environment',
        'production',
      ],
      payload(claudeSession, {
        hook_event_name: 'PreToolUse',
        tool_name: 'mcp__postgres__query',
        tool_use_id: 'toolu_m1',
        tool_input: { sql: 'DELETE FROM orders' },
      }),
    );
    expect(pre.code).toBe(0);
    expect(JSON.parse(pre.stdout).hookSpecificOutput).toMatchObject({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
    });
    // Found by its SQL, in the production session.
    const found = (await s.client.sessions.list({ q: 'DELETE FROM orders' })).data;
    expect(found.map((x) => [x.resource.environment, x.labels['claude.session']])).toEqual([
      ['production', claudeSession],
    ]);
    const events: StoredEvent[] = [];
    for await (const e of s.client.sessions.events.list(found[0]!.id)) events.push(e);
    const call = events.find((e) => e.type === 'tool_call');
    expect(call).toMatchObject({
      tool: 'mcp__postgres__query',
      callId: 'toolu_m1',
      input: { sql: 'DELETE FROM orders' },
    });
    expect(events.find((e) => e.type === 'policy')).toMatchObject({
      verdict: 'blocked',
      subjectId: call!.id,
    });
  }, 60_000);

  it('answers a held call before its own timeout: when --review-timeout passes in production, the call is denied, not left to run', async () => {
    const s = await server();
    const claudeSession = '5e551011-0000-4000-8000-000000000004';
    const t0 = Date.now();
    const pre = await hook(
      [
        '--server',
        s.url,
        '--token',
        s.token,
        '--spool',
        join(dir, 'spool-timeout'),
        '--environment',
        'production',
        '--review-timeout',
        '1',
      ],
      payload(claudeSession, {
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_use_id: 'toolu_h1',
        tool_input: { command: 'psql -c "UPDATE orders SET paid = true WHERE id = 7"' },
      }),
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(pre.code).toBe(0);
    expect(JSON.parse(pre.stdout).hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
    });
    const [session] = (await s.client.sessions.list()).data;
    const verdicts: string[] = [];
    for await (const e of s.client.sessions.events.list(session!.id))
      if (e.type === 'policy') verdicts.push(e.verdict);
    // The review expires on the server as the hook stops waiting: whichever comes first, the
    // call is refused.
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]).toBe('pending');
    expect(['blocked', 'rejected']).toContain(verdicts[1]);
    const bad = await hook(['--file', join(dir, 'x.ndjson'), '--review-timeout', 'soon'], '{}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--review-timeout must be an integer from 1 to 3600, got "soon"/);
  }, 60_000);
});
