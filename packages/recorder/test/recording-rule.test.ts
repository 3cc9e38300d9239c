import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createClient, type EventInput } from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { ToolBlockedError, wrapTool } from '../src/instrument/agent';
import { ActionBlockedError } from '../src/instrument/blocked';
import { runCommand } from '../src/instrument/exec';
import { recordTerminal } from '../src/instrument/pty';
import { instrumentPg, QueryBlockedError } from '../src/instrument/sql';
import { Policy } from '../src/policy/policy';
import { createRecorder } from '../src/recorder';
import { RecordingRequiredError } from '../src/recording';
import { FileSink } from '../src/sinks/file';
import { HttpSink } from '../src/sinks/http';
import { MemorySink } from '../src/sinks/sink';

// Recording by rule: production must be recorded (or nothing runs), the rest may be, and `off`
// sends only the session's start and end.

const dir = mkdtempSync(join(tmpdir(), 'recorder-rule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const human = { type: 'human' as const, id: 'u_alice' };
const prodShell = { name: 'web-1', type: 'ssh' as const, environment: 'production' };
const prodDb = { name: 'billing-db', type: 'database' as const, environment: 'production' };
const devDb = { name: 'app-db', type: 'database' as const, environment: 'development' };

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

const sinks: { close(o?: { timeoutMs?: number }): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of sinks.splice(0)) await s.close({ timeoutMs: 0 });
});

async function brokenSink() {
  const errors: string[] = [];
  const sink = new HttpSink({
    url: await deadUrl(),
    token: 'alt_test',
    spool: unwritableSpool(),
    batchMs: 10,
    onError: (e) => errors.push(e.message),
  });
  sinks.push(sink);
  return { sink, errors };
}

describe('a session whose recording is required', () => {
  it('does not start as a terminal session with recorded: false in production', () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human } });
    expect(() => recorder.session({ resource: prodShell, recorded: false })).toThrow(
      RecordingRequiredError,
    );
    expect(() => recorder.session({ resource: prodShell })).toThrow(
      /recording is required for web-1 \(production\) by rule production-recorded.*recorded: false/,
    );
    // Nothing of it was recorded as if it had started.
    expect(sink.events).toEqual([]);
    // Recorded terminal sessions, database sessions (recorded as their queries) and staging
    // shells start.
    recorder.session({ resource: prodShell, recorded: true }).end();
    recorder.session({ resource: prodDb }).end();
    recorder.session({ resource: { ...prodShell, environment: 'staging' } }).end();
    expect(sink.events.filter((e) => e.type === 'lifecycle')).toHaveLength(6);
  });

  it('runs nothing when neither the spool nor the server can take events: calls throw, programs do not start', async () => {
    const { sink, errors } = await brokenSink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human } });
    const session = recorder.session({ resource: prodShell, recorded: true });
    expect(errors.join('\n')).toMatch(/the spool .* cannot be used .*events wait in memory/);

    let called = 0;
    const search = wrapTool(recorder, 'search', async (q: string) => {
      called++;
      return q;
    });
    await expect(session.run(() => search('orders'))).rejects.toThrow(ToolBlockedError);
    await expect(session.run(() => search('orders'))).rejects.toThrow(
      /neither the spool nor the server can take its events \(fail-closed\)/,
    );
    expect(called).toBe(0);

    const touched = join(dir, 'touched-by-command');
    const command = await runCommand(recorder, `touch ${touched}`, { session }).catch((e) => e);
    expect(command).toBeInstanceOf(ActionBlockedError);
    expect(command.reason).toMatch(/recording is required.*fail-closed/);

    const started = join(dir, 'started-in-terminal');
    const out = new PassThrough();
    let screen = '';
    out.on('data', (d) => {
      screen += d;
    });
    const terminal = await recordTerminal(recorder, {
      session,
      command: 'sh',
      args: ['-c', `touch ${started}`],
      stdin: new PassThrough(),
      stdout: out,
    }).catch((e) => e);
    expect(terminal).toBeInstanceOf(RecordingRequiredError);
    expect(terminal.message).toMatch(/recording is required/);
    expect(screen).toBe('');
    // Neither program ran.
    expect(existsSync(touched)).toBe(false);
    expect(existsSync(started)).toBe(false);

    // Now known: a new session does not even start.
    expect(() => recorder.session({ resource: prodDb })).toThrow(RecordingRequiredError);
  });

  it('blocks actions once the spool stops taking writes (a full disk) and the server is unreachable', async () => {
    const script = fileURLToPath(new URL('./fixtures/fill-the-spool.ts', import.meta.url));
    const spool = mkdtempSync(join(dir, 'full-spool-'));
    const beforeFile = join(dir, 'touched-before-full');
    const afterFile = join(dir, 'touched-after-full');
    // A file size limit (1 MiB, SIGXFSZ ignored) makes writes past it fail with EFBIG, as a full
    // disk fails them with ENOSPC.
    const child = spawn(
      'bash',
      [
        '-c',
        'ulimit -f 1024; trap "" XFSZ; exec "$0" --conditions=@auditlane/source --import tsx "$1"',
        process.execPath,
        script,
      ],
      {
        env: {
          ...process.env,
          SERVER_URL: await deadUrl(),
          SPOOL: spool,
          BEFORE: beforeFile,
          AFTER: afterFile,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    const result = JSON.parse(out) as {
      before: string | null;
      written: number;
      after: string | null;
      errors: string[];
    };
    // While the spool took events, the command ran (the server being down did not matter).
    expect(result.before).toBeNull();
    expect(existsSync(beforeFile)).toBe(true);
    expect(result.errors.join('\n')).toMatch(/the spool .* cannot be written \(EFBIG/);
    expect(result.written).toBeGreaterThan(1);
    expect(result.written).toBeLessThan(200);
    // Then neither could take events: the next command did not run.
    expect(result.after).toMatch(/neither the spool nor the server can take its events/);
    expect(existsSync(afterFile)).toBe(false);
  });

  it('blocks instrumented queries before they are sent (pg)', async () => {
    const { sink } = await brokenSink();
    const pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 1 });
    try {
      const recorder = createRecorder({ sink, policy: false, meta: { actor: human } });
      instrumentPg(recorder, pool);
      await pool.query('CREATE TABLE IF NOT EXISTS rule_marks (n int)');
      const session = recorder.session({ resource: prodDb });
      await session.run(async () => {
        await expect(pool.query('INSERT INTO rule_marks VALUES (1)')).rejects.toBeInstanceOf(
          QueryBlockedError,
        );
      });
      expect((await pool.query('SELECT count(*)::int AS n FROM rule_marks')).rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('runs when the spool cannot be written but the server takes the events', async () => {
    const store = new SqliteStore({ filename: join(mkdtempSync(join(dir, 'srv-')), 'db') });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'all',
      permissions: ['ingest', 'view_history'],
    });
    const running: RunningServer = await startServer({ store, port: 0 });
    try {
      const sink = new HttpSink({
        url: running.url,
        token,
        spool: unwritableSpool(),
        batchMs: 10,
        onError: () => {},
      });
      const recorder = createRecorder({ sink, policy: false, meta: { actor: human } });
      const session = recorder.session({ resource: prodDb });
      const touched = join(dir, 'touched-with-server');
      const command = await runCommand(recorder, `touch ${touched}`, { session });
      expect(command.exitCode).toBe(0);
      expect(existsSync(touched)).toBe(true);
      session.end();
      await recorder.close({ timeoutMs: 10_000 });
      const events = await createClient({ baseUrl: running.url, token }).sessions.events.list(
        session.id,
      );
      // The file it touches is recorded as it starts, pointing at the command recorded after it.
      expect(events.data.map((e) => e.type)).toEqual(['lifecycle', 'file', 'command', 'lifecycle']);
    } finally {
      await running.close();
      await store.close();
    }
  });
});

describe('a session whose recording is optional', () => {
  it('runs in development with a dead server and an unwritable spool', async () => {
    const { sink } = await brokenSink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human } });
    const session = recorder.session({ resource: { ...prodShell, environment: 'development' } });
    const search = wrapTool(recorder, 'search', async (q: string) => `found ${q}`);
    expect(await session.run(() => search('orders'))).toBe('found orders');
    const touched = join(dir, 'touched-in-development');
    expect((await runCommand(recorder, `touch ${touched}`, { session })).exitCode).toBe(0);
    expect(existsSync(touched)).toBe(true);
  });
});

