// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell and template references are the data
import { randomText, rng } from '@auditlane/testing/random';
import { describe, expect, it } from 'vitest';
import { Masker, MaskTally } from './masker';

// Made-up values in the formats the providers document (prefix, length, alphabet); the bodies
// come from a seeded generator, so none of them is live and none is copied from a rule file.
const rnd = randomText(rng(20261201));
const HEX = '0123456789abcdef';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `ABCDEFGHIJKLMNOPQRSTUVWXYZ${LOWER}0123456789`;
const B64URL = `${ALNUM}-_`;

/** Families the issue names as reaching the server verbatim, in their documented shapes. */
const PROVIDERS: Record<string, string> = {
  // Twilio API key SID: SK + 32 hex.
  twilio: `SK${rnd(HEX, 32)}`,
  // SendGrid: SG.<22>.<43>, base64url.
  sendgrid: `SG.${rnd(B64URL, 22)}.${rnd(B64URL, 43)}`,
  // Azure AD (Entra) client secret: 3 characters, a digit, Q~, then 31 more.
  azure: `${rnd(ALNUM, 3)}8Q~${rnd(ALNUM, 31)}`,
  // Heroku's current API keys: HRKU-AA + 58.
  heroku: `HRKU-AA${rnd(B64URL, 58)}`,
  // Shopify admin API access token: shpat_ + 32 hex.
  shopify: `shpat_${rnd(HEX, 32)}`,
  // Databricks personal access token: dapi + 32 hex.
  databricks: `dapi${rnd(HEX, 32)}`,
  // HashiCorp Vault service token: hvs. + about 95 characters.
  vault: `hvs.CAESI${rnd(B64URL, 90)}`,
  // Hugging Face user access token: hf_ + 34 letters.
  huggingface: `hf_${rnd(`${LOWER}ABCDEFGHIJKLMNOPQRSTUVWXYZ`, 34)}`,
  // DigitalOcean personal access token: dop_v1_ + 64 hex.
  digitalocean: `dop_v1_${rnd(HEX, 64)}`,
};

/** GitLab's token prefixes (GitLab's token overview). */
const GITLAB: Record<string, string> = {
  'feed token': `glft-${rnd(B64URL, 20)}`,
  'CI/CD job token': `glcbt-64_${rnd(ALNUM, 20)}`,
  'incoming mail token': `glimt-${rnd(ALNUM, 25)}`,
  'OAuth application secret': `gloas-${rnd(ALNUM, 64)}`,
  'SCIM token': `glsoat-${rnd(ALNUM, 20)}`,
  'agent token': `glagent-${rnd(ALNUM, 50)}`,
  'feature flags client token': `glffct-${rnd(ALNUM, 20)}`,
  'runner registration token': `GR1348941${rnd(ALNUM, 20)}`,
};

describe('token families beyond the hand-kept twelve', () => {
  const masker = new Masker();

  it.each(Object.entries(PROVIDERS))('masks a %s key in plain output', (_name, secret) => {
    const tally = new MaskTally();
    const line = `using ${secret} for requests`;
    const masked = masker.text(line, tally);
    expect(masked).toBe(`using ${'*'.repeat(secret.length)} for requests`);
    expect(tally.count).toBe(1);
  });

  it.each(Object.entries(GITLAB))('masks a GitLab %s whole', (_name, secret) => {
    const masked = masker.text(`token ${secret} ok`);
    expect(masked).toBe(`token ${'*'.repeat(secret.length)} ok`);
  });

  it('masks the _gitlab_session cookie', () => {
    const value = rnd(HEX, 32);
    const masked = masker.text(`curl -b _gitlab_session=${value} https://gitlab.example.com`);
    expect(masked).not.toContain(value);
    expect(masked).toContain('https://gitlab.example.com');
  });

  it('masks routable GitLab tokens with their suffix', () => {
    // <prefix><random>.<version>.<crc>, the routable format GitLab 17 issues.
    for (const token of [
      `glpat-${rnd(B64URL, 27)}.01.${rnd(`${LOWER}0123456789`, 9)}`,
      `glrt-t1_${rnd(B64URL, 27)}.01.${rnd(`${LOWER}0123456789`, 9)}`,
    ]) {
      const masked = masker.text(`export CI_TOKEN_X ${token} # set`);
      expect(masked).toBe(`export CI_TOKEN_X ${'*'.repeat(token.length)} # set`);
    }
  });

  it('masks a Slack webhook URL whole', () => {
    const url = `https://hooks.slack.com/services/T${rnd(ALNUM, 10).toUpperCase()}/B${rnd(ALNUM, 10).toUpperCase()}/${rnd(ALNUM, 24)}`;
    const masked = masker.text(`posting to ${url} now`);
    expect(masked).toBe(`posting to ${'*'.repeat(url.length)} now`);
  });

  it('masks a token longer than 512 characters to its end', () => {
    const long = `ghp_${rnd(ALNUM, 700)}`;
    const value = rnd(ALNUM, 900);
    expect(masker.text(`${long} tail`)).toBe(`${'*'.repeat(long.length)} tail`);
    expect(masker.text(`API_TOKEN=${value} tail`)).toBe(`API_TOKEN=${'*'.repeat(900)} tail`);
  });
});

