import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The resident hook helper: a process that keeps the policy's parsers loaded and answers
 * `auditlane hook` calls over a Unix socket, so a call costs a Node start and a round trip
 * instead of loading the recorder each time. This module (used by every hook call) loads
 * nothing but Node's own modules.
 */

/** What a hook call sends: its command line, environment and standard input. */
export interface HelperRequest {
  argv: string[];
  env: Record<string, string | undefined>;
  stdin: string;
}

/** What the helper answers: what the hook prints and how it exits. */
export interface HelperAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Environment variables of the helper (documented in the package README). */
export const HELPER_ENV = {
  /** `off` (or `0`): every hook call loads and decides in its own process. */
  enabled: 'AUDITLANE_HOOK_HELPER',
  /** Seconds without a call after which the helper exits (default 600). */
  idle: 'AUDITLANE_HOOK_HELPER_IDLE_SECONDS',
} as const;

export function helperEnabled(env: Record<string, string | undefined>): boolean {
  const value = env[HELPER_ENV.enabled]?.toLowerCase();
  return value !== 'off' && value !== '0' && value !== 'false';
}

/** What decides which helper answers a call: the code it runs and where it runs. */
export interface HelperIdentity {
  /** The helper's entry module (its modification time stands for the installed version). */
  entry: string;
  execPath: string;
  execArgv: readonly string[];
  /** The working directory (relative paths in options mean the same to the helper). */
  cwd: string;
  /** The home directory: the helper's socket, state and spool live under it. */
  home: string;
}

/** Longest path of a Unix socket (sun_path: 108 bytes on Linux, 104 on macOS, with its NUL). */
const MAX_SOCKET_PATH = 103;

/**
 * The helper's socket for this identity, in `~/.auditlane/run` (created mode 0700). Undefined
 * when no helper can be used safely: the directory is not the user's own and private, or the
 * path would be too long for a socket.
 */
export function helperSocket(id: HelperIdentity, uid = process.getuid?.()): string | undefined {
  let entry: { mtimeMs: number; size: number };
  try {
    entry = statSync(id.entry);
  } catch {
    return undefined;
  }
  const dir = join(id.home, '.auditlane', 'run');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const s = lstatSync(dir);
    if (!s.isDirectory() || (uid !== undefined && s.uid !== uid) || (s.mode & 0o077) !== 0)
      return undefined;
  } catch {
    return undefined;
  }
  const key = hash64(
    JSON.stringify([
      id.entry,
      entry.mtimeMs,
      entry.size,
      id.execPath,
      process.version,
      id.execArgv,
      id.cwd,
    ]),
  );
  const path = join(dir, `hook-${key}.sock`);
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH ? path : undefined;
}

/**
 * 64 bits of FNV-1a (two 32-bit lanes), as 16 hex digits: names a socket, not a secret
 * (node:crypto would cost every hook call ~10 ms of loading).
 */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x0100019d) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
