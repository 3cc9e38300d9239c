import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import { createClient, type EventInput, type StoredEvent } from '@auditlane/client';
import { SqliteStore, startServer } from '@auditlane/server';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as api from '../src/index';
import {
  ActionBlockedError,
  HttpSink,
  handleClaudeCodeHook,
  instrumentNetwork,
  instrumentPg,
  instrumentSqlite,
  MemorySink,
  Policy,
  RecordedSession,
  Recorder,
  recordTerminal,
  runCommand,
  type Sink,
  wrapAnthropic,
  wrapOpenAI,
  wrapTool,
} from '../src/index';

// A host that records secrets through every public method of the package: none of them reaches
// the sink, the spool, the server's database files or its API. The lists below are checked
// against the package's exports and the classes' methods, so a method added later without a
// case here fails this test until it is shown to mask.

// Published formats with random bodies (not documentation examples, which are not secrets);
// the password only where it can be told apart: after PGPASSWORD=, under a sensitive name.
const AWS = 'AKIAZ7QW3RT5YU2IOP4M';
const GITHUB = 'ghp_R7fK2mQ9xW4pL8sT1vN6bY3cH5jD0gE2aZ4u';
const PGPASS = 'Zq8vR3pLw9Tx';
const SECRETS = [AWS, GITHUB, PGPASS];
const EXPORT_PG = `export PGPASSWORD=${PGPASS}`;

/** The first window of 8 characters of a secret found in `text`, if any (a leaked part). */
function leak(text: string): string | undefined {
  for (const secret of SECRETS)
    for (let i = 0; i + 8 <= secret.length; i++) {
      const part = secret.slice(i, i + 8);
      if (text.includes(part)) return `${secret} (${part})`;
    }
  return undefined;
}

const human = { type: 'human' as const, id: 'u_alice' };
const dev = { name: 'scratch', type: 'ssh' as const, environment: 'development' };
const prod = { name: 'billing-db', type: 'database' as const, environment: 'production' };

interface Ctx {
  recorder: Recorder;
  session: RecordedSession;
  sink: Sink;
  policy: Policy;
  /** Events recorded so far (MemorySink) or undefined (a server: checked at the end). */
  events: () => EventInput[] | undefined;
}

type Case = (ctx: Ctx) => Promise<void> | void;