describe('credentials in URLs', () => {
  const masker = new Masker();

  it('masks the password and keeps scheme, user, host, port and path', () => {
    const cases: [string, string][] = [
      ['redis://:s3cr3tPw@cache:6379/0', 'redis://:********@cache:6379/0'],
      [
        'postgres://app:Tr0ub4dor@db.internal.example.com:5432/prod',
        'postgres://app:*********@db.internal.example.com:5432/prod',
      ],
      ['amqp://guest:rabbit!pw@mq:5672/vhost', 'amqp://guest:*********@mq:5672/vhost'],
      [
        'mongodb+srv://svc:Zk8qL2mN@cluster0.example.net/db?retryWrites=true',
        'mongodb+srv://svc:********@cluster0.example.net/db?retryWrites=true',
      ],
      ['https://ann:hunter22@example.com/x', 'https://ann:********@example.com/x'],
      ['mysql://root:p@ss@db:3306', 'mysql://root:****@db:3306'],
    ];
    for (const [url, expected] of cases)
      expect(masker.text(`url=${url} end`)).toBe(`url=${expected} end`);
  });

  it('masks the user part when it is a token, keeping the host', () => {
    const token = `ghp_${rnd(ALNUM, 36)}`;
    expect(masker.text(`git clone https://${token}@github.com/org/repo.git`)).toBe(
      `git clone https://${'*'.repeat(token.length)}@github.com/org/repo.git`,
    );
    const random = rnd(ALNUM, 32);
    expect(masker.text(`https://${random}:x-oauth-basic@git.example.com/r`)).not.toContain(random);
  });

  it('masks API keys in query strings, also URL-encoded, to their end', () => {
    const key = `${rnd(ALNUM, 12)}+${rnd(ALNUM, 12)}/${rnd(ALNUM, 14)}=`;
    const encoded = encodeURIComponent(key);
    expect(masker.text(`GET https://maps.example.com/api?key=${encoded}&v=3 200`)).toBe(
      `GET https://maps.example.com/api?key=${'*'.repeat(encoded.length)}&v=3 200`,
    );
    const token = `ghp_${rnd(ALNUM, 20)}%2B${rnd(ALNUM, 16)}`;
    expect(masker.text(`https://x.example.com/?t=${token} ok`)).toBe(
      `https://x.example.com/?t=${'*'.repeat(token.length)} ok`,
    );
    // Ordinary parameters stay: sort keys, page numbers, short codes.
    const plain =
      'https://shop.example.com/list?sort_key=created_at_desc&page=2&code=US&q=usb+cable%20black';
    expect(masker.text(plain)).toBe(plain);
  });

  it('masks secret query parameters and keeps the rest of the URL', () => {
    const sig = rnd(ALNUM, 43);
    const masked = masker.text(
      `GET https://acct.blob.example.net/c/f.txt?sv=2022-11-02&se=2026-12-01&sig=${sig}%3D&sp=r`,
    );
    expect(masked).not.toContain(sig);
    expect(masked).toContain(
      'https://acct.blob.example.net/c/f.txt?sv=2022-11-02&se=2026-12-01&sig=',
    );
    expect(masked).toContain('&sp=r');
    const at = rnd(ALNUM, 40);
    expect(masker.text(`https://x.example.com/cb#access_token=${at}&expires_in=3600`)).toBe(
      `https://x.example.com/cb#access_token=${'*'.repeat(40)}&expires_in=3600`,
    );
  });
});

