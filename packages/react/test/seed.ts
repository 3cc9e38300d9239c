/**
 * Records the sessions the component tests look at, through the real recorder into the real
 * server: SQL on a real SQLite database (masked results, a blocked DROP), commands with
 * hostile output, an agent waiting for a reviewer, and enough sessions to scroll.
 */

import { PassThrough } from 'node:stream';
import type { AuditlaneClient } from '@auditlane/client';
import {
  createRecorder,
  HttpSink,
  instrumentSqlite,
  QueryBlockedError,
  type RecordedSession,
  recordTerminal,
} from '@auditlane/recorder';
import Database from 'better-sqlite3';

export interface Seeded {
  dbSession: string;
  /** A real PTY session (bash running commands) with its recording on the server. */
  shellSession: string;
  /** An active session whose terminal prints `tick N` every 200 ms while the tests run. */
  liveSession: string;
  agentSession: string;
  bulkSessions: number;
  /** Resolves with the reviewer's decision on the agent's held command. */
  decision: Promise<string>;
  close(): Promise<void>;
}

export async function seed(url: string, token: string, client: AuditlaneClient): Promise<Seeded> {
  const sink = new HttpSink({ url, token, spool: false, batchMs: 5 });
  const recorder = createRecorder({
    sink,
    reviews: client,
    onError: (error) => console.error('recorder:', error.message),
  });

  // 1. alice on a staging database: masked emails and cards, a blocked DROP.
  // The recorder sends up to 500 rows; the server keeps 50 as the preview, the rest for download.
  const db = await instrumentSqlite(recorder, new Database(':memory:'), { previewRows: 500 });
  const alice = recorder.session({
    actor: { type: 'human', id: 'u-alice', email: 'alice@example.com', name: 'Alice' },
    resource: { name: 'billing-db', type: 'database', engine: 'sqlite', environment: 'staging' },
    endpoint: '10.0.0.7',
    recorded: false,
  });
  alice.run(() => {
    db.exec('CREATE TABLE customers (id INTEGER, email TEXT, card TEXT, plan TEXT)');
    const insert = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?)');
    for (let i = 1; i <= 80; i++) {
      insert.run(i, `customer${i}@example.com`, '4242 4242 4242 4242', i % 2 ? 'pro' : 'free');
    }
    db.prepare('SELECT * FROM customers').all();
    try {
      db.prepare('DROP TABLE customers').run();
    } catch (error) {
      if (!(error instanceof QueryBlockedError)) throw error;
    }
  });
  alice.command({
    text: 'cat notes.html',
    exitCode: 0,
    output:
      '\u001b[31mred\u001b[0m <img src=x onerror="window.__pwned=1"> <b>bold</b>\u001b]8;;javascript:alert(1)\u0007link\u001b]8;;\u0007\n',
  });
  alice.end({ exitCode: 0 });

  // 2. An agent in production whose `terraform destroy` waits for a reviewer (kept active).
  const agent = recorder.session({
    actor: {
      type: 'agent',
      id: 'agent-claude',
      agent: { name: 'Claude Code', version: '2.1.0' },
      onBehalfOf: 'u-bob',
    },
    resource: { name: 'ops-shell', type: 'ssh', engine: 'bash', environment: 'staging' },
    mode: 'agent',
  });
  agent.command({
    text: 'terraform plan',
    exitCode: 0,
    output: 'Plan: 0 to add, 0 to change, 3 to destroy.\n',
  });
  const decision = agentAsks(agent);

  // 3. A real terminal: bash in a PTY, recorded as asciicast with the commands it ran.
  const shell = recorder.session({
    actor: { type: 'human', id: 'u-carol', email: 'carol@example.com' },
    resource: { name: 'build-box', type: 'ssh', engine: 'bash', environment: 'development' },
    recorded: true,
  });
  const stdout = new PassThrough();
  stdout.resume();
  const recorded = recordTerminal(recorder, {
    session: shell,
    command: 'bash',
    args: [
      '--norc',
      '-c',
      'for i in 1 2 3; do printf "\\033[32mstep $i\\033[0m\\n"; sleep 0.2; done; echo "needle-in-the-recording"; sleep 0.3; printf "\\033[?1049h\\033[Hfull screen\\033[?1049l"; echo bye',
    ],
    cols: 80,
    rows: 24,
    stdin: new PassThrough(),
    stdout,
  });
  // What an instrumented shell would record beside the terminal, while it runs.
  await new Promise((r) => setTimeout(r, 700));
  shell.command({ text: 'echo needle-in-the-recording', exitCode: 0 });
  await recorded;
  shell.end({ exitCode: 0 });

  // 4. A live terminal: still printing while the tests run.
  const liveTerm = recorder.session({
    actor: { type: 'human', id: 'u-dave', email: 'dave@example.com' },
    resource: { name: 'tail-box', type: 'ssh', engine: 'bash', environment: 'development' },
    recorded: true,
  });
  const liveStart = Date.now();
  liveTerm.terminal('r', '80x24', 0);
  let tick = 0;
  const ticker = setInterval(() => {
    tick++;
    liveTerm.output(`tick ${tick}\r\n`, Date.now() - liveStart);
  }, 200);

  // 5. Enough sessions to scroll through.
  const bulkSessions = 260;
  for (let i = 0; i < bulkSessions; i++) {
    const s = recorder.session({
      actor: { type: 'human', id: `u-${i % 7}`, email: `user${i % 7}@example.com` },
      resource: {
        name: `svc-${i % 5}`,
        type: i % 3 ? 'database' : 'kubernetes',
        environment: i % 4 ? 'development' : 'production',
      },
    });
    s.command({ text: `echo run ${i}`, exitCode: 0 });
    s.end({ exitCode: 0 });
  }
  await recorder.flush({ timeoutMs: 20_000 });
  return {
    dbSession: alice.id,
    shellSession: shell.id,
    agentSession: agent.id,
    bulkSessions,
    decision,
    liveSession: liveTerm.id,
    close: async () => {
      clearInterval(ticker);
      liveTerm.end({ exitCode: 0 });
      await recorder.close({ timeoutMs: 5_000 });
    },
  };
}

async function agentAsks(session: RecordedSession): Promise<string> {
  const text = 'terraform destroy -auto-approve';
  const auth = await session.authorize({ kind: 'command', text });
  if (auth.allowed) session.command({ text, exitCode: 0, output: 'Destroy complete!\n' }, auth);
  return auth.allowed ? 'approved' : 'rejected';
}
