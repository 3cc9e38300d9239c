/**
 * The panel's data, really recorded: the recorder drives real things and delivers to the demo
 * server over HTTP, as it would in production.
 * - SQL on a real SQLite database: results with emails and card numbers masked, a DROP blocked,
 *   an UPDATE on the production database held for a reviewer, approved, then run.
 * - Real PTY sessions (bash in a pseudo-terminal): ls, git log, a full-screen program (less on a runbook),
 *   and a long one (thousands of colour log lines).
 * - An AI agent's tool calls through the Claude Code hook adapter, with the payloads Claude Code
 *   sends (PreToolUse / PostToolUse for Bash, Read, Edit); a dangerous one blocked.
 * - Several people, agents, hosts and keys, including an unknown actor on a shared CI key.
 * - An agent's `kubectl delete` left waiting in the reviews inbox (the demo process runs it
 *   once someone approves it in the panel).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { AuditlaneClient } from '@auditlane/client';
import { fingerprintSecret } from '@auditlane/client';
import {
  createRecorder,
  HttpSink,
  handleClaudeCodeHook,
  instrumentSqlite,
  Policy,
  QueryBlockedError,
  type RecordedSession,
  recordTerminal,
} from '@auditlane/recorder';
import Database from 'better-sqlite3';

export interface SeedOptions {
  url: string;
  /** A token with the ingest permission (the recorders'). */
  recorderToken: string;
  /** A client with that token: recorders ask for reviews and wait for decisions with it. */
  recorderClient: AuditlaneClient;
  /** A reviewer's client (approves the seeded UPDATE). */
  reviewer: AuditlaneClient;
  /** Where the demo's own databases live. */
  dataDir: string;
  log?: (line: string) => void;
}

const REPO = resolve(import.meta.dirname, '..', '..', '..');

export async function seed(options: SeedOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const sink = new HttpSink({ url: options.url, token: options.recorderToken, spool: false });
  const recorder = createRecorder({
    sink,
    reviews: options.recorderClient,
    onError: (error) => log(`recorder: ${error.message}`),
  });

  // The everyday sessions first, so the ones worth a look are the newest.
  log('seeding: people, services and keys at work');
  manySessions(recorder);
  log('seeding: SQL sessions on a real SQLite database');
  await sqlSessions(recorder, options);
  log('seeding: terminal sessions in real pseudo-terminals');
  await terminalSessions(recorder, options.dataDir);
  log('seeding: Claude Code tool calls through the hook adapter');
  await agentHookSessions(options);
  await recorder.close({ timeoutMs: 30_000 });
}

