// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell and template references are the data
import { randomText, rng } from '@auditlane/testing/random';
import { describe, expect, it } from 'vitest';
import { Masker } from './masker';

// Made-up values in the formats the providers document (prefix, length, alphabet; the source of
// each format is in formats.ts); the bodies come from a seeded generator, so none is live.
const rnd = randomText(rng(14_2026));
const HEX = '0123456789abcdef';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALNUM = `${UPPER}${LOWER}${DIGITS}`;
const B64URL = `${ALNUM}-_`;
const uuid = () => `${rnd(HEX, 8)}-${rnd(HEX, 4)}-4${rnd(HEX, 3)}-a${rnd(HEX, 3)}-${rnd(HEX, 12)}`;

const ESC = '\x1b';
/** Every string of a JSON value, joined. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

/** The places a value reaches the masker with nothing but the value saying it is a secret. */
const NEUTRAL: Record<string, (m: Masker, v: string) => string> = {
  'a log line': (m, v) => m.text(`${ESC}[32mINFO${ESC}[0m response body: ${v} (200, 12 ms)\r\n`),
  'a stream cut inside it': (m, v) => {
    const line = `${ESC}[32mINFO${ESC}[0m response body: ${v} (200, 12 ms)\r\n`;
    const at = line.indexOf(v) + Math.floor(v.length / 2);
    const s = m.stream();
    return s.push(line.slice(0, at)) + s.push(line.slice(at)) + s.flush();
  },
  'a JSON input': (m, v) =>
    strings(
      m.value({ url: 'https://api.example.com/v1', body: { data: v, items: [{ note: v }] } }),
    ).join('\n'),
  'a line of its own in a tool output': (m, v) =>
    strings(m.value({ content: [{ type: 'text', text: `Created.\n${v}\n` }] })).join('\n'),
  'a cell and prose in a cell': (m, v) =>
    strings(
      m.rows(
        [{ name: 'id' }, { name: 'value' }, { name: 'note' }],
        [[42, v, `rotated to ${v} yesterday`]],
      ),
    ).join('\n'),
  'an export': (m, v) => m.text(`export FOO=${v}`),
};

function leaked(out: string, secret: string): boolean {
  // Any 8 characters of the secret's random part left visible.
  for (let i = 0; i + 8 <= secret.length; i += 4) {
    const piece = secret.slice(i, i + 8);
    if (/[0-9]/.test(piece) && out.includes(piece)) return true;
  }
  return false;
}

describe('tokens standing alone in prose or on a line of their own', () => {
  const masker = new Masker();
  // Formats with a rule or a random body, which were found after `key: ` but not in prose.
  const tokens: Record<string, string> = {
    xai: `xai-${rnd(ALNUM, 80)}`,
    replicate: `r8_${rnd(ALNUM, 37)}`,
    nvidia: `nvapi-${rnd(B64URL, 64)}`,
    pinecone: `pcsk_${rnd(ALNUM, 5)}_${rnd(ALNUM, 60)}`,
    'docker hub pat': `dckr_pat_${rnd(B64URL, 27)}`,
    'google client secret': `GOCSPX-${rnd(B64URL, 28)}`,
    'google access token': `ya29.${rnd(B64URL, 120)}`,
    contentful: `CFPAT-${rnd(B64URL, 43)}`,
    'a bare 40-character token': rnd(ALNUM, 40),
  };
  it.each(Object.entries(tokens))('masks a %s token in a tool output and in a cell', (_n, v) => {
    const out = strings(masker.value({ content: [{ type: 'text', text: `Created.\n${v}\n` }] }));
    expect(out).toEqual(['content', 'type', 'text', 'text', `Created.\n${'*'.repeat(v.length)}\n`]);
    const [row] = masker.rows([{ name: 'note' }], [[`rotated to ${v} yesterday.`]]);
    expect(row).toEqual([`rotated to ${'*'.repeat(v.length)} yesterday.`]);
  });
});

