import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '@auditlane/client';
import { SqliteStore, startServer } from '@auditlane/server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { helperSocket } from '../src/helper/socket';

// `auditlane hook` as Claude Code runs it (a new process per call, the event on stdin), with and
// without the resident helper, and what each kind of call loads.

const dir = mkdtempSync(join(tmpdir(), 'auditlane-helper-'));
afterAll(async () => {
  // Helpers still running (their sockets are in here) are stopped first.
  for (const pid of processesWith(dir).filter((p) => p !== process.pid))
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  await new Promise((r) => setTimeout(r, 200));
  rmSync(dir, { recursive: true, force: true });
});

const SRC = join(import.meta.dirname, '../src');
const BIN = join(SRC, 'bin.ts');
// tsx by its path: the calls run in directories of their own, where `tsx` does not resolve.
const TSX = import.meta.resolve('tsx');
const EXEC_ARGV = ['--conditions=@auditlane/source', '--import', TSX];

// Records every module a process resolves (Node's module hooks), one URL a line.
const hooksFile = join(dir, 'module-log-hooks.mjs');
writeFileSync(
  hooksFile,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.MODULE_LOG) appendFileSync(process.env.MODULE_LOG, result.url + '\\n');
  return result;
}
`,
);
const registerFile = join(dir, 'module-log.mjs');
writeFileSync(
  registerFile,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooksFile).href)});\n`,
);

