import { chmodSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Policy } from '@auditlane/recorder';
import { run } from '../cli';
import { hook } from '../commands/hook';
import { HELPER_ENV, type HelperAnswer, type HelperRequest } from './socket';

export interface HelperOptions {
  socket: string;
  /** Exit after this long without a call. */
  idleMs: number;
  /** How often to check that the socket is still ours (removed or replaced: exit). */
  checkMs?: number;
  /**
   * A call whose hook process went away before its answer (Claude Code killed it: its timeout,
   * an interrupt) must end as if its own process had been killed: the helper stops at once
   * (default: `process.exit(1)`), its socket removed. A call that stays behind would go on
   * waiting for a reviewer and recording, holding its session's lock against the next calls.
   */
  onAbandoned?: () => never;
}

/**
 * The resident hook helper: answers `auditlane hook` calls on a Unix socket with the same code
 * a hook process runs (`run(['hook', ...])`, with the call's own environment and stdin), keeping
 * the policy loaded between calls (reloaded when its file changes). Resolves when it stops:
 * idle, its socket gone, or another helper already listening there.
 */
export async function serveHelper(options: HelperOptions): Promise<void> {
  const policies = new Map<string, { key: string; policy: Promise<Policy> }>();
  const loadPolicy = async (file: string | undefined): Promise<Policy> => {
    const { Policy } = await import('../load/hook');
    const path = file === undefined ? '' : resolve(file);
    let key = '';
    if (file !== undefined) {
      try {
        const s = statSync(path);
        key = `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
      } catch {
        return Policy.fromFile(file); // Its own error, naming the file.
      }
    }
    const cached = policies.get(path);
    if (cached?.key === key) return cached.policy;
    const policy = file === undefined ? Policy.create() : Policy.fromFile(file);
    policies.set(path, { key, policy });
    policy.catch(() => {
      if (policies.get(path)?.policy === policy) policies.delete(path);
    });
    return policy;
  };

  let active = 0;
  let idle: NodeJS.Timeout | undefined;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  const touch = () => {
    if (idle) clearTimeout(idle);
    idle = active === 0 ? setTimeout(() => stop(), options.idleMs) : undefined;
  };

  const answer = async (request: HelperRequest): Promise<HelperAnswer> => {
    let stdout = '';
    let stderr = '';
    const exitCode = await run(
      request.argv,
      {
        out: (line) => {
          stdout += `${line}\n`;
        },
        err: (line) => {
          stderr += `${line}\n`;
        },
        write: (text, stream) => {
          if (stream === 'stdout') stdout += text;
          else stderr += text;
        },
        env: request.env,
        stdin: async () => request.stdin,
        policy: loadPolicy,
      },
      [hook],
    );
    return { stdout, stderr, exitCode };
  };

  const serveOne = (connection: Socket) => {
    active++;
    touch();
    let data = '';
    let taken = false;
    let answered = false;
    connection.setEncoding('utf8');
    const finish = () => {
      active--;
      touch();
    };
    connection.on('error', () => {});
    connection.on('close', () => {
      if (!taken) finish();
      else if (!answered) abandon();
    });
    connection.on('data', (chunk: string) => {
      if (taken) return;
      data += chunk;
      const end = data.indexOf('\n');
      if (end === -1) return;
      taken = true;
      let request: HelperRequest;
      try {
        request = JSON.parse(data.slice(0, end)) as HelperRequest;
        if (!Array.isArray(request.argv) || request.argv[0] !== 'hook') throw new Error('not hook');
      } catch {
        // Not a call this helper answers: the caller decides in its own process.
        connection.destroy();
        finish();
        return;
      }
      answer(request)
        .then(
          (a) => {
            answered = true;
            connection.end(`${JSON.stringify(a)}\n`);
          },
          () => {
            answered = true;
            connection.destroy();
          },
        )
        .finally(finish);
    });
  };

  // Several calls that found no helper each start one: the later ones stop here, before loading.
  if (await answering(options.socket)) return;
  // Loaded before the socket is there: the first call it takes is as fast as the others.
  await loadPolicy(undefined);
  const server = createServer(serveOne);
  if (!(await listen(server, options.socket))) return;
  let identity: number | undefined;
  const abandon = () => {
    try {
      if (statSync(options.socket).ino === identity) rmSync(options.socket, { force: true });
    } catch {}
    (options.onAbandoned ?? (() => process.exit(1)))();
  };
  try {
    chmodSync(options.socket, 0o600);
    identity = statSync(options.socket).ino;
  } catch {}
  touch();
  // The socket removed (its directory cleaned up) or taken over by a newer helper: stop.
  const check = setInterval(() => {
    let ino: number | undefined;
    try {
      ino = statSync(options.socket).ino;
    } catch {}
    if (ino !== identity) stop();
  }, options.checkMs ?? 5_000);
  check.unref();
  const signalled = () => stop();
  process.once('SIGTERM', signalled);
  process.once('SIGINT', signalled);
  await stopped;
  clearInterval(check);
  if (idle) clearTimeout(idle);
  const ours = (() => {
    try {
      return statSync(options.socket).ino === identity;
    } catch {
      return false;
    }
  })();
  server.close();
  if (ours) rmSync(options.socket, { force: true });
  process.off('SIGTERM', signalled);
  process.off('SIGINT', signalled);
}

/** Listens on the socket; false when another helper answers there already. */
async function listen(server: Server, socket: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const error = await new Promise<NodeJS.ErrnoException | undefined>((r) => {
      server.once('error', r);
      server.listen(socket, () => {
        server.off('error', r);
        r(undefined);
      });
    });
    if (!error) return true;
    if (error.code !== 'EADDRINUSE') return false;
    // A socket file is there: a live helper, or one that died without removing it.
    if (await answering(socket)) return false;
    rmSync(socket, { force: true });
  }
  return false;
}

/** Whether a helper listens on the socket. */
function answering(socket: string): Promise<boolean> {
  return new Promise((r) => {
    const c = createConnection(socket, () => {
      c.destroy();
      r(true);
    });
    c.on('error', () => r(false));
  });
}

/** The idle time from the environment (seconds), else ten minutes. */
export function idleMs(env: Record<string, string | undefined>): number {
  const seconds = Number(env[HELPER_ENV.idle]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 600_000;
}
