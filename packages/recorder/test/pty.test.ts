import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { type EventInput, parseAsciicast } from '@auditlane/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionBlockedError, CommandBlockedError } from '../src/instrument/blocked';
import { recordTerminal } from '../src/instrument/pty';
import { Policy } from '../src/policy/policy';
import { createRecorder } from '../src/recorder';
import { MemorySink } from '../src/sinks/sink';

const meta = {
  actor: { type: 'human' as const, id: 'u_alice' },
  resource: { name: 'web-1', type: 'ssh' as const, environment: 'staging' },
};
const TOKEN = `ghp_${'Q1w2E3r4T5'.repeat(3)}y6U7i8`;

let policy: Policy;
beforeAll(async () => {
  policy = await Policy.create();
});

function screen() {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
}

/** A sink whose server revokes sessions when the test says so. */
class RevokingSink extends MemorySink {
  private listeners: ((id: string) => void)[] = [];
  onRevoked(listener: (id: string) => void): void {
    this.listeners.push(listener);
  }
  revoke(id: string): void {
    for (const l of this.listeners) l(id);
  }
}

const terminal = (events: EventInput[], code: string) =>
  events
    .filter((e) => e.type === 'terminal' && (e as { code: string }).code === code)
    .map((e) => (e as { data: string }).data)
    .join('');

