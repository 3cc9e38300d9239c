import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditlaneClient, createClient, type StoredEvent } from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// `auditlane rec` through an outage and `auditlane spool drain`, as real processes against a real
// server (SQLite file) that goes down and comes back on the same port.

const dir = mkdtempSync(join(tmpdir(), 'auditlane-drain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = join(import.meta.dirname, '../src/bin.ts');

interface Server {
  url: string;
  token: string;
  client: AuditlaneClient;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const open: Server[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop().catch(() => {});
});

async function server(): Promise<Server> {
  const filename = join(mkdtempSync(join(dir, 'srv-')), 'server.db');
  let store = new SqliteStore({ filename });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'all',
    permissions: ['ingest', 'view_history', 'view_recording'],
  });
  let running: RunningServer | undefined = await startServer({ store, port: 0 });
  const { port, url } = running;
  const s: Server = {
    url,
    token,
    client: createClient({ baseUrl: url, token, retries: 0 }),
    async stop() {
      await running?.close();
      running = undefined;
      await store.close();
    },
    async start() {
      store = new SqliteStore({ filename });
      running = await startServer({ store, port });
    },
  };
  open.push(s);
  return s;
}

/** `auditlane ARGS` as a process; `stdin` is written to it, then closed. */
function auditlane(args: string[], env: Record<string, string> = {}, stdin = '') {
  const child = spawn(
    process.execPath,
    ['--conditions=@auditlane/source', '--import', 'tsx', BIN, ...args],
    { env: { ...process.env, HOME: dir, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdin.end(stdin);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code: signal ? -1 : code, stdout, stderr })),
  );
  return { child, exited, stderr: () => stderr };
}

async function events(s: Server, sessionId: string): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const e of s.client.sessions.events.list(sessionId, { limit: 500 })) all.push(e);
  return all;
}

describe('auditlane rec during an outage, then auditlane spool drain', () => {
  it('says what waits where and how to send it; the drain delivers it once and the session ends', async () => {
    const s = await server();
    await s.stop();
    const spool = join(dir, 'outage-spool');
    const rec = await auditlane([
      'rec',
      '--server',
      s.url,
      '--token',
      s.token,
      '--spool',
      spool,
      '--',
      'bash',
      '--norc',
      '-c',
      'echo one; echo two; exit 3',
    ]).exited;
    expect(rec.code).toBe(3);
    expect(rec.stdout).toContain('two');
    const said = /(\d+) events of session (sess_\w+) did not reach (\S+); they wait in (\S+)/.exec(
      rec.stderr,
    );
    expect(said, rec.stderr).not.toBeNull();
    const [, count, sessionId, url, where] = said!;
    expect(url).toBe(s.url);
    expect(where!.startsWith(`${spool}/`)).toBe(true);
    const command = /send them with: auditlane (spool drain .*?) \(token/.exec(rec.stderr)?.[1];
    expect(command).toBe(`spool drain --spool ${spool} --server ${s.url}`);
    const drain = command!.split(' ');
    const env = { AUDITLANE_TOKEN: s.token };

    // Still down: the drain says so, exits 1, and keeps everything.
    const down = await auditlane([...drain, '--wait-seconds', '1'], env).exited;
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`${count} events still wait in ${spool}`));

    // A hook in the outage says the same (its events wait in a spool of their own here).
    const hookSpool = join(dir, 'outage-hook-spool');
    const hook = await auditlane(
      ['hook', '--server', s.url, '--token', s.token, '--spool', hookSpool],
      {},
      JSON.stringify({
        session_id: 'c0ffee00-1111-4222-8333-444455556667',
        transcript_path: '/tmp/t.jsonl',
        cwd: '/srv/app',
        hook_event_name: 'SessionStart',
        source: 'startup',
      }),
    ).exited;
    expect(hook.code).toBe(0);
    expect(hook.stderr).toMatch(/1 event of the Claude Code session did not reach .*; it waits in/);
    expect(hook.stderr).toContain(
      `send them with: auditlane spool drain --spool ${hookSpool} --server ${s.url}`,
    );

    await s.start();
    const up = await auditlane(drain, env).exited;
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(
      `sent ${count} events from ${spool} to ${s.url}\n  ${sessionId}: ${count} events\n`,
    );
    const stored = await events(s, sessionId!);
    // All of it, once each, in order: the start, the output, the exit status and the end.
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: Number(count) }, (_, i) => i));
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    expect(stored.at(-1)).toMatchObject({ type: 'lifecycle', action: 'end', exitCode: 3 });
    const output = stored
      .filter((e) => e.type === 'terminal')
      .map((e) => (e as { data: string }).data)
      .join('');
    expect(output).toMatch(/one\r\ntwo/);
    expect((await s.client.sessions.get(sessionId!)).status).toBe('ended');

    // Again: nothing waits, nothing is sent twice.
    const again = await auditlane(drain, env).exited;
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`nothing waits in ${spool}`);
    expect((await events(s, sessionId!)).length).toBe(stored.length);
  }, 60_000);

  it("ends with a lifecycle end the session of a recorder that was killed, and not an agent's session that goes on", async () => {
    const s = await server();
    const spool = join(dir, 'killed-spool');
    const env = { AUDITLANE_SPOOL: spool, AUDITLANE_URL: s.url, AUDITLANE_TOKEN: s.token };
    const rec = auditlane(['rec', '--', 'sleep', '30'], env);
    await expect
      .poll(() => /recording session (sess_\w+)/.exec(rec.stderr())?.[1], { timeout: 15_000 })
      .toBeTruthy();
    const sessionId = /recording session (sess_\w+)/.exec(rec.stderr())![1]!;
    // Its start and its size are on the server: it is live.
    await expect
      .poll(async () => (await events(s, sessionId).catch(() => [])).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    // Meanwhile a Claude Code session on the same spool: each hook is a process of its own,
    // and a later one ends it.
    const hook = await auditlane(
      ['hook'],
      env,
      JSON.stringify({
        session_id: 'c0ffee00-1111-4222-8333-444455556666',
        transcript_path: '/tmp/t.jsonl',
        cwd: '/srv/app',
        hook_event_name: 'SessionStart',
        source: 'startup',
      }),
    ).exited;
    expect(hook.code, hook.stderr).toBe(0);

    rec.child.kill('SIGKILL');
    expect((await rec.exited).code).toBe(-1);
    const before = await events(s, sessionId);
    expect((await s.client.sessions.get(sessionId)).status).toBe('active');

    const drain = await auditlane(['spool', 'drain'], env).exited;
    expect(drain.code, drain.stderr).toBe(0);
    expect(drain.stdout).toContain(`ended session ${sessionId}: its recorder is gone`);
    const after = await events(s, sessionId);
    expect(after.slice(0, -1)).toEqual(before);
    expect(after.at(-1)).toMatchObject({
      seq: before.at(-1)!.seq + 1,
      type: 'lifecycle',
      action: 'end',
      reason: expect.stringMatching(/recorder stopped without ending the session/),
    });
    expect((await s.client.sessions.get(sessionId)).status).toBe('ended');
    const agents = (await s.client.sessions.list()).data.filter((x) => x.mode === 'agent');
    expect(agents.map((x) => x.status)).toEqual(['active']);
  }, 60_000);
});
