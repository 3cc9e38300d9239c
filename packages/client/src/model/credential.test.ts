import { describe, expect, it } from 'vitest';
import {
  type Credential,
  credentialKindSchema,
  credentialSchema,
  fingerprintSchema,
  fingerprintSecret,
} from './credential';

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** A small deterministic PRNG (mulberry32), so that a failing case can be reproduced. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fingerprintSchema', () => {
  it('accepts masked fingerprints', () => {
    for (const fingerprint of [
      'sk-ant-...A3F2',
      'ghp_...9xQz',
      'AKIA...MPLE',
      '...',
      '...A3F2',
      'sk-ant-api03...',
      'abcdefghijkl...12345678',
    ]) {
      expect(fingerprintSchema.safeParse(fingerprint).success, fingerprint).toBe(true);
    }
  });

  it('rejects a full secret', () => {
    const result = fingerprintSchema.safeParse('sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'must be a masked fingerprint such as "sk-ant-...A3F2" (at most 12 characters, "...", at most 8)',
    );
  });

  it('rejects other full secrets', () => {
    for (const secret of [
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      'AKIAIOSFODNN7EXAMPLE',
      'hunter2',
      'correct horse battery staple',
      '',
    ]) {
      expect(fingerprintSchema.safeParse(secret).success, secret).toBe(false);
    }
  });

  it('rejects more than 12 characters before or 8 after the dots', () => {
    expect(fingerprintSchema.safeParse('abcdefghijklm...A3F2').success).toBe(false);
    expect(fingerprintSchema.safeParse('sk-ant-...123456789').success).toBe(false);
  });

  it('rejects a secret that merely contains three dots', () => {
    expect(fingerprintSchema.safeParse('sk-ant-api03-AAAAAAAA...AAAAAAAAAAAA').success).toBe(false);
  });

  it('rejects whitespace', () => {
    expect(fingerprintSchema.safeParse('sk ant...A3F2').success).toBe(false);
    expect(fingerprintSchema.safeParse('sk-ant-...A3F\n').success).toBe(false);
    expect(fingerprintSchema.safeParse('\nsk-ant-...A3F2').success).toBe(false);
  });
});

