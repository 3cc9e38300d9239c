import { hostname, userInfo } from 'node:os';
import type { AuditlaneClient, ResourceType } from '@auditlane/client';
import { RESOURCE_TYPES } from '@auditlane/client/helpers';
import type { Sink } from '@auditlane/recorder';
import { defineCommand, usage } from '../command';
import {
  policyOption,
  serverOption,
  spoolDir,
  spoolOption,
  tokenOption,
  undelivered,
} from './shared';

export const rec = defineCommand({
  name: 'rec',
  summary: 'record a program in a pseudo-terminal (default: your shell)',
  description:
    "Runs the program in a pseudo-terminal, like asciinema rec: you see it as it is, and a masked copy is recorded (output, resizes, the exit status; keystrokes with --input), checked against the policy before it starts. With --server the session streams live; events wait in the spool while the server is unreachable (see auditlane spool drain). Where the recording rule requires a recording (production, by default; see the policy file's recording rules), the program does not start unless the spool or the server can take its events (exit code 126), and --file alone is refused. Exits with the program's exit code.",
  args: { usage: '[-- COMMAND [ARGS...]]', max: Number.POSITIVE_INFINITY },
  options: {
    server: { ...serverOption, description: 'stream the session to this server, live' },
    token: tokenOption,
    spool: spoolOption,
    file: {
      type: 'string',
      value: 'FILE',
      description: 'write an asciicast file too (of the masked recording)',
    },
    format: {
      type: 'string',
      value: '2|3',
      description: 'asciicast version of --file (default 3)',
    },
    events: {
      type: 'string',
      value: 'FILE',
      description: "or append the session's events to an NDJSON file (without --server)",
    },
    input: { type: 'boolean', description: 'record keystrokes too (masked)' },
    policy: policyOption,
    resource: {
      type: 'string',
      value: 'NAME',
      description: 'what is recorded (default this host)',
      env: ['AUDITLANE_RESOURCE'],
    },
    type: {
      type: 'string',
      value: 'TYPE',
      description: `the resource type: ${RESOURCE_TYPES.join(', ')} (default ssh)`,
    },
    environment: {
      type: 'string',
      value: 'ENV',
      description: 'its environment: production, staging, development (default)',
      env: ['AUDITLANE_ENVIRONMENT'],
    },
    cols: {
      type: 'string',
      value: 'N',
      description: 'terminal width when not run in a terminal (default 80)',
    },
    rows: {
      type: 'string',
      value: 'N',
      description: 'terminal height when not run in a terminal (default 24)',
    },
  },
  env: { SHELL: 'the program recorded when none is given (default /bin/sh)' },
  examples: [
    'auditlane rec --server https://audit.example.com --environment production -- psql billing',
    'auditlane rec --file demo.cast',
  ],
  async run({ values, positionals, setting }, io) {
    const {
      ActionBlockedError,
      createClient,
      createRecorder,
      DiscardSink,
      FileSink,
      HttpSink,
      Policy,
      RecordingRequiredError,
      recordingRule,
      recordTerminal,
    } = await import('../load/rec');
    const format = values.format === undefined ? 3 : Number(values.format);
    if (format !== 2 && format !== 3) throw usage('--format must be 2 or 3');
    const size = (name: 'cols' | 'rows') => {
      const value = values[name];
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 10_000)
        throw usage(`--${name} must be an integer from 1 to 10000, got "${value}"`);
      return n;
    };
    const type = (values.type ?? 'ssh') as ResourceType;
    if (!RESOURCE_TYPES.includes(type))
      throw usage(`--type must be one of ${RESOURCE_TYPES.join(', ')}, got "${values.type}"`);
    const cols = size('cols');
    const rows = size('rows');
    const server = setting('server');
    const token = setting('token');
    let sink: Sink;
    let client: AuditlaneClient | undefined;
    if (server) {
      if (!token) throw usage('--server needs --token (or AUDITLANE_TOKEN)');
      client = createClient({ baseUrl: server, token, retries: 0 });
      sink = new HttpSink({
        client,
        spool: spoolDir(setting('spool')),
        batchMs: 100,
        onError: (e) => io.err(`auditlane rec: ${e.message}`),
      });
    } else if (values.events) sink = new FileSink(values.events);
    else if (values.file) sink = new DiscardSink();
    else throw usage('pass --file FILE, --server URL, or --events FILE');
    const policyFile = setting('policy');
    const policy = policyFile ? await Policy.fromFile(policyFile) : await Policy.create();
    const user = userInfo().username;
    const resource = {
      name: setting('resource') ?? hostname(),
      type,
      environment: setting('environment') ?? 'development',
      host: hostname(),
    };
    const recording = recordingRule(resource, policy.recording);
    if (recording.record === 'required' && sink instanceof DiscardSink)
      throw usage(
        `recording is required for ${resource.name} (${resource.environment}) by rule ${recording.rule}${recording.reason ? ` (${recording.reason})` : ''}: --file alone keeps only a local copy; record to --server URL (or --events FILE)`,
      );
    const recorder = createRecorder({
      sink,
      policy,
      reviews: client,
      meta: {
        actor: { type: 'human', id: user, name: user },
        resource,
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
    let notStarted = false;
    try {
      const result = await recordTerminal(recorder, {
        session,
        command,
        args: commandArgs,
        file: values.file,
        version: format,
        recordInput: values.input,
        cols,
        rows,
        signal: stopping.signal,
      });
      exitCode = result.exitCode;
      session.end({ exitCode, reason: result.revoked ? 'revoked' : undefined });
    } catch (error) {
      if (!(error instanceof ActionBlockedError || error instanceof RecordingRequiredError))
        throw error;
      // The policy refused the program, or its recording is required and nothing can keep it:
      // it did not start (126, as a shell says of a command it cannot execute).
      io.err(
        `auditlane rec: not started: ${error instanceof ActionBlockedError ? error.reason : error.message}`,
      );
      exitCode = 126;
      notStarted = true;
      session.end({
        exitCode,
        reason: error instanceof ActionBlockedError ? 'blocked by policy' : 'recording required',
      });
    } finally {
      // The program did not start because nothing can take its events (recording required):
      // no point waiting for a server that does not answer.
      const unrecordable = notStarted && sink.recordable?.() === false;
      await recorder
        .close({ timeoutMs: unrecordable ? 0 : 10_000 })
        .catch((e: Error) => io.err(`auditlane rec: ${e.message}`));
    }
    if (values.file) io.err(`auditlane rec: wrote ${values.file}`);
    if (sink instanceof HttpSink)
      for (const line of undelivered(sink, `session ${session.id}`, server!, setting('spool')))
        io.err(`auditlane rec: ${line}`);
    return exitCode;
  },
});
