import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTORS, ibanValid, luhn } from './detectors';
import { Masker, MaskTally } from './masker';

// Made-up values in the shapes of real secrets (none of them is live).
const SECRETS = {
  aws: 'AKIAZ7Q2MR4XW3TGBY5N',
  github: `ghp_${'a1B2c3D4e5'.repeat(3)}a1B2c3`,
  gitlab: 'glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm',
  slack: 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  google: 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  // OpenAI keys carry T3BlbkFJ ("OpenAI" in base64); Anthropic's end in AA.
  openai: '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',
  anthropic: `sk-ant-api03-${'Xy9_Zw8-Vu7'.repeat(8)}Xy9_ZAA`,
  npm: `npm_${'a1b2c3d4e5f6'.repeat(3)}`,
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
  email: 'jane.doe+billing@example.co.uk',
  phone: '+14155552671',
};

describe('value detectors', () => {
  const masker = new Masker();

  it.each(Object.entries(SECRETS))('masks %s inside text, keeping the length', (kind, secret) => {
    const tally = new MaskTally();
    const text = `before ${secret} after`;
    const masked = masker.text(text, tally);
    expect(masked).not.toContain(secret);
    expect(masked).toHaveLength(text.length);
    expect(masked.startsWith('before ')).toBe(true);
    expect(masked.endsWith(' after')).toBe(true);
    expect(tally.count).toBeGreaterThanOrEqual(1);
    expect(kind).toBeTruthy();
  });

  it('masks only the value of key=value, flags, bearer tokens and URL passwords', () => {
    const t = new MaskTally();
    expect(masker.text('PGPASSWORD=hunter2 psql -h db', t)).toBe('PGPASSWORD=******* psql -h db');
    expect(masker.text('mysql --password s3cr3t -u root', t)).toBe(
      'mysql --password ****** -u root',
    );
    expect(masker.text('{"password": "p@ss w"}', t)).toBe('{"password": "******"}');
    expect(masker.text('DB_PASS=s3cr3t ./run', t)).toBe('DB_PASS=****** ./run');
    expect(masker.text("ALTER ROLE app PASSWORD 'x''y z'", t)).toBe(
      "ALTER ROLE app PASSWORD '******'",
    );
    expect(masker.text("CREATE USER bob IDENTIFIED BY 'Tr0ub4'", t)).toBe(
      "CREATE USER bob IDENTIFIED BY '******'",
    );
    expect(masker.text('mysql -u root -pS3cret prod', t)).toBe('mysql -u root -p****** prod');
    expect(masker.text('Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l', t)).toBe(
      `Authorization: Basic ${'*'.repeat(24)}`,
    );
    expect(masker.text('Cookie: sid=abc123; theme=dark\r\nX: 1', t)).toBe(
      `Cookie: ${'*'.repeat(22)}\r\nX: 1`,
    );
    expect(masker.text('aws_secret_access_key = q8Rt2Vb6Nm1Zx4Lk7Jh3Gf5Ds9Ap0Ow8Ie2Uy6Tr', t)).toBe(
      `aws_secret_access_key = ${'*'.repeat(40)}`,
    );
    expect(masker.text('Authorization: Bearer abc.def-ghi_123', t)).toBe(
      'Authorization: Bearer ***************',
    );
    expect(masker.text('curl -u admin:Tr0ub4dor https://x', t)).toBe(
      'curl -u admin:********* https://x',
    );
    expect(masker.text('postgres://app:Tr0ub4dor@db:5432/prod', t)).toBe(
      'postgres://app:*********@db:5432/prod',
    );
    expect(t.names).toEqual(
      new Set([
        'secret_assignment',
        'bearer_token',
        'curl-auth-user',
        'url_password',
        'aws_secret_key',
        'sql_password',
        'command_password',
        'cookie',
      ]),
    );
  });

  it('keeps ordinary output: numbers that fail Luhn, timestamps, short sk- words, prose', () => {
    const plain = [
      'order 4111 1111 1111 1112 shipped',
      '2026-11-25T06:00:00Z request handled status=200 duration_ms=12',
      'kubectl get pods -n prod; sk-1234 is not a key',
      'tokens: 512 input_tokens=20 the pass was good',
      'DE88 3704 0044 0532 0130 00 is not a valid IBAN',
      // Epoch milliseconds that pass Luhn (issuer prefix 1: not a card).
      'ts=1732518000002 id=1000000000009',
      'mkdir -p build && mysqladmin ping',
    ];
    for (const text of plain) expect(masker.text(text)).toBe(text);
  });

  it('masks a whole private key block', () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----`;
    const masked = masker.text(`key:\n${pem}\ndone`);
    expect(masked).not.toContain('MIIE');
    expect(masked.endsWith('\ndone')).toBe(true);
  });

  it('validates card numbers with Luhn and IBANs with mod 97', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE88370400440532013000')).toBe(false);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
  });

  it('stays linear on adversarial input (long runs, many @)', () => {
    const nasty = `${'a'.repeat(200_000)}@${'b.'.repeat(50_000)}`;
    const started = performance.now();
    masker.text(nasty);
    masker.text('1 '.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('masks 1 MB of adversarial input in bounded time, for every rule at once', () => {
    const needles = [...new Set(DEFAULT_DETECTORS.flatMap((d) => d.needles))];
    const fill = (unit: string) => unit.repeat(Math.ceil(1e6 / unit.length)).slice(0, 1e6);
    const inputs = {
      // Every rule's keyword, back to back (one long token run) and as assignments.
      glued: fill(needles.join('')),
      assignments: fill(needles.map((n) => `${n}_x = "${n}`).join(' ')),
      curl: fill('curl -u a:b:c -H "Authorization: x '),
      blocks: fill('-----BEGIN RSA PRIVATE KEY-----\n'),
      emails: fill('a@b.'),
      userinfo: fill('x://a:b:c@'),
      quotes: fill('"password": "\\'),
      jwt: fill('eyJhbGciOiJIUzI1NiJ9.eyJ'),
    };
    for (const [name, text] of Object.entries(inputs)) {
      const started = performance.now();
      masker.text(text);
      expect(performance.now() - started, name).toBeLessThan(5_000);
    }
  }, 60_000);
});

