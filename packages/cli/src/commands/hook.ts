import type { AuditlaneClient } from '@auditlane/client';
import { isProduction } from '@auditlane/client/helpers';
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
    "Reads one Claude Code hook event on stdin (SessionStart, PreToolUse, PostToolUse, SessionEnd), records it, and answers PreToolUse with the policy's verdict in the hook protocol. Configure it as the command of each hook.",
  options: {
    server: serverOption,
    token: tokenOption,
    spool: spoolOption,
    file: { type: 'string', value: 'FILE', description: 'or append the events to an NDJSON file' },
    policy: policyOption,
    environment: {
      type: 'string',
      value: 'ENV',
      description: 'the environment the agent works on (default development)',
      env: ['AUDITLANE_ENVIRONMENT'],
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
    let sink: Sink;
    let client: AuditlaneClient | undefined;
    if (values.file) sink = new FileSink(values.file);
    else if (server && token) {
      client = createClient({ baseUrl: server, token, retries: 0 });
      sink = new HttpSink({
        client,
        spool: spoolDir(setting('spool')),
        batchMs: 20,
        onError: (e) => write(`auditlane hook: ${e.message}\n`, 'stderr'),
      });
    } else {
      throw usage(
        'pass --file FILE, or --server URL and --token TOKEN (or AUDITLANE_URL, AUDITLANE_TOKEN)',
      );
    }
    const policyFile = setting('policy');
    const stdin = io.stdin ? await io.stdin() : '';
    const environment = setting('environment');
    try {
      const policy = io.policy
        ? await io.policy(policyFile)
        : policyFile
          ? await Policy.fromFile(policyFile)
          : await Policy.create();
      const resourceName = setting('resource');
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
      if (sink instanceof HttpSink)
        for (const line of undelivered(sink, 'the Claude Code session', server!, setting('spool')))
          write(`auditlane hook: ${line}\n`, 'stderr');
    }
  },
});
