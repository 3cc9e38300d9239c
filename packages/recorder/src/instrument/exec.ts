import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { recordCommandFacts } from '../facts/record';
import type { RecordedSession, Recorder } from '../recorder';
import { CommandBlockedError } from './blocked';

export interface RunCommandOptions {
  /** The session to record into (default: the recorder's current session). */
  session?: RecordedSession;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this long. */
  timeoutMs?: number;
  /** Most output kept on the event (the rest is cut, `outputTruncated`). Default 1 MB. */
  maxOutputBytes?: number;
  /** Passed on as the command runs (the caller's own display). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a shell command recorded in a session (`options.session`, or the recorder's current
 * one): the policy decides first (a blocked command does not run: CommandBlockedError), then
 * the command runs under `sh -c` and is recorded with its exit code, duration and combined
 * output, masked. The files and hosts its line names are recorded as `file` and `outbound`
 * events pointing at it (`subjectId`), before it runs (a refused one's too).
 */
export async function runCommand(
  recorder: Recorder,
  command: string,
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const session = requireSession(recorder, options.session, 'runCommand');
  const auth = await session.authorize({ kind: 'command', text: command });
  const analyzers = await recorder.analyzers();
  const facts = () =>
    recordCommandFacts(session, analyzers, command, {
      subjectId: auth.subjectId,
      cwd: resolve(options.cwd ?? process.cwd()),
      home: (options.env ?? process.env).HOME || homedir(),
    });
  if (!auth.allowed) {
    session.command({ text: command, cwd: options.cwd, exitCode: null }, auth);
    facts();
    throw new CommandBlockedError(command, auth);
  }
  facts();
  const max = options.maxOutputBytes ?? 1_000_000;
  const started = performance.now();
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  let combined = '';
  let truncated = false;
  const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (stream === 'stdout') stdout += text;
    else stderr += text;
    if (combined.length + text.length <= max) combined += text;
    else {
      combined += text.slice(0, Math.max(0, max - combined.length));
      truncated = true;
    }
    options.onOutput?.(text, stream);
  };
  child.stdout.on('data', take('stdout'));
  child.stderr.on('data', take('stderr'));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve) => {
      child.once('error', (error) => {
        stderr += String(error.message);
        combined += String(error.message);
        resolve([127, null]);
      });
      child.once('close', (code, sig) => resolve([code, sig]));
    },
  );
  session.command(
    {
      text: command,
      cwd: options.cwd,
      exitCode,
      output: combined,
      outputTruncated: truncated || undefined,
      durationMs: performance.now() - started,
    },
    auth,
  );
  return { exitCode, signal, stdout, stderr };
}

/**
 * The session an immediate action records into. Wrappers made ahead of time (`wrapTool`,
 * `instrumentPg`, `instrumentSqlite`) let calls outside any session through unrecorded; an
 * action asked for now without a session to record it is a mistake of the caller.
 */
export function requireSession(
  recorder: Recorder,
  session: RecordedSession | undefined,
  what: string,
): RecordedSession {
  const found = session ?? recorder.current();
  if (!found)
    throw new TypeError(
      `${what}: no session to record into: pass options.session or call it inside session.run()`,
    );
  return found;
}
