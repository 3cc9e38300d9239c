/**
 * A Claude Code session recorded the way Claude Code records it: each hook event (the JSON its
 * hooks receive on stdin, with the documented `tool_input` fields) handled by the real hook
 * adapter, into the real server. In the scratch org, so acme's session counts stay.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpSink, handleClaudeCodeHook } from '@auditlane/recorder';

const CLAUDE_SESSION = 'cc-react-tool-calls';

/** Records the session; returns its id on the server. */
export async function seedClaudeCode(url: string, token: string): Promise<string> {
  const stateDir = mkdtempSync(join(tmpdir(), 'auditlane-hooks-'));
  const sink = new HttpSink({ url, token, spool: false, batchMs: 5 });
  const base = {
    session_id: CLAUDE_SESSION,
    transcript_path: '/home/dev/.claude/projects/app/transcript.jsonl',
    cwd: '/srv/app',
    permission_mode: 'default',
  };
  const hook = async (event: Record<string, unknown>) => {
    const answer = await handleClaudeCodeHook(JSON.stringify({ ...base, ...event }), {
      sink,
      policy: false,
      stateDir,
      resource: { name: 'app', type: 'application', environment: 'development' },
    });
    if (answer.exitCode !== 0) throw new Error(`hook failed: ${answer.stderr}`);
  };
  const bash = {
    command: 'npm test',
    description: 'Run the test suite',
    timeout: 120000,
    run_in_background: false,
  };
  const edit = {
    file_path: '/srv/app/src/server.ts',
    old_string: 'const port = 3000;',
    new_string: 'const port = Number(process.env.PORT ?? 3000);',
    replace_all: false,
  };
  const mcp = { owner: 'acme', repo: 'billing', title: 'Port is hard-coded' };
  try {
    await hook({ hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' });
    await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_bash',
      tool_input: bash,
    });
    await hook({
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_bash',
      tool_input: bash,
      tool_response: {
        stdout:
          '\u001b[32m✓\u001b[39m 42 passed\n\u001b]8;;https://evil.example\u001b\\details\u001b]8;;\u001b\\\n',
        stderr: '',
        interrupted: false,
        isImage: false,
      },
    });
    await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_use_id: 'toolu_edit',
      tool_input: edit,
    });
    await hook({
      hook_event_name: 'PostToolUse',
      tool_name: 'Edit',
      tool_use_id: 'toolu_edit',
      tool_input: edit,
      tool_response: { filePath: edit.file_path, success: true },
    });
    await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'WebFetch',
      tool_use_id: 'toolu_fetch',
      tool_input: { url: 'https://example.com/api', prompt: 'Extract the API endpoints' },
    });
    await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'mcp__github__create_issue',
      tool_use_id: 'toolu_mcp',
      tool_input: mcp,
    });
    await hook({
      hook_event_name: 'PostToolUseFailure',
      tool_name: 'mcp__github__create_issue',
      tool_use_id: 'toolu_mcp',
      tool_input: mcp,
      error: 'GitHub API rate limit exceeded',
    });
    const state = JSON.parse(readFileSync(join(stateDir, `${CLAUDE_SESSION}.json`), 'utf8')) as {
      sessions: Record<string, { sessionId: string }>;
    };
    const id = Object.values(state.sessions)[0]?.sessionId;
    if (!id) throw new Error('the hook recorded no session');
    await hook({ hook_event_name: 'SessionEnd', reason: 'exit' });
    await sink.flush({ timeoutMs: 10_000 });
    return id;
  } finally {
    await sink.close({ timeoutMs: 5_000 }).catch(() => {});
    rmSync(stateDir, { recursive: true, force: true });
  }
}
