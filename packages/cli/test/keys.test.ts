import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli';

const dir = mkdtempSync(join(tmpdir(), 'auditlane-cli-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string | undefined> = {}, stopped?: Promise<unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, stopped },
  };
}

describe('auditlane keys', () => {
  it('creates a key pair, never overwriting one', async () => {
    const out = join(dir, 'k1.key');
    const t = io();
    expect(await run(['keys', 'create', '--out', out], t.io)).toBe(0);
    expect(t.out[0]).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(`${out}.pub`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = io();
    expect(await run(['keys', 'create', '--out', out], again.io)).toBe(1);
    expect(again.err[0]).toMatch(/k1\.key exists; not overwriting a key/);
    for (const argv of [['keys'], ['keys', 'create'], ['keys', 'rotate', '--out', out]]) {
      const bad = io();
      expect(await run(argv, bad.io), argv.join(' ')).toBe(2);
    }
    const help = io();
    expect(await run(['keys', 'create', '--help'], help.io)).toBe(0);
    expect(help.out[0]).toMatch(/^usage: auditlane keys create \[options\]\n[\s\S]*--out FILE/);
  });

  it('refuses serve flags for signing without a usable key, naming the flag', async () => {
    const notAKey = join(dir, 'not-a-key');
    writeFileSync(notAKey, 'hello\n');
    for (const [argv, env, message] of [
      [['serve', '--checkpoint-file', join(dir, 'c.ndjson')], {}, /checkpoints need a signing key/],
      [
        ['serve', '--signing-key', notAKey],
        {},
        /--signing-key .*not-a-key is not a PEM private key/,
      ],
      [
        ['serve', '--signing-key', join(dir, 'missing')],
        {},
        /--signing-key: cannot read .*missing/,
      ],
      [
        ['serve'],
        { AUDITLANE_SIGNING_KEY: 'nope' },
        /AUDITLANE_SIGNING_KEY is not a PEM private key/,
      ],
    ] as [string[], Record<string, string>, RegExp][]) {
      const bad = io(env);
      expect(await run(argv, bad.io), argv.join(' ')).toBe(2);
      expect(bad.err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });
});