describe('provider formats in every context', () => {
  const masker = new Masker();
  const families: Record<string, string> = {
    'AWS AppSync': `da2-${rnd(`${LOWER}${DIGITS}`, 26)}`,
    'Stripe webhook secret': `whsec_${rnd(ALNUM, 32)}`,
    OpenRouter: `sk-or-v1-${rnd(HEX, 64)}`,
    Groq: `gsk_${rnd(ALNUM, 52)}`,
    'Hugging Face (letters and digits)': `hf_${rnd(ALNUM, 34)}`,
    LangSmith: `lsv2_pt_${rnd(HEX, 32)}_${rnd(HEX, 10)}`,
    NuGet: `oy2${rnd(`${LOWER}${DIGITS}`, 43)}`,
    Mailgun: `key-${rnd(`${LOWER}${DIGITS}`, 32)}`,
    Mailchimp: `${rnd(HEX, 32)}-us21`,
    'Vault recovery token': `hvr.${rnd(B64URL, 24)}`,
    Atlassian: `ATATT3xFfGF0${rnd(B64URL, 180)}`,
    CircleCI: `CCIPAT_${rnd(ALNUM, 22)}_${rnd(HEX, 40)}`,
    Buildkite: `bkua_${rnd(HEX, 40)}`,
    Figma: `figd_${rnd(B64URL, 40)}`,
    Flutterwave: `FLWSECK-${rnd(HEX, 32)}-X`,
    HubSpot: `pat-na1-${uuid()}`,
    LaunchDarkly: `api-${uuid()}`,
    'New Relic user key': `NRAK-${rnd(`${UPPER}${DIGITS}`, 27)}`,
    'Notion (legacy)': `secret_${rnd(ALNUM, 43)}`,
    PostHog: `phx_${rnd(ALNUM, 43)}`,
    SonarCloud: `sqa_${rnd(HEX, 40)}`,
    Supabase: `sbp_${rnd(HEX, 40)}`,
    Telegram: `${rnd(DIGITS, 10)}:AA${rnd(B64URL, 33)}`,
    Typeform: `tfp_${rnd(B64URL, 44)}_${rnd(B64URL, 14)}`,
    'Adafruit IO': `aio_${rnd(ALNUM, 28)}`,
    'Airtable (without its name)': `pat${rnd(ALNUM, 14)}.${rnd(HEX, 64)}`,
    Zoho: `1000.${rnd(HEX, 32)}.${rnd(HEX, 32)}`,
    'Bitbucket Data Center (base64 body)': `BBDC-${rnd(`${ALNUM}+/`, 44)}`,
    'Sentry organization token': `sntrys_eyJ${rnd(`${ALNUM}+/`, 120)}==_${rnd(`${ALNUM}+/`, 43)}`,
    'Discord webhook': `https://discord.com/api/webhooks/${rnd(DIGITS, 18)}/${rnd(B64URL, 68)}`,
    'Teams webhook': `https://contoso.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${rnd(HEX, 32)}/${uuid()}`,
    'Zapier webhook': `https://hooks.zapier.com/hooks/catch/${rnd(DIGITS, 7)}/${rnd(`${LOWER}${DIGITS}`, 6)}/`,
  };
  for (const [context, place] of Object.entries(NEUTRAL))
    it.each(Object.entries(families))(`masks %s in ${context}`, (_n, v) => {
      const out = place(masker, v);
      expect(leaked(out, v), out).toBe(false);
    });

  it('masks the Id and Secret of an Azure connection string, keeping its endpoint', () => {
    const id = `${rnd(ALNUM, 4)}-l0-s0:${rnd(ALNUM, 20)}`;
    const secret = `${rnd(ALNUM, 43)}=`;
    const value = `Endpoint=https://shop.azconfig.io;Id=${id};Secret=${secret}`;
    for (const place of Object.values(NEUTRAL)) {
      const out = place(masker, value);
      expect(out).toContain('Endpoint=https://shop.azconfig.io;Id=');
      expect(out).not.toContain(id.slice(-12));
      expect(out).not.toContain(secret.slice(0, 12));
    }
  });
});

describe('keyword families under their names', () => {
  const masker = new Masker();
  const named: [string, string][] = [
    ['AZURE_DEVOPS_PAT', rnd('abcdefghijklmnopqrstuvwxyz234567', 52)],
    ['DATADOG_APP_KEY', rnd(HEX, 40)],
    ['ALGOLIA_ADMIN_KEY', rnd(HEX, 32)],
  ];
  it.each(named)('masks %s as an env var, a JSON key and a column', (name, v) => {
    expect(masker.text(`export ${name}=${v}`)).toBe(`export ${name}=${'*'.repeat(v.length)}`);
    expect(masker.text(`loaded ${name}=${v} from .env`)).not.toContain(v);
    expect(masker.value({ env: { [name]: v } })).toEqual({ env: { [name]: '****' } });
    expect(masker.rows([{ name: name.toLowerCase() }], [[v]])).toEqual([['****']]);
  });

  it('masks a flag value that starts with a dash, and a password after Bearer', () => {
    const token = `-${rnd(B64URL, 31)}`;
    expect(masker.text(`deploy-tool push --api-key ${token} --region eu-west-1`)).toBe(
      `deploy-tool push --api-key ${'*'.repeat(token.length)} --region eu-west-1`,
    );
    const password = `Pa$$w0rd!${rnd(ALNUM, 6)}#x`;
    expect(masker.text(`curl -H "Authorization: Bearer ${password}" https://api.example.com`)).toBe(
      `curl -H "Authorization: Bearer ${'*'.repeat(password.length)}" https://api.example.com`,
    );
  });
});

