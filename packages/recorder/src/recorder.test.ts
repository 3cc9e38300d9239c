import type { EventInput, SessionStartInput } from '@auditlane/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { ToolBlockedError, wrapTool } from './instrument/agent';
import { ActionBlockedError, CommandBlockedError } from './instrument/blocked';
import { runCommand } from './instrument/exec';
import { recordTerminal } from './instrument/pty';
import { instrumentSqlite } from './instrument/sql';
import { Policy } from './policy/policy';
import { createRecorder } from './recorder';
import { MemorySink } from './sinks/sink';

const human = { type: 'human' as const, id: 'u_alice', email: 'alice@acme.test' };
const agent = { type: 'agent' as const, id: 'claude-code', agent: { name: 'Claude Code' } };
const dev = { name: 'scratch', type: 'ssh' as const, environment: 'development' };
const prod = { name: 'billing-db', type: 'database' as const, environment: 'production' };

let policy: Policy;
beforeAll(async () => {
  policy = await Policy.create();
});

function setup(meta: Partial<SessionStartInput> = { actor: human, resource: dev }) {
  const sink = new MemorySink();
  const errors: Error[] = [];
  const recorder = createRecorder({ sink, policy, meta, onError: (e) => errors.push(e) });
  return { sink, recorder, errors };
}

const types = (events: EventInput[]) => events.map((e) => e.type);

describe('sessions', () => {
  it('records a start, events in seq order with ids and times, and an end', () => {
    const { sink, recorder } = setup();
    const s = recorder.session({ labels: { ticket: 'OPS-1' } });
    s.command({ text: 'ls', exitCode: 0, output: 'a b\n' });
    s.llmCall({ model: 'claude-sonnet', inputTokens: 10, outputTokens: 5 });
    s.end({ exitCode: 0 });
    s.command({ text: 'after end' });
    expect(types(sink.events)).toEqual(['lifecycle', 'command', 'llm_call', 'lifecycle']);
    expect(sink.events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(new Set(sink.events.map((e) => e.id)).size).toBe(4);
    expect(sink.events[0]).toMatchObject({
      action: 'start',
      sessionId: s.id,
      session: { actor: human, resource: dev, labels: { ticket: 'OPS-1' } },
    });
  });

  it("keeps a host's own ids, and replaces one that holds a secret", () => {
    const { sink, recorder, errors } = setup();
    const key = 'AKIAZ7QW3RT5YU2IOP4M';
    const resumed = recorder.session({}, { id: 'sess_01M8RQTJX95ZZAJQGJHBVFQSR2', resumeAt: 3 });
    expect(resumed.id).toBe('sess_01M8RQTJX95ZZAJQGJHBVFQSR2');
    const s = recorder.session({}, { id: `sess.${key}` });
    expect(s.id).not.toContain(key);
    expect(s.command({ text: 'ls', id: 'evt_mine-1' })).toBe('evt_mine-1');
    const replaced = s.command({ text: 'ls', id: `evt.${key}` });
    expect(replaced).not.toContain(key);
    expect(JSON.stringify(sink.events)).not.toContain(key);
    expect(errors.map((e) => e.message)).toEqual([
      'a session id looked like a secret: a new id was given instead',
      'an event id looked like a secret: a new id was given instead',
    ]);
  });

  it('carries the current session through async code', async () => {
    const { recorder } = setup();
    const a = recorder.session();
    const b = recorder.session();
    const seen: (string | undefined)[] = [];
    const work = async () => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(recorder.current()?.id);
    };
    await Promise.all([a.run(work), b.run(work), work()]);
    expect(seen.sort()).toEqual([a.id, b.id, undefined].sort());
  });

  it('masks before the sink and counts what it masked on a masking event', () => {
    const { sink, recorder } = setup();
    const s = recorder.session();
    const id = s.query({
      sql: "SELECT id, email, note FROM users WHERE token = 'ghp_R8vK2mQ7xL4nT9wB3cF6hJ1pD5sG0aZ2yE8u'",
      columns: [{ name: 'id' }, { name: 'email' }, { name: 'note' }],
      rows: [
        [1, 'a@acme.test', 'card 4111 1111 1111 1111'],
        [2, 'b@acme.test', 'ok'],
      ],
      rowCount: 2,
    });
    const [query, masking] = sink.events.slice(1) as [EventInput & { type: 'query' }, EventInput];
    expect(JSON.stringify(query)).not.toMatch(/ghp_R8|@acme\.test|4111 1111/);
    expect(query.rows).toEqual([
      [1, '****', 'card *******************'],
      [2, '****', 'ok'],
    ]);
    expect(masking).toMatchObject({ type: 'masking', subjectId: id, count: 4 });
    expect((masking as { fields: string[] }).fields.sort()).toEqual([
      'card_number',
      'email',
      'github-pat',
    ]);
  });

  it('records files and outbound connections with every text field masked', () => {
    const { sink, recorder } = setup();
    const s = recorder.session();
    const token = 'ghp_R8vK2mQ7xL4nT9wB3cF6hJ1pD5sG0aZ2yE8u';
    s.file({ path: `/srv/app/.env.${token}`, operation: 'read', bytes: 120 });
    s.outbound({
      protocol: 'https',
      host: 'api.example.test',
      method: 'GET',
      url: `https://api.example.test/v1/items?access_token=${token}`,
      status: 200,
    });
    const [file, , outbound] = sink.events.slice(1);
    expect(JSON.stringify(sink.events)).not.toContain('R8vK2mQ7xL4nT9wB3cF6hJ1pD5sG0aZ2yE8u');
    expect(file).toMatchObject({ type: 'file', operation: 'read', bytes: 120 });
    expect(outbound).toMatchObject({ type: 'outbound', host: 'api.example.test', status: 200 });
    expect(types(sink.events)).toEqual(['lifecycle', 'file', 'masking', 'outbound', 'masking']);
  });
});

