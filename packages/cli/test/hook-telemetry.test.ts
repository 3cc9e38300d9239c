import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// Claude Code's own OpenTelemetry export meets the sessions its hook (`auditlane hook`, a real
// process per hook event) recorded: attached by the Claude session id the hook labels them with.

const dir = mkdtempSync(join(tmpdir(), 'auditlane-hook-otlp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = join(import.meta.dirname, '../src/bin.ts');

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of open.splice(0)) await stop().catch(() => {});
});

async function server() {
  const store = new SqliteStore({ filename: join(mkdtempSync(join(dir, 'srv-')), 'server.db') });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'agent hooks',
    permissions: ['ingest', 'view_history'],
  });
  const running: RunningServer = await startServer({ store, port: 0 });
  open.push(async () => {
    await running.close();
    await store.close();
  });
  return { url: running.url, token, client: createClient({ baseUrl: running.url, token }) };
}

function hook(args: string[], stdin: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=@auditlane/source', '--import', 'tsx', BIN, 'hook', ...args],
    {
      env: { ...process.env, HOME: dir, AUDITLANE_ENVIRONMENT: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  child.stdin!.end(stdin);
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr })),
  );
}

const payload = (sessionId: string, extra: object) =>
  JSON.stringify({
    session_id: sessionId,
    transcript_path: `/home/dev/.claude/projects/app/${sessionId}.jsonl`,
    cwd: '/srv/app',
    permission_mode: 'default',
    ...extra,
  });

/** An OTLP/JSON export of one claude_code.api_request, as Claude Code sends it. */
function apiRequest(claudeSession: string, at: number, inputTokens: number) {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'claude-code')] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events', version: '2.1.300' },
            logRecords: [
              {
                timeUnixNano: `${at}000000`,
                observedTimeUnixNano: `${at}000000`,
                body: { stringValue: 'claude_code.api_request' },
                attributes: [
                  attr('session.id', claudeSession),
                  attr('event.name', 'api_request'),
                  attr('event.timestamp', new Date(at).toISOString()),
                  attr('model', 'claude-sonnet-4-5'),
                  attr('input_tokens', String(inputTokens)),
                  attr('output_tokens', '50'),
                  attr('cost_usd', '0.004'),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('auditlane hook and Claude Code telemetry', () => {
  it("attaches an export to the hook's session by its Claude session id, also when the export arrives before the session starts", async () => {
    const s = await server();
    const args = ['--server', s.url, '--token', s.token, '--spool', join(dir, 'spool')];
    const claudeSession = '5e551011-0000-4000-8000-0000000000a1';
    const send = (body: string) =>
      fetch(`${s.url}/otlp/v1/logs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        body,
      });

    // Claude Code's first request is exported before its SessionStart hook was delivered.
    const early = await send(apiRequest(claudeSession, Date.now() - 1_000, 700));
    expect(early.status).toBe(200);
    expect(await early.json()).toEqual({});

    const started = await hook(
      args,
      payload(claudeSession, { hook_event_name: 'SessionStart', source: 'startup' }),
    );
    expect(started).toMatchObject({ code: 0 });
    const read = await hook(
      args,
      payload(claudeSession, {
        hook_event_name: 'PreToolUse',
        tool_name: 'Read',
        tool_use_id: 'toolu_r1',
        tool_input: { file_path: '/srv/app/README.md' },
      }),
    );
    expect(read).toMatchObject({ code: 0 });
    const later = await send(apiRequest(claudeSession, Date.now(), 300));
    expect(later.status).toBe(200);

    const sessions = (await s.client.sessions.list()).data.filter(
      (x) => x.labels['claude.session'] === claudeSession,
    );
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!;
    expect(session.usage).toEqual({ inputTokens: 1000, outputTokens: 100, costUsd: 0.008 });
    const telemetry = await s.client.sessions.telemetry(session.id);
    expect(telemetry.data.map((r) => r.inputTokens)).toEqual([700, 300]);
    expect(telemetry.extra.summary.models).toEqual(['claude-sonnet-4-5']);
  }, 60_000);
});
