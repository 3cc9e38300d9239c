import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool';

function drain(spool: Spool, max = 1000): string[] {
  const out: string[] = [];
  for (;;) {
    const { lines, next } = spool.read(max);
    if (lines.length === 0) return out;
    out.push(...lines);
    spool.ack(next);
  }
}

describe('Spool', () => {
  it('gives the spools it finds oldest first (a session recorded by one process per call has its start in the first)', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const spools = Array.from({ length: 6 }, () => Spool.open(root).own);
    spools.forEach((spool, i) => {
      spool.append(`call ${i}`);
      spool.close();
    });
    // Written one after the other, whatever order the directory lists them in.
    const now = Date.now() / 1000;
    spools.forEach((spool, i) => {
      const segment = readdirSync(spool.dir).find((f) => f.startsWith('segment-'))!;
      utimesSync(join(spool.dir, segment), now - 100 + i, now - 100 + i);
    });
    expect(Spool.open(root).orphans.map((o) => drain(o))).toEqual(
      spools.map((_, i) => [`call ${i}`]),
    );
  });

  it('leaves what a closed spool holds to the next one opened under its root, in the same process too', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const first = Spool.open(root).own;
    first.append('a');
    first.append('b');
    first.close();
    const { own, orphans, live } = Spool.open(root);
    expect(live).toEqual([]);
    expect(orphans.map((o) => drain(o))).toEqual([['a', 'b']]);
    // Spools still open in this process (its own, the one it adopted) stay its own.
    own.append('c');
    expect(Spool.open(root).live.sort()).toEqual([own.dir, orphans[0]!.dir].sort());
  });

  it('delivers lines longer than a read window', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const { own } = Spool.open(root);
    const big = 'x'.repeat(3_500_000);
    own.append('a');
    own.append(big);
    own.append('b');
    expect(drain(own).map((l) => l.length)).toEqual([1, big.length, 1]);
    expect(own.drained).toBe(true);
  });

  it('rotates segments under a backlog and deletes the delivered ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const { own } = Spool.open(root);
    const line = 'y'.repeat(100_000);
    for (let i = 0; i < 100; i++) own.append(`${i}${line}`);
    const segments = () => readdirSync(own.dir).filter((f) => f.startsWith('segment-'));
    expect(segments().length).toBeGreaterThan(1);
    const got = drain(own, 7);
    expect(got.map((l) => Number.parseInt(l, 10))).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(segments()).toHaveLength(1);
    own.append('after');
    expect(drain(own)).toEqual(['after']);
  });

  it('adopts a dead process’s spool once, cutting off a half-written last line', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const dead = join(root, '999999-dead');
    mkdirSync(dead);
    writeFileSync(join(dead, 'owner'), '999999');
    writeFileSync(join(dead, 'segment-000000.ndjson'), '{"n":1}\n{"n":2}\n');
    appendFileSync(join(dead, 'segment-000000.ndjson'), '{"n":3,"cut');
    const first = Spool.open(root);
    expect(first.orphans).toHaveLength(1);
    expect(drain(first.orphans[0]!)).toEqual(['{"n":1}', '{"n":2}']);
    // A second process finds nothing left to adopt.
    expect(Spool.open(root).orphans).toHaveLength(0);
  });

  it('tells an adopter the sessions a dead writer held open and the seq their end gets', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const { own } = Spool.open(root);
    const pad = 'z'.repeat(100_000);
    const write = (sessionId: string, seq: number) => {
      own.append(JSON.stringify({ sessionId, seq, pad }));
      own.wrote(sessionId, seq);
    };
    own.hold('sess_a', 0);
    own.hold('sess_done', 0);
    write('sess_done', 1);
    own.release('sess_done');
    for (let seq = 0; seq < 60; seq++) write('sess_a', seq);
    // Enough of another session's lines that every segment holding sess_a's is delivered and
    // deleted: only what was saved when they rotated says where sess_a got to.
    for (let seq = 0; seq < 45; seq++) write('sess_b', seq);
    expect(own.pendingLines()).toBe(106);
    drain(own, 7);
    expect(own.pendingLines()).toBe(0);
    const left = readdirSync(own.dir).filter((f) => f.startsWith('segment-'));
    expect(left).toHaveLength(1);
    own.close();
    writeFileSync(join(own.dir, 'owner'), '999999');
    const { orphans } = Spool.open(root);
    expect(orphans[0]!.heldSessions()).toEqual([{ sessionId: 'sess_a', nextSeq: 60 }]);
    orphans[0]!.releaseAll();
    orphans[0]!.close();
    writeFileSync(join(orphans[0]!.dir, 'owner'), '999999');
    expect(Spool.open(root).orphans[0]!.heldSessions()).toEqual([]);
  });

  it('keeps its log of held sessions short however many open and end', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-'));
    const { own } = Spool.open(root);
    for (let i = 0; i < 1000; i++) {
      own.hold(`sess_${i}`, 0);
      own.wrote(`sess_${i}`, 1);
      if (i !== 500) own.release(`sess_${i}`);
    }
    expect(readFileSync(join(own.dir, 'held'), 'utf8').split('\n').length).toBeLessThan(200);
    own.close();
    writeFileSync(join(own.dir, 'owner'), '999999');
    expect(Spool.open(root).orphans[0]!.heldSessions()).toEqual([
      { sessionId: 'sess_500', nextSeq: 2 },
    ]);
  });

  it('reports a line written short (a size limit or a full disk inside its UTF-8 bytes) instead of keeping it cut', () => {
    const script = fileURLToPath(new URL('../../test/fixtures/short-write.ts', import.meta.url));
    const spool = mkdtempSync(join(tmpdir(), 'auditlane-spool-short-'));
    // 4 KiB limit (ulimit -f counts 1024-byte blocks); 3,000 é are 3,001 UTF-16 units with the
    // newline but 6,001 bytes: the first write stops at the limit, past the string's length.
    const run = spawnSync(
      'bash',
      [
        '-c',
        'ulimit -f 4; trap "" XFSZ; exec "$0" --conditions=@auditlane/source --import tsx "$1"',
        process.execPath,
        script,
      ],
      { env: { ...process.env, SPOOL: spool, CHARS: '3000' }, encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ error: 'EFBIG' });
  });
});
