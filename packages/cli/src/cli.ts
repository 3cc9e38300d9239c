import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, isProduction } from '@auditlane/client';
import {
  createRecorder,
  FileSink,
  HttpSink,
  handleClaudeCodeHook,
  Policy,
  recordTerminal,
  type Sink,
} from '@auditlane/recorder';
import {
  openStore,
  PERMISSIONS,
  type Permission,
  serveConfig,
  startServer,
} from '@auditlane/server';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `serve` waits on it. */
  stopped?: Promise<unknown>;
  /** All of standard input (`hook` reads its event there). */
  stdin?: () => Promise<string>;
  /** Raw output without a newline added (`hook` answers in the hook protocol). */
  write?: (text: string, stream: 'stdout' | 'stderr') => void;
}

const HELP = `auditlane <command> [options]

Commands:
  serve                 run the reference API server
      --db FILE             SQLite file (default auditlane.db; env AUDITLANE_DB)
      --postgres URL        PostgreSQL instead of SQLite (env AUDITLANE_POSTGRES_URL)
      --port N --host H     listen address (default 127.0.0.1:4680; env AUDITLANE_PORT, AUDITLANE_HOST)
      --disable-downloads   refuse downloads (env DISABLE_SESSIONS_DOWNLOAD=true)
      --cors-origin LIST    origins whose pages may call the API from a browser, comma-separated
                            (env AUDITLANE_CORS_ORIGINS)
      --max-body-bytes N    largest request body (env AUDITLANE_MAX_BODY_BYTES)
      --count-cap N         most sessions a capped count counts (env AUDITLANE_COUNT_CAP)
      --retention-days-production N, --retention-days-other N
                            purge recordings older than N days, hourly (default: keep;
                            env AUDITLANE_RETENTION_DAYS_PRODUCTION, AUDITLANE_RETENTION_DAYS_OTHER)
      --reconnect-grace-seconds N
                            how long a dropped session may be reconnected by its own actor
                            (default 300; env AUDITLANE_RECONNECT_GRACE_SECONDS)
  token create          create an API token and print it (shown once)
      --org ORG --name NAME --permissions LIST (comma-separated, or "all")
      --db FILE | --postgres URL
  verify SESSION_ID     check a session's hash chain; exit 1 when it is broken
      --server URL --token TOKEN (env AUDITLANE_URL, AUDITLANE_TOKEN)
  rec [-- COMMAND ARGS]  record a program in a pseudo-terminal (default: your shell)
      --file FILE                  write an asciicast file (--format 2|3, default 3)
      --server URL --token TOKEN   stream the session to a server, live (env AUDITLANE_URL,
                                   AUDITLANE_TOKEN), spooled on disk until delivered
      --events FILE                or append the session's events to an NDJSON file
      --input                      record keystrokes too (masked)
      --policy FILE                rules (YAML or JSON; env AUDITLANE_POLICY), before the defaults
      --resource NAME --type TYPE --environment ENV   what is recorded (default: this host,
                                   ssh, development; env AUDITLANE_RESOURCE, AUDITLANE_ENVIRONMENT)
  hook                  Claude Code hook adapter: reads the hook event on stdin, records it,
                        answers PreToolUse with the policy's verdict
      --server URL --token TOKEN   record to a server (env AUDITLANE_URL, AUDITLANE_TOKEN),
                                   spooled on disk until delivered (--spool DIR,
                                   default ~/.auditlane/spool; env AUDITLANE_SPOOL)
      --file FILE                  or append events to an NDJSON file
      --policy FILE                rules (YAML or JSON; env AUDITLANE_POLICY), before the defaults
      --environment ENV --resource NAME   what the agent works on (env AUDITLANE_ENVIRONMENT,
                                   AUDITLANE_RESOURCE; default development, the working directory)

Permissions: ${PERMISSIONS.join(', ')}`;

/** Runs one command line; resolves with the exit code. Never calls process.exit. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest, io);
      case 'token':
        return await token(rest, io);
      case 'verify':
        return await verify(rest, io);
      case 'hook':
        return await hook(rest, io);
      case 'rec':
        return await rec(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      default:
        io.err(`auditlane: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    io.err(`auditlane ${command}: ${(error as Error).message}`);
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
}

function usage(message: string): Error {
  return Object.assign(new Error(message), { exitCode: 2 });
}

/** Runs a parseArgs call, turning its errors into usage errors (exit code 2). */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw usage((error as Error).message);
  }
}