describe('ordinary output, examples and placeholders are kept', () => {
  const masker = new Masker();

  it('keeps docker digests, file listings, SSH public keys and PEM lines', () => {
    const digest = rnd(HEX, 64);
    const lines = [
      `api   v2.6.1   sha256:${digest}   ${digest.slice(0, 12)}   3 days ago   188MB`,
      `ghcr.io/acme/api@sha256:${digest}`,
      'lrwxrwxrwx 1 root root 20 Mar 22  2023 libEGL_mesa.so.0 -> libEGL_mesa.so.0.0.0',
      '-rw-r--r-- 1 root root 43160 Jan  3  2023 libGLdispatch.so.0.0.0',
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${rnd(ALNUM, 43)} ann@laptop`,
      'bench: URLs are not placed after --api-key or Bearer',
      'auditlane serve --signing-key key.pem --port 8080',
      'Controlled By:  ReplicaSet/api-6b9f7c8d54',
    ];
    for (const line of lines) expect(masker.text(line), line).toBe(line);
    // A PEM body, whole and a line at a time (the last line is shorter).
    const body = [rnd(ALNUM, 64), rnd(ALNUM, 64), rnd(ALNUM, 40)];
    const pem = `-----BEGIN CERTIFICATE-----\n${body.join('\n')}\n-----END CERTIFICATE-----`;
    expect(masker.text(pem)).toBe(pem);
    for (const line of body) expect(masker.text(line)).toBe(line);
  });

  it('keeps documented examples and placeholders in every context', () => {
    const values = [
      // jwt.io's example token; Stripe's documented test key.
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
      `github_pat_${'X'.repeat(22)}_${'X'.repeat(59)}`,
      'xoxb-XXXXXXXXXXXX-XXXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX',
      `AIzaSy${'X'.repeat(33)}`,
      `SG.${'x'.repeat(22)}.${'x'.repeat(43)}`,
      'xoxb-your-bot-token',
      'REPLACE_ME',
      '$USER:$PASS',
      '${{ secrets.NPM_TOKEN }}',
      '{{ .Values.apiKey }}',
      'process.env.STRIPE_SECRET_KEY',
      'os.environ["OPENAI_API_KEY"]',
      'request.headers["apikey"]',
      'get_secret_key()',
      '$(cat /run/secrets/db_password)',
      '{password}',
    ];
    const places: ((v: string) => string)[] = [
      (v) => masker.text(`response body: ${v} (200)`),
      (v) => masker.text(`export FOO="${v}"`),
      (v) => masker.text(`deploy-tool push --api-key ${v} --region eu-west-1`),
      (v) => masker.text(`curl -sS -H "Authorization: Bearer ${v}" https://api.example.com/v1/me`),
      (v) => JSON.stringify(masker.value({ body: { data: v, note: `see ${v}` } })),
    ];
    for (const v of values) for (const place of places) expect(place(v), v).not.toContain('*');
  });
});

describe('a real token is never taken for a placeholder', () => {
  const masker = new Masker();
  it('masks a random value that a call or an index follows, or that holds runs of x', () => {
    const token = rnd(ALNUM, 40);
    expect(masker.text(`deploy --api-key ${token}(retry)`)).not.toContain(token);
    expect(masker.text(`Authorization: Bearer ${token}[0]`)).not.toContain(token);
    const withX = `ghp_${rnd(ALNUM, 16)}xxxx${rnd(ALNUM, 16)}`;
    expect(masker.text(`using ${withX} now`)).not.toContain(withX);
  });
});

describe('URL credentials as a value', () => {
  const masker = new Masker();
  it('masks the password and keeps the host wherever the URL is placed', () => {
    const url = `postgres://app:${rnd(ALNUM, 16)}@db.internal.example.com:5432/prod`;
    const password = url.slice(url.indexOf(':', 12) + 1, url.indexOf('@'));
    const outs = [
      masker.text(`echo ${url} | gh auth login --with-token`),
      masker.text(`deploy-tool push --api-key ${url} --region eu-west-1`),
      masker.text(`curl -H "Authorization: Bearer ${url}" https://api.example.com`),
      masker.text(`GET https://api.example.com/v1/status?key=${encodeURIComponent(url)}&verbose=1`),
    ];
    for (const out of outs) {
      expect(out).not.toContain(password);
      expect(out).toContain('db.internal.example.com');
    }
  });
});
