import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createAsciicastWriter } from '@auditlane/client';
import * as pty from 'node-pty';
import { MaskTally } from '../masking/masker';
import type { RecordedSession } from '../recorder';
import { recordingRefusal } from '../recording';

export interface RecordTerminalOptions {
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
  /** How long a masked line may wait for its end before it is recorded anyway. Default 100 ms. */
  flushMs?: number;
  /** Stops the program (SIGHUP, then SIGKILL): the recorder itself is being stopped. */
  signal?: AbortSignal;
}

export interface TerminalResult {
  exitCode: number;
  signal?: number;
  /** The policy refused to start the program (it did not run). */
  blocked?: string;
  /** The server revoked the session and the program was stopped. */
  revoked?: boolean;
}

/**
 * Records a program in a real pseudo-terminal, like `asciinema rec`: what it prints goes to the
 * user's terminal as it is, and a masked copy is recorded as terminal events (and to an asciicast
 * file), with resizes and the exit status. The program is checked against the policy before it
 * starts; a revoked session stops it.
 */
export async function recordTerminal(
  session: RecordedSession,
  options: RecordTerminalOptions = {},
): Promise<TerminalResult> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const command = options.command ?? process.env.SHELL ?? '/bin/sh';
  const args = options.args ?? [];
  // Quoted as a shell would read it: the policy sees `bash -c 'rm -rf /'`, not `bash -c rm -rf /`.
  const line = [command, ...args].map(shellQuote).join(' ');
  // Recording required and nothing can keep the events: the program does not start unrecorded.
  const unrecorded = await recordingRefusal(session);
  if (unrecorded) {
    stdout.write(`auditlane: not started: ${unrecorded}\r\n`);
    return { exitCode: 126, blocked: unrecorded };
  }
  if (args.length > 0 || options.command) {
    const auth = await session.authorize({ kind: 'command', text: line });
    if (!auth.allowed) {
      session.command({ text: line, exitCode: null }, auth);
      stdout.write(`auditlane: not started: ${auth.reason}\r\n`);
      return { exitCode: 126, blocked: auth.reason };
    }
  }
  const cols = (stdout.isTTY && stdout.columns) || options.cols || 80;
  const rows = (stdout.isTTY && stdout.rows) || options.rows || 24;
  const masker = session.recorder.masker;
  const stream = masker?.stream();
  const inputStream = masker?.stream();
  const tally = new MaskTally();
  let maskedSoFar = 0;
  const started = performance.now();
  const offset = () => Math.round(performance.now() - started);

  // What the asciicast header says: the local file's header, and the recording's first event
  // (its size and the same facts), so the server serves the recording as it was seen.
  const term = { cols, rows, type: 'xterm-256color' };
  const facts = {
    timestamp: Math.floor(Date.now() / 1000),
    // The command line can hold secrets too (`mysql -pS3cret`).
    command: masker ? masker.text(line, tally) : line,
    env: { TERM: term.type, SHELL: process.env.SHELL ?? '/bin/sh' },
  };
  session.terminal('r', `${cols}x${rows}`, 0, { term: { type: term.type }, ...facts });
  let fd: number | undefined;
  const version = options.version ?? 3;
  const writer = options.file
    ? createAsciicastWriter({ version, term, ...facts }, { version })
    : undefined;
  if (options.file && writer) {
    mkdirSync(dirname(options.file), { recursive: true });
    fd = openSync(options.file, 'w');
    writeSync(fd, writer.header());
  }
  // The file's lines are written in batches: up to 64 KiB (bulk output arrives in ~4 KiB chunks),
  // or what came within the flush interval, so the file is current at every pause.
  let pending = '';
  let pendingTimer: ReturnType<typeof setTimeout> | undefined;
  const fileFailed = (error: unknown) => {
    // A full disk must not take the terminal down: say so once, keep recording events.
    session.recorder.onError(new Error(`${options.file}: ${(error as Error).message}`));
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
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
  const record = (code: 'o' | 'i' | 'r' | 'm' | 'x', data: string) => {
    if (!data) return;
    const at = offset();
    session.terminal(code, data, at);
    if (fd === undefined || !writer) return;
    try {
      pending += writer.event({ time: at / 1000, code, data });
    } catch (error) {
      return fileFailed(error);
    }
    if (pending.length >= 65_536) writeFile();
    else pendingTimer ??= setTimeout(writeFile, options.flushMs ?? 100);
  };
  const emitMasking = () => {
    if (tally.count > maskedSoFar) {
      session.emit({ type: 'masking', fields: [...tally.names], count: tally.count - maskedSoFar });
      maskedSoFar = tally.count;
    }
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
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  // After a pause, what is held is emitted (live viewers see prompts); what follows on the same
  // line is still masked together with it.
  const flushHeld = (final = false) => {
    flushTimer = undefined;
    if (stream?.pending || final) record('o', stream?.flush(tally, final) ?? '');
    if (options.recordInput && inputStream && (inputStream.pending || final))
      record('i', inputStream.flush(tally, final));
    emitMasking();
  };
  const output = child.onData((data) => {
    stdout.write(data);
    if (!stream) return record('o', data);
    record('o', stream.push(data, tally));
    if (flushTimer) clearTimeout(flushTimer);
    if (stream.pending) flushTimer = setTimeout(() => flushHeld(), options.flushMs ?? 100);
  });

  const onInput = (chunk: Buffer | string) => {
    const text = chunk.toString();
    child.write(text);
    if (!options.recordInput) return;
    // Keystrokes are masked a line at a time (a typed secret arrives one key per chunk).
    record('i', inputStream ? inputStream.push(text, tally) : text);
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = setTimeout(() => flushHeld(), options.flushMs ?? 100);
  };
  const attached = stdin.isTTY && typeof stdin.setRawMode === 'function';
  if (attached) stdin.setRawMode?.(true);
  stdin.on('data', onInput);
  stdin.resume?.();
  const onResize = () => {
    const c = stdout.columns ?? cols;
    const r = stdout.rows ?? rows;
    child.resize(c, r);
    record('r', `${c}x${r}`);
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
  if (flushTimer) clearTimeout(flushTimer);
  flushHeld(true);
  // Killed by a signal: the shell's convention, 128 + the signal number.
  const exitCode = exit.signal ? 128 + exit.signal : exit.exitCode;
  record('x', String(exitCode));
  writeFile();
  if (fd !== undefined) closeSync(fd);
  return { exitCode, signal: exit.signal || undefined, revoked: revoked || undefined };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
