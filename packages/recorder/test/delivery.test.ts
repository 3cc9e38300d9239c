import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AuditlaneClient,
  createClient,
  NotFoundError,
  type StoredEvent,
} from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import { afterEach, describe, expect, it } from 'vitest';
import { Policy } from '../src/policy/policy';
import { createRecorder } from '../src/recorder';
import { HttpSink } from '../src/sinks/http';
import { MemorySink } from '../src/sinks/sink';

// Delivery to the real reference server (SQLite file): batches, outages, crashes, reviews.

interface Server {
  url: string;
  port: number;
  token: string;
  /** A token of another org on the same server (every permission). */
  otherOrgToken: string;
  /** The directory of the server's SQLite files. */
  dataDir: string;
  admin: AuditlaneClient;
  /** Another token than the recorder's: the one that decides reviews. */
  reviewer: AuditlaneClient;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

const open: Server[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop().catch(() => {});
});

async function server(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'recorder-srv-'));
  const filename = join(dir, 'server.db');
  let store = new SqliteStore({ filename });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'all',
    permissions: ['ingest', 'view_history', 'review', 'revoke', 'view_recording'],
  });
  const { token: reviewerToken } = await store.createToken({
    org: 'acme',
    name: 'rita',
    permissions: ['review', 'view_history'],
  });
  const { token: otherOrgToken } = await store.createToken({
    org: 'globex',
    name: 'other org',
    permissions: ['ingest', 'view_history'],
  });
  let running: RunningServer | undefined = await startServer({ store, port: 0 });
  const port = running.port;
  const url = running.url;
  const s: Server = {
    url,
    port,
    token,
    otherOrgToken,
    dataDir: dir,
    admin: createClient({ baseUrl: url, token, retries: 0 }),
    reviewer: createClient({ baseUrl: url, token: reviewerToken, retries: 0 }),
    async stop() {
      await running?.close();
      running = undefined;
      await store.close();
    },
    async restart() {
      store = new SqliteStore({ filename });
      running = await startServer({ store, port });
    },
  };
  open.push(s);
  return s;
}

const human = { type: 'human' as const, id: 'u_alice', email: 'alice@acme.test' };
const dev = { name: 'scratch', type: 'ssh' as const, environment: 'development' };
const prod = { name: 'billing-db', type: 'database' as const, environment: 'production' };

/** The seqs of a session's events on the server; none when nothing of it arrived yet. */
async function stored(s: Server, sessionId: string) {
  const seqs: number[] = [];
  try {
    for await (const e of s.admin.sessions.events.list(sessionId, { limit: 500 })) {
      seqs.push(e.seq);
    }
  } catch (error) {
    // A recorder killed before its first delivery left the whole session in its spool.
    if (!(error instanceof NotFoundError)) throw error;
  }
  return seqs;
}