// A broken install: the command's own modules do not load.
const brokenHooks = join(dir, 'broken-hooks.mjs');
writeFileSync(
  brokenHooks,
  `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.endsWith('/src/cli.ts')) throw new Error('cannot load ' + result.url);
  return result;
}
`,
);
const brokenFile = join(dir, 'broken.mjs');
writeFileSync(
  brokenFile,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(brokenHooks).href)});\n`,
);

interface Call {
  code: number | null;
  stdout: string;
  stderr: string;
}

let n = 0;
/** A fresh home and working directory: each test its own helper socket. */
function place() {
  const home = join(dir, `home-${++n}`);
  const cwd = join(dir, `work-${n}`);
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  return { home, cwd };
}

function hook(
  where: { home: string; cwd: string },
  args: string[],
  stdin: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Call> & { pid: () => number | undefined } {
  let pid: number | undefined;
  const call = new Promise<Call>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...EXEC_ARGV, BIN, 'hook', ...args], {
      cwd: where.cwd,
      env: { ...process.env, HOME: where.home, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    pid = child.pid;
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
  return Object.assign(call, { pid: () => pid });
}

const pre = (command: string, id = `toolu_${n}_${Math.random()}`) =>
  JSON.stringify({
    hook_event_name: 'PreToolUse',
    session_id: `claude-${n}`,
    cwd: dir,
    tool_name: 'Bash',
    tool_input: { command },
    tool_use_id: id,
  });

/** The socket the hook process looks for, computed as it does. */
function socketOf(where: { home: string; cwd: string }, nodeArgs: string[] = []): string {
  const socket = helperSocket({
    entry: join(SRC, 'helper/main.ts'),
    execPath: process.execPath,
    execArgv: [...nodeArgs, ...EXEC_ARGV],
    cwd: where.cwd,
    home: where.home,
  });
  if (!socket) throw new Error('no helper socket');
  return socket;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A stand-in helper on the socket: `reply` gets each request line and answers (or not). */
async function fakeHelper(
  socket: string,
  reply: (line: string, end: (text?: string) => void) => void,
): Promise<string[]> {
  const requests: string[] = [];
  const server = createServer((c) => {
    let data = '';
    c.setEncoding('utf8');
    c.on('data', (chunk: string) => {
      data += chunk;
      const i = data.indexOf('\n');
      if (i === -1) return;
      requests.push(data.slice(0, i));
      reply(data.slice(0, i), (text) => (text === undefined ? c.destroy() : c.end(text)));
    });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  servers.push(server);
  return requests;
}

function denied(call: Call): boolean {
  return (
    (JSON.parse(call.stdout || '{}') as { hookSpecificOutput?: { permissionDecision?: string } })
      .hookSpecificOutput?.permissionDecision === 'deny'
  );
}

/** Pids of processes whose command line names `text`. */
function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

async function until<T>(what: string, check: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the resident hook helper', () => {
  it('answers a call that finds it listening: the hook process passes its answer through', async () => {
    const where = place();
    const requests = await fakeHelper(socketOf(where), (_line, end) =>
      end(
        `${JSON.stringify({ stdout: 'answered by the helper\n', stderr: 'a note\n', exitCode: 0 })}\n`,
      ),
    );
    const call = await hook(where, ['--file', join(where.cwd, 'e.ndjson')], pre('ls -la'));
    expect(call).toMatchObject({ code: 0, stdout: 'answered by the helper\n', stderr: 'a note\n' });
    const request = JSON.parse(requests[0]!) as {
      argv: string[];
      stdin: string;
      env: Record<string, string>;
    };
    expect(request.argv).toEqual(['hook', '--file', join(where.cwd, 'e.ndjson')]);
    expect(JSON.parse(request.stdin).tool_input).toEqual({ command: 'ls -la' });
    expect(request.env.HOME).toBe(where.home);
  });

  it.each([
    ['closes the connection without answering', (_l: string, end: (t?: string) => void) => end()],
    ['answers something else', (_l: string, end: (t?: string) => void) => end('{"stdout":1}\n')],
  ])(
    'a helper that %s: the call is decided in the hook process (a DROP in production is denied)',
    async (_what, reply) => {
      const where = place();
      await fakeHelper(socketOf(where), reply);
      const events = join(where.cwd, 'e.ndjson');
      const call = await hook(
        where,
        ['--file', events, '--environment', 'production'],
        pre('psql -c "DROP TABLE customers"'),
      );
      expect(call.code).toBe(0);
      expect(denied(call)).toBe(true);
      const types = readFileSync(events, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { type: string }).type);
      expect(types).toContain('policy');
    },
  );

  it('is started by the first call, answers the next ones with the same verdicts, follows a changed rule file, and stops when its socket is removed', async () => {
    const where = place();
    const socket = socketOf(where);
    const events = join(where.cwd, 'e.ndjson');
    const policy = join(where.cwd, 'policy.yaml');
    const rule = (verdict: string) =>
      `rules:\n  - id: no-ls\n    verdict: ${verdict}\n    reason: listing is not allowed here\n    match:\n      command: [ls]\n`;
    writeFileSync(policy, rule('block'));
    const args = ['--file', events, '--environment', 'production', '--policy', 'policy.yaml'];
    const first = await hook(where, args, pre('psql -c "DROP TABLE customers"'));
    expect(denied(first)).toBe(true);
    const [pid] = await until('the helper', () => {
      const pids = processesWith(socket);
      return existsSync(socket) && pids.length > 0 ? pids : undefined;
    });
    // Asked directly over its socket, as a hook process asks it.
    const ask = (stdin: string) =>
      new Promise<{ stdout: string; exitCode: number }>((resolve, reject) => {
        const c = createConnection(socket, () =>
          c.write(
            `${JSON.stringify({ argv: ['hook', ...args], env: { HOME: where.home }, stdin })}\n`,
          ),
        );
        let data = '';
        c.setEncoding('utf8');
        c.on('data', (d: string) => {
          data += d;
        });
        c.on('error', reject);
        c.on('close', () => resolve(JSON.parse(data)));
      });
    const drop = await ask(pre('psql -c "DROP TABLE customers"'));
    expect(drop.exitCode).toBe(0);
    expect(JSON.parse(drop.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    const ls = await ask(pre('ls -la'));
    expect(JSON.parse(ls.stdout).hookSpecificOutput.permissionDecisionReason).toMatch(/no-ls/);
    // The rule file changes: the helper decides by the new one.
    writeFileSync(policy, `${rule('allow')}# changed\n`);
    const allowed = await ask(pre('ls -la'));
    expect(allowed).toMatchObject({ exitCode: 0, stdout: '' });
    // And a hook process gets the helper's answer.
    const viaProcess = await hook(where, args, pre('ls -la'));
    expect(viaProcess).toMatchObject({ code: 0, stdout: '' });
    rmSync(socket);
    await until('the helper to stop', () =>
      processesWith(socket).includes(pid!) ? undefined : true,
    );
  });

  it('stops when a hook process goes away before its answer, as that process would have: the next call of the session is not held up', async () => {
    const where = place();
    const socket = socketOf(where);
    const events = join(where.cwd, 'e.ndjson');
    const args = ['--file', events];
    expect((await hook(where, args, pre('ls'))).code).toBe(0); // starts the helper
    const [pid] = await until('the helper', () => {
      const pids = processesWith(socket);
      return existsSync(socket) && pids.length > 0 ? pids : undefined;
    });
    // Another call of the session holds its lock (this process: alive), so the helper's call
    // waits; then its hook process is killed (Claude Code's timeout).
    const session = JSON.parse(pre('ls')).session_id as string;
    const lockDir = join(where.home, '.auditlane', 'hooks', `${session}.json.lock`);
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(join(lockDir, 'pid'), String(process.pid));
    const waiting = hook(where, args, pre('ls -la'));
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(waiting.pid()!, 'SIGKILL');
    expect((await waiting).code).toBe(null);
    await until('the helper to stop', () =>
      processesWith(socket).includes(pid!) ? undefined : true,
    );
    expect(existsSync(socket)).toBe(false);
    rmSync(lockDir, { recursive: true, force: true });
    const next = await hook(where, args, pre('git status'));
    expect(next.code).toBe(0);
  });

  it('delivers, with a later call, what an earlier call of the same helper left in the spool while the server was down', async () => {
    const where = place();
    const socket = socketOf(where);
    const store = new SqliteStore({ filename: join(where.cwd, 'server.db') });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'hooks',
      permissions: ['ingest', 'view_history'],
    });
    // A port that is free now, for a server that is down at first.
    const probe = await startServer({ store, port: 0 });
    const url = probe.url;
    await probe.close();
    const args = ['--server', url, '--token', token, '--spool', join(where.cwd, 'spool')];
    const session = `claude-spool-${n}`;
    // Tool calls as their PostToolUse records them.
    const call = (command: string, id: string) =>
      JSON.stringify({
        ...JSON.parse(pre(command, id)),
        hook_event_name: 'PostToolUse',
        tool_response: { stdout: 'ok', exit_code: 0 },
        session_id: session,
      });
    expect((await hook(where, args, call('ls', 'toolu_a'))).code).toBe(0); // starts the helper
    await until('the helper', () => (existsSync(socket) ? true : undefined));
    const down = await hook(where, args, call('git status', 'toolu_b'));
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/did not reach/);
    const port = Number(new URL(url).port);
    const running = await startServer({ store, port });
    try {
      const up = await hook(where, args, call('git log', 'toolu_c'));
      expect(up.code).toBe(0);
      const client = createClient({ baseUrl: url, token });
      const [stored] = (await client.sessions.list()).data;
      const calls: string[] = [];
      for await (const e of client.sessions.events.list(stored!.id, { limit: 500 }))
        if (e.type === 'tool_call') calls.push(e.callId ?? '');
      // All three: the first two waited in spools (the second in one the helper had closed), and
      // reached the server in order, the session's start first.
      expect(calls.sort(), up.stderr).toEqual(['toolu_a', 'toolu_b', 'toolu_c']);
    } finally {
      await running.close();
      await store.close();
    }
  }, 60_000); // a call whose server is down waits out its flush (~5 s)

  it('is neither asked nor started with AUDITLANE_HOOK_HELPER=off', async () => {
    const where = place();
    const socket = socketOf(where);
    const requests = await fakeHelper(socket, (_l, end) => end());
    const call = await hook(
      where,
      ['--file', join(where.cwd, 'e.ndjson'), '--environment', 'production'],
      pre('psql -c "DROP TABLE customers"'),
      { AUDITLANE_HOOK_HELPER: 'off' },
    );
    expect(denied(call)).toBe(true);
    expect(requests).toEqual([]);
  });
});