describe('policy before actions', () => {
  it('blocks a tool call of an agent and records the verdict and the refused call', async () => {
    const { sink, recorder } = setup({ actor: agent, resource: dev });
    const s = recorder.session({ mode: 'agent' });
    let ran = false;
    const bash = wrapTool(recorder, 'Bash', async (input: { command: string }) => {
      ran = true;
      return { stdout: input.command };
    });
    const e = await s
      .run(() => bash({ command: 'psql -c "DROP TABLE customers"' }))
      .catch((x) => x);
    expect(e).toBeInstanceOf(ToolBlockedError);
    expect(ran).toBe(false);
    expect(await s.run(() => bash({ command: 'ls' }))).toEqual({ stdout: 'ls' });
    const policyEvent = sink.events.find((x) => x.type === 'policy') as {
      subjectId: string;
      verdict: string;
      rule: string;
    };
    expect(policyEvent).toMatchObject({ verdict: 'blocked', rule: 'sql-drop' });
    const calls = sink.events.filter((x) => x.type === 'tool_call') as {
      id: string;
      error?: string;
      output?: unknown;
    }[];
    expect(calls[0]).toMatchObject({
      id: policyEvent.subjectId,
      error: expect.stringMatching(/^blocked: DROP/),
    });
    expect(calls[1]).toMatchObject({ output: { stdout: 'ls' } });
  });

  it('runs allowed commands with their output and exit code, and refuses blocked ones without running', async () => {
    const { sink, recorder } = setup();
    const s = recorder.session();
    const ok = await s.run(() =>
      runCommand(recorder, 'echo hi; echo "token=abc123secret" >&2; exit 3'),
    );
    expect(ok).toMatchObject({ exitCode: 3, stdout: 'hi\n' });
    const blocked = await runCommand(recorder, 'rm -rf /', { session: s }).catch((e) => e);
    expect(blocked).toBeInstanceOf(CommandBlockedError);
    expect(blocked).toMatchObject({
      kind: 'command',
      reason: expect.stringMatching(/recursive delete/),
    });
    const commands = sink.events.filter((x) => x.type === 'command') as {
      text: string;
      exitCode: number | null;
      output?: string;
    }[];
    expect(commands[0]).toMatchObject({
      text: 'echo hi; echo "token=************" >&2; exit 3',
      exitCode: 3,
    });
    expect(commands[0]!.output).toContain('hi\n');
    expect(commands[0]!.output).not.toContain('abc123secret');
    expect(commands[1]).toMatchObject({ text: 'rm -rf /', exitCode: null });
  });

  it('keeps the output of a command the policy masks', async () => {
    const { sink, recorder } = setup();
    const s = recorder.session();
    await runCommand(recorder, 'printenv', {
      session: s,
      env: { SECRET_THING: 'x1', PATH: process.env.PATH },
    });
    const command = sink.events.find((x) => x.type === 'command') as { output: string };
    expect(command.output).toMatch(/^\[output not recorded: prints the environment/);
    expect(sink.events.at(-1)).toMatchObject({ type: 'masking', fields: ['environment-dump'] });
  });

  it('decides on an attempt recorded before asking, under its own id', async () => {
    const { sink, recorder } = setup({ actor: agent, resource: dev });
    const s = recorder.session({ mode: 'agent' });
    const input = { command: 'psql -c "DROP TABLE customers"' };
    const attempt = s.toolCall({ tool: 'Bash', input });
    const auth = await s.authorize({ kind: 'tool', tool: 'Bash', input }, { subjectId: attempt });
    expect(auth).toMatchObject({ allowed: false, subjectId: attempt });
    expect(sink.events.at(-1)).toMatchObject({
      type: 'policy',
      subjectId: attempt,
      verdict: 'blocked',
    });
    const later = s.authorizeSync({ kind: 'sql', text: 'SELECT 1' }, undefined, {
      subjectId: 'evt_mine',
    });
    expect(later).toMatchObject({ allowed: true, subjectId: 'evt_mine' });
  });

  it('blocks a review verdict when no server can decide it', async () => {
    const { sink, recorder } = setup({ actor: human, resource: prod });
    const s = recorder.session();
    const auth = await s.authorize({
      kind: 'sql',
      text: 'UPDATE accounts SET plan = 2 WHERE id = 1',
    });
    expect(auth.allowed).toBe(false);
    expect(auth.reason).toMatch(/no server to ask/);
    expect(sink.events.at(-1)).toMatchObject({
      type: 'policy',
      verdict: 'blocked',
      rule: 'sql-write-production',
    });
  });
});

describe('one shape for every instrumentation', () => {
  it('each takes the recorder, records into options.session or the current session, and throws an ActionBlockedError for a refused action', async () => {
    const { sink, recorder } = setup({ actor: agent, resource: dev });
    const a = recorder.session();
    const b = recorder.session();
    const Database = (await import('better-sqlite3')).default;
    const db = await instrumentSqlite(recorder, new Database(':memory:'), { session: b });
    const tool = wrapTool(recorder, 'Bash', async (_input: { command: string }) => 'ran');
    const refused = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (error) {
        return error;
      }
      throw new Error('not refused');
    };
    const errors = await a.run(async () => [
      await refused(() => tool({ command: 'psql -c "DROP TABLE t"' })),
      await refused(() => runCommand(recorder, 'rm -rf /')),
      await refused(() => recordTerminal(recorder, { command: 'rm', args: ['-rf', '/'] })),
      // options.session wins over the current session.
      await refused(() => db.prepare('DROP TABLE IF EXISTS t').run()),
    ]);
    expect(
      errors.map((e) => e instanceof ActionBlockedError && (e as ActionBlockedError).kind),
    ).toEqual(['tool', 'command', 'command', 'sql']);
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'ToolBlockedError',
      'CommandBlockedError',
      'CommandBlockedError',
      'QueryBlockedError',
    ]);
    for (const e of errors) {
      const blocked = e as ActionBlockedError;
      // The refused action is on the record with its verdict, under the error's subjectId.
      const verdict = sink.events.find(
        (x) => x.type === 'policy' && (x as { subjectId?: string }).subjectId === blocked.subjectId,
      );
      expect(verdict).toMatchObject({ verdict: 'blocked', rule: blocked.rule });
    }
    const bySession = (id: string) =>
      sink.events.filter((x) => x.sessionId === id && x.type !== 'lifecycle').map((x) => x.type);
    expect(bySession(a.id)).toEqual([
      'policy',
      'tool_call',
      // The SQL the refused `psql -c "DROP TABLE t"` names, with its tables.
      'query',
      'policy',
      'command',
      // The refused `rm -rf /` names the root: on the record, pointing at the command.
      'file',
      'policy',
      'command',
      'file', // the same, refused by recordTerminal
    ]);
    expect(bySession(b.id)).toEqual(['policy', 'query']);
    // Without a session, an action asked for now is refused as a mistake; wrappers pass through.
    await expect(runCommand(recorder, 'true')).rejects.toThrow(/no session to record into/);
    expect(await tool({ command: 'ls' })).toBe('ran');
  });
});