/** Every public method of RecordedSession: how it records a secret, or why it records nothing. */
const SESSION_METHODS: Record<string, Case | string> = {
  command: ({ session }) => {
    session.command({
      text: `${EXPORT_PG}; curl -H "Authorization: token ${GITHUB}" https://api.example`,
      cwd: `/home/alice/${AWS}`,
      output: `AWS_ACCESS_KEY_ID=${AWS}\n`,
      exitCode: 0,
    });
  },
  query: ({ session }) => {
    session.query({
      sql: `SELECT * FROM keys WHERE key = '${AWS}'`,
      params: [GITHUB, { password: PGPASS }],
      columns: [{ name: 'note' }, { name: 'pgpassword' }],
      rows: [[`token ${GITHUB}`, PGPASS]],
      error: `ERROR: bad key ${AWS}`,
      rowCount: 1,
    });
  },
  toolCall: ({ session }) => {
    session.toolCall({
      tool: 'Bash',
      callId: 'toolu_01',
      input: { command: EXPORT_PG, env: { GITHUB_TOKEN: GITHUB } },
      output: { stdout: `key ${AWS}` },
      error: `failed with ${GITHUB}`,
    });
  },
  file: ({ session }) => {
    session.file({ path: `/srv/app/keys/${AWS}.pem`, operation: 'read', bytes: 10 });
  },
  outbound: ({ session }) => {
    session.outbound({
      protocol: 'https',
      host: 'api.example.test',
      method: 'POST',
      url: `https://api.example.test/v1/push?token=${GITHUB}&key=${AWS}`,
    });
  },
  llmCall: ({ session }) => {
    session.llmCall({
      model: `claude ${AWS}`,
      provider: GITHUB,
      inputTokens: 1,
      outputTokens: 1,
      error: `401 invalid x-api-key ${GITHUB}`,
    });
  },
  terminal: ({ session }) => {
    // Output in pieces that cut the secrets apart, keystrokes one key at a time.
    const screen = `$ ${EXPORT_PG}\r\nkey ${AWS} token ${GITHUB}\r\n`;
    for (let i = 0; i < screen.length; i += 5) session.terminal('o', screen.slice(i, i + 5), i);
    for (const key of `${EXPORT_PG}\r`) session.terminal('i', key, 100);
    session.terminal('r', '80x24', 0, { command: `env PGPASSWORD=${PGPASS} psql --key ${AWS}` });
    session.terminal('m', `marker ${GITHUB}`, 200);
    // Held until the next output, a flush or the end (ends with a space: a key run into the next
    // word is not one the detectors tell apart).
    session.terminal('o', `unfinished line ${AWS} `, 300);
  },
  output: ({ session }) => {
    session.output(`prompt> ${EXPORT_PG}`, 400);
    session.output(` and ${GITHUB}\r\n`, 401);
  },
  mark: ({ session }) => {
    session.mark(`deploy with ${AWS}`, 500);
  },
  authorize: async ({ recorder }) => {
    // Refused in production (a parser's reason quotes the statement): the verdict is masked,
    // and a reviewer on the server sees the statement masked.
    const s = recorder.session({ resource: prod, reason: `ticket ${AWS}` });
    await s.authorize({ kind: 'sql', text: `UPDATE keys SET k = '${GITHUB}' WHERE id = 1` });
    await s.authorize({ kind: 'sql', text: `SELECT 1 '${AWS}'` }); // quoted by the parser
    await s.authorize({ kind: 'command', text: `rm -rf / ${GITHUB}` });
    await s.authorize({ kind: 'tool', tool: 'Bash', input: { command: `${EXPORT_PG} rm -rf /` } });
    s.end({ reason: `done ${EXPORT_PG}` });
  },
  authorizeSync: ({ recorder, policy }) => {
    const s = recorder.session({ resource: prod });
    s.authorizeSync({ kind: 'sql', text: `DELETE FROM keys WHERE k = '${AWS}'` }, policy);
    s.authorizeSync({ kind: 'sql', text: `SELECT 1 '${GITHUB}'` }, policy);
    s.end();
  },
  verdict: ({ session }) => {
    const id = session.toolCall({ tool: 'Bash', input: { command: 'ls' } });
    session.verdict(id, 'blocked', {
      rule: `rule-${AWS}`,
      reason: `because ${EXPORT_PG}`,
      reviewer: GITHUB,
    });
  },
  end: ({ recorder }) => {
    recorder.session().end({ reason: `stopped, ${EXPORT_PG}`, exitCode: 1 });
  },
  run: 'runs a function with the session current: records nothing itself',
  onRevoke: 'registers a listener',
  nextSeq: 'a getter',
  scope: 'a getter',
  revokedByServer: 'a getter',
};

/** Every public method of Recorder. */
const RECORDER_METHODS: Record<string, Case | string> = {
  session: ({ recorder }) => {
    const s = recorder.session({
      reason: `break-glass with ${AWS}`,
      labels: { ticket: GITHUB, pgpassword: PGPASS },
      endpoint: `10.0.0.1 ${AWS}`,
    });
    s.end();
  },
  policy: 'loads the policy',
  analyzers: 'loads the parsers',
  now: 'the clock',
  current: 'the current session',
  run: 'runs a function with a session current',
  flush: 'delivers what was recorded',
  close: 'closes the sink',
};

