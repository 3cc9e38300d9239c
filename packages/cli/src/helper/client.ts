import { createConnection } from 'node:net';
import type { HelperAnswer, HelperRequest } from './socket';

/**
 * Asks the helper at `socket` to answer a hook call. `unreachable`: no helper listens there
 * (start one); `failed`: it took the call but gave no answer (it died or sent something else).
 * Either way the caller decides in its own process, so a helper that is gone only costs time.
 */
export function askHelper(
  socket: string,
  request: HelperRequest,
): Promise<HelperAnswer | 'unreachable' | 'failed'> {
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    let data = '';
    const done = (result: HelperAnswer | 'unreachable' | 'failed') => {
      if (settled) return;
      settled = true;
      connection.destroy();
      resolve(result);
    };
    const connection = createConnection(socket, () => {
      connected = true;
      connection.write(`${JSON.stringify(request)}\n`);
    });
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      data += chunk;
      const end = data.indexOf('\n');
      if (end === -1) return;
      done(parseAnswer(data.slice(0, end)) ?? 'failed');
    });
    connection.on('error', () => done(connected ? 'failed' : 'unreachable'));
    connection.on('close', () => done(connected ? 'failed' : 'unreachable'));
  });
}

function parseAnswer(line: string): HelperAnswer | undefined {
  try {
    const a = JSON.parse(line) as Partial<HelperAnswer>;
    if (
      typeof a.stdout === 'string' &&
      typeof a.stderr === 'string' &&
      Number.isInteger(a.exitCode)
    )
      return { stdout: a.stdout, stderr: a.stderr, exitCode: a.exitCode as number };
  } catch {}
  return undefined;
}

/** Starts a helper for later calls, detached: it outlives this call and exits when idle. */
export async function startHelper(entry: string, socket: string): Promise<void> {
  try {
    // Loaded here: a call the helper answers does not need it (~10 ms on these machines).
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [...process.execArgv, entry, socket], {
      detached: true,
      stdio: 'ignore',
      env: process.env,
    });
    child.on('error', () => {});
    child.unref();
  } catch {}
}