async function serve(args: string[], io: Io): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        db: { type: 'string' },
        postgres: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'count-cap': { type: 'string' },
        'disable-downloads': { type: 'boolean' },
        'cors-origin': { type: 'string' },
        'allow-self-review': { type: 'string' },
        'retention-days-production': { type: 'string' },
        'retention-days-other': { type: 'string' },
        'reconnect-grace-seconds': { type: 'string' },
      },
    }),
  );
  let config: ReturnType<typeof serveConfig>;
  try {
    config = serveConfig(values, io.env);
  } catch (error) {
    throw usage((error as Error).message);
  }
  const store = await openStore(config.store);
  const server = await startServer({
    store,
    port: config.port,
    host: config.host,
    config: config.app,
    retention: config.retention,
  });
  const where = config.store.postgres ? 'PostgreSQL' : `SQLite ${config.store.db}`;
  const notes = [where];
  if (config.app.disableDownloads) notes.push('downloads disabled');
  const { productionDays, otherDays } = config.retention;
  if (productionDays !== null || otherDays !== null) {
    notes.push(
      `recordings kept ${productionDays ?? '∞'} days in production, ${otherDays ?? '∞'} elsewhere`,
    );
  }
  io.out(`auditlane serving ${server.url}/v1 (${notes.join(', ')})`);
  await (io.stopped ?? new Promise(() => {}));
  await server.close();
  await store.close();
  return 0;
}

async function token(args: string[], io: Io): Promise<number> {
  const { positionals, values } = parsed(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        org: { type: 'string' },
        name: { type: 'string' },
        permissions: { type: 'string' },
        db: { type: 'string' },
        postgres: { type: 'string' },
      },
    }),
  );
  if (positionals[0] !== 'create')
    throw usage('usage: auditlane token create --org ORG --name NAME --permissions LIST');
  if (!values.org) throw usage('--org is required');
  if (!values.permissions)
    throw usage(
      `--permissions is required: a comma-separated list of ${PERMISSIONS.join(', ')}, or "all"`,
    );
  const permissions =
    values.permissions === 'all'
      ? [...PERMISSIONS]
      : values.permissions.split(',').map((p) => p.trim());
  const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw usage(`unknown permission ${unknown.join(', ')}: use ${PERMISSIONS.join(', ')}`);
  const config = serveConfig({ db: values.db, postgres: values.postgres }, io.env);
  const store = await openStore(config.store);
  try {
    const created = await store.createToken({
      org: values.org,
      name: values.name ?? 'token',
      permissions: permissions as Permission[],
    });
    io.out(created.token);
    io.err(
      `created ${created.id} for org ${values.org}: ${permissions.join(', ')} (the token is shown only now)`,
    );
  } finally {
    await store.close();
  }
  return 0;
}

async function verify(args: string[], io: Io): Promise<number> {
  const { positionals, values } = parsed(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { server: { type: 'string' }, token: { type: 'string' } },
    }),
  );
  const sessionId = positionals[0];
  if (!sessionId) throw usage('usage: auditlane verify SESSION_ID [--server URL] [--token TOKEN]');
  const baseUrl = values.server ?? io.env.AUDITLANE_URL ?? 'http://127.0.0.1:4680';
  const tokenValue = values.token ?? io.env.AUDITLANE_TOKEN;
  if (!tokenValue) throw usage('--token (or AUDITLANE_TOKEN) is required');
  const result = await createClient({ baseUrl, token: tokenValue }).sessions.verify(sessionId);
  if (result.ok) {
    io.out(`${sessionId}: intact, ${result.events} events chained`);
    return 0;
  }
  const b = result.broken!;
  io.out(`${sessionId}: BROKEN at seq ${b.seq}${b.id ? ` (event ${b.id})` : ''}: ${b.reason}`);
  io.out(`  expected hash ${b.expected}\n  found hash    ${b.found}`);
  return 1;
}