describe('HttpSink', () => {
  it('delivers batches by size and time', async () => {
    const s = await server();
    const sink = new HttpSink({
      url: s.url,
      token: s.token,
      spool: false,
      batchSize: 50,
      batchMs: 20,
    });
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    for (let i = 0; i < 120; i++) session.command({ text: `echo ${i}`, exitCode: 0 });
    session.end();
    await recorder.flush({ timeoutMs: 10_000 });
    expect(await stored(s, session.id)).toEqual(Array.from({ length: 122 }, (_, i) => i));
    await recorder.close();
  });

  it('delivers a session whose id another org started first (the id is printed before delivery)', async () => {
    const s = await server();
    const errors: string[] = [];
    // Nothing goes out before flush: the other org's start is surely there first.
    const sink = new HttpSink({
      url: s.url,
      token: s.token,
      spool: false,
      batchSize: 1000,
      batchMs: 60_000,
      onError: (e) => errors.push(e.message),
    });
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    const other = createClient({ baseUrl: s.url, token: s.otherOrgToken, retries: 0 });
    const squat = await other.ingest([
      {
        id: 'evt_squat_start',
        sessionId: session.id,
        seq: 0,
        time: new Date().toISOString(),
        type: 'lifecycle',
        action: 'start',
        session: {
          actor: { type: 'human', id: 'u_mallory' },
          resource: dev,
          mode: 'interactive',
        },
      },
    ]);
    expect(squat).toMatchObject({ accepted: 1, rejected: [] });
    for (let i = 0; i < 5; i++) session.command({ text: `echo ${i}`, exitCode: 0 });
    session.end();
    await recorder.flush({ timeoutMs: 10_000 });
    expect(errors).toEqual([]);
    expect(await stored(s, session.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((await s.admin.sessions.get(session.id)).actor.id).toBe('u_alice');
    expect((await other.sessions.get(session.id)).actor.id).toBe('u_mallory');
    await recorder.close();
  });

  it('keeps events through a server outage and delivers each exactly once when it is back', async () => {
    const s = await server();
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const errors: string[] = [];
    const sink = new HttpSink({
      url: s.url,
      token: s.token,
      spool: root,
      batchSize: 20,
      batchMs: 10,
      onError: (e) => errors.push(e.message),
    });
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    for (let i = 0; i < 30; i++) session.command({ text: `before ${i}` });
    await recorder.flush({ timeoutMs: 10_000 });
    await s.stop();
    for (let i = 0; i < 50; i++) session.command({ text: `during ${i}` });
    await expect(recorder.flush({ timeoutMs: 700 })).rejects.toThrow(/not delivered within 700 ms/);
    expect(errors.some((e) => /cannot deliver events/.test(e))).toBe(true);
    await s.restart();
    for (let i = 0; i < 10; i++) session.command({ text: `after ${i}` });
    session.end();
    await recorder.flush({ timeoutMs: 30_000 });
    expect(await stored(s, session.id)).toEqual(Array.from({ length: 92 }, (_, i) => i));
    await recorder.close();
  }, 60_000);

  it('delivers what a recorder killed with SIGKILL left in its spool, exactly once', async () => {
    const s = await server();
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const script = fileURLToPath(new URL('./fixtures/record-and-die.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--conditions=@auditlane/source', '--import', 'tsx', script],
      {
        env: { ...process.env, SERVER_URL: s.url, TOKEN: s.token, SPOOL: root, EVENTS: '400' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) =>
      child.once('exit', (c, sig) => resolve(sig ? -1 : c)),
    );
    expect(code).toBe(-1); // it killed itself mid-session
    const sessionId = /session (\S+)/.exec(out)?.[1] as string;
    expect(sessionId).toMatch(/^sess_/);
    const before = (await stored(s, sessionId)).length;
    expect(before).toBeLessThan(401);

    // The next recorder process on the same spool delivers the rest, and ends the session its
    // dead recorder held open (it would stay active).
    const sink = new HttpSink({ url: s.url, token: s.token, spool: root, batchMs: 10 });
    const { ended, waiting } = sink.report();
    expect(ended).toEqual([sessionId]);
    // What was not acknowledged (some of it may be stored already: it goes again), and the end.
    expect(waiting).toBeGreaterThanOrEqual(401 - before + 1);
    await sink.flush({ timeoutMs: 20_000 });
    await sink.close();
    expect(sink.report()).toMatchObject({ sent: waiting, refused: 0, waiting: 0 });
    expect(await stored(s, sessionId)).toEqual(Array.from({ length: 402 }, (_, i) => i));
    const last = (await s.admin.sessions.events.list(sessionId, { after: 400 })).data;
    expect(last).toMatchObject([
      {
        seq: 401,
        type: 'lifecycle',
        action: 'end',
        reason: expect.stringMatching(/process is gone/),
      },
    ]);
    expect((await s.admin.sessions.get(sessionId)).status).toBe('ended');
    // The dead process's directory is gone once delivered, and this one's.
    expect(readdirSync(root)).toEqual([]);
    // Once: the next process finds nothing to send or end.
    const again = new HttpSink({ url: s.url, token: s.token, spool: root, batchMs: 10 });
    expect(again.report()).toMatchObject({ ended: [], waiting: 0 });
    await again.close();
    expect((await stored(s, sessionId)).length).toBe(402);
  }, 60_000);
});

describe('reviews and revocation through the server', () => {
  it('holds a production UPDATE until a reviewer approves it, and records who did', async () => {
    const s = await server();
    const sink = new HttpSink({ url: s.url, token: s.token, spool: false, batchMs: 10 });
    const recorder = createRecorder({
      sink,
      policy: await Policy.create(),
      reviews: s.admin,
      meta: { actor: human, resource: prod },
    });
    const session = recorder.session();
    const pending = session.authorize({
      kind: 'sql',
      text: 'UPDATE accounts SET plan = 2 WHERE id = 7',
    });
    let reviewId: string | undefined;
    let expiresAt: string | null | undefined;
    for (let i = 0; i < 100 && !reviewId; i++) {
      const page = await s.admin.reviews.list({ status: ['pending'] });
      reviewId = page.data[0]?.id;
      expiresAt = page.data[0]?.expiresAt;
      if (!reviewId) await new Promise((r) => setTimeout(r, 50));
    }
    expect(reviewId).toBeDefined();
    // It expires when the recorder stops waiting (15 minutes by default).
    const left = Date.parse(expiresAt ?? '') - Date.now();
    expect(left).toBeGreaterThan(14 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);
    // Another token than the one that asked decides (requester and reviewer differ).
    await s.reviewer.reviews.approve(reviewId as string, { comment: 'ok for ticket OPS-7' });
    const auth = await pending;
    expect(auth.allowed).toBe(true);
    session.query({ sql: 'UPDATE accounts SET plan = 2 WHERE id = 7', rowCount: 1 }, auth);
    session.end();
    await recorder.flush({ timeoutMs: 10_000 });
    const events = [];
    for await (const e of s.admin.sessions.events.list(session.id)) events.push(e);
    const verdicts = events
      .filter((e) => e.type === 'policy')
      .map((e) => (e as { verdict: string }).verdict);
    expect(verdicts).toEqual(['pending', 'approved']);
    const query = events.find((e) => e.type === 'query');
    expect(query?.id).toBe(auth.subjectId);
    await recorder.close();
  }, 30_000);

  it('tells a session that the server revoked it', async () => {
    const s = await server();
    const sink = new HttpSink({ url: s.url, token: s.token, spool: false, batchMs: 10 });
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    const revoked = new Promise<void>((resolve) => session.onRevoke(resolve));
    await recorder.flush({ timeoutMs: 10_000 });
    await s.admin.sessions.revoke(session.id, { reason: 'suspicious' });
    session.command({ text: 'whoami' });
    await recorder.flush({ timeoutMs: 10_000 });
    await revoked;
    expect(session.revokedByServer).toBe(true);
    await recorder.close();
  });
});

describe('secrets never reach the server', () => {
  it('a session full of secrets leaves none of them in the server database file', async () => {
    const s = await server();
    const secrets = [
      // Not AWS's documented example key: that one is a placeholder and kept.
      'AKIAZ7Q2MR4XW3TGBY5N',
      'ghp_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0DcBa98',
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      'sk-ant-api03-Secret_Value_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuAA',
      'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVlLTEyMw',
      'hunter2-Correct-Horse',
      'jane.doe@customer.example',
      '4111 1111 1111 1111',
      'DE89 3704 0044 0532 0130 00',
      '+14155552671',
    ];
    const sink = new HttpSink({ url: s.url, token: s.token, spool: false, batchMs: 10 });
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session({ recorded: true });
    session.command({
      text: `curl -H "Authorization: Bearer ${secrets[5]}" -u admin:${secrets[6]} https://api.example`,
      output: `AWS_ACCESS_KEY_ID=${secrets[0]}\nGITHUB_TOKEN=${secrets[1]}\n`,
      exitCode: 0,
    });
    session.query({
      sql: `SELECT * FROM users WHERE email = '${secrets[7]}'`,
      params: [secrets[2]],
      columns: [{ name: 'email' }, { name: 'card' }, { name: 'note' }],
      rows: [[secrets[7], secrets[8], `iban ${secrets[9]} phone ${secrets[10]}`]],
      rowCount: 1,
    });
    session.toolCall({
      tool: 'Bash',
      input: { command: `export ANTHROPIC_API_KEY=${secrets[3]}`, env: { password: secrets[6] } },
      output: { stdout: `slack ${secrets[4]}` },
    });
    const screen = `$ cat .env\r\nSTRIPE=${secrets[2]}\r\nDB=postgres://app:${secrets[6]}@db/prod\r\n`;
    // Terminal output arrives in arbitrary pieces: the session masks it as a stream.
    for (let i = 0; i < screen.length; i += 7) session.terminal('o', screen.slice(i, i + 7), i);
    session.end();
    await recorder.flush({ timeoutMs: 10_000 });
    await recorder.close();
    const events: StoredEvent[] = [];
    for await (const e of s.admin.sessions.events.list(session.id)) events.push(e);
    // A masking event for the command, the query, the tool call, and each masked output line.
    const masked = events.filter((e) => e.type === 'masking') as { subjectId?: string }[];
    const subjects = masked.map((m) => events.find((e) => e.id === m.subjectId)?.type);
    expect(subjects.sort()).toEqual(['command', 'query', 'terminal', 'terminal', 'tool_call']);
    await s.stop();
    const bytes = readdirSync(s.dataDir)
      .map((f) => readFileSync(join(s.dataDir, f)).toString('latin1'))
      .join('\n');
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes).toContain(session.id);
    for (const secret of secrets) expect(bytes.includes(secret), secret).toBe(false);
  });
});

describe('bounded memory and an unreachable server', () => {
  it('keeps at most maxQueue events in memory without a spool, and says how many it dropped', async () => {
    const errors: string[] = [];
    const sink = new HttpSink({
      url: 'http://127.0.0.1:9',
      token: 'x',
      spool: false,
      maxQueue: 10,
      batchSize: 1000,
      batchMs: 5,
      onError: (e) => errors.push(e.message),
    });
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    for (let i = 0; i < 24; i++) session.command({ text: `echo ${i}` });
    expect(errors.filter((e) => e.startsWith('dropped')).join(' ')).toMatch(/dropped 1 events/);
    const dropped = errors
      .map((e) => /^dropped (\d+) events/.exec(e)?.[1])
      .filter(Boolean)
      .reduce((a, n) => a + Number(n), 0);
    expect(dropped).toBe(15);
    await expect(sink.flush({ timeoutMs: 300 })).rejects.toThrow(/not delivered/);
    await sink.close({ timeoutMs: 10 });
  });

  it('fails closed in production and open elsewhere when a reviewer cannot be reached', async () => {
    const unreachable = createClient({ baseUrl: 'http://127.0.0.1:9', token: 'x', retries: 0 });
    for (const [resource, allowed] of [
      [prod, false],
      [{ ...prod, environment: 'staging' }, true],
    ] as const) {
      const errors: string[] = [];
      const recorder = createRecorder({
        sink: new MemorySink(),
        policy: await Policy.create({
          rules: [{ id: 'hold', verdict: 'review', match: { sql: ['select'] } }],
        }),
        reviews: unreachable,
        meta: { actor: human, resource },
        onError: (e) => errors.push(e.message),
      });
      const auth = await recorder.session().authorize({ kind: 'sql', text: 'SELECT 1' });
      expect(auth.allowed, resource.environment).toBe(allowed);
      expect(errors.join()).toMatch(/the review could not complete/);
    }
  });
});
