import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createAsciicastWriter, formatResize, type RecordingHeader } from '@auditlane/client';
import * as pty from 'node-pty';
import { recordCommandFacts } from '../facts/record';
import type { RecordedSession, Recorder } from '../recorder';
import { RecordingRequiredError, recordingRefusal } from '../recording';
import { INTERNAL } from '../session/internal';
import { CommandBlockedError } from './blocked';
import { requireSession } from './exec';

export interface RecordTerminalOptions {
  /** The session to record into (default: the recorder's current session). */
  session?: RecordedSession;
  /** The program and its arguments (default: $SHELL or /bin/sh). */
  command?: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Terminal size when not attached to a terminal (default 80×24). */
  cols?: number;
  rows?: number;
  /** Also record keystrokes (masked). Off by default: typed passwords are not echoed, but keystrokes hold them. */
  recordInput?: boolean;
  /** Write the recording to this asciicast file as well. */
  file?: string;
  /** asciicast version of `file`. Default 3. */
  version?: 2 | 3;
  /** Where the program's input comes from and its output goes (default: this process's terminal). */
  stdin?: NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => unknown; isTTY?: boolean };
  stdout?: NodeJS.WritableStream & { columns?: number; rows?: number; isTTY?: boolean };
  /**
   * How long a masked line may wait for its end before it is recorded anyway. Default: the
   * recorder's `terminalFlushMs` (100 ms).
   */
  flushMs?: number;
  /** Stops the program (SIGHUP, then SIGKILL): the recorder itself is being stopped. */
  signal?: AbortSignal;
}

export interface TerminalResult {
  exitCode: number;
  signal?: number;
  /** The server revoked the session and the program was stopped. */
  revoked?: boolean;
}

/**
 * Records a program in a real pseudo-terminal, like `asciinema rec`: what it prints goes to the
 * user's terminal as it is, and a masked copy is recorded as terminal events of the session
 * (`options.session`, or the recorder's current one) and to an asciicast file, with resizes and
 * the exit status. The program is checked against the policy before it starts (a blocked one
 * does not start: CommandBlockedError; one whose recording is required and cannot be kept:
 * RecordingRequiredError); a revoked session stops it. The files and hosts its command line
 * names are recorded as `file` and `outbound` events.
 */