async function sqlSessions(
  recorder: ReturnType<typeof createRecorder>,
  options: SeedOptions,
): Promise<void> {
  const file = join(options.dataDir, 'billing.db');
  rmSync(file, { force: true });
  const db = await instrumentSqlite(recorder, new Database(file), { previewRows: 200 });
  // alice on staging: customers with emails and cards (masked before they leave the process).
  const alice = recorder.session({
    actor: { type: 'human', id: 'u-alice', email: 'alice@acme.dev', name: 'Alice Martin' },
    resource: { name: 'billing-db', type: 'database', engine: 'sqlite', environment: 'staging' },
    endpoint: '10.0.4.17',
    credential: { kind: 'password', fingerprint: fingerprintSecret('billing-staging-pw-7Hq2') },
    reason: 'JIRA-4211: refund investigation',
  });
  alice.run(() => {
    db.exec(
      'CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, card TEXT, plan TEXT, balance REAL)',
    );
    const insert = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?, ?)');
    for (let i = 1; i <= 120; i++) {
      insert.run(
        i,
        `customer${i}@example.com`,
        i % 3 ? '4242 4242 4242 4242' : '5555 5555 5555 4444',
        i % 4 ? 'pro' : 'free',
        (i * 13.7) % 500,
      );
    }
    db.prepare('SELECT id, email, card, plan FROM customers ORDER BY id').all();
    db.prepare(
      'SELECT plan, count(*) AS n, round(sum(balance), 2) AS total FROM customers GROUP BY plan',
    ).all();
    try {
      db.prepare('DROP TABLE customers').run();
    } catch (error) {
      if (!(error instanceof QueryBlockedError)) throw error;
    }
  });
  alice.end({ exitCode: 0 });

  // bob on production: an UPDATE waits for a reviewer; rita approves it; then it runs.
  const bob = recorder.session({
    actor: { type: 'human', id: 'u-bob', email: 'bob@acme.dev', name: 'Bob Chen' },
    resource: { name: 'orders-db', type: 'database', engine: 'sqlite', environment: 'production' },
    endpoint: '10.0.9.3',
    credential: { kind: 'password', fingerprint: fingerprintSecret('orders-prod-pw-Zx81kq') },
  });
  await bob.run(async () => {
    db.prepare('SELECT id, plan FROM customers WHERE id = 7').all();
    const sql = "UPDATE customers SET plan = 'enterprise' WHERE id = 7";
    const waiting = bob.authorize({ kind: 'sql', text: sql, dialect: 'sqlite' });
    const review = await firstPendingReview(options.reviewer, bob.id);
    await options.reviewer.reviews.approve(review.id, { comment: 'Customer upgrade, ticket 991' });
    const auth = await waiting;
    if (!auth.allowed) throw new Error('seed: the UPDATE was not approved');
    // better-sqlite3 is synchronous: the instrumented handle cannot wait for a reviewer (it
    // refuses writes in production), so the approved statement runs on a plain connection and
    // is recorded with its approval.
    const started = performance.now();
    const plain = new Database(file);
    const result = plain.prepare(sql).run();
    plain.close();
    bob.query(
      {
        sql,
        rowCount: result.changes,
        durationMs: performance.now() - started,
      },
      auth,
    );
  });
  bob.end({ exitCode: 0 });
  db.close();
}

async function firstPendingReview(client: AuditlaneClient, sessionId: string) {
  for (let i = 0; i < 200; i++) {
    const page = await client.reviews.list({ status: ['pending'], sessionId });
    const review = page.data[0];
    if (review) return review;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`seed: no review was requested in session ${sessionId}`);
}

const RUNBOOK = `# Payments runbook

## Refunds stuck in "pending"
1. Check the queue depth: kubectl -n payments get deploy refund-worker
2. Look for 502s from the card network in the API log.
3. Re-drive with: ./bin/refunds redrive --since 1h

## Rotating the card network key
Keys live in the vault under payments/card-network. Never paste them in a terminal.
`;

