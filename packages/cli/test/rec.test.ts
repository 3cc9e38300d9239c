import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAsciicast } from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import * as pty from 'node-pty';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// `auditlane rec` as a user runs it: a real process in a real terminal of a given size,
// recording to a real server (SQLite file).

const dir = mkdtempSync(join(tmpdir(), 'auditlane-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = join(import.meta.dirname, '../src/bin.ts');

interface Server {
  url: string;
  token: string;
  stop(): Promise<void>;
}

const open: Server[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop().catch(() => {});
});

async function server(): Promise<Server> {
  const store = new SqliteStore({ filename: join(mkdtempSync(join(dir, 'srv-')), 'server.db') });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'all',
    permissions: ['ingest', 'view_history', 'view_recording', 'download_recording'],
  });
  const running: RunningServer = await startServer({ store, port: 0 });
  const s = {
    url: running.url,
    token,
    async stop() {
      await running.close();
      await store.close();
    },
  };
  open.push(s);
  return s;
}

/** `auditlane rec ARGS` in a terminal of `cols`×`rows`; `screen()` is what the user saw. */
function recInTerminal(args: string[], size: { cols: number; rows: number }) {
  const term = pty.spawn(
    process.execPath,
    ['--conditions=@auditlane/source', '--import', 'tsx', BIN, 'rec', ...args],
    {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, HOME: dir, AUDITLANE_SPOOL: join(dir, 'spool') } as Record<
        string,
        string
      >,
    },
  );
  let screen = '';
  term.onData((d) => {
    screen += d;
  });
  const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
  return { term, exited, screen: () => screen };
}

describe('auditlane rec in a real terminal', () => {
  it("serves the recording with the terminal's size, header and resizes, as its local file has them", async () => {
    const s = await server();
    const file = join(dir, 'sized.cast');
    // The program reports its size, waits for the terminal to be resized, and reports it again.
    const script = 'stty size; while [ "$(stty size)" = "30 100" ]; do sleep 0.05; done; stty size';
    const r = recInTerminal(
      [
        '--server',
        s.url,
        '--token',
        s.token,
        '--file',
        file,
        '--',
        'bash',
        '--norc',
        '--noprofile',
        '-c',
        script,
      ],
      { cols: 100, rows: 30 },
    );
    await expect.poll(r.screen, { timeout: 15_000 }).toContain('30 100');
    r.term.resize(120, 40);
    expect(await r.exited).toBe(0);
    expect(r.screen()).toContain('40 120');
    const sessionId = /recording session (sess_\w+)/.exec(r.screen())![1]!;

    const local = parseAsciicast(readFileSync(file, 'utf8'));
    expect(local.header.term).toMatchObject({ cols: 100, rows: 30 });
    for (const path of ['recording', 'recording/download']) {
      const response = await fetch(`${s.url}/v1/sessions/${sessionId}/${path}`, {
        headers: { authorization: `Bearer ${s.token}` },
      });
      expect(response.status, path).toBe(200);
      const served = parseAsciicast(await response.text());
      // Every fact of the local header, the same on the server (which adds only a title).
      const { title, ...facts } = served.header;
      expect(facts, path).toEqual(local.header);
      expect(title).toContain(sessionId);
      // The same events: the output, the resize to 120×40, the exit status.
      expect(served.events, path).toEqual(local.events);
      expect(served.events.filter((e) => e.code === 'r').map((e) => e.data)).toEqual(['120x40']);
    }
  }, 40_000);

  it('does not start a program the policy blocks: says why and exits 126', async () => {
    const policy = join(dir, 'no-touch.yaml');
    writeFileSync(
      policy,
      'rules:\n  - id: no-touch\n    verdict: block\n    reason: touching is not allowed\n    match: { command: [touch] }\n',
    );
    const marker = join(dir, 'touched');
    const events = join(dir, 'blocked.ndjson');
    const r = recInTerminal(['--policy', policy, '--events', events, '--', 'touch', marker], {
      cols: 80,
      rows: 24,
    });
    expect(await r.exited).toBe(126);
    expect(r.screen()).toMatch(/not started: touching is not allowed/);
    expect(existsSync(marker)).toBe(false);
    const recorded = readFileSync(events, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; verdict?: string; exitCode?: number });
    // The file the refused line names is on the record, pointing at the command.
    expect(recorded.map((e) => e.type)).toEqual([
      'lifecycle',
      'policy',
      'command',
      'file',
      'lifecycle',
    ]);
    expect(recorded[1]).toMatchObject({ verdict: 'blocked', rule: 'no-touch' });
    expect(recorded[3]).toMatchObject({ path: marker, operation: 'create' });
    expect(recorded[4]).toMatchObject({ exitCode: 126 });
  }, 40_000);
});