describe('terminal data recorded by the session', () => {
  const out = (events: EventInput[]) =>
    events
      .filter((e) => e.type === 'terminal')
      .map((e) => `${(e as { code: string }).code}:${(e as { data: string }).data}`);

  it('masks output as a stream: a secret cut across chunks, a held line recorded after a pause, before a resize and at the end', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({
      sink,
      policy: false,
      meta: { actor: human, resource: dev },
      terminalFlushMs: 20,
    });
    const s = recorder.session();
    const key = 'AKIAZ7QW3RT5YU2IOP4M';
    s.terminal('o', `key ${key.slice(0, 9)}`, 1);
    expect(s.terminal('o', `${key.slice(9)} ok\r\n$ `, 2)).toBeDefined();
    // The prompt waits for its line's end, then for the pause.
    expect(out(sink.events)).toEqual([`o:key ${'*'.repeat(20)} ok\r\n`]);
    await new Promise((r) => setTimeout(r, 60));
    expect(out(sink.events).at(-1)).toBe('o:$ ');
    s.terminal('o', 'half a line', 3);
    s.terminal('r', '100x30', 4);
    s.terminal('o', ' and the rest', 5);
    s.end();
    expect(out(sink.events).slice(2)).toEqual(['o:half a line', 'r:100x30', 'o: and the rest']);
    expect(sink.events.at(-1)).toMatchObject({ type: 'lifecycle', action: 'end' });
    expect(JSON.stringify(sink.events)).not.toContain(key.slice(4, 12));
  });
});