async function terminalSessions(
  recorder: ReturnType<typeof createRecorder>,
  dataDir: string,
): Promise<void> {
  const runbook = join(dataDir, 'runbook.md');
  writeFileSync(runbook, RUNBOOK);
  const shell = async (
    meta: Parameters<typeof recorder.session>[0],
    script: string,
    commands: string[],
  ) => {
    const session = recorder.session({ ...meta, recorded: true });
    const stdout = new PassThrough();
    // Each command is recorded when the shell shows it (as a shell integration would), so
    // choosing it in the activity seeks the replay to where it ran.
    const pending = [...commands];
    let seen = '';
    stdout.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      while (pending.length && seen.includes(pending[0] as string)) {
        const text = pending.shift() as string;
        seen = seen.slice(seen.indexOf(text) + text.length);
        session.command({ text, exitCode: 0 });
      }
    });
    const done = recordTerminal(recorder, {
      session: session,
      command: 'bash',
      args: ['--norc', '--noprofile', '-c', script],
      cwd: REPO,
      env: { ...process.env, TERM: 'xterm-256color', PS1: '$ ', LESS: '', PAGER: 'less' },
      cols: 100,
      rows: 28,
      stdin: new PassThrough(),
      stdout,
    });
    const result = await done;
    session.end({ exitCode: result.exitCode });
  };

  const prompt = (cmd: string) =>
    `printf '\\033[1;32mcarol@build-box\\033[0m:\\033[1;34m~/auditlane\\033[0m$ '; sleep 0.4; echo ${JSON.stringify(cmd)}; sleep 0.2; ${cmd}; sleep 0.6;`;
  // carol: ls, git log, then a full-screen pager (less on the alternate screen), quit after a bit.
  await shell(
    {
      actor: { type: 'human', id: 'u-carol', email: 'carol@acme.dev', name: 'Carol Diaz' },
      resource: { name: 'build-box', type: 'ssh', engine: 'bash', environment: 'development' },
      endpoint: '192.168.1.40',
      credential: { kind: 'ssh_key', fingerprint: 'SHA256:...Qm4v', name: 'carol laptop' },
    },
    [
      prompt('ls -la --color=always packages'),
      prompt('git --no-pager log --oneline --decorate --color=always -n 12'),
      prompt('uname -a'),
      // A full-screen pager on the alternate screen; nobody types here, so an interrupt after
      // three seconds ends it (-K: quit on interrupt, restoring the screen as q would).
      `printf '\\033[1;32mcarol@build-box\\033[0m:\\033[1;34m~/auditlane\\033[0m$ less runbook.md\\n'; timeout --foreground -s INT 3 less -RK ${JSON.stringify(runbook)}; sleep 0.3; echo done`,
    ].join(' '),
    [
      'ls -la --color=always packages',
      'git --no-pager log --oneline --decorate --color=always -n 12',
      'uname -a',
      'less runbook.md',
    ],
  );

  // dave: a long recording, thousands of log lines in colour over several seconds.
  await shell(
    {
      actor: { type: 'human', id: 'u-dave', email: 'dave@acme.dev', name: 'Dave Okafor' },
      resource: { name: 'payments-api-3', type: 'ssh', engine: 'bash', environment: 'production' },
      endpoint: '10.0.2.11',
      credential: { kind: 'certificate', fingerprint: 'CN=dave...2026', name: 'prod bastion cert' },
    },
    [
      prompt('tail -n 6000 /var/log/payments/api.log'),
      'for i in $(seq 1 6000); do',
      '  if [ $((i % 97)) -eq 0 ]; then l="\\033[31mERROR\\033[0m"; c=502; else l="\\033[36mINFO \\033[0m"; c=201; fi;',
      '  printf "%b 2026-11-29T12:%02d:%02dZ POST /v1/charges %s %d ms req=%06x\\n" "$l" $((i / 60 % 60)) $((i % 60)) $c $((i * 7 % 180)) $i;',
      '  if [ $((i % 500)) -eq 0 ]; then sleep 0.4; fi;',
      'done; sleep 0.5',
    ].join(' '),
    ['tail -n 6000 /var/log/payments/api.log'],
  );
}

