import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventSchema, isToolResult } from '@auditlane/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { Policy } from '../policy/policy';
import { FileSink } from '../sinks/file';
import { DiscardSink, MemorySink } from '../sinks/sink';
import {
  CLAUDE_CODE_HOOK_EVENTS,
  HOOK_REVIEW_TIMEOUT_MS,
  handleClaudeCodeHook,
} from './claude-code';

// Payloads shaped like Claude Code's (https://code.claude.com/docs/en/hooks).
const base = {
  session_id: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  transcript_path: '/home/dev/.claude/projects/app/b3f1c2d4.jsonl',
  cwd: '/home/dev/app',
  permission_mode: 'default',
};

/** An event as it goes on the wire (JSON: fields left undefined are absent). */
const wire = (event: unknown) => JSON.parse(JSON.stringify(event));

let policy: Policy;
beforeAll(async () => {
  policy = await Policy.create();
});

describe('Claude Code hook adapter', () => {
  it('records a PostToolUse without tool_response as a result, never as a second attempt', async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const hook = (payload: object) =>
      handleClaudeCodeHook(JSON.stringify({ ...base, ...payload }), { sink, policy, stateDir });
    await hook({ hook_event_name: 'SessionStart', source: 'startup' });
    const call = { tool_name: 'Read', tool_use_id: 'toolu_nr', tool_input: { file_path: 'a.txt' } };
    await hook({ hook_event_name: 'PreToolUse', ...call });
    await hook({ hook_event_name: 'PostToolUse', ...call });
    const calls = sink.events.map(wire).filter((e) => e.type === 'tool_call');
    expect(calls).toHaveLength(2);
    expect(isToolResult(calls[0])).toBe(false);
    expect(isToolResult(calls[1])).toBe(true);
    expect(calls[1]).toMatchObject({ callId: 'toolu_nr', output: null });
  });

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
      'tool_call', // toolu_01: the attempt, recorded before it is decided
      'query', //     the SQL it gives psql, with its tables
      'policy', //    its verdict
      'tool_call', // toolu_02
      'file', //      the file its command line reads, pointing at it
      'policy',
      'tool_call', // toolu_02's result
      'masking',
      'tool_call', // toolu_03
      'policy',
      'tool_call', // toolu_03's result
      'masking',
      'tool_call', // toolu_04: a failure whose attempt was not seen
      'file', //      what it names, with it
      'lifecycle',
    ]);
    expect(events[0]).toMatchObject({
      action: 'start',
      session: {
        actor: { type: 'agent', id: 'claude-code', agent: { name: 'Claude Code' } },
        resource: { name: 'app', type: 'application', environment: 'development' },
        model: 'claude-sonnet-4-5',
        mode: 'agent',
        labels: { 'claude.session': base.session_id, cwd: '/home/dev/app' },
      },
    });
    expect(events[1]).toMatchObject({
      tool: 'Bash',
      callId: 'toolu_01',
      input: { command: 'psql "$DATABASE_URL" -c "DROP TABLE customers"' },
    });
    expect(wire(events[1])).not.toHaveProperty('output');
    expect(events[2]).toMatchObject({
      type: 'query',
      sql: 'DROP TABLE customers',
      tables: { read: [], written: ['customers'] },
    });
    expect(events[3]).toMatchObject({
      verdict: 'blocked',
      rule: 'sql-drop',
      subjectId: events[1]!.id,
    });
    expect(events[4]).toMatchObject({ tool: 'Bash', callId: 'toolu_02' });
    expect(events[5]).toMatchObject({
      type: 'file',
      path: '/home/dev/app/.env.example',
      operation: 'read',
      subjectId: events[4]!.id,
    });
    expect(events[6]).toMatchObject({ verdict: 'passed', subjectId: events[4]!.id });
    // The result: paired with its attempt by callId, the input not repeated.
    expect(events[7]).toMatchObject({ tool: 'Bash', callId: 'toolu_02' });
    expect(wire(events[7])).not.toHaveProperty('input');
    expect(events[7]).toHaveProperty('durationMs');
    const cat = JSON.stringify(events[7]);
    expect(cat).not.toMatch(/sk_live_4eC39|ops@acme\.test/);
    expect(events[8]).toMatchObject({ subjectId: events[7]!.id, count: 2 });
    expect(events[10]).toMatchObject({
      verdict: 'passed',
      rule: 'environment-dump',
      subjectId: events[9]!.id,
    });
    expect(events[11]).toMatchObject({ callId: 'toolu_03', output: '[output not recorded]' });
    expect(JSON.stringify(events[11])).not.toContain('whatever');
    expect(events[13]).toMatchObject({
      tool: 'Write',
      callId: 'toolu_04',
      input: { file_path: '/etc/hosts', content: 'x' },
      error: 'EACCES: permission denied',
    });
    expect(events[14]).toMatchObject({
      type: 'file',
      path: '/etc/hosts',
      operation: 'write',
      subjectId: events[13]!.id,
    });
    expect(events[15]).toMatchObject({ action: 'end', reason: 'prompt_input_exit' });
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
    expect(sink.events.map((e) => e.type)).toEqual(['lifecycle', 'tool_call', 'file', 'policy']);
    expect(sink.events[2]).toMatchObject({
      path: `${base.cwd}/a.ts`,
      operation: 'read',
      subjectId: sink.events[1]!.id,
    });
  });

  it('records every tool, MCP tools included, at its PreToolUse with its verdict, before any result', async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const answer = await handleClaudeCodeHook(
      JSON.stringify({
        ...base,
        hook_event_name: 'PreToolUse',
        tool_name: 'mcp__postgres__query',
        tool_use_id: 'toolu_mcp_1',
        tool_input: { sql: 'SELECT id, total FROM orders WHERE id = 7' },
      }),
      { sink, policy, stateDir, resource: { environment: 'production' } },
    );
    // No PostToolUse (the call never returned): the attempt and its verdict are on the record.
    expect(answer).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const [start, call, query, verdict] = sink.events;
    expect(sink.events).toHaveLength(4);
    // The SQL it sends, with the tables it reads.
    expect(query).toMatchObject({
      type: 'query',
      sql: 'SELECT id, total FROM orders WHERE id = 7',
      tables: { read: ['orders'], written: [] },
    });
    expect(start).toMatchObject({
      type: 'lifecycle',
      session: { resource: { environment: 'production' } },
    });
    expect(call).toMatchObject({
      type: 'tool_call',
      tool: 'mcp__postgres__query',
      callId: 'toolu_mcp_1',
      input: { sql: 'SELECT id, total FROM orders WHERE id = 7' },
    });
    expect(verdict).toMatchObject({ type: 'policy', verdict: 'passed', subjectId: call!.id });
  });

  // Needs the policy to read SQL from a tool's sql/query/statement field (not the hook's part).
  it('denies DELETE FROM orders through an MCP SQL tool in production and records it as a tool call', async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const answer = await handleClaudeCodeHook(
      JSON.stringify({
        ...base,
        hook_event_name: 'PreToolUse',
        tool_name: 'mcp__postgres__query',
        tool_use_id: 'toolu_mcp_2',
        tool_input: { sql: 'DELETE FROM orders' },
      }),
      { sink, policy, stateDir, resource: { environment: 'production' } },
    );
    expect(answer.exitCode).toBe(0);
    expect(JSON.parse(answer.stdout).hookSpecificOutput).toMatchObject({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
    });
    const call = sink.events.find((e) => e.type === 'tool_call');
    expect(call).toMatchObject({
      tool: 'mcp__postgres__query',
      callId: 'toolu_mcp_2',
      input: { sql: 'DELETE FROM orders' },
    });
    expect(sink.events.find((e) => e.type === 'policy')).toMatchObject({
      verdict: 'blocked',
      subjectId: call!.id,
    });
  });

  it("decides each call in its own environment, not the session's first, and records it in a session of that environment", async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const update = {
      ...base,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'psql -c "UPDATE orders SET paid = true WHERE id = 7"' },
    };
    const hook = (payload: object, environment?: string) =>
      handleClaudeCodeHook(JSON.stringify(payload), {
        sink,
        policy,
        stateDir,
        ...(environment ? { resource: { environment } } : {}),
      });
    await hook({ ...base, hook_event_name: 'SessionStart', source: 'startup' });
    const inDevelopment = await hook({ ...update, tool_use_id: 'toolu_d1' });
    expect(inDevelopment).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    // The same session, later, with --environment production: a write there needs a reviewer,
    // and without a server to ask it is refused.
    const inProduction = await hook({ ...update, tool_use_id: 'toolu_p1' }, 'production');
    expect(JSON.parse(inProduction.stdout).hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(/sql-write-production/),
    });
    // A later call that names no environment is in the session's (development).
    const again = await hook({ ...update, tool_use_id: 'toolu_d2' });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe('');
    // A result goes where its attempt is, whatever environment its own hook names.
    await hook(
      {
        ...update,
        hook_event_name: 'PostToolUse',
        tool_use_id: 'toolu_d1',
        tool_response: { stdout: 'UPDATE 1', stderr: '' },
      },
      'production',
    );
    await hook({ ...base, hook_event_name: 'SessionEnd', reason: 'logout' });

    const starts = sink.events.filter((e) => e.type === 'lifecycle' && e.action === 'start');
    expect(starts.map((e) => e.type === 'lifecycle' && e.session?.resource.environment)).toEqual([
      'development',
      'production',
    ]);
    const [dev, prod] = starts.map((e) => e.sessionId);
    const of = (sessionId: string | undefined) =>
      sink.events.filter((e) => e.sessionId === sessionId).map((e) => e.type);
    expect(of(dev)).toEqual([
      'lifecycle',
      'tool_call',
      'query', // the SQL its command line gives psql, with its tables
      'policy',
      'tool_call',
      'query',
      'policy',
      'tool_call', // toolu_d1's result
      'lifecycle',
    ]);
    expect(of(prod)).toEqual(['lifecycle', 'tool_call', 'query', 'policy', 'lifecycle']);
    const prodVerdict = sink.events.find((e) => e.sessionId === prod && e.type === 'policy');
    expect(prodVerdict).toMatchObject({ verdict: 'blocked', rule: 'sql-write-production' });
    for (const s of starts)
      expect(s).toMatchObject({ session: { labels: { 'claude.session': base.session_id } } });
    for (const id of [dev, prod])
      expect(sink.events.filter((e) => e.sessionId === id).map((e) => e.seq)).toEqual(
        of(id).map((_, i) => i),
      );
  });

  it('fails closed in production when the hook itself fails: exit 2 with the reason, never exit 1', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const pre = JSON.stringify({
      ...base,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_f',
      tool_input: { command: 'ls' },
    });
    const truncated = pre.slice(0, 60);
    const production = { environment: 'production' };
    const sink = new MemorySink();

    const bad = await handleClaudeCodeHook(truncated, {
      sink,
      policy,
      stateDir,
      resource: production,
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      /^auditlane hook failed, so the tool call is refused \(fail-closed\): the input is not a hook event \(JSON expected\)/,
    );
    // Whole JSON that does not say which tool, or with what, cannot be decided on either.
    for (const partial of [
      { ...base, hook_event_name: 'PreToolUse', tool_input: { command: 'ls' } },
      { ...base, hook_event_name: 'PreToolUse', tool_name: 'mcp__postgres__query' },
    ]) {
      const answer = await handleClaudeCodeHook(JSON.stringify(partial), {
        sink,
        policy,
        stateDir,
        resource: production,
      });
      expect(answer.exitCode).toBe(2);
      expect(answer.stderr).toMatch(/refused \(fail-closed\): PreToolUse: tool_(name|input)/);
    }
    // Elsewhere: a warning, and the call is not refused.
    const dev = await handleClaudeCodeHook(truncated, { sink, policy, stateDir });
    expect(dev.exitCode).toBe(1);
    expect(dev.stderr).toMatch(/the input is not a hook event.*fails open/);
    // A policy that says onError: closed refuses in development too.
    const strict = await Policy.create({ onError: 'closed' });
    expect(
      (await handleClaudeCodeHook(truncated, { sink, policy: strict, stateDir })).exitCode,
    ).toBe(2);
    // A policy file that does not load.
    const noPolicy = await handleClaudeCodeHook(pre, {
      sink,
      policy: () => Policy.fromFile(join(stateDir, 'missing.yaml')),
      stateDir,
      resource: production,
    });
    expect(noPolicy.exitCode).toBe(2);
    expect(noPolicy.stderr).toMatch(/refused \(fail-closed\): .*missing\.yaml/);
    // A sink that cannot open.
    const noSink = await handleClaudeCodeHook(pre, {
      sink: () => {
        throw new Error("EACCES: permission denied, mkdir '/var/lib/auditlane/spool'");
      },
      policy,
      stateDir,
      resource: production,
    });
    expect(noSink.exitCode).toBe(2);
    expect(noSink.stderr).toMatch(/refused \(fail-closed\): EACCES/);
    expect(sink.events).toEqual([]);
  });

  it('refuses a call in production that it cannot put on the record (a full disk), and warns elsewhere', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const pre = (id: string) =>
      JSON.stringify({
        ...base,
        session_id: `${base.session_id}-${id}`,
        hook_event_name: 'PreToolUse',
        tool_name: 'Read',
        tool_use_id: id,
        tool_input: { file_path: '/srv/app/README.md' },
      });
    // /dev/full: every write fails with ENOSPC.
    const full = await handleClaudeCodeHook(pre('p'), {
      sink: () => new FileSink('/dev/full'),
      policy,
      stateDir,
      resource: { environment: 'production' },
    });
    // Refused: the recording rule (production: required) blocks it, the error beside it.
    expect(full.exitCode).toBe(0);
    expect(JSON.parse(full.stdout).hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(/recording is required .*\(fail-closed\)/),
    });
    expect(full.stderr).toMatch(/ENOSPC/);
    const dev = await handleClaudeCodeHook(pre('d'), {
      sink: () => new FileSink('/dev/full'),
      policy,
      stateDir,
    });
    expect(dev.exitCode).toBe(1);
    expect(dev.stderr).toMatch(/ENOSPC.*fails open: the call is not refused/);
  });

  it('does not let a production call run when nothing can keep its events (recording is required there)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const pre = JSON.stringify({
      ...base,
      hook_event_name: 'PreToolUse',
      tool_name: 'Read',
      tool_use_id: 'toolu_r',
      tool_input: { file_path: '/srv/app/README.md' },
    });
    const production = await handleClaudeCodeHook(pre, {
      sink: new DiscardSink(),
      policy,
      stateDir,
      resource: { environment: 'production' },
    });
    expect(production.exitCode).toBe(2);
    expect(production.stderr).toMatch(/refused \(fail-closed\): .*recording is required/);
    // Outside production recording is optional: the call goes ahead.
    const dev = await handleClaudeCodeHook(pre.replace(base.session_id, `${base.session_id}-d`), {
      sink: new DiscardSink(),
      policy,
      stateDir,
    });
    expect(dev).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it("carries on a session whose state the previous version wrote, a call's masked output included", async () => {
    const sink = new MemorySink();
    const stateDir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const start = {
      actor: { type: 'agent', id: 'claude-code', agent: { name: 'Claude Code' } },
      resource: { name: 'app', type: 'application', environment: 'production' },
      mode: 'agent',
      labels: { 'claude.session': base.session_id },
    };
    writeFileSync(
      join(stateDir, `${base.session_id}.json`),
      JSON.stringify({
        sessionId: 'sess_01JD0000000000000000000000',
        seq: 7,
        start,
        calls: {
          toolu_env: {
            subjectId: 'evt_01JD0000000000000000000000',
            maskOutput: true,
            rule: 'environment-dump',
          },
        },
      }),
    );
    await handleClaudeCodeHook(
      JSON.stringify({
        ...base,
        hook_event_name: 'PostToolUse',
        tool_name: 'Bash',
        tool_use_id: 'toolu_env',
        tool_input: { command: 'env' },
        tool_response: {
          stdout: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
        },
      }),
      { sink, policy, stateDir, resource: { environment: 'production' } },
    );
    expect(sink.events[0]).toMatchObject({
      type: 'tool_call',
      sessionId: 'sess_01JD0000000000000000000000',
      seq: 7,
      callId: 'toolu_env',
      output: '[output not recorded]',
    });
    expect(JSON.stringify(sink.events)).not.toContain('wJalrXUtnFEMI');
  });

  it("the README's settings.json registers the hook for every event it records, every tool, within the review wait", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Claude Code'));
    const snippet = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const settings = JSON.parse(snippet) as {
      hooks: Record<
        string,
        { matcher?: string; hooks: { type: string; command: string; timeout?: number }[] }[]
      >;
    };
    expect(Object.keys(settings.hooks).sort()).toEqual([...CLAUDE_CODE_HOOK_EVENTS].sort());
    for (const [event, groups] of Object.entries(settings.hooks))
      for (const group of groups) {
        if (event.includes('ToolUse')) expect(group.matcher).toBe('*');
        for (const h of group.hooks)
          expect(h).toMatchObject({ type: 'command', command: 'auditlane hook' });
      }
    const pre = settings.hooks.PreToolUse![0]!.hooks[0]!;
    expect(pre.timeout! * 1000).toBeGreaterThan(HOOK_REVIEW_TIMEOUT_MS);
  });
});