describe('a hook command that cannot load its modules', () => {
  it('refuses the call in production (exit 2), and warns with exit 1 elsewhere', async () => {
    const where = place();
    const args = ['--file', join(where.cwd, 'e.ndjson')];
    const env = { AUDITLANE_HOOK_HELPER: 'off' };
    const broken = ['--import', brokenFile];
    const production = await hook(
      where,
      [...args, '--environment', 'production'],
      pre('ls'),
      env,
      broken,
    );
    expect(production.code).toBe(2);
    expect(production.stderr).toMatch(/refused \(fail-closed\).*cannot load/);
    const viaEnv = await hook(
      where,
      args,
      pre('ls'),
      { ...env, AUDITLANE_ENVIRONMENT: 'prod' },
      broken,
    );
    expect(viaEnv.code).toBe(2);
    const development = await hook(
      where,
      [...args, '--environment=development'],
      pre('ls'),
      env,
      broken,
    );
    expect(development.code).toBe(1);
    expect(development.stderr).toMatch(/cannot load/);
  });
});

describe('what a call loads', () => {
  /** The modules a process resolved, by the packages (or our source folders) they belong to. */
  async function loaded(run: (log: string) => Promise<Call>): Promise<string[]> {
    const log = join(dir, `modules-${++n}.log`);
    const call = await run(log);
    expect(call.code, call.stderr).toBe(0);
    return readFileSync(log, 'utf8').trim().split('\n');
  }
  const HEAVY = [
    'packages/server/src/store',
    'packages/server/src/api',
    '/zod/',
    '/hono/',
    '/better-sqlite3/',
    '/pg/',
    '/node-pty/',
  ];
  const heavy = (urls: string[], names = HEAVY) =>
    names.filter((name) => urls.some((u) => u.includes(name)));

  it('`--help` loads no package of ours beyond the command declarations, nor any of their libraries', async () => {
    const urls = await loaded(
      (log) =>
        new Promise((resolve) => {
          const child = spawn(
            process.execPath,
            ['--import', registerFile, ...EXEC_ARGV, BIN, '--help'],
            { env: { ...process.env, MODULE_LOG: log }, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          let stderr = '';
          child.stderr.on('data', (d) => {
            stderr += d;
          });
          child.on('close', (code) => resolve({ code, stdout: '', stderr }));
        }),
    );
    expect(urls.some((u) => u.includes('/src/commands/hook.ts'))).toBe(true);
    expect(
      heavy(urls, [...HEAVY, 'packages/recorder/src', '/yaml/', 'libpg-query', 'web-tree-sitter']),
    ).toEqual([]);
  });

  // From the sources, where the recorder is loaded whole (node-pty included); the built command
  // splits it further (see bench/src/cli.ts for its figures).
  it('a hook call decided in its own process (no helper) loads the recorder, not the server, pg, SQLite or hono', async () => {
    const where = place();
    const urls = await loaded((log) =>
      hook(
        where,
        ['--file', join(where.cwd, 'e.ndjson')],
        pre('ls -la'),
        { AUDITLANE_HOOK_HELPER: 'off', MODULE_LOG: log },
        ['--import', registerFile],
      ),
    );
    expect(urls.some((u) => u.includes('packages/recorder/src/hook/claude-code.ts'))).toBe(true);
    expect(
      heavy(
        urls,
        HEAVY.filter((h) => h !== '/zod/' && h !== '/node-pty/'),
      ),
    ).toEqual([]);
  });

  it('a hook call the helper answers loads none of our packages (but zod-free constants) and none of their libraries', async () => {
    const where = place();
    await fakeHelper(socketOf(where, ['--import', registerFile]), (_l, end) =>
      end(`${JSON.stringify({ stdout: '', stderr: '', exitCode: 0 })}\n`),
    );
    const urls = await loaded((log) =>
      hook(where, ['--file', join(where.cwd, 'e.ndjson')], pre('ls -la'), { MODULE_LOG: log }, [
        '--import',
        registerFile,
      ]),
    );
    const ours = urls.filter((u) => u.includes('/packages/') && !u.includes('/node_modules/'));
    expect(ours.map((u) => u.replace(/.*\/packages\//, ''))).toEqual(
      expect.arrayContaining(['cli/src/bin.ts']),
    );
    // The client's zod-free constants aside (which environments are production).
    expect(
      ours.filter(
        (u) =>
          !/cli\/src\/(bin|helper\/(socket|client))\.ts$|client\/src\/model\/(helpers|entities|limits|recording|actions|shape)\.ts$/.test(
            u,
          ),
      ),
    ).toEqual([]);
    expect(
      heavy(urls, [
        ...HEAVY,
        '/yaml/',
        'libpg-query',
        'web-tree-sitter',
        '/ulid/',
        'eventsource-parser',
      ]),
    ).toEqual([]);
  });
});