/** Claude Code's hook payloads, as Claude Code sends them, through the real adapter. */
async function agentHookSessions(options: SeedOptions): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'auditlane-demo-hook-'));
  const claudeSession = `c0de-${Date.now().toString(16)}`;
  const policy = await Policy.create();
  const send = async (payload: Record<string, unknown>) => {
    const sink = new HttpSink({ url: options.url, token: options.recorderToken, spool: false });
    try {
      return await handleClaudeCodeHook(
        JSON.stringify({
          session_id: claudeSession,
          transcript_path: `/home/erin/.claude/projects/shop/${claudeSession}.jsonl`,
          cwd: '/home/erin/src/shop',
          permission_mode: 'default',
          ...payload,
        }),
        {
          sink,
          policy,
          reviews: options.recorderClient,
          onBehalfOf: 'u-erin',
          stateDir,
          resource: { name: 'shop', environment: 'staging' },
        },
      );
    } finally {
      await sink.close({ timeoutMs: 10_000 });
    }
  };
  let calls = 0;
  const tool = async (name: string, input: Record<string, unknown>, response?: unknown) => {
    // Claude Code's tool_use_id pairs a call's result with its attempt.
    const id = `toolu_demo_${++calls}`;
    const pre = await send({
      hook_event_name: 'PreToolUse',
      tool_name: name,
      tool_use_id: id,
      tool_input: input,
    });
    const denied = pre.stdout.includes('"deny"') || pre.exitCode === 2;
    if (!denied && response !== undefined) {
      await send({
        hook_event_name: 'PostToolUse',
        tool_name: name,
        tool_use_id: id,
        tool_input: input,
        tool_response: response,
      });
    }
  };
  await send({ hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' });
  await send({
    hook_event_name: 'UserPromptSubmit',
    prompt: 'The checkout test is flaky, find out why and fix it',
  });
  await tool(
    'Bash',
    { command: 'npm test -- checkout', description: 'Run the checkout tests' },
    {
      stdout:
        'FAIL src/checkout.test.ts\n  ✕ applies the coupon once (12 ms)\nTests: 1 failed, 23 passed',
      stderr: '',
      interrupted: false,
    },
  );
  await tool(
    'Read',
    { file_path: '/home/erin/src/shop/src/checkout.ts' },
    { type: 'text', file: { filePath: '/home/erin/src/shop/src/checkout.ts', numLines: 88 } },
  );
  await tool(
    'Edit',
    {
      file_path: '/home/erin/src/shop/src/checkout.ts',
      old_string: 'total -= coupon.amount;',
      new_string: 'if (!order.couponApplied) total -= coupon.amount;',
    },
    { filePath: '/home/erin/src/shop/src/checkout.ts', structuredPatch: [] },
  );
  await tool(
    'Bash',
    { command: 'cat .env.production', description: 'Check the production settings' },
    {
      stdout:
        'STRIPE_KEY=sk_live_51HqLyjWDarjtT1zdp7dcXWq8\nDATABASE_URL=postgres://shop:Pa55@db/shop',
      stderr: '',
    },
  );
  // Blocked by the default policy: a recursive delete of the root.
  await tool('Bash', { command: 'rm -rf / --no-preserve-root', description: 'Clean up' });
  await send({ hook_event_name: 'Stop', stop_hook_active: false });
  await send({ hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });
  rmSync(stateDir, { recursive: true, force: true });
}

function manySessions(recorder: ReturnType<typeof createRecorder>): void {
  const people = [
    { id: 'u-alice', email: 'alice@acme.dev', name: 'Alice Martin' },
    { id: 'u-bob', email: 'bob@acme.dev', name: 'Bob Chen' },
    { id: 'u-carol', email: 'carol@acme.dev', name: 'Carol Diaz' },
    { id: 'u-dave', email: 'dave@acme.dev', name: 'Dave Okafor' },
    { id: 'u-erin', email: 'erin@acme.dev', name: 'Erin Walsh' },
  ];
  const resources = [
    { name: 'orders-db', type: 'database', engine: 'postgres', environment: 'production' },
    { name: 'analytics-db', type: 'database', engine: 'postgres', environment: 'staging' },
    { name: 'prod-eu-1', type: 'kubernetes', engine: 'kubectl', environment: 'production' },
    { name: 'build-box', type: 'ssh', engine: 'bash', environment: 'development' },
    { name: 'support-bot', type: 'llm', engine: 'anthropic', environment: 'production' },
  ] as const;
  const commands = [
    'kubectl get pods -n payments',
    'SELECT count(*) FROM orders WHERE created_at > now() - interval 1 day',
    'systemctl status nginx',
    'kubectl logs deploy/checkout --since=10m',
    'SELECT id, status FROM refunds ORDER BY id DESC LIMIT 20',
  ];
  for (let i = 0; i < 60; i++) {
    const resource = resources[i % resources.length] as (typeof resources)[number];
    const person = people[i % people.length] as (typeof people)[number];
    const s = recorder.session({
      actor: { type: 'human', ...person },
      resource: { ...resource },
      endpoint: `10.0.${i % 7}.${20 + (i % 50)}`,
    });
    s.command({ text: commands[i % commands.length] as string, exitCode: i % 11 ? 0 : 1 });
    s.end({ exitCode: i % 11 ? 0 : 1 });
  }
  // A service on the shared CI key: who it really was is not known.
  for (let i = 0; i < 3; i++) {
    const s = recorder.session({
      actor: { type: 'service', id: 'unknown', name: 'unknown (shared key)' },
      resource: {
        name: 'orders-db',
        type: 'database',
        engine: 'postgres',
        environment: 'production',
      },
      endpoint: `34.90.12.${100 + i}`,
      credential: {
        kind: 'api_key',
        fingerprint: fingerprintSecret('ak_live_shared_ci_key_8f2d90aa3'),
        name: 'shared CI key',
      },
    });
    s.command({ text: 'pg_dump --table=orders orders', exitCode: 0 });
    s.end({ exitCode: 0 });
  }
}

/**
 * An agent's command waiting for a reviewer (for the inbox): the demo process keeps it waiting,
 * and runs it when someone approves it in the panel.
 */
export function heldAgentCommand(
  recorder: ReturnType<typeof createRecorder>,
  log: (line: string) => void,
): RecordedSession {
  const agent = recorder.session({
    actor: {
      type: 'agent',
      id: 'agent-ops',
      agent: { name: 'Claude Code', version: '2.1.3' },
      onBehalfOf: 'u-dave',
    },
    resource: {
      name: 'prod-eu-1',
      type: 'kubernetes',
      engine: 'kubectl',
      environment: 'production',
    },
    mode: 'agent',
  });
  agent.command({
    text: 'kubectl get deploy -n payments',
    exitCode: 0,
    output: 'checkout 3/3\nlegacy-cron 0/1\n',
  });
  const text = 'kubectl delete deployment legacy-cron -n payments';
  void agent.authorize({ kind: 'command', text }).then((auth) => {
    if (auth.allowed) {
      agent.command({ text, exitCode: 0, output: 'deployment.apps "legacy-cron" deleted\n' }, auth);
      log(`approved in the panel: ran "${text}"`);
    } else log(`"${text}" was not run: ${auth.reason ?? 'not approved'}`);
    agent.end({ exitCode: auth.allowed ? 0 : 1 });
  });
  return agent;
}

/**
 * Just-in-time access: a contractor asks for a session on the production orders database; the
 * session waits (pending review) in the inbox. Approved, the demo process runs the contractor's
 * read-only query in it; rejected, the session ends unused.
 */
export async function accessRequest(
  recorder: ReturnType<typeof createRecorder>,
  asker: AuditlaneClient,
  log: (line: string) => void,
): Promise<RecordedSession> {
  const session = recorder.session({
    actor: { type: 'human', id: 'u-gina', email: 'gina@contractor.io', name: 'Gina Rossi' },
    resource: {
      name: 'orders-db',
      type: 'database',
      engine: 'postgres',
      environment: 'production',
    },
    endpoint: '81.2.69.160',
    reason: 'INC-2231: reconcile the refunds of 28 November',
  });
  await recorder.flush({ timeoutMs: 10_000 });
  const review = await asker.reviews.create({
    kind: 'session',
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    sessionId: session.id,
    subject: { type: 'session', text: 'Access to orders-db (production) for 1 hour' },
    reason: 'production access for contractors needs an approver',
  });
  void asker.reviews.waitForDecision(review.id).then(
    (decided) => {
      if (decided.status === 'approved') {
        session.query({
          sql: "SELECT id, amount, status FROM refunds WHERE created_at >= '2026-11-28' ORDER BY id",
          rowCount: 18,
          durationMs: 4.2,
        });
        log("approved in the panel: the contractor's session went ahead");
      } else log(`the contractor's access was ${decided.status}`);
      session.end({ exitCode: 0 });
    },
    () => {},
  );
  return session;
}