export async function recordTerminal(
  recorder: Recorder,
  options: RecordTerminalOptions = {},
): Promise<TerminalResult> {
  const session = requireSession(recorder, options.session, 'recordTerminal');
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const command = options.command ?? process.env.SHELL ?? '/bin/sh';
  const args = options.args ?? [];
  // Quoted as a shell would read it: the policy sees `bash -c 'rm -rf /'`, not `bash -c rm -rf /`.
  const line = [command, ...args].map(shellQuote).join(' ');
  const cols = (stdout.isTTY && stdout.columns) || options.cols || 80;
  const rows = (stdout.isTTY && stdout.rows) || options.rows || 24;
  const size = formatResize({ cols, rows });
  if (!size) {
    throw new RangeError(
      `recordTerminal: ${cols}x${rows} is not a terminal size (cols and rows must be integers from 1 to 99999)`,
    );
  }
  // Recording required and nothing can keep the events: the program does not start unrecorded.
  const unrecorded = await recordingRefusal(session);
  if (unrecorded) throw new RecordingRequiredError(unrecorded, session.recording.rule);
  const named = args.length > 0 || options.command !== undefined;
  const facts = async (subjectId: string | undefined) => {
    if (named)
      recordCommandFacts(session, await recorder.analyzers(), line, {
        subjectId,
        cwd: resolve(options.cwd ?? process.cwd()),
      });
  };
  if (named) {
    const auth = await session.authorize({ kind: 'command', text: line });
    if (!auth.allowed) {
      const id = session.command({ text: line, exitCode: null }, auth);
      await facts(id);
      throw new CommandBlockedError(line, auth);
    }
  }
  const internals = session[INTERNAL];
  if (options.flushMs !== undefined) internals.writer.flushMs = options.flushMs;
  const started = performance.now();
  const offset = () => Math.round(performance.now() - started);

  // The local file gets what the session records, as it is recorded (masked, the held end of a
  // line when it comes), its header from the recording's first event.
  let fd: number | undefined;
  const version = options.version ?? 3;
  let writer: ReturnType<typeof createAsciicastWriter> | undefined;
  // The file's lines are written in batches: up to 64 KiB (bulk output arrives in ~4 KiB chunks),
  // or what came within the flush interval, so the file is current at every pause.
  let pending = '';
  let pendingTimer: ReturnType<typeof setTimeout> | undefined;
  const fileFailed = (error: unknown) => {
    // A full disk must not take the terminal down: say so once, keep recording events.
    recorder.onError(new Error(`${options.file}: ${(error as Error).message}`));
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    writer = undefined;
  };
  const writeFile = () => {
    if (pendingTimer) clearTimeout(pendingTimer);
    pendingTimer = undefined;
    const text = pending;
    pending = '';
    if (fd === undefined || !text) return;
    try {
      writeSync(fd, text);
    } catch (error) {
      fileFailed(error);
    }
  };
  const toFile = (code: string, data: string, at: number, header?: RecordingHeader) => {
    if (!options.file) return;
    try {
      if (header && !writer) {
        writer = createAsciicastWriter(
          {
            version,
            term: { cols, rows, type: header.term?.type },
            timestamp: header.timestamp,
            command: header.command,
            env: header.env,
          },
          { version },
        );
        mkdirSync(dirname(options.file), { recursive: true });
        fd = openSync(options.file, 'w');
        writeSync(fd, writer.header());
        return;
      }
      if (fd === undefined || !writer) return;
      pending += writer.event({ time: at / 1000, code: code as 'o', data });
    } catch (error) {
      return fileFailed(error);
    }
    if (pending.length >= 65_536) writeFile();
    else pendingTimer ??= setTimeout(writeFile, options.flushMs ?? 100);
  };
  // Every terminal event as recorded (masked), the held end of a line when it comes.
  const untap = internals.writer.tap(toFile);

  // What the asciicast header says: the recording's first event (its size and the same facts as
  // the file's header, masked: the command line can hold secrets too, `mysql -pS3cret`), so the
  // server serves the recording as it was seen.
  const termType = 'xterm-256color';
  const header = session.terminal('r', size, 0, {
    term: { type: termType },
    timestamp: Math.floor(Date.now() / 1000),
    command: line,
    env: { TERM: termType, SHELL: process.env.SHELL ?? '/bin/sh' },
  });
  // The files and hosts the program's command line names (`auditlane rec -- ssh db1`), pointing
  // at the recording's first event, which holds the line.
  await facts(header);
  const record = (code: 'o' | 'i' | 'r' | 'x', data: string) => {
    if (data) session.terminal(code, data, offset());
  };

  const child = pty.spawn(command, args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: options.cwd ?? process.cwd(),
    env: { ...(options.env ?? process.env), AUDITLANE_SESSION: session.id } as Record<
      string,
      string
    >,
  });
  const output = child.onData((data) => {
    stdout.write(data);
    record('o', data);
  });

  const onInput = (chunk: Buffer | string) => {
    const text = chunk.toString();
    child.write(text);
    // Keystrokes are masked a line at a time (a typed secret arrives one key per chunk).
    if (options.recordInput) record('i', text);
  };
  const attached = stdin.isTTY && typeof stdin.setRawMode === 'function';
  if (attached) stdin.setRawMode?.(true);
  stdin.on('data', onInput);
  stdin.resume?.();
  const onResize = () => {
    const c = stdout.columns ?? cols;
    const r = stdout.rows ?? rows;
    // A size that is none (a detached terminal reports 0 columns) is neither applied nor
    // recorded: the pseudo-terminal would refuse it, and so would the server.
    const data = formatResize({ cols: c, rows: r });
    if (!data) return;
    child.resize(c, r);
    record('r', data);
  };
  stdout.on?.('resize', onResize);

  const stop = () => {
    child.kill('SIGHUP');
    setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {}
    }, 2_000).unref();
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  let revoked = false;
  session.onRevoke(() => {
    revoked = true;
    stdout.write('\r\nauditlane: this session was revoked; stopping\r\n');
    stdin.off('data', onInput);
    child.kill('SIGHUP');
    // A program that ignores hangups is killed.
    setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {}
    }, 2_000).unref();
  });

  const exit = await new Promise<{ exitCode: number; signal?: number }>((resolve) =>
    child.onExit((e) => resolve(e)),
  );
  output.dispose();
  options.signal?.removeEventListener('abort', stop);
  stdin.off('data', onInput);
  if (attached) stdin.setRawMode?.(false);
  stdin.pause?.();
  stdout.off?.('resize', onResize);
  // Killed by a signal: the shell's convention, 128 + the signal number.
  const exitCode = exit.signal ? 128 + exit.signal : exit.exitCode;
  // What the streams hold is recorded before the exit status.
  record('x', String(exitCode));
  untap();
  writeFile();
  if (fd !== undefined) closeSync(fd);
  return { exitCode, signal: exit.signal || undefined, revoked: revoked || undefined };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