describe("a policy file's recording rules", () => {
  it('come before the built-in ones: off sends only the start and end, required holds elsewhere', async () => {
    const policy = await Policy.create({
      recording: [
        { id: 'scratch-off', record: 'off', match: { resource: ['scratch-*'] } },
        {
          id: 'staging-db-recorded',
          record: 'required',
          match: { environment: ['staging'], resourceType: ['database'] },
        },
      ],
    });
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta: { actor: human } });
    const scratch = recorder.session({
      resource: { name: 'scratch-1', type: 'ssh', environment: 'production' },
      recorded: true,
    });
    expect(scratch.recording).toEqual({ record: 'off', rule: 'scratch-off' });
    scratch.command({ text: 'cat secrets.txt', output: 'hunter2' });
    scratch.terminal('o', 'hunter2', 5);
    scratch.end({ exitCode: 0 });
    const of = (id: string) => sink.events.filter((e) => e.sessionId === id);
    expect(of(scratch.id).map((e) => e.type)).toEqual(['lifecycle', 'lifecycle']);
    expect((of(scratch.id)[0] as EventInput & { session: { recorded: boolean } }).session).toEqual(
      expect.objectContaining({ recorded: false }),
    );

    const file = join(mkdtempSync(join(dir, 'events-')), 'events.ndjson');
    const fileSink = new FileSink(file);
    const staging = createRecorder({ sink: fileSink, policy, meta: { actor: human } }).session({
      resource: { ...devDb, environment: 'staging' },
    });
    expect(staging.recording.rule).toBe('staging-db-recorded');
    staging.end();
    await fileSink.close();
    // A required session cannot start on a sink that keeps nothing.
    expect(() =>
      createRecorder({
        sink: Object.assign(new MemorySink(), { recordable: () => false }),
        policy,
        meta: { actor: human },
      }).session({ resource: { ...devDb, environment: 'staging' } }),
    ).toThrow(/by rule staging-db-recorded: the session cannot start/);
  });

  it('refuses a recording rule with an unknown mode or field, naming it', async () => {
    await expect(
      Policy.create({ recording: [{ id: 'x', record: 'sometimes' as 'off', match: {} }] }),
    ).rejects.toThrow(/recording\[0\]\.record/);
    await expect(
      Policy.create({
        recording: [{ id: 'x', record: 'off', match: { env: ['prod'] } as never }],
      }),
    ).rejects.toThrow(/recording\[0\]\.match/);
  });
});