/** Every runtime export of the package: a case if it records, or why it records nothing. */
const EXPORTS: Record<string, Case | string> = {
  createRecorder: ({ sink }) => {
    const r = api.createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    r.session({ reason: `via createRecorder ${AWS}` }).command({ text: `echo ${GITHUB}` });
  },
  Recorder: 'its methods are checked one by one (RECORDER_METHODS)',
  RecordedSession: 'its methods are checked one by one (SESSION_METHODS)',
  wrapTool: async ({ recorder, session }) => {
    const bash = wrapTool(recorder, 'Bash', async (input: { command: string }) => {
      if (input.command.startsWith('fail')) throw new Error(`exit 1: ${GITHUB}`);
      return { stdout: `AWS_ACCESS_KEY_ID=${AWS}` };
    });
    await session.run(async () => {
      await bash({ command: `${EXPORT_PG}; aws s3 ls` });
      await bash({ command: `fail ${AWS}` }).catch(() => {});
      const blocked = await bash({ command: `psql -c "DROP TABLE keys" # ${GITHUB}` }).catch(
        (e) => e,
      );
      expect(blocked).toBeInstanceOf(ActionBlockedError);
    });
  },
  runCommand: async ({ recorder, session }) => {
    await runCommand(recorder, `echo ${AWS}; echo "${EXPORT_PG}" >&2`, { session });
    // Its files and hosts (file and outbound events) are masked too.
    await runCommand(
      recorder,
      `true https://u:${PGPASS}@api.example.com/x?k=${GITHUB} > /tmp/${AWS}.log`,
      { session },
    );
    const blocked = await runCommand(recorder, `rm -rf / # ${GITHUB}`, { session }).catch((e) => e);
    expect(blocked).toBeInstanceOf(ActionBlockedError);
  },
  recordTerminal: async ({ recorder, session }) => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    stdout.resume();
    const done = recordTerminal(recorder, {
      session,
      command: '/bin/bash',
      args: ['--norc', '--noprofile', '-i'],
      env: { PATH: process.env.PATH, PS1: '$ ', TERM: 'xterm-256color', GH: GITHUB },
      stdin,
      stdout,
      recordInput: true,
      flushMs: 5,
    });
    // Typed one key at a time; printed by the shell.
    for (const key of `${EXPORT_PG}; echo "key ${AWS}"; echo "$GH"\r`) {
      stdin.write(key);
      await new Promise((r) => setTimeout(r, 2));
    }
    stdin.write('exit 0\r');
    expect((await done).exitCode).toBe(0);
    const blocked = await recordTerminal(recorder, {
      session,
      command: 'rm',
      args: ['-rf', '/', GITHUB],
      stdin: new PassThrough(),
      stdout,
    }).catch((e) => e);
    expect(blocked).toBeInstanceOf(ActionBlockedError);
  },
  instrumentPg: async ({ recorder, session }) => {
    const pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 1 });
    try {
      instrumentPg(recorder, pool);
      await session.run(async () => {
        await pool.query(`SELECT '${AWS}' AS note, $1::text AS pgpassword`, [EXPORT_PG]);
        await pool.query(`SELECT * FROM "${GITHUB}"`).catch(() => {});
      });
    } finally {
      await pool.end();
    }
  },
  instrumentSqlite: async ({ recorder, session }) => {
    const db = await instrumentSqlite(recorder, new Database(':memory:'));
    session.run(() => {
      db.prepare(`SELECT '${AWS}' AS note, ? AS token`).all(GITHUB);
      expect(() => db.exec(`SELEC '${EXPORT_PG}'`)).toThrow();
    });
  },
  handleClaudeCodeHook: async ({ sink, policy }) => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hook-state-'));
    const base = { session_id: `claude-${Math.random()}`, cwd: '/work/app' };
    const call = { tool_name: 'Bash', tool_use_id: 'toolu_9' };
    const input = { command: `${EXPORT_PG}; git push https://x:${GITHUB}@github.com/a/b` };
    const hook = (payload: object) =>
      handleClaudeCodeHook(JSON.stringify({ ...base, ...payload }), { sink, policy, stateDir });
    await hook({ hook_event_name: 'SessionStart' });
    await hook({ hook_event_name: 'PreToolUse', ...call, tool_input: input });
    await hook({
      hook_event_name: 'PostToolUse',
      ...call,
      tool_input: input,
      tool_response: { stdout: `AWS_ACCESS_KEY_ID=${AWS}` },
    });
    await hook({
      hook_event_name: 'PostToolUseFailure',
      ...call,
      tool_input: input,
      error: `denied: ${AWS}`,
    });
    // What the tools name, as file and outbound events.
    await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'WebFetch',
      tool_use_id: 'toolu_10',
      tool_input: { url: `https://api.example.com/${AWS}?page=${GITHUB}`, prompt: 'read' },
    });
    await hook({
      hook_event_name: 'PreToolUse',
      tool_name: 'Read',
      tool_use_id: 'toolu_11',
      tool_input: { file_path: `/home/alice/${GITHUB}/notes.md` },
    });
    await hook({ hook_event_name: 'SessionEnd', reason: `bye ${GITHUB}` });
  },
  // The SDKs' own fetch option answers: a message naming a model with a secret, an error with one.
  wrapAnthropic: async ({ recorder, session }) => {
    const body = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [],
      model: `claude-${AWS}`,
    };
    const anthropic = wrapAnthropic(
      recorder,
      new Anthropic({
        apiKey: 'x',
        maxRetries: 0,
        fetch: async () =>
          new Response(JSON.stringify({ ...body, usage: { input_tokens: 1, output_tokens: 1 } }), {
            headers: { 'content-type': 'application/json' },
          }),
      }),
      { session },
    );
    await anthropic.messages.create({ model: 'claude-x', max_tokens: 1, messages: [] });
  },
  wrapOpenAI: async ({ recorder, session }) => {
    const openai = wrapOpenAI(
      recorder,
      new OpenAI({
        apiKey: 'x',
        maxRetries: 0,
        fetch: async () =>
          new Response(
            JSON.stringify({ error: { message: `Incorrect API key provided: ${GITHUB}` } }),
            {
              status: 401,
              headers: { 'content-type': 'application/json' },
            },
          ),
      }),
      { session },
    );
    await openai.chat.completions
      .create({ model: `gpt-${AWS}`, messages: [] })
      .catch(() => undefined);
  },
  costUsd: 'computes; records nothing',
  findModelPrices: 'data',
  PRICES_SOURCE: 'data',
  instrumentNetwork: async ({ recorder, session }) => {
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const uninstall = instrumentNetwork(recorder, { session });
    try {
      await (await fetch(`http://127.0.0.1:${port}/${AWS}?page=${GITHUB}`)).text();
    } finally {
      uninstall();
      await new Promise((r) => server.close(r));
    }
  },
  commandFacts: 'reads a command line; records nothing',
  // The sinks are where events go: they write what the recorder gives them.
  HttpSink: 'a sink (the destination checked here)',
  FileSink: 'a sink',
  DiscardSink: 'a sink that keeps nothing',
  RecordingRequiredError: 'an error class',
  recordingRuleSchema: 'a schema',
  MemorySink: 'a sink (the destination checked here)',
  // Masking, policy and their parts: they decide, and record nothing.
  Masker: 'masks; records nothing',
  MaskTally: 'counts; records nothing',
  StreamMasker: 'masks; records nothing',
  DEFAULT_DETECTORS: 'data',
  luhn: 'a check digit',
  ibanValid: 'a check digit',
  Policy: 'decides; records nothing',
  PolicyFileError: 'an error class',
  DEFAULT_RULES: 'data',
  DEFAULT_RULE_SET: 'data',
  SHELL_ACTIONS: 'data',
  SIDE_EFFECT_FUNCTIONS: 'data',
  SQL_ACTIONS: 'data',
  ShellAnalyzer: 'parses',
  SqlAnalyzer: 'parses',
  SqlParseError: 'an error class',
  FIELD_MASKING: 'data: how each field is masked',
  ActionBlockedError: 'an error class',
  ToolBlockedError: 'an error class',
  QueryBlockedError: 'an error class',
  CommandBlockedError: 'an error class',
};