async function hook(args: string[], io: Io): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        file: { type: 'string' },
        spool: { type: 'string' },
        policy: { type: 'string' },
        environment: { type: 'string' },
        resource: { type: 'string' },
      },
    }),
  );
  const write =
    io.write ??
    ((text, stream) => (stream === 'stdout' ? io.out : io.err)(text.replace(/\n$/, '')));
  const server = values.server ?? io.env.AUDITLANE_URL;
  const token = values.token ?? io.env.AUDITLANE_TOKEN;
  let sink: Sink;
  let client: ReturnType<typeof createClient> | undefined;
  if (values.file) sink = new FileSink(values.file);
  else if (server && token) {
    client = createClient({ baseUrl: server, token, retries: 0 });
    sink = new HttpSink({
      client,
      spool: values.spool ?? io.env.AUDITLANE_SPOOL ?? join(homedir(), '.auditlane', 'spool'),
      batchMs: 20,
      onError: (e) => write(`auditlane hook: ${e.message}\n`, 'stderr'),
    });
  } else {
    throw usage(
      'hook: pass --file FILE, or --server URL and --token TOKEN (or AUDITLANE_URL, AUDITLANE_TOKEN)',
    );
  }
  const policyFile = values.policy ?? io.env.AUDITLANE_POLICY;
  const stdin = io.stdin ? await io.stdin() : '';
  const environment = values.environment ?? io.env.AUDITLANE_ENVIRONMENT;
  try {
    const policy = policyFile ? await Policy.fromFile(policyFile) : await Policy.create();
    const resourceName = values.resource ?? io.env.AUDITLANE_RESOURCE;
    const answer = await handleClaudeCodeHook(stdin, {
      sink,
      policy,
      reviews: client,
      resource: {
        ...(environment ? { environment } : {}),
        ...(resourceName ? { name: resourceName } : {}),
      },
    });
    if (answer.stdout) write(answer.stdout, 'stdout');
    if (answer.stderr) write(answer.stderr, 'stderr');
    return answer.exitCode;
  } catch (error) {
    // The hook itself failed (a bad rule file, an unwritable spool). Claude Code runs the tool
    // anyway after most exit codes: in production a tool call is refused instead (exit 2).
    let event = '';
    try {
      event = String((JSON.parse(stdin) as { hook_event_name?: unknown }).hook_event_name ?? '');
    } catch {}
    if (event === 'PreToolUse' && isProduction(environment ?? '')) {
      write(
        `auditlane hook failed, so the call is refused (fail-closed): ${(error as Error).message}\n`,
        'stderr',
      );
      return 2;
    }
    throw error;
  } finally {
    await sink.close({ timeoutMs: 2_000 }).catch(() => {});
  }
}

async function rec(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parsed(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        file: { type: 'string' },
        format: { type: 'string' },
        server: { type: 'string' },
        token: { type: 'string' },
        events: { type: 'string' },
        spool: { type: 'string' },
        input: { type: 'boolean' },
        policy: { type: 'string' },
        resource: { type: 'string' },
        type: { type: 'string' },
        environment: { type: 'string' },
        cols: { type: 'string' },
        rows: { type: 'string' },
      },
    }),
  );
  const format = values.format === undefined ? 3 : Number(values.format);
  if (format !== 2 && format !== 3) throw usage('--format must be 2 or 3');
  const server = values.server ?? io.env.AUDITLANE_URL;
  const token = values.token ?? io.env.AUDITLANE_TOKEN;
  let sink: Sink;
  let client: ReturnType<typeof createClient> | undefined;
  if (server) {
    if (!token) throw usage('--server needs --token (or AUDITLANE_TOKEN)');
    client = createClient({ baseUrl: server, token, retries: 0 });
    sink = new HttpSink({
      client,
      spool: values.spool ?? io.env.AUDITLANE_SPOOL ?? join(homedir(), '.auditlane', 'spool'),
      batchMs: 100,
      onError: (e) => io.err(`auditlane rec: ${e.message}`),
    });
  } else if (values.events) sink = new FileSink(values.events);
  else if (values.file) sink = { write() {}, flush: async () => {}, close: async () => {} };
  else throw usage('rec: pass --file FILE, --server URL, or --events FILE');
  const policyFile = values.policy ?? io.env.AUDITLANE_POLICY;
  const policy = policyFile ? await Policy.fromFile(policyFile) : await Policy.create();
  const user = userInfo().username;
  const recorder = createRecorder({
    sink,
    policy,
    reviews: client,
    meta: {
      actor: { type: 'human', id: user, name: user },
      resource: {
        name: values.resource ?? io.env.AUDITLANE_RESOURCE ?? hostname(),
        type: (values.type ?? 'ssh') as 'ssh',
        environment: values.environment ?? io.env.AUDITLANE_ENVIRONMENT ?? 'development',
        host: hostname(),
      },
      mode: 'interactive',
      recorded: true,
    },
    onError: (e) => io.err(`auditlane rec: ${e.message}`),
  });
  const [command, ...commandArgs] = positionals;
  const session = recorder.session();
  // SIGTERM or SIGHUP to the recorder: stop the program, then record the end and flush.
  const stopping = new AbortController();
  void io.stopped?.then(() => stopping.abort());
  if (server) io.err(`auditlane rec: recording session ${session.id} to ${server}`);
  let exitCode = 1;
  try {
    const result = await recordTerminal(session, {
      command,
      args: commandArgs,
      file: values.file,
      version: format,
      recordInput: values.input,
      cols: values.cols ? Number(values.cols) : undefined,
      rows: values.rows ? Number(values.rows) : undefined,
      signal: stopping.signal,
    });
    exitCode = result.exitCode;
    session.end({ exitCode, reason: result.revoked ? 'revoked' : undefined });
  } finally {
    await recorder
      .close({ timeoutMs: 10_000 })
      .catch((e: Error) => io.err(`auditlane rec: ${e.message}`));
  }
  if (values.file) io.err(`auditlane rec: wrote ${values.file}`);
  return exitCode;
}