describe('fields and columns', () => {
  const masker = new Masker({ fields: ['internal_notes', /^x-api-/i] });

  it('masks sensitive field names by their words, not by substrings', () => {
    for (const name of [
      'password',
      'PGPASSWORD',
      'api_key',
      'apiKey',
      'card_number',
      'cardNumber',
      'ssn',
      'email',
      'user_email',
      'phone',
      'date_of_birth',
      'Authorization',
      'internal_notes',
      'X-Api-Token',
    ]) {
      expect(masker.sensitiveField(name), name).not.toBeNull();
    }
    for (const name of [
      'author',
      'tokens',
      'input_tokens',
      'session_id',
      'automobile',
      'spam',
      'email_verified',
      'auth_method',
      'card_id',
    ]) {
      expect(masker.sensitiveField(name), name).toBeNull();
    }
  });

  it('masks rows by column and cells by detectors, counting each value', () => {
    const tally = new MaskTally();
    const rows = masker.rows(
      [{ name: 'id' }, { name: 'email' }, { name: 'note' }],
      [
        [1, 'a@acme.test', `card ${SECRETS.card}`],
        [2, null, 'nothing here'],
      ],
      tally,
    );
    expect(rows).toEqual([
      [1, '****', 'card *******************'],
      [2, null, 'nothing here'],
    ]);
    expect(tally.count).toBe(2);
    expect([...tally.names].sort()).toEqual(['card_number', 'email']);
  });

  it('masks tool inputs deeply, without changing the input', () => {
    const input = {
      command: `curl -H "Authorization: Bearer ${SECRETS.github}" https://api.github.com`,
      env: { AWS_SECRET_ACCESS_KEY: 'x'.repeat(40), HOME: '/root' },
      credentials: { user: 'app', nested: ['a', 'b'] },
      count: 3,
    };
    const copy = structuredClone(input);
    const tally = new MaskTally();
    const masked = masker.value(input, tally) as typeof input;
    expect(input).toEqual(copy);
    expect(masked.command).not.toContain(SECRETS.github);
    expect(masked.env).toEqual({ AWS_SECRET_ACCESS_KEY: '****', HOME: '/root' });
    expect(masked.credentials).toEqual({ user: '****', nested: ['****', '****'] });
    expect(masked.count).toBe(3);
    expect(tally.count).toBe(5);
  });

  it('masks tokens used as keys, keeping keys that hold none and keys masked alike apart', () => {
    const other = `ghp_${'Z9y8X7w6V5'.repeat(3)}Z9y8X7`;
    const input = { owners: { [SECRETS.github]: 'alice', [other]: 'bob', plain: 'carol' } };
    const masked = masker.value(input) as { owners: Record<string, string> };
    const json = JSON.stringify(masked);
    expect(json).not.toContain(SECRETS.github.slice(4, 20));
    expect(json).not.toContain(other.slice(4, 20));
    expect(Object.values(masked.owners).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(masked.owners.plain).toBe('carol');
  });
});

describe('streams', () => {
  const masker = new Masker();

  it('finds a secret split across chunks at every split point', () => {
    const line = `export TOKEN=${SECRETS.github} # set\r\n`;
    for (let at = 1; at < line.length; at++) {
      const stream = masker.stream();
      const out = stream.push(line.slice(0, at)) + stream.push(line.slice(at)) + stream.flush();
      expect(out, `split at ${at}`).not.toContain(SECRETS.github.slice(4, 20));
      expect(out).toHaveLength(line.length);
    }
  });

  it('holds an open private key block until its END line', () => {
    const stream = masker.stream();
    let out = stream.push('-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAA\r\n');
    expect(out).toBe('');
    out += stream.push('AAAABG5vbmUAAAAEbm9uZQ\r\n-----END OPENSSH PRIVATE KEY-----\r\n$ ');
    out += stream.flush();
    expect(out).not.toMatch(/b3Bl|AAAAB/);
    expect(out.endsWith('\r\n$ ')).toBe(true);
  });

  it('masks a secret typed one key at a time, with flushes between the keys', () => {
    const stream = masker.stream();
    let out = '';
    for (const key of 'export PGPASSWORD=hunter2 && psql\r\n') {
      out += stream.push(key);
      out += stream.flush(undefined, false); // a pause longer than the flush timer
    }
    out += stream.flush();
    expect(out).toBe('export PGPASSWORD=******* && psql\r\n');
  });

  it('keeps an open private key block through timer flushes', () => {
    const stream = masker.stream();
    let out = stream.push('-----BEGIN RSA PRIVATE KEY-----\r\nMIIEowIBAAKCAQEA7');
    out += stream.flush(undefined, false);
    expect(out).toBe('');
    out += stream.push('xyz\r\n-----END RSA PRIVATE KEY-----\r\n');
    out += stream.flush();
    expect(out).not.toMatch(/MIIE|xyz/);
  });

  it('emits complete lines at once and holds only the unfinished one', () => {
    const stream = masker.stream();
    expect(stream.push('total 8\r\ndrwxr-xr-x 2 root\r\n$ ls')).toBe(
      'total 8\r\ndrwxr-xr-x 2 root\r\n',
    );
    expect(stream.pending).toBe(true);
    expect(stream.flush()).toBe('$ ls');
  });
});
