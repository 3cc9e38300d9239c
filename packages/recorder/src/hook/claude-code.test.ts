import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventSchema } from '@auditlane/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { Policy } from '../policy/policy';
import { MemorySink } from '../sinks/sink';
import { handleClaudeCodeHook } from './claude-code';

// Payloads shaped like Claude Code's (https://code.claude.com/docs/en/hooks).
const base = {
  session_id: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  transcript_path: '/home/dev/.claude/projects/app/b3f1c2d4.jsonl',
  cwd: '/home/dev/app',
  permission_mode: 'default',
};

let policy: Policy;
beforeAll(async () => {
  policy = await Policy.create();
});

describe('Claude Code hook adapter', () => {
  it('records a whole agent session across hook processes and answers PreToolUse in the protocol', async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const hook = (payload: object) =>
      handleClaudeCodeHook(JSON.stringify({ ...base, ...payload }), { sink, policy, stateDir });

    expect(
      await hook({
        hook_event_name: 'SessionStart',
        source: 'startup',
        model: 'claude-sonnet-4-5',
      }),
    ).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });

    const drop = await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_01',
      tool_input: {
        command: 'psql "$DATABASE_URL" -c "DROP TABLE customers"',
        description: 'Drop the table',
      },
    });
    expect(drop.exitCode).toBe(0);
    expect(JSON.parse(drop.stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'Blocked by policy (sql-drop): DROP and TRUNCATE destroy data',
      },
    });

    const ls = await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_02',
      tool_input: { command: 'cat .env.example' },
    });
    expect(ls).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    await hook({
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_02',
      tool_input: { command: 'cat .env.example' },
      tool_response: {
        stdout: `STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nADMIN_EMAIL=ops@acme.test`,
        stderr: '',
        interrupted: false,
      },
    });

    await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_03',
      tool_input: { command: 'printenv' },
    });
    await hook({
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_03',
      tool_input: { command: 'printenv' },
      tool_response: { stdout: 'HOME=/home/dev\nGITHUB_TOKEN=whatever', stderr: '' },
    });
    await hook({
      hook_event_name: 'PostToolUseFailure',
      tool_name: 'Write',
      tool_use_id: 'toolu_04',
      tool_input: { file_path: '/etc/hosts', content: 'x' },
      error: 'EACCES: permission denied',
    });
    await hook({ hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });

    const events = sink.events;
    for (const e of events) expect(eventSchema.safeParse(e).success).toBe(true);
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.type)).toEqual([
      'lifecycle',
      'policy',
      'tool_call',
      'tool_call',
      'masking',
      'tool_call',
      'masking',
      'tool_call',
      'lifecycle',
    ]);
    expect(events[0]).toMatchObject({
      action: 'start',
      session: {
        actor: { type: 'agent', id: 'claude-code', agent: { name: 'Claude Code' } },
        resource: { name: 'app', type: 'application' },
        model: 'claude-sonnet-4-5',
        mode: 'agent',
        labels: { 'claude.session': base.session_id, cwd: '/home/dev/app' },
      },
    });
    expect(events[1]).toMatchObject({
      verdict: 'blocked',
      rule: 'sql-drop',
      subjectId: events[2]!.id,
    });
    expect(events[2]).toMatchObject({
      tool: 'Bash',
      callId: 'toolu_01',
      error: expect.stringMatching(/^blocked/),
    });
    const cat = JSON.stringify(events[3]);
    expect(cat).not.toMatch(/sk_live_4eC39|ops@acme\.test/);
    expect(events[4]).toMatchObject({ subjectId: events[3]!.id, count: 2 });
    expect(events[5]).toMatchObject({ output: '[output not recorded]' });
    expect(JSON.stringify(events[5])).not.toContain('whatever');
    expect(events[7]).toMatchObject({ tool: 'Write', error: 'EACCES: permission denied' });
    expect(events[8]).toMatchObject({ action: 'end', reason: 'prompt_input_exit' });
    expect(existsSync(join(stateDir, `${base.session_id}.json`))).toBe(false);
  });

  it('says what is wrong with a malformed payload, records nothing and does not block', async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const bad = await handleClaudeCodeHook('{"hook_event_name": "PreToolUse", ', {
      sink,
      policy,
      stateDir,
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^auditlane hook: the input is not a hook event \(JSON expected\)/);
    const missing = await handleClaudeCodeHook('{"tool_name": "Bash"}', { sink, policy, stateDir });
    expect(missing.stderr).toMatch(/hook_event_name and session_id are required/);
    expect(sink.events).toEqual([]);
  });

  it('starts a session on a tool call when the hook was installed mid-session', async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    await handleClaudeCodeHook(
      JSON.stringify({
        ...base,
        hook_event_name: 'PreToolUse',
        tool_name: 'Read',
        tool_use_id: 't',
        tool_input: { file_path: 'a.ts' },
      }),
      { sink, policy, stateDir },
    );
    expect(sink.events.map((e) => e.type)).toEqual(['lifecycle']);
  });
});