function publicMethods(cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype)
    .filter((name) => name !== 'constructor')
    .sort();
}

const ALL_CASES = (): [string, Case][] =>
  [
    ...Object.entries(SESSION_METHODS).map(([k, v]) => [`RecordedSession.${k}`, v] as const),
    ...Object.entries(RECORDER_METHODS).map(([k, v]) => [`Recorder.${k}`, v] as const),
    ...Object.entries(EXPORTS),
  ].filter((entry): entry is [string, Case] => typeof entry[1] === 'function');

let policy: Policy;
beforeAll(async () => {
  policy = await Policy.create();
});

describe('every public path that records masks', () => {
  it('has a case for every export and every public method (a new one needs a case here)', () => {
    expect(Object.keys(api).sort()).toEqual(Object.keys(EXPORTS).sort());
    expect(publicMethods(RecordedSession)).toEqual(Object.keys(SESSION_METHODS).sort());
    expect(publicMethods(Recorder)).toEqual(Object.keys(RECORDER_METHODS).sort());
  });

  it('records secrets given to every public method without any of them reaching the sink', async () => {
    const sink = new MemorySink();
    const errors: Error[] = [];
    const recorder = new Recorder({
      sink,
      policy,
      meta: { actor: human, resource: dev },
      onError: (e) => errors.push(e),
    });
    const session = recorder.session({ recorded: true });
    for (const [name, run] of ALL_CASES()) {
      const before = sink.events.length;
      await run({ recorder, session, sink, policy, events: () => sink.events });
      await recorder.flush();
      const added = sink.events.slice(before);
      // Each case did record, and what it recorded holds no part of a secret.
      expect(added.length, `${name} recorded nothing`).toBeGreaterThan(0);
      expect(leak(JSON.stringify(added)), `${name} leaked`).toBeUndefined();
    }
    session.end({ reason: `end ${AWS}` });
    await recorder.close();
    expect(leak(JSON.stringify(sink.events))).toBeUndefined();
    // Masking happened (it is counted), and the secrets were really given (the held line too).
    expect(sink.events.filter((e) => e.type === 'masking').length).toBeGreaterThan(20);
    // Files and hosts seen in commands, tool calls and requests were recorded (masked).
    const seenIn = (type: string) =>
      sink.events.filter((e) => e.type === type && (e as { subjectId?: string }).subjectId);
    expect(seenIn('file').length).toBeGreaterThanOrEqual(2);
    expect(sink.events.filter((e) => e.type === 'outbound').length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(sink.events)).toContain('unfinished line ****');
    expect(errors.map((e) => e.message).join('\n')).not.toMatch(/not recorded: masking/);
  });

  it('leaves no part of them in the spool, the server database files or the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-masking-'));
    const store = new SqliteStore({ filename: join(dir, 'server.db') });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'all',
      permissions: ['ingest', 'view_history', 'review', 'view_recording'],
    });
    const server = await startServer({ store, port: 0 });
    const client = createClient({ baseUrl: server.url, token, retries: 0 });
    const spool = join(dir, 'spool');
    const sink = new HttpSink({ client, spool, batchMs: 10, onError: () => {} });
    const recorder = new Recorder({
      sink,
      policy,
      reviews: client,
      reviewTimeoutMs: 1_000,
      meta: { actor: human, resource: dev },
      onError: () => {},
    });
    const session = recorder.session({ recorded: true });
    const spoolBytes: string[] = [];
    const readSpool = () => {
      for (const d of readdirSync(spool))
        for (const f of readdirSync(join(spool, d)))
          if (statSync(join(spool, d, f)).isFile())
            spoolBytes.push(readFileSync(join(spool, d, f), 'latin1'));
    };
    for (const [, run] of ALL_CASES()) {
      await run({ recorder, session, sink, policy, events: () => undefined });
      readSpool(); // before delivery deletes what was delivered
    }
    session.end();
    await recorder.flush({ timeoutMs: 20_000 });
    readSpool();
    await recorder.close();
    const events: StoredEvent[] = [];
    for await (const s of client.sessions.list())
      for await (const e of client.sessions.events.list(s.id)) events.push(e);
    expect(events.length).toBeGreaterThan(50);
    for (const e of events) expect(leak(JSON.stringify(e)), JSON.stringify(e)).toBeUndefined();
    const reviews = [];
    for await (const r of client.reviews.list()) reviews.push(r);
    expect(JSON.stringify(reviews)).toContain('UPDATE keys');
    expect(leak(JSON.stringify(reviews))).toBeUndefined();
    await server.close();
    await store.close();
    expect(spoolBytes.join('').length).toBeGreaterThan(10_000);
    expect(leak(spoolBytes.join('\n'))).toBeUndefined();
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('server.db'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('\n');
    expect(files).toContain(session.id);
    expect(leak(files)).toBeUndefined();
  });
});