describe('values by entropy and by their name', () => {
  const masker = new Masker();

  it('masks a random value assigned to any name, as JSON, an argument or a header', () => {
    const v = rnd(ALNUM, 32);
    for (const line of [
      `SERVICE_CONFIG=${v}`,
      `{"name": "svc", "value": "${v}"}`,
      `deploy --seed ${v} --fast`,
      `curl -H "X-Custom-Auth: ${v}" https://api.example.com`,
      `https://api.example.com/v1?u=ann&k=${v}`,
      `{"msg": "{\\"password\\": \\"hunter22\\"}"}`,
      `Authorization: ${rnd(ALNUM, 24)}`,
      `X_CONFIG: ${rnd(`${LOWER}0123456789`, 32)}`,
    ])
      expect(masker.text(line), line).not.toContain(v);
  });

  it('masks values of secret-named keys and flags whatever their entropy', () => {
    expect(masker.text('client_secret: abc123')).toBe('client_secret: ******');
    expect(masker.text('app --api-key letmein --verbose')).toBe('app --api-key ******* --verbose');
    expect(masker.text('PRIVATE-TOKEN: s3cret-val')).toBe('PRIVATE-TOKEN: **********');
    expect(masker.text('sshpass -p hunter2 ssh ops@host')).toContain('-p ******* ssh');
    expect(masker.text('aws configure set aws_secret_access_key q8Rt2Vb6 --profile x')).toBe(
      'aws configure set aws_secret_access_key ******** --profile x',
    );
    expect(masker.text('redis-cli -h cache -a s3cr3tpw ping')).toBe(
      'redis-cli -h cache -a ******** ping',
    );
    expect(masker.text('echo "hunter22" | docker login -u ci --password-stdin')).toBe(
      'echo "********" | docker login -u ci --password-stdin',
    );
    const t = rnd(ALNUM, 30);
    expect(masker.text(`echo ${t} | base64 -d`)).toBe(`echo ${'*'.repeat(30)} | base64 -d`);
    expect(masker.text('echo hello-world | wc -c')).toBe('echo hello-world | wc -c');
    expect(masker.text('Authorization: Bearer abc.def-ghi_123')).toBe(
      'Authorization: Bearer ***************',
    );
    expect(masker.text('"{\\"api_key\\":\\"s3cr3t\\"}"')).toBe('"{\\"api_key\\":\\"******\\"}"');
    // Short values of ambiguous names are kept: auth: ok, sig=1.
    expect(masker.text('auth: ok sig=1 session_id=42')).toBe('auth: ok sig=1 session_id=42');
  });

  it('masks whole JSON string values and cells that look random', () => {
    const v = rnd(ALNUM, 40);
    const tally = new MaskTally();
    expect(masker.value({ id: 3, blob: v, note: 'fine' }, tally)).toEqual({
      id: 3,
      blob: '****',
      note: 'fine',
    });
    expect(masker.rows([{ name: 'k' }], [[v]], tally)).toEqual([['****']]);
    expect([...tally.names]).toEqual(['high_entropy']);
  });

  it('keeps ordinary output: hashes, UUIDs, paths, versions, base64 images, listings', () => {
    const plain = [
      'commit 3f2a9c1e7b4d4e8a9f1c2d3e4f5a6b7c8d9e0f1a',
      'Merge: 1a2b3c4 5d6e7f8',
      'request_id=3f2a9c1e-7b4d-4e8a-9f1c-2d3e4f5a6b7c version=1.24.3-beta.4+build.20261201',
      `image: registry.example.com/app@sha256:${rnd(HEX, 64)}`,
      '-rw-r--r-- 1 root root 4096 Nov 25 06:00 /usr/lib/x86_64-linux-gnu/libssl.so.3',
      'src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="',
      'path=/api/v1/orders status=200 duration_ms=12 handler=OrdersController.listOrdersForCustomer',
      'git remote -v: origin git@github.com:org/repo.git (fetch)',
      'tokens: 512 input_tokens=20 max_tokens=4096 key=name sort_key=created_at',
      'Authentication-Results: mx.example.com; spf=pass',
      '{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "Bash"}',
      'event id=01ARZ3NDEKTSV4RRFFQ69G5FAV package=requests-2.32.3-py3-none-any.whl',
      `"integrity": "sha512-${rnd(`${ALNUM}+/`, 86)}=="`,
      `golang.org/x/text v0.21.0 h1:${rnd(`${ALNUM}+/`, 43)}=`,
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${rnd(`${ALNUM}+/`, 43)} ann@laptop`,
    ];
    for (const text of plain) expect(masker.text(text), text).toBe(text);
  });
});

describe('placeholders and examples', () => {
  const masker = new Masker();

  it('keeps documentation examples, placeholders, variable references and masked values', () => {
    const kept = [
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      `GITHUB_TOKEN=ghp_${'x'.repeat(36)}`,
      `token ghp_${'0'.repeat(36)}`,
      'curl -u "$USER:$PASS" https://api.example.com',
      'curl -u "${USER}:${PASS}" https://api.example.com',
      'export API_KEY=$API_KEY',
      'password: "${DB_PASSWORD}"',
      'token: <token>',
      'api_key=your-api-key',
      'PASSWORD=changeme',
      'secret=***',
      'TOKEN=[REDACTED]',
      'Authorization: Bearer <token>',
      'postgres://user:password@localhost:5432/db',
      'docker login -p $REGISTRY_PASSWORD registry.example.com',
    ];
    for (const text of kept) expect(masker.text(text), text).toBe(text);
  });
});
