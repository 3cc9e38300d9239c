import { describe, expect, it } from 'vitest';
import { Masker, MaskTally } from './masker';

// Made-up values in documented formats (see coverage.test.ts).
const SECRETS: Record<string, string> = {
  github: 'ghp_R8vK2mQ7xL4nT9wB3cF6hJ1pD5sG0aZ2yE8u',
  sendgrid: 'SG.Jx7Kp2Lm9Qr4Ts1Vw6Yz3B.Nc8Dd5Fg0Hj7Kl2Mn9Pq4Rs1Tv6Wx3Yz8Ab5Cd0Ef7Gh',
  'gitlab routable': 'glpat-Qm7Xr2Kv9Lp4Tz1Wn6Bs3Hd8Fj5Gc.01.1a2b3c4d5',
  slack: 'https://hooks.slack.com/services/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',
  'url password': 'redis://:Zk8qL2mNp5R@cache:6379',
  'private key': `-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\nQyNTUxOQAAACDtHqgs1Qt0Jm3xVq2K4r7WcZ8pN5bM1yL6fA9sR3jT0gAAAJj+kX2p\r\n-----END OPENSSH PRIVATE KEY-----`,
};

/** The secret's parts that must never be emitted (its characters past a short prefix). */
function core(secret: string): string[] {
  if (secret.startsWith('redis://')) return ['Zk8qL2mNp5R'];
  if (secret.includes('PRIVATE KEY')) return ['b3BlbnNzaC1r', 'QyNTUxOQAAACD', 'kX2p'];
  return [secret.slice(8, 20), secret.slice(-10)];
}

describe('stream masking across chunk boundaries', () => {
  const masker = new Masker();

  it.each(Object.entries(SECRETS))('masks a %s split at every offset', (_name, secret) => {
    const line = `out: ${secret} done\r\n$ `;
    for (let at = 1; at < line.length; at++) {
      const stream = masker.stream();
      const tally = new MaskTally();
      const out =
        stream.push(line.slice(0, at), tally) +
        stream.push(line.slice(at), tally) +
        stream.flush(tally);
      for (const part of core(secret)) expect(out, `split at ${at}`).not.toContain(part);
      expect(out).toHaveLength(line.length);
      expect(out.startsWith('out: ')).toBe(true);
      expect(out.endsWith(' done\r\n$ ')).toBe(true);
      expect(tally.count, `split at ${at}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('emits nothing of a secret before it can be recognised, in three chunks', () => {
    const line = `token ${SECRETS.github} ok\r\n`;
    for (let a = 1; a < line.length - 1; a += 3)
      for (let b = a + 1; b < line.length; b += 5) {
        const stream = masker.stream();
        const parts = [
          stream.push(line.slice(0, a)),
          stream.push(line.slice(a, b)),
          stream.push(line.slice(b)),
        ];
        const out = parts.join('') + stream.flush();
        expect(out, `${a}/${b}`).not.toContain('R8vK2mQ7xL4n');
        expect(out, `${a}/${b}`).not.toContain('8u');
      }
  });

  it('masks a long token on a long line to its end across chunks', () => {
    const token = `ghp_${'Q1w2E3r4T5y6U7i8O9p0'.repeat(60)}`;
    const line = `${'x '.repeat(700)}${token} end\r\n`;
    for (const size of [100, 512, 1000, 4096]) {
      const stream = masker.stream();
      let out = '';
      for (let i = 0; i < line.length; i += size) out += stream.push(line.slice(i, i + size));
      out += stream.flush();
      expect(out, `chunks of ${size}`).toBe(
        `${'x '.repeat(700)}${'*'.repeat(token.length)} end\r\n`,
      );
    }
  });

  it('masks the rest of a token longer than the hold limit', () => {
    const token = `ghp_${'Zx9Yw8Vu7Ts6Rq5Po4Nm'.repeat(600)}`;
    const stream = masker.stream();
    let out = '';
    const text = `T ${token} end\r\n`;
    for (let i = 0; i < text.length; i += 3000) out += stream.push(text.slice(i, i + 3000));
    out += stream.flush();
    expect(out).toBe(`T ${'*'.repeat(token.length)} end\r\n`);
  });

  it('holds a token that is still arriving through one timer flush', () => {
    const stream = masker.stream();
    let out = stream.push('token ghp_R8vK2m');
    out += stream.flush(undefined, false); // a pause: the token so far stays held
    expect(out).toBe('token ');
    out += stream.push('Q7xL4nT9wB3cF6hJ1pD5sG0aZ2yE8u ok\r\n');
    expect(out).toBe(`token ${'*'.repeat(40)} ok\r\n`);
    // Output that holds no keyword is not held; a held token is emitted on the next flush.
    expect(stream.push('Loading...')).toBe('');
    expect(stream.flush(undefined, false)).toBe('Loading...');
    expect(stream.push('sk_live_4eC39H')).toBe('');
    expect(stream.flush(undefined, false)).toBe('');
    expect(stream.flush(undefined, false)).toBe('sk_live_4eC39H');
  });
});