describe('recordTerminal (a real PTY)', () => {
  it('keeps the asciicast file current at each pause of the program (its writes batched), and complete at its end', async () => {
    const recorder = createRecorder({ sink: new MemorySink(), policy, meta });
    const session = recorder.session({ recorded: true });
    const file = join(mkdtempSync(join(tmpdir(), 'rec-')), 'out.cast');
    const outputOf = () => {
      try {
        return parseAsciicast(readFileSync(file, 'utf8'))
          .events.filter((e) => e.code === 'o')
          .map((e) => e.data)
          .join('');
      } catch {
        return '';
      }
    };
    let seenWhilePaused = '';
    const running = recordTerminal(recorder, {
      session,
      command: '/bin/sh',
      // 200 KB in one go, then a pause, then the rest.
      args: ['-c', 'yes line | head -c 200000; printf "paused\\n"; sleep 1.5; printf "done\\n"'],
      stdin: new PassThrough(),
      stdout: screen().out,
      file,
    });
    for (let i = 0; i < 40 && !seenWhilePaused.includes('paused'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      seenWhilePaused = outputOf();
    }
    await running;
    expect(seenWhilePaused).toContain('paused');
    expect(seenWhilePaused).not.toContain('done');
    const all = outputOf();
    expect(all.match(/line\r?\n/g)?.length).toBe(40_000);
    expect(all).toMatch(/paused\r?\ndone\r?\n$/);
  });

  it('records output masked, the exit status, and an asciicast file, while the user sees it as it is', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta });
    const session = recorder.session({ recorded: true });
    const file = join(mkdtempSync(join(tmpdir(), 'rec-')), 'out.cast');
    const view = screen();
    const result = await recordTerminal(recorder, {
      session,
      command: '/bin/bash',
      args: [
        '--norc',
        '--noprofile',
        '-c',
        `echo hello; echo "GITHUB_TOKEN=${TOKEN}"; stty size; exit 3`,
      ],
      cols: 100,
      rows: 30,
      stdin: new PassThrough(),
      stdout: view.out,
      file,
    });
    expect(result.exitCode).toBe(3);
    expect(view.text()).toContain(TOKEN);
    const out = terminal(sink.events, 'o');
    expect(out).toContain('hello\r\n');
    expect(out).toContain('30 100\r\n');
    expect(out).not.toContain(TOKEN.slice(4));
    expect(out).toContain(`GITHUB_TOKEN=${'*'.repeat(TOKEN.length)}`);
    expect(terminal(sink.events, 'x')).toBe('3');
    // The recording opens with its size and the header facts its file has.
    expect(sink.events.find((e) => e.type === 'terminal')).toMatchObject({
      code: 'r',
      data: '100x30',
      offsetMs: 0,
      header: {
        term: { type: 'xterm-256color' },
        command: expect.stringContaining('/bin/bash --norc'),
        env: { TERM: 'xterm-256color' },
      },
    });
    // Each masking event points at what it masked: the header's command line, the output line.
    const masking = sink.events.filter((e) => e.type === 'masking') as {
      subjectId: string;
      count: number;
      fields: string[];
    }[];
    // The same detector both times (its name is the ruleset's).
    expect(masking.map((m) => m.fields.length)).toEqual([1, 1]);
    expect(masking[0]?.fields).toEqual(masking[1]?.fields);
    expect(masking.reduce((n, m) => n + m.count, 0)).toBe(2);
    const ids = new Set(sink.events.filter((e) => e.type === 'terminal').map((e) => e.id));
    for (const m of masking) expect(ids.has(m.subjectId)).toBe(true);
    const cast = parseAsciicast(readFileSync(file, 'utf8'));
    expect(cast.header).toMatchObject({ version: 3, term: { cols: 100, rows: 30 } });
    expect(
      cast.events
        .filter((e) => e.code === 'o')
        .map((e) => e.data)
        .join(''),
    ).toBe(out);
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN.slice(4));
  });

  it('drives an interactive shell from its input, recording keystrokes only when asked', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta });
    const session = recorder.session();
    const input = new PassThrough();
    const view = screen();
    const done = recordTerminal(recorder, {
      session,
      command: '/bin/bash',
      args: ['--norc', '--noprofile', '-i'],
      env: { PATH: process.env.PATH, PS1: '$ ', TERM: 'xterm-256color' },
      stdin: input,
      stdout: view.out,
      recordInput: true,
      flushMs: 5,
    });
    await expect.poll(() => view.text()).toContain('$ ');
    input.write('echo typed-$((6*7))\r');
    await expect.poll(() => view.text()).toContain('typed-42');
    // A secret typed slowly, one key per chunk, slower than the masker's flush.
    for (const key of 'export PGPASSWORD=hunter2\r') {
      input.write(key);
      await new Promise((r) => setTimeout(r, 15));
    }
    await expect.poll(() => view.text()).toContain('hunter2');
    input.write('exit 0\r');
    expect((await done).exitCode).toBe(0);
    expect(terminal(sink.events, 'o')).toContain('typed-42');
    expect(terminal(sink.events, 'i')).toBe(
      'echo typed-$((6*7))\rexport PGPASSWORD=*******\rexit 0\r',
    );
    expect(terminal(sink.events, 'o')).not.toMatch(/hunter|unter2|nter2/);
  });

  it('follows the terminal when it is resized, and leaves out a size that is none (a detached terminal reports 0 columns)', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta });
    const session = recorder.session({ recorded: true });
    const input = new PassThrough();
    const view = screen();
    const stdout = Object.assign(view.out, { isTTY: true, columns: 100, rows: 30 });
    const done = recordTerminal(recorder, {
      session,
      command: '/bin/bash',
      args: ['--norc', '--noprofile', '-i'],
      env: { PATH: process.env.PATH, PS1: '$ ', TERM: 'xterm-256color' },
      stdin: input,
      stdout,
      flushMs: 5,
    });
    await expect.poll(() => view.text()).toContain('$ ');
    for (const [columns, rows] of [
      [0, 30],
      [100_000, 30],
      [120, 40],
    ] as const) {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    }
    input.write('stty size\r');
    await expect.poll(() => view.text()).toContain('40 120');
    input.write('exit 0\r');
    expect((await done).exitCode).toBe(0);
    const resizes = sink.events
      .filter((e) => e.type === 'terminal' && e.code === 'r')
      .map((e) => (e as { data: string }).data);
    expect(resizes).toEqual(['100x30', '120x40']);
  });

  it('refuses a size that is none before it records or starts anything', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta });
    const session = recorder.session();
    for (const [cols, rows] of [
      [100_000, 24],
      [80.5, 24],
      [-3, 24],
    ]) {
      await expect(
        recordTerminal(recorder, {
          session,
          command: '/bin/true',
          cols,
          rows,
          stdin: new PassThrough(),
          stdout: screen().out,
        }),
      ).rejects.toThrow(`recordTerminal: ${cols}x${rows} is not a terminal size`);
    }
    expect(sink.events.filter((e) => e.type !== 'lifecycle')).toEqual([]);
  });

  it('does not start a program the policy blocks', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta });
    const session = recorder.session();
    const view = screen();
    const error = await recordTerminal(recorder, {
      session,
      command: 'rm',
      args: ['-rf', '/'],
      stdin: new PassThrough(),
      stdout: view.out,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CommandBlockedError);
    expect(error).toBeInstanceOf(ActionBlockedError);
    expect(error).toMatchObject({
      kind: 'command',
      command: 'rm -rf /',
      reason: expect.stringMatching(/recursive delete/),
    });
    expect(view.text()).toBe('');
    // The refused line names the root: on the record, pointing at the command.
    expect(sink.events.map((e) => e.type)).toEqual(['lifecycle', 'policy', 'command', 'file']);
    expect(sink.events[3]).toMatchObject({
      path: '/',
      operation: 'delete',
      subjectId: sink.events[2]!.id,
    });
  });

  it('records the files and hosts of the program’s command line, pointing at the recording’s first event', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta });
    const session = recorder.session({ recorded: true });
    const dir = mkdtempSync(join(tmpdir(), 'rec-facts-'));
    const result = await recordTerminal(recorder, {
      session,
      command: '/bin/sh',
      args: ['-c', 'cat /etc/hostname > copy.txt'],
      cwd: dir,
      stdin: new PassThrough(),
      stdout: screen().out,
    });
    expect(result.exitCode).toBe(0);
    const header = sink.events.find((e) => e.type === 'terminal');
    const files = sink.events.filter((e) => e.type === 'file');
    expect(files).toEqual([
      expect.objectContaining({
        path: join(dir, 'copy.txt'),
        operation: 'write',
        subjectId: header!.id,
      }),
      expect.objectContaining({ path: '/etc/hostname', operation: 'read', subjectId: header!.id }),
    ]);
  });

  it('stops the program when the server revokes the session', async () => {
    const sink = new RevokingSink();
    const recorder = createRecorder({ sink, policy: false, meta });
    const session = recorder.session();
    const view = screen();
    const done = recordTerminal(recorder, {
      session,
      command: '/bin/sleep',
      args: ['30'],
      stdin: new PassThrough(),
      stdout: view.out,
    });
    await new Promise((r) => setTimeout(r, 200));
    sink.revoke(session.id);
    const result = await done;
    expect(result.revoked).toBe(true);
    expect(view.text()).toMatch(/revoked/);
  });
});
