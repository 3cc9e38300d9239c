import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { isProduction } from '@auditlane/client/helpers';
import type { Io } from './command';
// In this module, not loaded on demand: a hook call the helper answers loads nothing else.
import { askHelper, startHelper } from './helper/client';
import { helperEnabled, helperSocket } from './helper/socket';

// The policy's parsers are WebAssembly. In a short-lived command, V8's optimising compile of them
// on background threads only competes with the work (on two cores it held back node-pty's exit
// notice by ~0.7 s); the baseline compiler alone is fast enough for a few parses.
setFlagsFromString('--liftoff-only');

const argv = process.argv.slice(2);

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const write = (text: string, stream: 'stdout' | 'stderr') =>
  (stream === 'stdout' ? process.stdout : process.stderr).write(text);

/** Runs the command line here, loading only what its verb needs. */
async function runHere(stdin?: string): Promise<number> {
  const { run } = await import('./cli');
  const stopped = new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGHUP', resolve);
  });
  const io: Io = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    stopped,
    stdin: stdin === undefined ? readStdin : async () => stdin,
    write,
  };
  return run(argv, io);
}

/**
 * `auditlane hook`: Claude Code starts one process per hook call and waits for it. The call is
 * answered by the resident helper when one runs (started by the first call, gone when idle);
 * without one, or when it fails to answer, this process loads the recorder and decides itself.
 */
async function hookCall(): Promise<number> {
  const help = argv.includes('--help') || argv.includes('-h');
  if (help || !helperEnabled(process.env)) return runHere();
  const self = new URL(import.meta.url);
  const entry = fileURLToPath(
    new URL(`./helper/main${self.pathname.endsWith('.ts') ? '.ts' : '.js'}`, self),
  );
  const socket = helperSocket({
    entry,
    execPath: process.execPath,
    execArgv: process.execArgv,
    cwd: process.cwd(),
    home: homedir(),
  });
  let stdin = '';
  try {
    stdin = await readStdin();
  } catch {} // An unreadable event is the adapter's to answer (refused in production).
  if (!socket) return runHere(stdin);
  const answer = await askHelper(socket, { argv, env: process.env, stdin });
  if (typeof answer === 'object') {
    if (answer.stdout) write(answer.stdout, 'stdout');
    if (answer.stderr) write(answer.stderr, 'stderr');
    return answer.exitCode;
  }
  // Started first: it is ready sooner for the calls that follow (this one, usually a session's
  // start, decides here meanwhile).
  if (answer === 'unreachable') await startHelper(entry, socket);
  return runHere(stdin);
}

/** The environment a hook call names (`--environment ENV`, or AUDITLANE_ENVIRONMENT). */
function hookEnvironment(): string {
  const i = argv.findIndex((a) => a === '--environment' || a.startsWith('--environment='));
  if (i === -1) return process.env.AUDITLANE_ENVIRONMENT ?? '';
  return argv[i]!.includes('=') ? argv[i]!.slice(argv[i]!.indexOf('=') + 1) : (argv[i + 1] ?? '');
}

/**
 * The command itself broke (say, a module of a broken install, or an error thrown later in a
 * callback): a hook call in production is refused (exit 2; Claude Code runs the tool after exit 1).
 */
function failed(error: unknown): never {
  if (argv[0] === 'hook' && isProduction(hookEnvironment())) {
    process.stderr.write(
      `auditlane hook failed, so the call is refused (fail-closed): ${String(error)}\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`auditlane: ${String(error)}\n`);
  process.exit(1);
}

// Errors outside the command's own promise (a timer's, an event handler's) would otherwise end
// the process with Node's exit 1, which lets the tool run.
if (argv[0] === 'hook') {
  process.on('uncaughtException', failed);
  process.on('unhandledRejection', failed);
}

(argv[0] === 'hook' ? hookCall() : runHere()).then((code) => process.exit(code), failed);