describe('credentialSchema', () => {
  it('round trips a credential', () => {
    const credential: Credential = {
      kind: 'api_key',
      fingerprint: 'sk-ant-...A3F2',
      name: 'shared CI key',
    };
    expect(credentialSchema.parse(roundTrip(credential))).toStrictEqual(credential);
  });

  it('rejects a credential whose fingerprint is a full secret, at fingerprint', () => {
    const result = credentialSchema.safeParse({
      kind: 'api_key',
      fingerprint: 'sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['fingerprint']]);
  });

  it('does not accept the secret in another field', () => {
    const parsed = credentialSchema.parse({
      kind: 'password',
      fingerprint: '...',
      secret: 'hunter2',
    });
    expect(parsed).toStrictEqual({ kind: 'password', fingerprint: '...' });
  });

  it('rejects an unknown kind', () => {
    expect(credentialSchema.safeParse({ kind: 'pat', fingerprint: '...' }).success).toBe(false);
    expect(credentialKindSchema.options).toContain('cloud_role');
  });
});

describe('fingerprintSecret', () => {
  it('masks an Anthropic key to its prefix and last four characters', () => {
    expect(
      fingerprintSecret(
        'sk-ant-api03-Xk9vR2mQ8pL4nT7wZ1cY5bH3jD6fG0sA-qWeRtYuIoPaSdFgHjKlZxCvBnM1234-5678abcdA3F2',
      ),
    ).toBe('sk-ant-...A3F2');
    expect(fingerprintSecret(`sk-ant-api03-${'A'.repeat(28)}`)).toBe('sk-ant-...AAAA');
  });

  it('masks a GitHub token to ghp_ and the last four characters', () => {
    expect(fingerprintSecret('ghp_16C7e42F292c6912E7710c838347Ae178B4a')).toBe('ghp_...8B4a');
    expect(fingerprintSecret('github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz')).toBe(
      'github_pat_...wxyz',
    );
  });

  it('masks AWS access key ids to AKIA / ASIA and the last four characters', () => {
    expect(fingerprintSecret('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA...MPLE');
    expect(fingerprintSecret('ASIAY34FZKBOKMUTVV7A')).toBe('ASIA...VV7A');
  });

  it('masks Google and Slack keys', () => {
    expect(fingerprintSecret('AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe')).toBe('AIza...ewQe');
    expect(fingerprintSecret('xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx')).toBe(
      'xoxb-...UvWx',
    );
  });

  it('shows only the last four characters of a secret without a known prefix', () => {
    expect(
      fingerprintSecret('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
    ).toBe('...0a08');
  });

  it('shows no characters of a secret shorter than 16 characters', () => {
    expect(fingerprintSecret('')).toBe('...');
    expect(fingerprintSecret('hunter2')).toBe('...');
    expect(fingerprintSecret('sk-ant-api03-Ab')).toBe('...');
    expect(fingerprintSecret('a'.repeat(15))).toBe('...');
    expect(fingerprintSecret('a'.repeat(16))).toBe('...aaaa');
  });

  it('never shows a whole 16-character password that looks like a prefixed key', () => {
    // 'Summer-Winter-' matches the generic prefix pattern: prefix and last four would be all of it.
    const fingerprint = fingerprintSecret('Summer-Winter-42');
    expect(fingerprint).toBe('...r-42');
    expect(fingerprintSchema.safeParse(fingerprint).success).toBe(true);
  });

  it('leaves out the prefix when it would leave fewer than 12 characters hidden', () => {
    expect(fingerprintSecret('hunter-secret-pass12345')).toBe('...2345');
    expect(fingerprintSecret(`sk-ant-${'x'.repeat(12)}A3F2`)).toBe('sk-ant-...A3F2');
    expect(fingerprintSecret(`sk-ant-${'x'.repeat(11)}A3F2`)).toBe('...A3F2');
  });

  it('gives a valid fingerprint for a PEM key that ends with a line break', () => {
    const pem = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBu4fQNnB4bq1SpeMeYAGoHmXK0aFW6ZDxY3NuTG5ROzwAAAJg=',
      '-----END OPENSSH PRIVATE KEY-----',
      '',
    ].join('\n');
    const fingerprint = fingerprintSecret(pem);
    expect(fingerprint).toBe('...----');
    expect(fingerprintSchema.safeParse(fingerprint).success).toBe(true);
  });

  it('gives a valid fingerprint for a passphrase with spaces near the end', () => {
    const fingerprint = fingerprintSecret('correct horse battery st a p');
    expect(fingerprint).toBe('...stap');
    expect(fingerprintSchema.safeParse(fingerprint).success).toBe(true);
  });

  it('gives outputs that pass fingerprintSchema for realistic secrets', () => {
    for (const secret of [
      `sk-ant-api03-${'Zz9'.repeat(30)}A3F2`,
      'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      'glpat-xxxxxxxxxxxxxxxxxxxx',
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'postgres://billing:s3cr3t@billing-db.internal:5432/billing',
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N',
      'short',
    ]) {
      const fingerprint = fingerprintSecret(secret);
      expect(fingerprintSchema.safeParse(fingerprint).success, `${secret} -> ${fingerprint}`).toBe(
        true,
      );
    }
  });

  it('for many random strings: passes the schema and shows at most 12 + 4 characters, never most of the secret', () => {
    const next = random(20261125);
    const alphabet =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_-_./+=:@ \t\né✓';
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(next() * 120);
      let secret = '';
      // Half of the cases start like a key: letters, a dash or underscore, more letters.
      if (next() < 0.5)
        secret += ['sk-ant-api03-', 'ghp_', 'AKIA', 'xoxp-', 'ab-cd-', 'Summer-'][i % 6];
      while (secret.length < length) secret += alphabet[Math.floor(next() * alphabet.length)];

      const fingerprint = fingerprintSecret(secret);
      const label = JSON.stringify({ secret, fingerprint });
      expect(fingerprintSchema.safeParse(fingerprint).success, label).toBe(true);

      const dots = fingerprint.indexOf('...');
      expect(dots, label).toBeGreaterThanOrEqual(0);
      const shownPrefix = fingerprint.slice(0, dots);
      const shownSuffix = fingerprint.slice(dots + 3);
      expect(shownPrefix.length, label).toBeLessThanOrEqual(12);
      expect(shownSuffix.length, label).toBeLessThanOrEqual(4);

      // What is shown comes from the secret (whitespace aside) and leaves at least 12 hidden.
      const compact = secret.replace(/\s/g, '');
      expect(compact.startsWith(shownPrefix), label).toBe(true);
      expect(compact.endsWith(shownSuffix), label).toBe(true);
      if (compact.length < 16) expect(fingerprint, label).toBe('...');
      else
        expect(
          compact.length - shownPrefix.length - shownSuffix.length,
          label,
        ).toBeGreaterThanOrEqual(12);
    }
  });

  it('is deterministic', () => {
    const secret = 'sk-ant-api03-Xk9vR2mQ8pL4nT7wZ1cY5bH3jD6fG0sAA3F2';
    expect(fingerprintSecret(secret)).toBe(fingerprintSecret(secret));
  });
});
