import type { Sink } from '@auditlane/recorder';
import { defineCommand, usage } from '../command';
import { HELPER_ENV } from '../helper/socket';
import {
  policyOption,
  serverOption,
  spoolDir,
  spoolOption,
  tokenOption,
  undelivered,
} from './shared';

export const hook = defineCommand({
  name: 'hook',
  summary: 'Claude Code hook adapter: records the hook event, answers PreToolUse',
  description:
    "Reads one Claude Code hook event on stdin (SessionStart, PreToolUse, PostToolUse, PostToolUseFailure, SessionEnd), records it, and answers PreToolUse with the policy's verdict in the hook protocol. Exit 2 refuses the call: when the hook itself fails, in production (or with onError: closed); elsewhere it warns with exit 1 and the call runs. Configure it as the command of each hook.",
  options: {
    server: serverOption,
    token: tokenOption,
    spool: spoolOption,
    file: { type: 'string', value: 'FILE', description: 'or append the events to an NDJSON file' },
    policy: policyOption,
    environment: {
      type: 'string',
      value: 'ENV',
      description:
        "the environment of this call (default: the session's first call's, else development)",
      env: ['AUDITLANE_ENVIRONMENT'],
    },
    'review-timeout': {
      type: 'string',
      value: 'SECONDS',
      description:
        "how long a held call waits for a reviewer (default 540): below the hook's timeout in settings.json, which lets the call run when it passes",
      env: ['AUDITLANE_REVIEW_TIMEOUT'],
    },
    resource: {
      type: 'string',
      value: 'NAME',
      description: 'what the agent works on (default the working directory)',
      env: ['AUDITLANE_RESOURCE'],
    },
  },
  env: {
    [HELPER_ENV.enabled]:
      'off: decide every call in its own process, without the resident helper (see the README)',
    [HELPER_ENV.idle]: 'seconds without a call after which the helper exits (default 600)',
  },
  examples: [
    'AUDITLANE_URL=https://audit.example.com AUDITLANE_TOKEN=al_... auditlane hook --environment production',
  ],
  async run({ values, setting }, io) {
    const { createClient, FileSink, HttpSink, handleClaudeCodeHook, Policy } = await import(
      '../load/hook'
    );
    const write =
      io.write ??
      ((text, stream) => (stream === 'stdout' ? io.out : io.err)(text.replace(/\n$/, '')));
    const server = setting('server');
    const token = setting('token');
    if (!values.file && !(server && token)) {
      throw usage(
        'pass --file FILE, or --server URL and --token TOKEN (or AUDITLANE_URL, AUDITLANE_TOKEN)',
      );
    }
    const reviewTimeout = setting('review-timeout');
    const reviewSeconds = reviewTimeout === undefined ? undefined : Number(reviewTimeout);
    if (
      reviewSeconds !== undefined &&
      (!Number.isInteger(reviewSeconds) || reviewSeconds < 1 || reviewSeconds > 3600)
    )
      throw usage(`--review-timeout must be an integer from 1 to 3600, got "${reviewTimeout}"`);
    const client =
      values.file || !server || !token
        ? undefined
        : createClient({ baseUrl: server, token, retries: 0 });
    const policyFile = setting('policy');
    const environment = setting('environment');
    const resourceName = setting('resource');
    let sink: Sink | undefined;
    let stdin = '';
    try {
      stdin = io.stdin ? await io.stdin() : '';
    } catch {}
    // The adapter opens the sink and the policy itself: when either fails it answers as the
    // policy's onError says (exit 2 in production, a refused call), never with an exception.
    const answer = await handleClaudeCodeHook(stdin, {
      sink: () => {
        sink = values.file
          ? new FileSink(values.file)
          : new HttpSink({
              client,
              spool: spoolDir(setting('spool')),
              batchMs: 20,
              onError: (e) => write(`auditlane hook: ${e.message}\n`, 'stderr'),
            });
        return sink;
      },
      policy: () =>
        io.policy
          ? io.policy(policyFile)
          : policyFile
            ? Policy.fromFile(policyFile)
            : Policy.create(),
      reviews: client,
      ...(reviewSeconds ? { reviewTimeoutMs: reviewSeconds * 1000 } : {}),
      resource: {
        ...(environment ? { environment } : {}),
        ...(resourceName ? { name: resourceName } : {}),
      },
    });
    if (answer.stdout) write(answer.stdout, 'stdout');
    if (answer.stderr) write(answer.stderr, 'stderr');
    if (sink) {
      await sink.close({ timeoutMs: 2_000 }).catch(() => {});
      if (sink instanceof HttpSink && server)
        for (const line of undelivered(sink, 'the Claude Code session', server, setting('spool')))
          write(`auditlane hook: ${line}\n`, 'stderr');
    }
    return answer.exitCode;
  },
});
